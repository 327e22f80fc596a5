import { describe, expect, it } from 'vitest';
import { KB_eVPerK } from '../../../engine/core/constants.js';
import {
  computeArrheniusConductivity,
  computeArrheniusPrefactor,
  computeImpedanceConductivity,
  evaluateConductivity,
  parseImpedanceSpec,
} from '../../../analysis/flux/conductivity.js';

const rel = (a: number, b: number) => Math.abs(a / b - 1);

describe('σ_LLZO', () => {
  it('eq 24: σ = l/(R·S) — the paper cell (45 µm, 0.12566 cm²) at 16.58 Ω gives 0.00216 S/cm', () => {
    expect(rel(computeImpedanceConductivity(16.58, 45e-4, 0.12566), 45e-4 / (16.58 * 0.12566))).toBeLessThan(1e-15);
    expect(rel(computeImpedanceConductivity(16.58, 45e-4, 0.12566), 0.00216)).toBeLessThan(1e-3);
  });

  it('eq 25: σT = A·exp(−Ea/kBT); the reference form passes through its point', () => {
    const A = computeArrheniusPrefactor(0.00216, 348.15, 0.3);
    expect(rel(computeArrheniusConductivity(A, 0.3, 348.15), 0.00216)).toBeLessThan(1e-14);
    const ratio = computeArrheniusConductivity(A, 0.3, 400) / computeArrheniusConductivity(A, 0.3, 348.15);
    expect(rel(ratio, (348.15 / 400) * Math.exp((-0.3 / KB_eVPerK) * (1 / 400 - 1 / 348.15)))).toBeLessThan(1e-14);
    expect(rel(evaluateConductivity({ kind: 'arrhenius', prefactor_SKPerCm: A, ea_eV: 0.3 }, 75), 0.00216)).toBeLessThan(1e-12);
  });

  it('impedance per temperature or for all', () => {
    const model = { kind: 'impedance' as const, points: [parseImpedanceSpec('75:16.58,0.0045,0.12566'), parseImpedanceSpec('100:8,0.0045,0.12566')] };
    expect(rel(evaluateConductivity(model, 100), 0.0045 / (8 * 0.12566))).toBeLessThan(1e-15);
    expect(() => evaluateConductivity(model, 125)).toThrow(/impedance: expected a measurement at 125 °C, found only 75, 100 °C/);
    expect(parseImpedanceSpec('10,0.0045,0.1').T_C).toBeUndefined();
  });

  it('rejects bad values with messages', () => {
    expect(() => parseImpedanceSpec('1,2')).toThrow(/--eis: expected "R_ohm,l_cm,S_cm2" or "T_C:R_ohm,l_cm,S_cm2" with positive numbers, found "1,2"/);
    expect(() => parseImpedanceSpec('1,-2,3')).toThrow(/--eis: expected/);
    expect(() => computeImpedanceConductivity(0, 1, 1)).toThrow(/impedance R \(Ω\): expected a positive number, found 0/);
    expect(() => computeArrheniusPrefactor(-1, 300, 0.3)).toThrow(/arrhenius reference: expected σ > 0 S\/cm/);
  });
});
