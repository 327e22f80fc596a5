import { describe, expect, it } from 'vitest';
import { F_CPerMol, KB_eVPerK } from '../../../engine/core/constants.js';
import { createRng } from '../../../engine/core/rng.js';
import {
  analyzeFronts,
  computeCellConcentration,
  computeLocalSlope,
  createDefaultMaterials,
  createDiffusivityFromJson,
  createFrontSamples,
  parseFrontsCsv,
  type FrontSample,
} from '../../../analysis/flux/front.js';

const rel = (a: number, b: number) => Math.abs(a / b - 1);

/** x1 = 1 + 0.01·t mm, x2 = 2 + 0.02·t mm at t = 0..10 s: constant velocities, no noise. */
function linearFronts(T_C = 75): FrontSample[] {
  return Array.from({ length: 11 }, (_, k) => ({ temperature_C: T_C, time_s: k, x1_mm: 1 + 0.01 * k, x2_mm: 2 + 0.02 * k }));
}

describe('concentrations (eq 2)', () => {
  it('uses the documented cells', () => {
    const m = createDefaultMaterials();
    // Sb: ρ/M = 6.697/121.76
    expect(rel(m.c_Sb_molPerCm3, 0.055001642)).toBeLessThan(1e-6);
    // Li3Sb: 4 / (6.5445 Å)³ / NA
    expect(rel(m.c_Li3Sb_molPerCm3, 4 / (6.5445 ** 3 * 1e-24 * 6.02214076e23))).toBeLessThan(1e-12);
    // Li2Sb: Z = 3 in V = (√3/2)·7.71²·3.262 Å³ = 167.93 Å³ → 0.029666 mol/cm³
    expect(rel(m.c_Li2Sb_molPerCm3, 0.029666)).toBeLessThan(1e-4);
    expect(rel(computeCellConcentration(2, 3.51 ** 3), m.c_LiMetal_molPerCm3)).toBeLessThan(1e-12);
  });
});

