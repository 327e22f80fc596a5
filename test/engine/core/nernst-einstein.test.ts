import { describe, expect, it } from 'vitest';
import { computeNernstEinsteinConductivity_SPerCm, computeNumberDensity_perCm3 } from '../../../engine/core/nernst-einstein.js';

describe('Nernst–Einstein', () => {
  it('matches a hand calculation: n = 1e22 /cm³, z = 1, D = 1e-6 cm²/s, T = 300 K', () => {
    // σ = n e² D / (kB T) = 1e22 · (1.602176634e-19)² · 1e-6 / (1.380649e-23 · 300) S/cm
    const expected = (1e22 * 1.602176634e-19 ** 2 * 1e-6) / (1.380649e-23 * 300);
    const got = computeNernstEinsteinConductivity_SPerCm(1e22, 1, 1e-6, 300);
    expect(Math.abs(got / expected - 1)).toBeLessThan(1e-12);
    // ≈ 6.197e-2 S/cm (C²·cm²/s / (cm³·J) = S/cm)
    expect(Math.abs(got / 6.1975e-2 - 1)).toBeLessThan(1e-3);
  });

  it('scales with z² and 1/T', () => {
    const a = computeNernstEinsteinConductivity_SPerCm(1e21, 1, 1e-5, 400);
    expect(computeNernstEinsteinConductivity_SPerCm(1e21, 2, 1e-5, 400) / a).toBeCloseTo(4, 12);
    expect(computeNernstEinsteinConductivity_SPerCm(1e21, 1, 1e-5, 800) / a).toBeCloseTo(0.5, 12);
  });

  it('number density from a count and a volume in Å³', () => {
    // 96 Li in (13.089 Å)³
    const n = computeNumberDensity_perCm3(96, 13.089 ** 3);
    expect(Math.abs(n / (96 / (13.089 ** 3 * 1e-24)) - 1)).toBeLessThan(1e-14);
  });
});
