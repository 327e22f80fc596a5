/**
 * Property: a corrupted trajectory (truncated, bytes flipped, lines deleted) either loads or fails with InputError —
 * never another exception. 120 cases from a fixed seed (20260501) over samples of every format, plain and gzip.
 * Property (killed run): a file cut at any byte after its first complete frame loads without error (no --strict),
 * keeps a prefix of the frames with identical positions, and every warning is `file:line: …`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../engine/core/errors.js';
import { createRng, type Rng } from '../../../engine/core/rng.js';
import { loadTrajectory } from '../../../analysis/ingest/arrow-reader.js';
import { dataPath, makeTempDir } from './vasp-helpers.js';

const SAMPLES = [
  'pymatgen/XDATCAR_6',
  'pymatgen/XDATCAR_4',
  'kinisi/example_drift.XDATCAR',
  'dpdata/vasprun.h2o.md.xml',
  'dpdata/OUTCAR.h2o.md',
  'dpdata/OUTCAR.ch4.ml',
  'kinisi/example_LAMMPS_drift.traj',
  'dpdata/conf_s_su.dump',
  'mdanalysis/albite_triclinic.dump',
];
const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

function corrupt(buf: Buffer, rng: Rng): { data: Buffer; how: string } {
  const kind = rng.nextInt(3);
  if (kind === 0) {
    const at = rng.nextInt(buf.length);
    return { data: buf.subarray(0, at), how: `truncate at byte ${at}` };
  }
  if (kind === 1) {
    const out = Buffer.from(buf);
    const n = 1 + rng.nextInt(8);
    const where: number[] = [];
    for (let i = 0; i < n; i++) {
      const at = rng.nextInt(out.length);
      out[at] = rng.nextInt(256);
      where.push(at);
    }
    return { data: out, how: `flip bytes ${where.join(',')}` };
  }
  const lines = buf.toString('latin1').split('\n');
  const n = 1 + rng.nextInt(4);
  const del: number[] = [];
  for (let i = 0; i < n; i++) {
    const at = rng.nextInt(lines.length);
    lines.splice(at, 1);
    del.push(at);
  }
  return { data: Buffer.from(lines.join('\n'), 'latin1'), how: `delete lines ${del.join(',')}` };
}

describe('corrupted inputs end in success or InputError only', () => {
  it('120 random corruptions (seed 20260501)', async () => {
    const rng = createRng(20260501);
    const originals = SAMPLES.map((rel) => readFileSync(dataPath(rel)));
    let inputErrors = 0;
    let successes = 0;
    for (let c = 0; c < 120; c++) {
      const s = rng.nextInt(SAMPLES.length);
      const { data, how } = corrupt(originals[s], rng);
      const gz = rng.nextInt(4) === 0;
      const file = path.join(tmp.dir, `case-${c}${gz ? '.gz' : ''}`);
      writeFileSync(file, gz ? gzipSync(data) : data);
      try {
        await loadTrajectory(file, { allowMissingTime: true, typeNames: ['Li', 'Sb', 'O', 'H', 'C', 'Na', 'Al', 'Si'] });
        successes++;
      } catch (err) {
        if (!(err instanceof InputError)) {
          throw new Error(`case ${c} (${SAMPLES[s]}, ${how}${gz ? ', gzip' : ''}): ${String((err as Error)?.stack ?? err)}`);
        }
        expect((err as Error).message).toMatch(/\S/);
        inputErrors++;
      }
    }
    // Both outcomes occur (the property is not vacuous).
    expect(inputErrors).toBeGreaterThan(10);
    expect(successes).toBeGreaterThan(10);
  });

  it('a gzip file cut short is an InputError or yields its complete frames', async () => {
    const gz = readFileSync(dataPath('lgps-aimd/XDATCAR_LGPS_600K.gz'));
    const file = path.join(tmp.dir, 'cut.gz');
    writeFileSync(file, gz.subarray(0, Math.floor(gz.length / 3)));
    await expect(loadTrajectory(file, { allowMissingTime: true })).rejects.toThrow(/cut\.gz:\d+: gzip stream is corrupt or truncated/);
  });
});

describe('a killed run (file cut at any byte after the first frame) loads its complete frames', () => {
  // Cuts are placed after the second occurrence of a frame marker (so the first frame is complete), up to the end.
  // XDATCAR_lj_li_npt_tri repeats its header before every frame (variable cell): cuts land inside headers too.
  const CUT_SAMPLES: Array<[string, string, { typeNames?: string[] }]> = [
    ['lammps-lj/XDATCAR_lj_li_npt_tri', 'configuration=', {}],
    ['kinisi/example_drift.XDATCAR', 'configuration=', {}],
    ['dpdata/OUTCAR.h2o.md', ' POSITION ', {}],
    ['dpdata/vasprun.h2o.md.xml', '<calculation>', {}],
    ['lammps-lj/lj_li_npt_tri.extxyz', 'Lattice=', {}],
    ['lammps-lj/lj_li_npt_tri.lammpstrj', 'ITEM: TIMESTEP', { typeNames: ['Li'] }],
    ['dpdata/vasprun.h2o.md.tribox.xml', '<calculation>', {}],
    ['dpdata/OUTCAR.ch4.ml', ' POSITION ', {}],
    ['dpdata/conf_s_su.dump', 'ITEM: TIMESTEP', { typeNames: ['O', 'H'] }],
  ];
  it.each(CUT_SAMPLES)('%s: 40 cuts (seed 20261125)', async (rel, marker, extra) => {
    const full = readFileSync(dataPath(rel));
    const start = full.indexOf(marker, full.indexOf(marker) + 1);
    expect(start).toBeGreaterThan(0);
    const opts = { allowMissingTime: true, ...extra };
    const ref = (await loadTrajectory(dataPath(rel), opts)).trajectory;
    const m = 3 * ref.nAtoms;
    const rng = createRng(20261125);
    for (let c = 0; c < 40; c++) {
      const at = start + Math.floor((full.length - start) * rng.nextFloat());
      const file = path.join(tmp.dir, `cut-${c}-${path.basename(rel)}`);
      writeFileSync(file, full.subarray(0, at));
      const where = `${rel} cut at byte ${at}`;
      let r;
      try {
        r = await loadTrajectory(file, opts);
      } catch (err) {
        throw new Error(`${where}: ${String((err as Error).message)}`);
      }
      const t = r.trajectory;
      expect(t.nFrames, where).toBeGreaterThanOrEqual(1);
      expect(t.nFrames, where).toBeLessThanOrEqual(ref.nFrames);
      for (const w of r.warnings) expect(w.startsWith(`${file}:`) && /^:\d+: /.test(w.slice(file.length)), `${where}: ${w}`).toBe(true);
      // All kept frames but the last are bitwise those of the full file (the last line may be cut inside its last number).
      const n = (t.nFrames - 1) * m;
      let same = true;
      for (let i = 0; i < n && same; i++) same = t.positions_A[i] === ref.positions_A[i];
      expect(same, where).toBe(true);
    }
  });
});
