import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { dataPath, ensureBuilt, repoRoot, runCli } from './cli-helpers.js';

const fronts = path.join(repoRoot, 'data/flux/fronts-illustrative.csv');

beforeAll(() => ensureBuilt());
// spawned binaries and 640k-unknown solves on a shared 2-core machine: allow more than vitest's 5 s default
vi.setConfig({ testTimeout: 60_000 });

describe('liflux flux front', () => {
  it('--json: one entry per temperature with the documented arrays', () => {
    const r = runCli(['flux', 'front', fronts, '--json', '--sigma-llzo', '0.00216', '--D-li3sb', '1e-6']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.temperatures.map((t: { temperature_C: number }) => t.temperature_C)).toEqual([75, 125, 175, 225, 275]);
    for (const t of doc.temperatures) {
      const n = t.time_s.length;
      for (const key of ['J_Li_perWidth_molPerCmS', 'J_Li_perWidth_molPerCmS_err', 'J_D_perWidth_molPerCmS', 'diffusion_fraction', 'theta_eff_um', 'j_lateral_mAPerCm2']) {
        expect(t[key]).toHaveLength(n);
      }
      expect(t.sigma_LLZO_SPerCm).toBe(0.00216);
    }
    expect(doc.conductivity_assumed).toBe(false);
  });

  it('reads the same data from Arrow, defaults σ to the labelled assumption, and writes plots', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'liflux-flux-'));
    const lines = readFileSync(fronts, 'utf8').trim().split('\n').filter((l) => !l.startsWith('#')).slice(1).map((l) => l.split(',').map(Number));
    const table = tableFromArrays({
      temperature_C: Float64Array.from(lines.map((l) => l[0])),
      time_s: Float64Array.from(lines.map((l) => l[1])),
      x1_mm: Float64Array.from(lines.map((l) => l[2])),
      x2_mm: Float64Array.from(lines.map((l) => l[3])),
    });
    const arrow = path.join(dir, 'fronts.arrow');
    writeFileSync(arrow, tableToIPC(table, 'file'));
    const a = JSON.parse(runCli(['flux', 'front', arrow, '--json']).stdout);
    const c = JSON.parse(runCli(['flux', 'front', fronts, '--json']).stdout);
    expect(a.temperatures[2].J_Li_perWidth_molPerCmS).toEqual(c.temperatures[2].J_Li_perWidth_molPerCmS);
    expect(c.conductivity_assumed).toBe(true);
    const text = runCli(['flux', 'front', fronts, '--plot-dir', dir]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/ASSUMED default/);
    for (const f of ['flux-vs-x1.svg', 'theta-eff-vs-T.svg']) expect(readFileSync(path.join(dir, f), 'utf8')).toMatch(/^<svg/);
    const again = runCli(['flux', 'front', fronts, '--plot-dir', dir]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/already exists; pass --overwrite to replace it/);
  });

  it('takes D(T) from a liflux arrhenius --json result (--diffusion)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'liflux-flux-'));
    const arr = runCli(['arrhenius', '--csv', dataPath('llzo-aimd-arrhenius/D_T.csv'), '--json']);
    expect(arr.status).toBe(0);
    const file = path.join(dir, 'arrhenius.json');
    writeFileSync(file, arr.stdout);
    const fit = JSON.parse(arr.stdout) as { Ea_eV: number; D0_cm2PerS: number };
    const r = runCli(['flux', 'front', fronts, '--json', '--diffusion', file]);
    expect(r.status).toBe(0);
    const t = JSON.parse(r.stdout).temperatures[0];
    const expected = fit.D0_cm2PerS * Math.exp(-fit.Ea_eV / (8.617333262e-5 * (t.temperature_C + 273.15)));
    expect(Math.abs(t.D_cm2PerS / expected - 1)).toBeLessThan(1e-9);
    expect(t.diffusion_fraction).toHaveLength(t.time_s.length);
  });

  it('exits 2 with a located message on bad input', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'liflux-flux-'));
    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, 'temperature_C,time_s,x1_mm,x2_mm\n75,0,1,2\n75,1,oops,2\n');
    const r = runCli(['flux', 'front', bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${bad}:3: expected a number in column x1_mm, found "oops"`);
    const both = runCli(['flux', 'front', fronts, '--sigma-llzo', '0.002', '--eis', '1,2,3']);
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/expected one of --sigma-llzo, --sigma-arrhenius, --sigma-ref, --eis, found several/);
    const missing = runCli(['flux', 'front', path.join(dir, 'nope.csv')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nope\.csv: expected a readable fronts file, found ENOENT/);
  });
});

describe('liflux flux hotspot', () => {
  it('--json has geometry and phases with the documented keys', () => {
    const r = runCli(['flux', 'hotspot', '--json', '--geometry', 'axisymmetric', '--intervals', '64', '--convergence', '16,32']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.geometry).toBe('axisymmetric');
    for (const name of ['Sb', 'Li2Sb']) {
      for (const key of ['U_V', 'lateral_current_A', 'peak_depth_um', 'depth_10pct_um', 'relithiation_time_s']) expect(typeof doc.phases[name][key]).toBe('number');
    }
    expect(doc.phases.Sb.U_V).toBe(0.9);
    expect(doc.convergence.rows.map((row: { intervals: number }) => row.intervals)).toEqual([16, 32, 64]);
  });

  it('--geometry both reports 2d and axisymmetric, and writes maps', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'liflux-hot-'));
    const r = runCli(['flux', 'hotspot', '--json', '--intervals', '32', '--convergence', '', '--plot-dir', dir]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.results.map((x: { geometry: string }) => x.geometry)).toEqual(['2d', 'axisymmetric']);
    expect(existsSync(path.join(dir, 'hotspot-flux-2d.svg'))).toBe(true);
    expect(existsSync(path.join(dir, 'hotspot-potential-axisymmetric.svg'))).toBe(true);
  });

  it('exits 2 on bad options', () => {
    const r = runCli(['flux', 'hotspot', '--sigma-llzo', '-1', '--intervals', '16']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/hotspot sigma-llzo \(S\/cm\): expected a positive number, found -1/);
    const c = runCli(['flux', 'hotspot', '--convergence', '10,abc']);
    expect(c.status).toBe(2);
    expect(c.stderr).toMatch(/--convergence: expected comma-separated integers ≥ 8/);
  });
});
