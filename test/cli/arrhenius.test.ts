/** `liflux arrhenius` end to end: CSV and diffusion-JSON inputs, extrapolation, plot, errors. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, repoRoot, runCli } from './cli-helpers.js';

const csv = path.resolve(repoRoot, '../shared/data/llzo-aimd-arrhenius/D_T.csv');
const golden = JSON.parse(readFileSync(path.resolve(repoRoot, 'test/golden/diffusion/arrhenius_llzo.json'), 'utf8'));
const tmp = mkdtempSync(path.join(tmpdir(), 'liflux-cli-arrhenius-'));
const rel = (a: number, b: number) => Math.abs(a / b - 1);

beforeAll(() => ensureBuilt());
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('liflux arrhenius', { timeout: 60000 }, () => {
  it('LLZO D_T.csv: Ea, D0 and the 300 K extrapolation match the scipy golden; plot written', () => {
    const svg = path.join(tmp, 'arr.svg');
    const r = runCli(['arrhenius', '--csv', csv, '--extrapolate', '300', '--extrapolate', '500', '--plot', svg, '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(rel(j.Ea_eV, golden.ea_eV)).toBeLessThan(1e-6);
    expect(rel(j.Ea_err_eV, golden.ea_err_eV)).toBeLessThan(1e-6);
    expect(rel(j.D0_cm2PerS, Math.exp(golden.ln_prefactor))).toBeLessThan(1e-6);
    expect(j.covariance.parameters).toEqual(['ln_D0', 'slope_K']);
    expect(rel(j.covariance.matrix[0][1], golden.cov_lnPrefactor_slope)).toBeLessThan(1e-6);
    expect(j.extrapolated).toHaveLength(2);
    expect(j.extrapolated[0].T_K).toBe(300);
    expect(rel(j.extrapolated[0].D_cm2PerS, golden.D300_cm2PerS)).toBeLessThan(1e-6);
    expect(rel(j.extrapolated[0].D_ci95_cm2PerS[0], golden.D300_ci95_cm2PerS[0])).toBeLessThan(1e-6);
    expect(rel(j.extrapolated[0].D_ci95_cm2PerS[1], golden.D300_ci95_cm2PerS[1])).toBeLessThan(1e-6);
    expect(j.extrapolated[0].conductivity_mSPerCm).toBeNull(); // a CSV carries no density
    const text = readFileSync(svg, 'utf8');
    expect(text.startsWith('<svg')).toBe(true);
    expect(text).toContain('1000/T (1/K)');
  });

  it('from diffusion JSONs: conductivity at the extrapolated temperature from the carrier density and charge', () => {
    const files = [600, 800, 1000].map((T, i) => {
      const f = path.join(tmp, `d${T}.json`);
      const D = 1e-3 * Math.exp(-0.3 / (8.617333262e-5 * T));
      writeFileSync(f, JSON.stringify({ temperature_K: T, D_cm2PerS: D, D_err_cm2PerS: 0.05 * D * (1 + i / 10), number_density_perCm3: 2e22, charge_e: 1 }));
      return f;
    });
    const r = runCli(['arrhenius', ...files, '--extrapolate', '300', '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(rel(j.Ea_eV, 0.3)).toBeLessThan(1e-6);
    const e = j.extrapolated[0];
    const sigma = (2e22 * 1.602176634e-19 ** 2 * e.D_cm2PerS) / (1.380649e-23 * 300) * 1e3;
    expect(rel(e.conductivity_mSPerCm, sigma)).toBeLessThan(1e-9);
    expect(e.conductivity_ci95_mSPerCm[0]).toBeLessThan(e.conductivity_mSPerCm);
    const human = runCli(['arrhenius', ...files, '--extrapolate', '300']);
    expect(human.stdout).toContain('Ea   = 0.3');
    expect(human.stdout).toContain('σ (mS/cm)');
  });

  it('bad input: exit 2 with file:line messages', () => {
    const bad = path.join(tmp, 'bad.csv');
    writeFileSync(bad, 'T,D,D_error\n600,1e-6,1e-7\n700,abc,1e-7\n');
    let r = runCli(['arrhenius', '--csv', bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${bad}:3: expected a number in column D, found "abc"`);
    const noHeader = path.join(tmp, 'nohdr.csv');
    writeFileSync(noHeader, 'temp,diff\n1,2\n');
    r = runCli(['arrhenius', '--csv', noHeader]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${noHeader}:1: expected a header with columns T,D,D_error (K, cm²/s), found "temp,diff"`);
    r = runCli(['arrhenius']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('arrhenius: expected diffusion JSON files or --csv T,D,D_error, found neither');
    const noT = path.join(tmp, 'noT.json');
    writeFileSync(noT, JSON.stringify({ temperature_K: null, D_cm2PerS: 1e-6, D_err_cm2PerS: 1e-7 }));
    r = runCli(['arrhenius', noT, noT]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${noT}: expected a number in "temperature_K" (liflux diffusion --json), found null`);
    r = runCli(['arrhenius', '--csv', csv, '--extrapolate', '-5']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--extrapolate: expected a positive temperature in K, found -5');
    expect(existsSync(path.join(tmp, 'none.svg'))).toBe(false);
  });
});