describe('analyzeFronts (eqs 1–12) on a hand-computable input', () => {
  const sigma = 0.002;
  const D = 1e-6;
  const r = analyzeFronts(linearFronts(), { conductivity: { kind: 'constant', sigma_SPerCm: sigma }, diffusivity: () => D, timeResolution_s: 0 });
  const t = r.temperatures[0];
  const m = createDefaultMaterials();
  const cSbTheta = m.c_Sb_molPerCm3 * 10e-7; // mol/cm² (θ_Sb = 10 nm)

  it('eq 1: thicknesses from the mass balance', () => {
    expect(rel(r.theta_nm.Li2Sb, (10 * m.c_Sb_molPerCm3) / m.c_Li2Sb_molPerCm3)).toBeLessThan(1e-12);
    expect(rel(r.theta_nm.Li3Sb, (10 * m.c_Sb_molPerCm3) / m.c_Li3Sb_molPerCm3)).toBeLessThan(1e-12);
  });

  it('eqs 3–5: velocities 0.01 and 0.02 mm/s give r1/w, r2/w and J_Li/w = r1/w + 2 r2/w', () => {
    for (let k = 0; k < 11; k++) {
      expect(rel(t.dx1dt_mmPerS[k], 0.01)).toBeLessThan(1e-10);
      expect(rel(t.dx2dt_mmPerS[k], 0.02)).toBeLessThan(1e-10);
      expect(rel(t.r1_perWidth_molPerCmS[k], cSbTheta * 1e-3)).toBeLessThan(1e-10); // c_Li2Sb θ_Li2Sb = c_Sb θ_Sb
      expect(rel(t.r2_perWidth_molPerCmS[k], cSbTheta * 2e-3)).toBeLessThan(1e-10);
      expect(rel(t.J_Li_perWidth_molPerCmS[k], cSbTheta * 5e-3)).toBeLessThan(1e-10);
    }
  });

  it('slope errors: σ_x/√Σ(t − t̄)² of each window, propagated into J_Li/w', () => {
    const sx = 3 * 0.03236; // mm
    // t = 5: window 0..10 (±8 samples truncated at the ends), Σ(t − 5)² = 110
    expect(rel(t.dx1dt_mmPerS_err[5], sx / Math.sqrt(110))).toBeLessThan(1e-12);
    const e1 = cSbTheta * 0.1 * (sx / Math.sqrt(110));
    expect(rel(t.J_Li_perWidth_molPerCmS_err[5], Math.hypot(e1, 2 * e1))).toBeLessThan(1e-12);
  });

  it('eqs 6–7: Fick flux through Li3Sb and its fraction', () => {
    const dc = m.c_LiMetal_molPerCm3 - 2 * m.c_Li2Sb_molPerCm3;
    const thetaLi3Sb_cm = r.theta_nm.Li3Sb * 1e-7;
    expect(rel(r.deltaC_molPerCm3, dc)).toBeLessThan(1e-12);
    for (let k = 0; k < 11; k++) {
      const jd = (thetaLi3Sb_cm * D * dc) / ((1 + 0.01 * k) * 0.1);
      expect(rel(t.J_D_perWidth_molPerCmS![k], jd)).toBeLessThan(1e-12);
      expect(rel(t.diffusion_fraction![k], jd / (cSbTheta * 5e-3))).toBeLessThan(1e-10);
    }
  });

  it('eqs 8–12: θ_eff and j with the diffusion part subtracted', () => {
    for (let k = 0; k < 11; k++) {
      const x1 = (1 + 0.01 * k) * 0.1;
      const x2 = (2 + 0.02 * k) * 0.1;
      const S = 0.85 / x1 + 0.9 / x2;
      const JL = t.J_Li_perWidth_molPerCmS[k] - t.J_D_perWidth_molPerCmS![k];
      expect(rel(t.theta_eff_um![k], ((JL * F_CPerMol) / sigma / S) * 1e4)).toBeLessThan(1e-12);
      expect(rel(t.j_lateral_mAPerCm2![k], sigma * S * 1e3)).toBeLessThan(1e-12);
    }
    expect(t.sigma_LLZO_SPerCm).toBe(sigma);
  });

  it('without σ or D the dependent quantities are null', () => {
    const bare = analyzeFronts(linearFronts()).temperatures[0];
    expect(bare.theta_eff_um).toBeNull();
    expect(bare.J_D_perWidth_molPerCmS).toBeNull();
    expect(bare.J_LLZO_perWidth_molPerCmS).toEqual(bare.J_Li_perWidth_molPerCmS);
  });

  it('recovers the θ_eff that generated parabolic fronts (forward model of eqs 5–12, no noise)', () => {
    // c θ_Sb dx1/dt = σθU1/(F x1), 2 c θ_Sb dx2/dt = σθU2/(F x2) → x² = x0² + 2kt
    const theta_cm = 0.8e-4;
    const k1 = (sigma * theta_cm * 0.85) / F_CPerMol / cSbTheta;
    const k2 = (sigma * theta_cm * 0.9) / F_CPerMol / (2 * cSbTheta);
    const samples: FrontSample[] = Array.from({ length: 401 }, (_, i) => {
      const ts = i * 0.5;
      return { temperature_C: 100, time_s: ts, x1_mm: 10 * Math.sqrt(0.05 ** 2 + 2 * k1 * ts), x2_mm: 10 * Math.sqrt(0.3 ** 2 + 2 * k2 * ts) };
    });
    const res = analyzeFronts(samples, { conductivity: { kind: 'constant', sigma_SPerCm: sigma } }).temperatures[0];
    // local linear fits of a curved x(t): bias O(h²x''/x'), below 1e-3 here
    for (let k = 20; k < 380; k += 40) expect(rel(res.theta_eff_um![k], 0.8)).toBeLessThan(1e-3);
  });
});

describe('computeLocalSlope', () => {
  it('error bars are calibrated on noisy straight lines (fixed seed; independent windows)', () => {
    // 400 non-overlapping 9-point windows of x = 0.5 t + noise(σ = 0.1): z = (v̂ − 0.5)/σ_v should be N(0, 1).
    // Mean of z² over n = 400 has standard error √(2/n) = 0.071; tolerance 4σ.
    const rng = createRng(42);
    const z2: number[] = [];
    for (let w = 0; w < 400; w++) {
      const t = Array.from({ length: 9 }, (_, k) => k * 0.7);
      const y = t.map((tt) => 0.5 * tt + 0.1 * rng.nextNormal());
      const s = computeLocalSlope(t, y, 0.1, 0, 4);
      z2.push(((s.slope[4] - 0.5) / s.slope_err[4]) ** 2);
    }
    const meanZ2 = z2.reduce((a, b) => a + b, 0) / z2.length;
    expect(Math.abs(meanZ2 - 1)).toBeLessThan(4 * Math.sqrt(2 / 400));
  });

  it('time uncertainty inflates the slope error through σ_eff² = σ_x² + (v σ_t)²', () => {
    const t = [0, 1, 2, 3, 4];
    const y = t.map((tt) => 2 * tt);
    const a = computeLocalSlope(t, y, 0.1, 0, 2);
    const b = computeLocalSlope(t, y, 0.1, 0.05, 2);
    expect(rel(b.slope_err[2] / a.slope_err[2], Math.hypot(0.1, 2 * 0.05) / 0.1)).toBeLessThan(1e-9);
  });
});

