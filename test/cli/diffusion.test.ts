/** `liflux diffusion` end to end: the real binary on real trajectories, cross-checked against MDAnalysis, ASE+numpy and LAMMPS. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, repoRoot, runCli } from './cli-helpers.js';

const data = (p: string) => path.resolve(repoRoot, '../shared/data', p);
const golden = JSON.parse(readFileSync(path.resolve(repoRoot, 'test/golden/diffusion/msd_crosscheck.json'), 'utf8'));
const tmp = mkdtempSync(path.join(tmpdir(), 'liflux-cli-diffusion-'));
const rel = (a: number, b: number) => Math.abs(a / b - 1);

function readCsv(file: string): Record<string, number[]> {
  const lines = readFileSync(file, 'utf8').trim().split('\n').filter((l) => !l.startsWith('#'));
  const names = lines[0].split(',');
  const cols: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, [] as number[]]));
  for (const l of lines.slice(1)) l.split(',').forEach((v, j) => cols[names[j]].push(v === '' ? NaN : Number(v)));
  return cols;
}

beforeAll(() => ensureBuilt());
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('liflux diffusion', { timeout: 60000 }, () => {
  const lgpsArgs = ['diffusion', data('lgps-aimd/XDATCAR_LGPS_600K.gz'), '--species', 'Li', '--timestep-fs', '2', '--nblock', '10', '--quiet'];

  it('LGPS 600 K: --json has every documented key; MSD equals the ASE + numpy direct sum (golden) to 1e-9', () => {
    const csv = path.join(tmp, 'lgps.csv');
    const r = runCli([...lgpsArgs, '--json', '--msd-out', csv]);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const key of ['species', 'temperature_K', 'n_atoms', 'n_frames', 'dt_ps', 'fit_window_ps', 'D_cm2PerS', 'D_err_cm2PerS',
      'D_ci95_cm2PerS', 'D_components_cm2PerS', 'D_sigma_cm2PerS', 'D_sigma_err_cm2PerS', 'conductivity_mSPerCm',
      'conductivity_err_mSPerCm', 'conductivity_sigma_mSPerCm', 'haven_ratio']) expect(j).toHaveProperty(key);
    expect(j.n_atoms).toBe(20);
    expect(j.n_frames).toBe(1000);
    expect(rel(j.dt_ps, 0.02)).toBeLessThan(1e-9);
    expect(j.temperature_K).toBeNull(); // XDATCAR has no temperature and none was given
    expect(j.conductivity_mSPerCm).toBeNull();
    // The run never becomes diffusive (α ≈ 0.4): the window falls back and says so.
    expect(j.fit_window_fallback).toBe(true);
    expect(j.warnings.join('\n')).toContain('not linear in the fit window');
    expect(j.D_ci95_cm2PerS[0]).toBeLessThan(j.D_cm2PerS);
    expect(j.D_ci95_cm2PerS[1]).toBeGreaterThan(j.D_cm2PerS);
    const cols = readCsv(csv);
    golden.lgps.lags_frames.forEach((lag: number, i: number) => {
      expect(rel(cols.msd_A2[lag], golden.lgps.msd_framework_drift_corrected_A2[i])).toBeLessThan(1e-9);
    });
    expect(rel(cols.time_ps[10], 0.2)).toBeLessThan(1e-12);
  });

  it('an Arrow file from liflux convert gives the same result as the XDATCAR it came from', () => {
    const arrow = path.join(tmp, 'lgps.arrow');
    expect(runCli(['convert', data('lgps-aimd/XDATCAR_LGPS_600K.gz'), '-o', arrow, '--timestep-fs', '2', '--nblock', '10', '--temperature', '600', '--quiet']).status).toBe(0);
    const a = JSON.parse(runCli(['diffusion', arrow, '--species', 'Li', '--json', '--quiet']).stdout);
    const b = JSON.parse(runCli([...lgpsArgs, '--temperature', '600', '--json']).stdout);
    expect(a.temperature_K).toBe(600); // carried in the Arrow metadata
    expect(rel(a.D_cm2PerS, b.D_cm2PerS)).toBeLessThan(1e-12);
    expect(rel(a.conductivity_mSPerCm, b.conductivity_mSPerCm)).toBeLessThan(1e-12);
    // A budget below the file size streams the file in atom blocks (here 1 atom per pass): same numbers to 1e-9.
    const s = JSON.parse(runCli(['diffusion', arrow, '--species', 'Li', '--json', '--quiet', '--max-memory-mb', '0.001']).stdout);
    for (const k of ['D_cm2PerS', 'D_err_cm2PerS', 'D_sigma_cm2PerS', 'conductivity_mSPerCm', 'haven_ratio', 'D_block_err_cm2PerS', 'volume_A3']) {
      expect(rel(s[k], a[k]), k).toBeLessThan(1e-9);
    }
    expect(s.fit_window_ps).toEqual(a.fit_window_ps);
    const bad = runCli(['diffusion', arrow, '--species', 'Li', '--max-memory-mb', '0']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--max-memory-mb: expected a positive number of MB, found 0');
  });

  it('--temperature gives Nernst–Einstein conductivities in mS/cm', () => {
    const r = runCli([...lgpsArgs, '--json', '--temperature', '600']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.temperature_K).toBe(600);
    // σ = n e² D/(kB T) with n = 20/V
    const n = 20 / (j.volume_A3 * 1e-24);
    const sigma = (n * 1.602176634e-19 ** 2 * j.D_cm2PerS) / (1.380649e-23 * 600) * 1e3;
    expect(rel(j.conductivity_mSPerCm, sigma)).toBeLessThan(1e-9);
    expect(j.conductivity_sigma_mSPerCm).toBeGreaterThan(0);
    expect(rel(j.haven_ratio, j.D_cm2PerS / j.D_sigma_cm2PerS)).toBeLessThan(1e-12);
  });

  it('LAMMPS LJ (every atom Li): no crash; no-drift MSD equals MDAnalysis EinsteinMSD; agrees with LAMMPS compute msd', () => {
    const csv = path.join(tmp, 'lj.csv');
    const base = ['diffusion', data('lammps-lj/lj_li_unwrapped.lammpstrj'), '--types', 'Li', '--timestep-fs', '2', '--species', 'Li', '--quiet'];
    const r = runCli([...base, '--json', '--temperature', '300']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.drift_correction).toContain('centre of mass');
    expect(j.D_sigma_cm2PerS).toBeNull(); // degenerate charge MSD → null, not a crash or a huge number
    expect(j.haven_ratio).toBeNull();
    expect(j.D_cm2PerS).toBeGreaterThan(0);
    expect(r.stderr).toContain('every atom is Li');

    const r2 = runCli([...base, '--no-drift-correction', '--msd-out', csv]);
    expect(r2.status).toBe(0);
    const cols = readCsv(csv);
    const g = golden.lammps_lj;
    g.lags_frames.forEach((lag: number, i: number) => {
      expect(rel(cols.msd_A2[lag], g.mdanalysis_einstein_msd_A2[i])).toBeLessThan(1e-6); // dump has 6 significant digits
    });
    // LAMMPS's compute msd com yes is a single-origin (t = 0) MSD: a noisier estimator of the same quantity.
    // With N = 256 atoms its relative SD is about sqrt(2/3)/sqrt(N) ≈ 5% if atoms were independent; allow 4 SD (20%).
    const lmp = g.lammps_compute_msd_com;
    for (const frame of [10, 25, 50]) {
      const single = lmp.msd_total_A2[frame];
      expect(Math.abs(single - cols.msd_A2[frame]) / cols.msd_A2[frame]).toBeLessThan(4 * Math.sqrt(2 / 3) / Math.sqrt(256));
    }
  });

  it('--plot writes an SVG rendered by vega; --msd-out .arrow writes a table with units', () => {
    const svg = path.join(tmp, 'msd.svg');
    const arrow = path.join(tmp, 'msd.arrow');
    const r = runCli([...lgpsArgs, '--plot', svg, '--msd-out', arrow, '--fit-start-ps', '1', '--fit-end-ps', '8']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('D* (tracer)');
    expect(r.stdout).toContain('1 … 8 ps');
    const text = readFileSync(svg, 'utf8');
    expect(text.startsWith('<svg')).toBe(true);
    expect(text).toContain('lag time (ps)');
    const table = tableFromIPC(readFileSync(arrow));
    expect(table.numRows).toBe(1000);
    expect(table.schema.fields.find((f) => f.name === 'msd_A2')?.metadata.get('unit')).toBe('Å²');
    // refuses to overwrite without --overwrite, exit 2, and leaves the file alone
    const again = runCli([...lgpsArgs, '--plot', svg]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain(`output ${svg} already exists; pass --overwrite to replace it`);
  });

  it('Li6PS5Cl (kinisi example, 100 fs frames): runs; --dimensions xy gives D from x and y only', () => {
    const r = runCli(['diffusion', data('kinisi/example_XDATCAR.gz'), '--species', 'Li', '--timestep-fs', '2', '--nblock', '50', '--dimensions', 'xy', '--fit-start-ps', '4', '--json', '--quiet']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.n_atoms).toBe(192);
    expect(j.dimensions).toBe('xy');
    expect(j.fit_window_ps[0]).toBeCloseTo(4, 9);
    // D_xy lies between the x and y component estimates' extremes widened by their errors
    const [dx, dy] = j.D_components_cm2PerS;
    expect(j.D_cm2PerS).toBeGreaterThan(Math.min(dx, dy) * 0.8);
    expect(j.D_cm2PerS).toBeLessThan(Math.max(dx, dy) * 1.2);
  });

  it('bad input: exit 2 with clear messages, no output left behind', () => {
    const out = path.join(tmp, 'never.csv');
    let r = runCli(['diffusion', data('lgps-aimd/XDATCAR_LGPS_600K.gz'), '--species', 'Na', '--timestep-fs', '2', '--nblock', '10', '--msd-out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--species: expected a species present in the trajectory (Li, Ge, P, S), found Na');
    expect(existsSync(out)).toBe(false);
    r = runCli([...lgpsArgs, '--dimensions', 'xw']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--dimensions: expected distinct letters from x, y, z');
    r = runCli([...lgpsArgs, '--charge', 'Li:1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--charge: expected SPECIES=CHARGE pairs like Li=1,S=-2, found "Li:1"');
    r = runCli([...lgpsArgs, '--msd-out', path.join(tmp, 'msd.txt')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--msd-out: expected a file name ending in .csv or .arrow');
    r = runCli([...lgpsArgs, '--fit-start-ps', '5', '--fit-end-ps', '5.01']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('expected a fit window of at least 3 lags');
  });
});
