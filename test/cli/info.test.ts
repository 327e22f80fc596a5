/** `liflux info` end to end: text formats and Arrow, JSON keys, NpT volume range, jump warning, errors. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../analysis/ingest/vasp-helpers.js';
import { dataPath, ensureBuilt, runCli } from './cli-helpers.js';

const tmp = makeTempDir('liflux-cli-info-');
beforeAll(() => ensureBuilt());
afterAll(() => tmp.cleanup());

describe('liflux info', () => {
  it('XDATCAR without a time step: counts, cell, volume; dt unknown rather than an error', () => {
    const r = runCli(['info', dataPath('kinisi/example_XDATCAR.gz'), '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const k of ['n_atoms', 'n_frames', 'species', 'dt_ps', 'time_span_ps', 'volume_A3', 'format', 'cell_A', 'warnings', 'max_jump_fraction']) {
      expect(j).toHaveProperty(k);
    }
    expect(j).toMatchObject({ format: 'xdatcar', n_atoms: 416, n_frames: 140, species: { Li: 192, Cl: 32, S: 160, P: 32 }, dt_ps: null, time_span_ps: null });
    expect(j.cell_A[0][0]).toBe(20.312311);
    expect(Math.abs(j.volume_A3[0] - 8380.714) / 8380.714).toBeLessThan(1e-6);
  });

  it('vasprun: time step from the file; NpT XDATCAR: a volume range', () => {
    const v = JSON.parse(runCli(['info', dataPath('dpdata/Ti-aimd-nwrite0.vasprun.xml'), '--json']).stdout);
    expect(v).toMatchObject({ format: 'vasprun', n_atoms: 32, n_frames: 10, timestep_fs: 2, temperature_K: 500 });
    expect(v.dt_ps).toBeCloseTo(0.002, 15);
    expect(v.time_span_ps).toBeCloseTo(0.018, 15);
    const n = JSON.parse(runCli(['info', dataPath('lammps-lj/XDATCAR_lj_li_npt_tri'), '--json']).stdout);
    expect(n.n_frames).toBe(21);
    expect(n.volume_A3[1]).toBeGreaterThan(n.volume_A3[0] * 1.01);
  });

  it('Arrow file: same summary as the source', () => {
    const o = path.join(tmp.dir, 'lgps.arrow');
    expect(runCli(['convert', dataPath('lgps-aimd/XDATCAR_LGPS_600K.gz'), '-o', o, '--timestep-fs', '2', '--nblock', '10', '--temperature', '600']).status).toBe(0);
    const a = JSON.parse(runCli(['info', o, '--json']).stdout);
    const s = JSON.parse(runCli(['info', dataPath('lgps-aimd/XDATCAR_LGPS_600K.gz'), '--timestep-fs', '2', '--nblock', '10', '--json']).stdout);
    expect(a).toMatchObject({ format: 'arrow', n_atoms: 50, n_frames: 1000, species: s.species, temperature_K: 600 });
    expect(a.dt_ps).toBeCloseTo(0.02, 12);
    expect(a.time_span_ps).toBeCloseTo(s.time_span_ps, 9);
    expect(a.max_jump_fraction).toBeCloseTo(s.max_jump_fraction, 9);
    const human = runCli(['info', o]);
    expect(human.stdout).toContain('atoms           50  (Li 20, Ge 2, P 4, S 24)');
    expect(human.stdout).toContain('dt              0.02 ps between stored frames');
  });

  it('warns when a stored frame-to-frame step exceeds the safe fraction of the cell', () => {
    const r = runCli(['info', dataPath('dpdata/conf_unfold.dump'), '--types', 'O,H', '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.max_jump_fraction).toBeGreaterThan(0.25);
    expect(j.warnings[0]).toMatch(/conf_unfold\.dump:[1-9]\d*: frame \d+: atom \d+ moved/); // file:line of that frame
    expect(j.warnings[0]).toMatch(/moved 0\.\d+ of the cell between stored frames \(more than 0\.25\); unwrapping by minimum image may be ambiguous/);
    expect(r.stderr).toContain('warning:');
  });

  it('errors exit 2 with the located message', () => {
    const r = runCli(['info', dataPath('dpdata/Ti-aimd-nwrite0.OUTCAR')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Ti-aimd-nwrite0\.OUTCAR:1692: expected a POSITION table for every ionic step/);
    const h = runCli(['info', '--help']);
    expect(h.stdout).toContain('--timestep-fs');
  });
});
