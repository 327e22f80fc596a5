/**
 * Physical constants (exact SI, 2019 redefinition) and unit conversions, derived once.
 * Internal unit system: Å, ps, eV, K. Convert only at ingest and output.
 */

/** Boltzmann constant, J/K (exact). */
export const KB_JPerK = 1.380649e-23;
/** Elementary charge, C (exact). */
export const E_C = 1.602176634e-19;
/** Avogadro constant, 1/mol (exact). */
export const NA_perMol = 6.02214076e23;
/** Faraday constant, C/mol (= e·NA; the paper's 96385 is a typo for 96485). */
export const F_CPerMol = E_C * NA_perMol;
/** Boltzmann constant in eV/K. */
export const KB_eVPerK = KB_JPerK / E_C;
/** Vacuum permittivity, F/m (CODATA 2018). */
export const EPS0_FPerM = 8.8541878128e-12;

/** Å²/ps → cm²/s (1 Å² = 1e-16 cm², 1 ps = 1e-12 s). */
export const A2_PER_PS_TO_CM2_PER_S = 1e-4;
/** cm²/s → Å²/ps. */
export const CM2_PER_S_TO_A2_PER_PS = 1e4;
/** fs → ps. */
export const FS_TO_PS = 1e-3;
/** Å³ → cm³. */
export const A3_TO_CM3 = 1e-24;
/** Å → cm. */
export const A_TO_CM = 1e-8;
/** S/cm → mS/cm. */
export const S_TO_MS = 1e3;

/** Celsius → kelvin. */
export function celsiusToKelvin(t_C: number): number {
  return t_C + 273.15;
}
