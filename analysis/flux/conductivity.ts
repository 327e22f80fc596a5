/**
 * σ_LLZO(T) for the flux model, from one of:
 *   - a value (S/cm), used at every temperature;
 *   - Arrhenius parameters, eq 25: σ·T = A·exp(−Ea/(kB·T)), A in S·K/cm, Ea in eV;
 *   - a reference point and Ea (σ_ref at T_ref, same law): A = σ_ref·T_ref·exp(Ea/(kB·T_ref));
 *   - impedance, eq 24: σ = l/(R·S) with R in Ω, l in cm, S in cm² — one measurement (used at every
 *     temperature) or one per temperature.
 */
import { KB_eVPerK, celsiusToKelvin } from '../../engine/core/constants.js';
import { InputError } from '../../engine/core/errors.js';

export type ConductivityModel =
  | { kind: 'constant'; sigma_SPerCm: number }
  | { kind: 'arrhenius'; prefactor_SKPerCm: number; ea_eV: number }
  | { kind: 'impedance'; points: ImpedancePoint[] };

export interface ImpedancePoint {
  /** Temperature of the measurement, °C; undefined = use at every temperature. */
  T_C?: number;
  R_ohm: number;
  l_cm: number;
  S_cm2: number;
}

/** eq 24: σ = l/(R·S), S/cm. */
export function computeImpedanceConductivity(R_ohm: number, l_cm: number, S_cm2: number): number {
  for (const [name, v] of [['R (Ω)', R_ohm], ['l (cm)', l_cm], ['S (cm²)', S_cm2]] as const) {
    if (!(Number.isFinite(v) && v > 0)) throw new InputError(`impedance ${name}: expected a positive number, found ${v}`);
  }
  return l_cm / (R_ohm * S_cm2);
}

/** eq 25: σ(T) = (A/T)·exp(−Ea/(kB·T)), S/cm. */
export function computeArrheniusConductivity(prefactor_SKPerCm: number, ea_eV: number, T_K: number): number {
  return (prefactor_SKPerCm / T_K) * Math.exp(-ea_eV / (KB_eVPerK * T_K));
}

/** The eq-25 prefactor A (S·K/cm) that passes through σ_ref at T_ref with activation energy Ea. */
export function computeArrheniusPrefactor(sigmaRef_SPerCm: number, TRef_K: number, ea_eV: number): number {
  if (!(sigmaRef_SPerCm > 0 && TRef_K > 0 && Number.isFinite(ea_eV))) {
    throw new InputError(`arrhenius reference: expected σ > 0 S/cm, T > 0 K and a finite Ea, found ${sigmaRef_SPerCm}, ${TRef_K}, ${ea_eV}`);
  }
  return sigmaRef_SPerCm * TRef_K * Math.exp(ea_eV / (KB_eVPerK * TRef_K));
}

/** σ_LLZO at a temperature (°C), S/cm. */
export function evaluateConductivity(model: ConductivityModel, T_C: number): number {
  switch (model.kind) {
    case 'constant':
      return model.sigma_SPerCm;
    case 'arrhenius':
      return computeArrheniusConductivity(model.prefactor_SKPerCm, model.ea_eV, celsiusToKelvin(T_C));
    case 'impedance': {
      const general = model.points.find((p) => p.T_C === undefined);
      const match = model.points.find((p) => p.T_C !== undefined && Math.abs(p.T_C - T_C) < 1e-9);
      const p = match ?? general;
      if (!p) {
        const have = model.points.map((q) => q.T_C).join(', ');
        throw new InputError(`impedance: expected a measurement at ${T_C} °C, found only ${have} °C`);
      }
      return computeImpedanceConductivity(p.R_ohm, p.l_cm, p.S_cm2);
    }
  }
}

/** Human description of the model for tables and JSON. */
export function describeConductivity(model: ConductivityModel): string {
  switch (model.kind) {
    case 'constant':
      return `constant ${model.sigma_SPerCm} S/cm`;
    case 'arrhenius':
      return `Arrhenius (eq 25) A = ${model.prefactor_SKPerCm.toPrecision(5)} S·K/cm, Ea = ${model.ea_eV} eV`;
    case 'impedance':
      return `impedance (eq 24) ${model.points.map((p) => `${p.T_C ?? 'all'} °C: R=${p.R_ohm} Ω, l=${p.l_cm} cm, S=${p.S_cm2} cm²`).join('; ')}`;
  }
}

/** Parse `--eis` values: `R,l,S` (any temperature) or `T_C:R,l,S`. */
export function parseImpedanceSpec(spec: string): ImpedancePoint {
  const m = /^\s*(?:([-+0-9.eE]+)\s*:)?\s*([^,]+),([^,]+),([^,]+)\s*$/.exec(spec);
  const nums = m ? [m[2], m[3], m[4]].map(Number) : [];
  if (!m || nums.some((v) => !(Number.isFinite(v) && v > 0)) || (m[1] !== undefined && !Number.isFinite(Number(m[1])))) {
    throw new InputError(`--eis: expected "R_ohm,l_cm,S_cm2" or "T_C:R_ohm,l_cm,S_cm2" with positive numbers, found ${JSON.stringify(spec)}`);
  }
  return { T_C: m[1] === undefined ? undefined : Number(m[1]), R_ohm: nums[0], l_cm: nums[1], S_cm2: nums[2] };
}
