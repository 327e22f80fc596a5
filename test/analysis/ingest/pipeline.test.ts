/** Pipeline (selection, species filter, time axis, option errors), format detection, Arrow write/read round trip. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTrajectory, readArrowTrajectory } from '../../../analysis/ingest/arrow-reader.js';
import { META_KEYS } from '../../../analysis/ingest/arrow-schema.js';
import { convertToArrow } from '../../../analysis/ingest/arrow-writer.js';
import { detectFormat, detectFromLines } from '../../../analysis/ingest/detect.js';
import { dataPath, makeTempDir } from './vasp-helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());
const KINISI = dataPath('kinisi/example_XDATCAR.gz');
const LGPS = dataPath('lgps-aimd/XDATCAR_LGPS_600K.gz');
const TIME = { timestep_fs: 2, nblock: 50 };

describe('ingestion pipeline', () => {
  it('time axis from --timestep-fs × --nblock; dt, stride and temperature in the metadata', async () => {
    const { trajectory: t } = await loadTrajectory(KINISI, { ...TIME, temperature_K: 500 });
    expect(t.meta).toMatchObject({ sourceFormat: 'xdatcar', timestep_fs: 2, frameStride: 50, temperature_K: 500 });
    expect(Math.abs(t.meta.dt_ps! - 0.1)).toBeLessThan(1e-15);
    expect(t.time_ps[139]).toBeCloseTo(13.9, 12);
    expect(t.step[139]).toBe(139 * 50);
  });

  it('--first/--last/--every select frames of the fully unwrapped trajectory', async () => {
    const full = (await loadTrajectory(LGPS, { timestep_fs: 2, nblock: 10 })).trajectory;
    const sub = (await loadTrajectory(LGPS, { timestep_fs: 2, nblock: 10, first: 100, last: 900, every: 50 })).trajectory;
    expect(sub.nFrames).toBe(17);
    const m = 3 * full.nAtoms;
    for (let k = 0; k < sub.nFrames; k++) {
      const f = 100 + 50 * k;
      // Positions equal up to the constant lattice shift of the different starting frame: compare displacements.
      for (let i = 0; i < m; i++) {
        const dSub = sub.positions_A[k * m + i] - sub.positions_A[i];
        const dFull = full.positions_A[f * m + i] - full.positions_A[100 * m + i];
        expect(Math.abs(dSub - dFull)).toBeLessThan(1e-9);
      }
      expect(sub.time_ps[k]).toBeCloseTo(full.time_ps[f], 12);
    }
    expect(sub.meta.frameStride).toBe(500);
    expect(sub.meta.dt_ps).toBeCloseTo(1.0, 12);
  });

  it('--species keeps those atoms (with their source indices)', async () => {
    const r = await loadTrajectory(LGPS, { timestep_fs: 2, nblock: 10, species: ['Li'] });
    expect(r.trajectory.nAtoms).toBe(20);
    expect(new Set(r.trajectory.species)).toEqual(new Set(['Li']));
    expect(r.atomIndex).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const s = await loadTrajectory(LGPS, { timestep_fs: 2, nblock: 10, species: ['S', 'Ge'] });
    expect(s.trajectory.nAtoms).toBe(26);
    expect(s.atomIndex.slice(0, 3)).toEqual([20, 21, 26]);
  });

  it('file time steps: vasprun POTIM (1 step per frame), OUTCAR POTIM', async () => {
    const v = (await loadTrajectory(dataPath('dpdata/Ti-aimd-nwrite0.vasprun.xml'))).trajectory;
    expect(v.meta).toMatchObject({ timestep_fs: 2, frameStride: 1, temperature_K: 500 });
    expect(v.time_ps[9]).toBeCloseTo(0.018, 12);
    const o = (await loadTrajectory(dataPath('dpdata/OUTCAR.ch4.ml'))).trajectory;
    expect(o.meta.dt_ps).toBeCloseTo(0.001, 15);
  });

  it('a missing time step is an error naming the flags', async () => {
    await expect(loadTrajectory(KINISI)).rejects.toThrow(
      `${KINISI}: time step unknown: xdatcar does not store it; pass --timestep-fs <fs> (MD time step, POTIM) and --nblock <n> (MD steps between stored frames, NBLOCK)`,
    );
    await expect(loadTrajectory(KINISI, { timestep_fs: 2 })).rejects.toThrow(
      'time step unknown: xdatcar does not store it; pass --nblock <n> (MD steps between stored frames, NBLOCK)',
    );
    await expect(loadTrajectory(dataPath('lammps-lj/lj_li_wrapped.lammpstrj'), { typeNames: ['Li'] })).rejects.toThrow(
      'time step unknown: the file gives MD steps but not the time step; pass --timestep-fs <fs> (MD time step)',
    );
    const l = await loadTrajectory(dataPath('lammps-lj/lj_li_wrapped.lammpstrj'), { typeNames: ['Li'], timestep_fs: 2 });
    expect(l.trajectory.meta.dt_ps).toBeCloseTo(0.04, 12);
  });

  it('option errors name the flag', async () => {
    await expect(loadTrajectory(KINISI, { ...TIME, every: 0 })).rejects.toThrow('--every: expected an integer ≥ 1, found 0');
    await expect(loadTrajectory(KINISI, { ...TIME, first: 5, last: 2 })).rejects.toThrow('--last: expected a frame index ≥ --first (5), found 2');
    await expect(loadTrajectory(KINISI, { ...TIME, first: 500 })).rejects.toThrow('--first: expected a frame index below the 140 stored frames, found 500');
    await expect(loadTrajectory(KINISI, { ...TIME, species: ['Sb'] })).rejects.toThrow(
      '--species: expected species present in the file (Li, Cl, S, P), found Sb',
    );
    await expect(loadTrajectory(KINISI, { timestep_fs: -1, nblock: 1 })).rejects.toThrow('--timestep-fs: expected a positive number, found -1');
    await expect(loadTrajectory(KINISI, { ...TIME, temperature_K: -3 })).rejects.toThrow('--temperature: expected a temperature ≥ 0 K, found -3');
  });
});

describe('format detection', () => {
  it('detects every format from content', async () => {
    const cases: [string, string][] = [
      ['kinisi/example_XDATCAR.gz', 'xdatcar'],
      ['pymatgen/XDATCAR_4', 'xdatcar'],
      ['dpdata/vasprun.h2o.md.xml', 'vasprun'],
      ['dpdata/OUTCAR.ch4.ml', 'outcar'],
      ['dpdata/Ti-aimd-nwrite0.OUTCAR', 'outcar'],
      ['lammps-lj/lj_li_npt_tri.extxyz', 'extxyz'],
      ['kinisi/example_LAMMPS_drift.traj', 'lammps-dump'],
    ];
    for (const [rel, f] of cases) expect(await detectFormat(dataPath(rel))).toBe(f);
    expect(detectFromLines(['2', 'plain xyz comment', 'Li 0 0 0', 'Li 1 1 1'])).toBe('extxyz');
    expect(detectFromLines(['hello', 'world'])).toBeNull();
  });

  it('unknown content and empty files are errors that say what was expected', async () => {
    const junk = path.join(tmp.dir, 'junk.txt');
    writeFileSync(junk, 'hello world\nnot a trajectory\n');
    await expect(detectFormat(junk)).rejects.toThrow(
      `${junk}:1: cannot detect the format: expected XDATCAR, vasprun.xml, OUTCAR, extended XYZ, LAMMPS dump or Arrow, found "hello world" on the first line; pass --format`,
    );
    const empty = path.join(tmp.dir, 'empty');
    writeFileSync(empty, '');
    await expect(detectFormat(empty)).rejects.toThrow(`${empty}:1: expected a trajectory, found an empty file`);
    await expect(detectFormat(path.join(tmp.dir, 'missing'))).rejects.toThrow(`${path.join(tmp.dir, 'missing')}: cannot open: ENOENT`);
  });
});

describe('Arrow round trip', () => {
  it('several record batches: read back equals the in-memory load; metadata complete', async () => {
    const out = path.join(tmp.dir, 'lgps.arrow');
    const res = await convertToArrow(LGPS, out, { timestep_fs: 2, nblock: 10, temperature_K: 600, species: ['Li', 'P'] }, { framesPerBatch: 64 });
    expect(res.nFrames).toBe(1000);
    const back = await readArrowTrajectory(out);
    const mem = (await loadTrajectory(LGPS, { timestep_fs: 2, nblock: 10, temperature_K: 600, species: ['Li', 'P'] })).trajectory;
    expect(back.trajectory.nFrames).toBe(1000);
    expect(back.trajectory.positions_A).toEqual(mem.positions_A);
    expect(back.trajectory.cells_A).toEqual(mem.cells_A);
    expect(back.trajectory.time_ps).toEqual(mem.time_ps);
    expect(back.trajectory.step).toEqual(mem.step);
    expect(back.trajectory.species).toEqual(mem.species);
    expect(back.atomIndex).toEqual([...Array.from({ length: 20 }, (_, i) => i), 22, 23, 24, 25]);
    expect(back.trajectory.meta).toEqual({ ...mem.meta, sourceFile: LGPS });
    expect(back.trajectory.meta).toMatchObject({ sourceFormat: 'xdatcar', timestep_fs: 2, frameStride: 10, temperature_K: 600 });
  });

  it('one record batch: positions are a view into the file buffer (no copy); loadTrajectory reads Arrow too', async () => {
    const out = path.join(tmp.dir, 'kinisi.arrow');
    await convertToArrow(KINISI, out, TIME);
    const { trajectory: t } = await readArrowTrajectory(out);
    expect(t.positions_A.buffer.byteLength).toBeGreaterThan(t.positions_A.byteLength + t.cells_A.byteLength);
    expect(t.positions_A.buffer).toBe(t.cells_A.buffer);
    const viaLoad = await loadTrajectory(out, { species: ['Li'], every: 10 });
    expect(viaLoad.trajectory.nAtoms).toBe(192);
    expect(viaLoad.trajectory.nFrames).toBe(14);
    expect(viaLoad.trajectory.meta.frameStride).toBe(500);
    expect(viaLoad.trajectory.positions_A[3 * 192]).toBe(t.positions_A[10 * 3 * 416]);
  });

  it('step is null when the file has none and time is unknown (allowMissingTime)', async () => {
    const out = path.join(tmp.dir, 'nostep.arrow');
    await convertToArrow(dataPath('pymatgen/XDATCAR_4'), out, { allowMissingTime: true });
    const { trajectory: t } = await readArrowTrajectory(out);
    expect(Number.isNaN(t.step[0])).toBe(true);
    expect(t.meta.dt_ps).toBeNull();
  });

  it('an output path that cannot be written is an InputError naming it (not an unhandled rejection)', async () => {
    const out = path.join(tmp.dir, 'no-such-folder', 'x.arrow');
    await expect(convertToArrow(dataPath('pymatgen/XDATCAR_4'), out, { allowMissingTime: true })).rejects.toThrow(
      `${out}: cannot write the Arrow file: ENOENT`,
    );
  });

  it('reader errors: not Arrow, Arrow without the liflux schema', async () => {
    await expect(readArrowTrajectory(dataPath('pymatgen/XDATCAR_4'))).rejects.toThrow(/XDATCAR_4: expected an Arrow IPC file, found unreadable content/);
    const foreign = path.join(tmp.dir, 'foreign.arrow');
    writeFileSync(foreign, tableToIPC(tableFromArrays({ x: new Float64Array([1, 2]) }), 'file'));
    await expect(readArrowTrajectory(foreign)).rejects.toThrow(`${foreign}: expected a liflux trajectory (schema metadata ${META_KEYS.schemaVersion}), found none`);
  });
});

describe('describeTrajectory (the info summary)', () => {
  it('variable-cell XDATCAR: volume range from every frame, time unknown, jump measured', async () => {
    const { describeTrajectory } = await import('../../../analysis/ingest/summary.js');
    const s = await describeTrajectory(dataPath('pymatgen/XDATCAR_6'));
    expect(s).toMatchObject({ format: 'xdatcar', n_atoms: 7, n_frames: 4, species: { Fe: 2, O: 4, Ti: 1 }, dt_ps: null, time_span_ps: null });
    // First cell rows (0, 2.095, 2.095), (2.095, 2.095, −4.19), (−4.19, 2.095, −2.095): |det| = 73.560059 (numpy)
    expect(Math.abs(s.volume_A3[0] - 73.560059) / 73.560059).toBeLessThan(1e-9);
    expect(s.volume_A3[1]).toBeGreaterThan(s.volume_A3[0]);
    expect(s.max_jump_fraction).toBeGreaterThan(0);
    expect(s.max_jump_fraction).toBeLessThan(0.25);
    expect(s.warnings).toEqual([]);
  });
});

describe('--every subsamples after unwrapping', () => {
  it('a walker moving 0.3 of the cell per stored frame (0.6 per kept frame with --every 2) is unwrapped exactly', async () => {
    const lines = ['walker', '1.0', '10 0 0', '0 10 0', '0 0 10', 'Li', '1'];
    for (let t = 0; t < 11; t++) {
      const x = 0.05 + 0.3 * t;
      lines.push(`Direct configuration= ${t + 1}`, `${(x - Math.floor(x)).toFixed(8)} 0.5 0.5`);
    }
    const file = path.join(tmp.dir, 'walker_XDATCAR');
    writeFileSync(file, lines.join('\n') + '\n');
    const r = await loadTrajectory(file, { timestep_fs: 1, nblock: 1, every: 2 });
    const t = r.trajectory;
    expect(t.nFrames).toBe(6);
    for (let k = 0; k < 6; k++) expect(Math.abs(t.positions_A[3 * k] - 10 * (0.05 + 0.6 * k))).toBeLessThan(1e-9);
    expect(r.ingest?.maxJumpFraction).toBeCloseTo(0.3, 9);
  });
});

describe('species consistency between frames', () => {
  const xyz = (names: string[]): string =>
    `${names.length}\nLattice="10 0 0 0 10 0 0 0 10" Properties=species:S:1:pos:R:3 pbc="T T T" time=0\n` +
    names.map((s, i) => `${s} ${i + 1}.0 1.0 1.0`).join('\n') +
    '\n';

  it('same atom count but a different species order is an InputError naming file:line and frame', async () => {
    const f = path.join(tmp.dir, 'species-swap.xyz');
    writeFileSync(f, xyz(['Li', 'Li', 'S']) + xyz(['Li', 'S', 'Li']));
    // Frame 1 starts at line 6 (2 header lines + 3 atoms per frame); atom 1 changes from Li to S.
    await expect(loadTrajectory(f, { timestep_fs: 1 })).rejects.toThrow(
      `${f}:6: frame 1: expected the species of the first frame for every atom, found atom 1 is S (was Li); same atom count, different species order or content`,
    );
  });

  it('a new but equal species array is accepted', async () => {
    const f = path.join(tmp.dir, 'species-same.xyz');
    writeFileSync(f, xyz(['Li', 'S', 'Li']) + xyz(['Li', 'S', 'Li']) + xyz(['Li', 'S', 'Li']));
    const { trajectory: t } = await loadTrajectory(f, { timestep_fs: 1 });
    expect(t.nFrames).toBe(3);
    expect(t.species).toEqual(['Li', 'S', 'Li']);
  });
});

describe('a half-written last line (no line terminator) is truncation for every reader', () => {
  const frame = (step: number) =>
    `ITEM: TIMESTEP\n${step}\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10\nITEM: ATOMS id type xu yu zu\n1 1 1.0 1.0 1.0\n2 1 2.0 2.0 2.0\n`;
  const opts = { timestep_fs: 1, typeNames: ['Li'] };

  it('LAMMPS dump cut inside the next ITEM: line: complete frames + file:line warning; --strict is an error', async () => {
    const f = path.join(tmp.dir, 'cut-item.dump');
    writeFileSync(f, frame(0) + frame(10) + 'ITE');
    const r = await loadTrajectory(f, opts);
    expect(r.trajectory.nFrames).toBe(2);
    expect(r.warnings).toEqual([
      `${f}:23: the last line is incomplete (file truncated?): expected ITEM: TIMESTEP, found "ITE"; kept the 2 complete frames before it`,
    ]);
    await expect(loadTrajectory(f, { ...opts, strict: true })).rejects.toThrow(
      `${f}:23: the last line is incomplete (file truncated?): expected ITEM: TIMESTEP, found "ITE"`,
    );
  });

  it('the same garbled line with its terminator is still garbled content (InputError)', async () => {
    const f = path.join(tmp.dir, 'garbled-item.dump');
    writeFileSync(f, frame(0) + frame(10) + 'ITE\n');
    await expect(loadTrajectory(f, opts)).rejects.toThrow(`${f}:23: expected ITEM: TIMESTEP, found "ITE"`);
  });
});
