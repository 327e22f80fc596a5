/**
 * Nernst–Einstein relation: σ = n·(z·e)²·D / (kB·T).
 * Used by the trajectory analysis (tracer and charge diffusivity) and by the KMC observables.
 */
import { A2_PER_PS_TO_CM2_PER_S, E_C, KB_JPerK } from './constants.js';

/**
 * Ionic conductivity in S/cm from a diffusion coefficient.
 * @param n_perCm3 number density of the carriers, 1/cm³
 * @param charge_e carrier charge in units of e
 * @param D_cm2PerS tracer (→ Nernst–Einstein σ) or charge/collective (→ σ) diffusion coefficient, cm²/s
 * @param T_K temperature, K
 */
export function computeNernstEinsteinConductivity_SPerCm(
  n_perCm3: number,
  charge_e: number,
  D_cm2PerS: number,
  T_K: number,
): number {
  const q_C = charge_e * E_C;
  return (n_perCm3 * q_C * q_C * D_cm2PerS) / (KB_JPerK * T_K);
}

/** Number density (1/cm³) of `count` carriers in a volume given in Å³. */
export function computeNumberDensity_perCm3(count: number, volume_A3: number): number {
  return count / (volume_A3 * 1e-24);
}

/** Å²/ps → cm²/s, re-exported for callers that only need this conversion next to σ. */
export const A2PerPs_to_cm2PerS = A2_PER_PS_TO_CM2_PER_S;
