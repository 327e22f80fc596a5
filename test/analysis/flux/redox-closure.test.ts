import { describe, expect, it } from 'vitest';
import { runHotspotModel } from '../../../analysis/flux/hotspot.js';
import {
  computeDiskRedoxCurrent,
  computeSphereRedoxCurrent,
  createDefaultLlzoConductivity,
  createRedoxClosure,
  PAPER_SIGMA_75C_SPerCm,
} from '../../../analysis/flux/redox-closure.js';
import { evaluateConductivity } from '../../../analysis/flux/conductivity.js';

describe('redox closure', () => {
  it('sphere form equals σ·q/ε of the hot-spot Poisson model in the same geometry (no applied current)', () => {
    // Same geometry as the paper: charge at 25 nm, u = U at 10 nm sideways; 8 µm domain (finite-domain term ~ r/L).
    const sigma = 0.00216;
    const hs = runHotspotModel({ geometry: 'axisymmetric', appliedCurrentDensity_mAPerCm2: 0, sigma_SPerCm: sigma, intervals: 128 });
    for (const ph of hs.phases) {
      const fromPoisson_A = sigma * 100 * ph.chargeOverEpsilon * 1e-6; // σ (S/m) · q̃ (V·µm → V·m)
      const closure_A = computeSphereRedoxCurrent(100, 250, ph.U_V, sigma);
      // the Gaussian (σ_G = 0.5 nm) is point-like at 10 nm (erf(14) = 1) and the near field is subtracted exactly in
      // runHotspotModel; the finite 8 µm domain enters only through the smooth correction (found: 1.4e-7)
      expect(Math.abs(closure_A / fromPoisson_A - 1)).toBeLessThan(1e-5);
    }
  });

  it('disk form is the spreading-resistance current 4σaU, and scales linearly in a, U and σ', () => {
    const I = computeDiskRedoxCurrent(10, 0.85, 0.00216);
    // σ = 0.216 S/m, a = 1 nm: I = 4·0.216·1e-9·0.85 A
    expect(Math.abs(I / (4 * 0.216 * 1e-9 * 0.85) - 1)).toBeLessThan(1e-12);
    expect(computeDiskRedoxCurrent(20, 0.85, 0.00216) / I).toBeCloseTo(2, 12);
    expect(computeDiskRedoxCurrent(10, 0.9, 0.00216) / I).toBeCloseTo(0.9 / 0.85, 12);
  });

  it('the closure uses σ(T): the paper value at 75 °C and Arrhenius elsewhere', () => {
    const model = createDefaultLlzoConductivity();
    expect(Math.abs(evaluateConductivity(model, 75) / PAPER_SIGMA_75C_SPerCm - 1)).toBeLessThan(1e-12);
    const f = createRedoxClosure();
    expect(Math.abs(f(7, 0.85, 348.15) / computeDiskRedoxCurrent(7, 0.85, PAPER_SIGMA_75C_SPerCm) - 1)).toBeLessThan(1e-12);
    expect(f(7, 0.85, 298.15)).toBeLessThan(f(7, 0.85, 348.15));
    const g = createRedoxClosure({ shape: 'sphere' });
    expect(g(7, 0.85, 348.15)).toBeGreaterThan(f(7, 0.85, 348.15));
  });

  it('rejects bad input with a message', () => {
    expect(() => computeDiskRedoxCurrent(-1, 0.85, 0.002)).toThrow(/patch radius \(Å\): expected a positive number, found -1/);
    expect(() => computeSphereRedoxCurrent(10, 5, 0.85, 0.002)).toThrow(/sphere height: expected more than the radius \(10 Å\), found 5 Å/);
    expect(() => createRedoxClosure({ shape: 'cube' as 'disk' })).toThrow(/expected disk or sphere, found "cube"/);
  });
});