describe('input parsing and errors', () => {
  it('parses CSV with comments and any column order', () => {
    const s = parseFrontsCsv('# note\ntime_s,temperature_C,x2_mm,x1_mm\n0,75,2,1\n1,75,2.1,1.05\n');
    expect(s[1]).toEqual({ temperature_C: 75, time_s: 1, x1_mm: 1.05, x2_mm: 2.1, line: 4 });
  });

  it('names file and line for bad CSV', () => {
    expect(() => parseFrontsCsv('a,b\n1,2\n', 'f.csv')).toThrow(/^f\.csv:1: expected a header with columns temperature_C,time_s,x1_mm,x2_mm, found "a,b"$/);
    expect(() => parseFrontsCsv('temperature_C,time_s,x1_mm,x2_mm\n75,0,1\n', 'f.csv')).toThrow(/^f\.csv:2: expected 4 comma-separated values, found 3$/);
    expect(() => parseFrontsCsv('temperature_C,time_s,x1_mm,x2_mm\n75,zero,1,2\n', 'f.csv')).toThrow(/^f\.csv:2: expected a number in column time_s, found "zero"$/);
    expect(() => parseFrontsCsv('temperature_C,time_s,x1_mm,x2_mm\n75,0,-1,2\n', 'f.csv')).toThrow(/f\.csv:2: expected positive front distances x1_mm and x2_mm, found -1, 2/);
    expect(() => parseFrontsCsv('', 'f.csv')).toThrow(/f\.csv: expected a header line .*found an empty file/);
    expect(() => parseFrontsCsv('temperature_C,time_s,x1_mm,x2_mm\n', 'f.csv')).toThrow(/f\.csv: expected at least one data row, found none/);
  });

  it('rejects duplicate times, too few samples and bad options', () => {
    const dup = parseFrontsCsv('temperature_C,time_s,x1_mm,x2_mm\n75,0,1,2\n75,0,1.1,2.1\n75,1,1.2,2.2\n', 'f.csv');
    expect(() => analyzeFronts(dup)).toThrow(/line 3: expected one sample per time at 75 °C, found time 0 s twice/);
    expect(() => analyzeFronts(linearFronts().slice(0, 2))).toThrow(/fronts at 75 °C: expected at least 3 samples for a derivative, found 2/);
    expect(() => analyzeFronts([])).toThrow(/expected at least one sample, found none/);
    expect(() => analyzeFronts(linearFronts(), { thetaSb_nm: 0 })).toThrow(/fronts film thickness \(nm\): expected a positive number, found 0/);
    expect(() => analyzeFronts(linearFronts(), { halfWindow: 0.5 })).toThrow(/window half-width \(samples\): expected an integer ≥ 1, found 0.5/);
    expect(() => analyzeFronts(linearFronts(), { diffusivity: () => -1 })).toThrow(/D of Li in Li3Sb at 75 °C: expected a number ≥ 0 cm²\/s, found -1/);
    expect(() => createFrontSamples({ time_s: [0], x1_mm: [1], x2_mm: [2] }, 'a.arrow')).toThrow(/a\.arrow: expected columns .*found no temperature_C/);
  });

  it('reads D(T) from liflux arrhenius / diffusion JSON', () => {
    const arr = createDiffusivityFromJson({ Ea_eV: 0.1, D0_cm2PerS: 1e-3, points: [{ D_cm2PerS: 5 }] });
    expect(rel(arr.diffusivity(75), 1e-3 * Math.exp(-0.1 / (KB_eVPerK * 348.15)))).toBeLessThan(1e-12);
    expect(createDiffusivityFromJson({ result: { D_cm2PerS: 2e-7 } }).diffusivity(300)).toBe(2e-7);
    expect(() => createDiffusivityFromJson({ foo: 1 }, 'd.json')).toThrow(/^d\.json: expected an Arrhenius result .*found neither$/);
    expect(() => createDiffusivityFromJson({ Ea_eV: 0.1, D0_cm2PerS: -1 }, 'd.json')).toThrow(/d\.json: expected a positive D0/);
  });
});
