import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  computeStudentTQuantile,
  evaluateArrhenius,
  extrapolateDiffusionArrhenius,
  fitArrhenius,
  type ArrheniusPoint,
} from '../../analysis/arrhenius.js';
import { KB_eVPerK } from '../../engine/core/constants.js';
import { createRng } from '../../engine/core/rng.js';
import { computeNernstEinsteinConductivity_SPerCm } from '../../engine/core/nernst-einstein.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const rel = (a: number, b: number) => Math.abs(a / b - 1);

function readDtCsv(): ArrheniusPoint[] {
  const text = readFileSync(path.resolve(repoRoot, '../shared/data/llzo-aimd-arrhenius/D_T.csv'), 'utf8');
  return text
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(',').map(Number))
    .map(([T_K, value, value_err]) => ({ T_K, value, value_err }));
}

describe('fitArrhenius', () => {
  it('recovers Ea and the prefactor exactly from noise-free Arrhenius data (analytic)', () => {
    const ea_eV = 0.31;
    const D0 = 2.5e-3;
    const pts = [500, 650, 800, 1000, 1300].map((T_K) => {
      const value = D0 * Math.exp(-ea_eV / (KB_eVPerK * T_K));
      return { T_K, value, value_err: 0.1 * value };
    });
    const fit = fitArrhenius(pts);
    expect(rel(fit.ea_eV, ea_eV)).toBeLessThan(1e-10);
    expect(rel(fit.prefactor, D0)).toBeLessThan(1e-10);
    expect(fit.chi2_reduced).toBeLessThan(1e-15);
    expect(fit.covariance_scaled).toBe(false);
    expect(fit.n_points).toBe(5);
    // Evaluation at a fitted temperature returns the data value.
    expect(rel(evaluateArrhenius(fit, 800).value, pts[2].value)).toBeLessThan(1e-10);
  });

  it('two points: the line goes through both, errors from propagation, normal quantile', () => {
    const pts = [
      { T_K: 500, value: 1e-7, value_err: 1e-8 },
      { T_K: 1000, value: 1e-5, value_err: 2e-6 },
    ];
    const fit = fitArrhenius(pts);
    // slope = (ln y2 − ln y1)/(1/T2 − 1/T1)
    const slope = (Math.log(1e-5) - Math.log(1e-7)) / (1 / 1000 - 1 / 500);
    expect(rel(fit.ea_eV, -slope * KB_eVPerK)).toBeLessThan(1e-12);
    // var(slope) = (s1² + s2²)/(Δx)² with s_i = err_i/value_i
    const dx = 1 / 1000 - 1 / 500;
    expect(rel(fit.slope_err_K, Math.sqrt(0.1 ** 2 + 0.2 ** 2) / Math.abs(dx))).toBeLessThan(1e-10);
    expect(fit.chi2_reduced).toBeNull();
    expect(fit.quantile95).toBeCloseTo(1.959964, 5);
  });

  it('matches the scipy curve_fit golden on LLZO D_T.csv (test/golden/diffusion/arrhenius_llzo.py)', () => {
    const golden = JSON.parse(readFileSync(path.resolve(repoRoot, 'test/golden/diffusion/arrhenius_llzo.json'), 'utf8'));
    const fit = fitArrhenius(readDtCsv());
    expect(rel(fit.ea_eV, golden.ea_eV)).toBeLessThan(1e-6);
    expect(rel(fit.ea_err_eV, golden.ea_err_eV)).toBeLessThan(1e-6);
    expect(rel(fit.ln_prefactor, golden.ln_prefactor)).toBeLessThan(1e-6);
    expect(rel(fit.ln_prefactor_err, golden.ln_prefactor_err)).toBeLessThan(1e-6);
    expect(rel(fit.cov_lnPrefactor_slope, golden.cov_lnPrefactor_slope)).toBeLessThan(1e-6);
    expect(rel(fit.chi2_reduced as number, golden.chi2_reduced)).toBeLessThan(1e-6);
    expect(rel(fit.quantile95, golden.t975)).toBeLessThan(1e-9);
    const at300 = evaluateArrhenius(fit, 300);
    expect(rel(at300.value, golden.D300_cm2PerS)).toBeLessThan(1e-6);
    expect(rel(at300.ci95[0], golden.D300_ci95_cm2PerS[0])).toBeLessThan(1e-6);
    expect(rel(at300.ci95[1], golden.D300_ci95_cm2PerS[1])).toBeLessThan(1e-6);
  });

  it('scales the covariance by reduced chi² when the scatter exceeds the stated errors', () => {
    const pts = [
      { T_K: 600, value: 1e-6, value_err: 1e-8 },
      { T_K: 700, value: 4e-6, value_err: 4e-8 },
      { T_K: 800, value: 3e-6, value_err: 3e-8 },
      { T_K: 900, value: 1e-5, value_err: 1e-7 },
    ];
    const fit = fitArrhenius(pts);
    expect(fit.chi2_reduced as number).toBeGreaterThan(1);
    expect(fit.covariance_scaled).toBe(true);
    const unscaledVar = fit.covariance[1][1] / (fit.chi2_reduced as number);
    // With equal relative errors 1%, unscaled var(slope) = σ²/Sxx with σ = 0.01.
    const xs = pts.map((p) => 1 / p.T_K);
    const xm = xs.reduce((a, b) => a + b) / xs.length;
    const sxx = xs.reduce((a, x) => a + (x - xm) ** 2, 0);
    expect(rel(unscaledVar, 1e-4 / sxx)).toBeLessThan(1e-9);
  });

  it('statistical calibration: Ea 95% t-intervals cover the true Ea in ~95% of 400 noisy data sets (seed 7)', () => {
    // Each set: 5 temperatures 500–1300 K, ln D drawn with Gaussian noise of known σ = 0.15 (value_err = 0.15·D).
    // Expected coverage 0.95 with binomial SE sqrt(0.95·0.05/400) ≈ 0.011; accept 0.95 ± 4 SE (t intervals with
    // χ² scaling only ever widen, so the lower bound is the meaningful one).
    const rng = createRng(7);
    const ea = 0.4;
    let covered = 0;
    const nSets = 400;
    for (let k = 0; k < nSets; k++) {
      const pts = [500, 700, 900, 1100, 1300].map((T_K) => {
        const value = 1e-3 * Math.exp(-ea / (KB_eVPerK * T_K) + 0.15 * rng.nextNormal());
        return { T_K, value, value_err: 0.15 * value };
      });
      const fit = fitArrhenius(pts);
      if (Math.abs(fit.ea_eV - ea) <= fit.quantile95 * fit.ea_err_eV) covered++;
    }
    const frac = covered / nSets;
    expect(frac).toBeGreaterThan(0.95 - 4 * 0.011);
    expect(frac).toBeLessThanOrEqual(1);
  });

  it('extrapolated interval widens away from the data and contains the central value', () => {
    const fit = fitArrhenius(readDtCsv());
    const near = evaluateArrhenius(fit, 900);
    const far = evaluateArrhenius(fit, 300);
    expect(far.ln_err).toBeGreaterThan(near.ln_err);
    expect(far.ci95[0]).toBeLessThan(far.value);
    expect(far.ci95[1]).toBeGreaterThan(far.value);
  });

  it('extrapolateDiffusionArrhenius: D and its interval from evaluateArrhenius; σ by Nernst–Einstein when the carrier is known', () => {
    const fit = fitArrhenius(readDtCsv());
    const e = evaluateArrhenius(fit, 300);
    const noCarrier = extrapolateDiffusionArrhenius(fit, 300);
    expect(noCarrier.D_cm2PerS).toBe(e.value);
    expect(noCarrier.D_ci95_cm2PerS).toEqual(e.ci95);
    expect(noCarrier.conductivity_mSPerCm).toBeNull();
    const withCarrier = extrapolateDiffusionArrhenius(fit, 300, { n_perCm3: 2.4e22, charge_e: 1 });
    const sigma = computeNernstEinsteinConductivity_SPerCm(2.4e22, 1, e.value, 300) * 1e3;
    expect(rel(withCarrier.conductivity_mSPerCm as number, sigma)).toBeLessThan(1e-12);
    const [lo, hi] = withCarrier.conductivity_ci95_mSPerCm as [number, number];
    expect(rel(lo / sigma, e.ci95[0] / e.value)).toBeLessThan(1e-12);
    expect(rel(hi / sigma, e.ci95[1] / e.value)).toBeLessThan(1e-12);
  });

  it('Student t quantiles match tables', () => {
    expect(rel(computeStudentTQuantile(0.975, 1), 12.706204736174698)).toBeLessThan(1e-9);
    expect(rel(computeStudentTQuantile(0.975, 2), 4.302652729749464)).toBeLessThan(1e-9);
    expect(rel(computeStudentTQuantile(0.975, 10), 2.2281388519862735)).toBeLessThan(1e-9);
    expect(rel(computeStudentTQuantile(0.975, 1000), 1.9623390808264078)).toBeLessThan(1e-9);
    expect(rel(computeStudentTQuantile(0.025, 5), -2.570581835636314)).toBeLessThan(1e-9);
  });

  it('rejects bad input with clear messages', () => {
    expect(() => fitArrhenius([{ T_K: 300, value: 1, value_err: 0.1 }])).toThrow(
      'arrhenius: expected at least 2 temperatures, found 1',
    );
    expect(() => fitArrhenius([{ T_K: 300, value: 1, value_err: 0.1 }, { T_K: 300, value: 2, value_err: 0.1 }])).toThrow(
      'expected at least 2 distinct temperatures, found 1',
    );
    expect(() => fitArrhenius([{ T_K: 300, value: -1, value_err: 0.1 }, { T_K: 400, value: 2, value_err: 0.1 }])).toThrow(
      'point 1 (T = 300 K): expected a positive value, found -1',
    );
    expect(() => fitArrhenius([{ T_K: 300, value: 1, value_err: 0 }, { T_K: 400, value: 2, value_err: 0.1 }])).toThrow(
      'point 1 (T = 300 K): expected a positive error, found 0',
    );
    expect(() => fitArrhenius([{ T_K: -3, value: 1, value_err: 1 }, { T_K: 400, value: 2, value_err: 0.1 }])).toThrow(
      'point 1: expected a positive temperature in K, found -3',
    );
    const fit = fitArrhenius(readDtCsv());
    expect(() => evaluateArrhenius(fit, 0)).toThrow('expected a positive temperature in K to evaluate at, found 0');
  });
});
