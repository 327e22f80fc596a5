/** `liflux convert` end to end: the real binary, exit codes, messages, atomic output. */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { readArrowTrajectory } from '../../analysis/ingest/arrow-reader.js';
import { makeTempDir } from '../analysis/ingest/vasp-helpers.js';
import { dataPath, ensureBuilt, runCli } from './cli-helpers.js';

const tmp = makeTempDir('liflux-cli-convert-');
beforeAll(() => ensureBuilt());
afterAll(() => tmp.cleanup());
const KINISI = dataPath('kinisi/example_XDATCAR.gz');
const out = (name: string) => path.join(tmp.dir, name);

describe('liflux convert', () => {
  it('converts with --json: summary on stdout, Arrow file readable, no stack trace', async () => {
    const o = out('k.arrow');
    const r = runCli(['convert', KINISI, '-o', o, '--timestep-fs', '2', '--nblock', '50', '--temperature', '600', '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ output: o, format: 'xdatcar', n_atoms: 416, n_frames: 140, species: { Li: 192, Cl: 32, S: 160, P: 32 }, timestep_fs: 2, frame_stride: 50, temperature_K: 600, warnings: [] });
    expect(j.dt_ps).toBeCloseTo(0.1, 12);
    expect(j.time_span_ps).toBeCloseTo(13.9, 12);
    const t = (await readArrowTrajectory(o)).trajectory;
    expect(t.nFrames).toBe(140);
    expect(t.meta.temperature_K).toBe(600);
  });

  it('human output: the summary once; with --quiet only the "wrote" line (npm start then runs info)', () => {
    const args = ['convert', dataPath('pymatgen/XDATCAR_6'), '--timestep-fs', '1', '--nblock', '1'];
    const full = runCli([...args, '-o', out('human.arrow')]);
    expect(full.status).toBe(0);
    expect(full.stdout.startsWith(`wrote ${out('human.arrow')}\n`)).toBe(true);
    expect(full.stdout.split('\n').length).toBeGreaterThan(3);
    const quiet = runCli([...args, '-o', out('quiet.arrow'), '--quiet']);
    expect(quiet.status).toBe(0);
    expect(quiet.stdout).toBe(`wrote ${out('quiet.arrow')}\n`);
  });

  it('refuses to overwrite without --overwrite (exit 2), replaces with it', () => {
    const o = out('twice.arrow');
    const args = ['convert', dataPath('pymatgen/XDATCAR_6'), '-o', o, '--timestep-fs', '1', '--nblock', '1'];
    expect(runCli(args).status).toBe(0);
    const again = runCli(args);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain(`output ${o} already exists; pass --overwrite to replace it`);
    expect(runCli([...args, '--overwrite']).status).toBe(0);
  });

  it('--species, --every, --first/--last, --types', () => {
    const r = runCli(['convert', KINISI, '-o', out('sel.arrow'), '--timestep-fs', '2', '--nblock', '50', '--species', 'Li,P', '--first', '10', '--last', '99', '--every', '10', '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.n_atoms).toBe(224);
    expect(j.n_frames).toBe(9);
    expect(j.frame_stride).toBe(500);
    const l = runCli(['convert', dataPath('kinisi/example_LAMMPS_drift.traj'), '-o', out('l.arrow'), '--types', 'Li,Sb', '--timestep-fs', '1', '--json']);
    expect(l.status).toBe(0);
    expect(Object.keys(JSON.parse(l.stdout).species).every((s) => s === 'Li' || s === 'Sb')).toBe(true);
  });

  it('garbled content: file:line: expected …, found …, exit 2, no output and no temp file left', () => {
    const lines = readFileSync(dataPath('pymatgen/XDATCAR_6'), 'utf8').split('\n');
    lines[12] = '   0.43750000  abc  0.18750000';
    const bad = out('garbled_XDATCAR');
    writeFileSync(bad, lines.join('\n'));
    const o = out('garbled.arrow');
    const r = runCli(['convert', bad, '-o', o, '--timestep-fs', '1', '--nblock', '1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`liflux: error: ${bad}:13: expected 3 fractional coordinates (frame 0, atom 5), found "   0.43750000  abc  0.18750000"\n`);
    expect(existsSync(o)).toBe(false);
    expect(readdirSync(tmp.dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('truncated file: complete frames and a warning naming the line; --strict: exit 2 and no output', () => {
    const text = readFileSync(dataPath('kinisi/example_drift.XDATCAR'), 'utf8').split('\n');
    const cut = out('cut_XDATCAR');
    writeFileSync(cut, text.slice(0, 32).join('\n') + '\n');
    const r = runCli(['convert', cut, '-o', out('cut.arrow'), '--timestep-fs', '1', '--nblock', '1', '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).n_frames).toBe(2);
    expect(r.stderr).toContain(`warning: ${cut}:33: frame 2: expected 9 coordinate lines, found 4 (file truncated?); kept the 2 complete frames before it`);
    const s = runCli(['convert', cut, '-o', out('cut-strict.arrow'), '--timestep-fs', '1', '--nblock', '1', '--strict']);
    expect(s.status).toBe(2);
    expect(s.stderr).toContain(`${cut}:33: frame 2: expected 9 coordinate lines, found 4 (file truncated?)`);
    expect(existsSync(out('cut-strict.arrow'))).toBe(false);
  });

  it('missing time step names the flags; bad option values and unknown formats exit 2', () => {
    const r = runCli(['convert', KINISI, '-o', out('nodt.arrow')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('pass --timestep-fs <fs> (MD time step, POTIM) and --nblock <n> (MD steps between stored frames, NBLOCK)');
    expect(existsSync(out('nodt.arrow'))).toBe(false);
    const e = runCli(['convert', KINISI, '-o', out('e.arrow'), '--timestep-fs', '2', '--nblock', '50', '--every', '0']);
    expect(e.status).toBe(2);
    expect(e.stderr).toContain('--every: expected an integer ≥ 1, found 0');
    const f = runCli(['convert', KINISI, '-o', out('f.arrow'), '--format', 'pdb']);
    expect(f.status).toBe(2);
    expect(f.stderr).toMatch(/Invalid values:[\s\S]*format/);
    const m = runCli(['convert', out('does-not-exist'), '-o', out('m.arrow')]);
    expect(m.status).toBe(2);
    expect(m.stderr).toContain('cannot open: ENOENT');
    expect(m.stderr).not.toMatch(/\n\s+at /);
  });

  it('--help names a unit for every option', () => {
    const r = runCli(['convert', '--help']);
    expect(r.status).toBe(0);
    for (const [flag, unit] of [
      ['--timestep-fs', 'fs'],
      ['--nblock', 'steps'],
      ['--temperature', 'K'],
      ['--every', 'frames'],
      ['--first', 'frame index'],
      ['--last', 'frame index'],
      ['--output', 'path'],
    ]) {
      const line = r.stdout.split('\n').find((l) => l.includes(flag));
      expect(line, flag).toContain(unit);
    }
  });
});

describe('liflux convert on corrupted files (property, seed 99, 12 cases)', () => {
  it('exits 0 or 2, never an internal error or unhandled exception; no temp files left', async () => {
    const { createRng } = await import('../../engine/core/rng.js');
    const rng = createRng(99);
    const samples = ['pymatgen/XDATCAR_6', 'dpdata/vasprun.h2o.md.xml', 'dpdata/OUTCAR.h2o.md', 'kinisi/example_drift.XDATCAR'];
    for (let c = 0; c < 12; c++) {
      const src = readFileSync(dataPath(samples[c % samples.length]));
      const data = rng.nextInt(2) === 0 ? src.subarray(0, rng.nextInt(src.length)) : Buffer.from(src.map((b) => (rng.nextInt(400) === 0 ? rng.nextInt(256) : b)));
      const f = out(`corrupt-${c}`);
      writeFileSync(f, data);
      const r = runCli(['convert', f, '-o', out(`corrupt-${c}.arrow`), '--timestep-fs', '1', '--nblock', '1']);
      expect([0, 2], r.stderr).toContain(r.status);
      expect(r.stderr).not.toContain('internal error');
      if (r.status === 2) expect(existsSync(out(`corrupt-${c}.arrow`))).toBe(false);
    }
    expect(readdirSync(tmp.dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  }, 60_000);
});
