/**
 * Redox closure of the stripping model (`liflux strip`, engine/strip): the Li⁺ current that the electrolyte
 * carries into a Li-depleted interlayer patch held at the redox potential U of its phase (Li2Sb 0.85 V, Sb 0.90 V)
 * against the lithiated interlayer around it (0 V). The same electrostatics as `liflux flux hotspot`
 * (analysis/flux/hotspot.ts): the LLZO is an ohmic half-space (J = σE, ∇²u = 0 outside the source) grounded at
 * the lithiated interface. Two source shapes:
 *
 *   - 'disk' (default for the KMC): a disk patch of radius a on the surface of the half-space at potential U,
 *     the far interface at 0 V. Spreading resistance R = 1/(4σa) (Maxwell/Holm), so I = 4σaU.
 *   - 'sphere': a sphere of radius r whose centre sits at height h above the grounded interface — the
 *     hot-spot model's geometry (point charge q at y0 = h, u(r_cal = r) = U, grounded plane by an image).
 *     With q̃ = q/ε: U = q̃/(4π)·(1/r − 1/√(r² + 4h²)) (potential sideways at distance r, charge plus image),
 *     and the total current leaving the source is I = σq̃, so I = 4πσU / (1/r − 1/√(r² + 4h²)).
 *
 * The 'sphere' form is what runHotspotModel computes (test/analysis/flux/redox-closure.test.ts checks σ·q̃ from
 * the Poisson solution against it); the 'disk' form is the same problem for a source flush with the interface,
 * which is how the KMC sees a depleted bottom-face patch. σ(T) comes from a ConductivityModel (conductivity.ts);
 * the default is the paper's σ(75 °C) = 0.00216 S/cm with an Arrhenius Ea of 0.30 eV (Al-LLZO range 0.26–0.35 eV).
 * Swap the closure by passing another function of the same signature to the engine.
 */
import { InputError } from '../../engine/core/errors.js';
import { computeArrheniusPrefactor, evaluateConductivity, type ConductivityModel } from './conductivity.js';

/** Same signature as the engine's RedoxClosure: (patch radius Å, U V, T K) → current A. */
export type RedoxCurrentFunction = (patchRadius_A: number, U_V: number, T_K: number) => number;

export type RedoxSourceShape = 'disk' | 'sphere';

/** The paper's σ_LLZO at 75 °C, S/cm, and the Arrhenius Ea assumed to move it to other temperatures, eV. */
export const PAPER_SIGMA_75C_SPerCm = 0.00216;
export const DEFAULT_LLZO_EA_eV = 0.3;

/** Default conductivity model: σ(75 °C) = 0.00216 S/cm, Ea = 0.30 eV (eq 25). */
export function createDefaultLlzoConductivity(): ConductivityModel {
  return { kind: 'arrhenius', prefactor_SKPerCm: computeArrheniusPrefactor(PAPER_SIGMA_75C_SPerCm, 348.15, DEFAULT_LLZO_EA_eV), ea_eV: DEFAULT_LLZO_EA_eV };
}

/** I = 4σaU: disk of radius a at potential U on a grounded half-space. A. */
export function computeDiskRedoxCurrent(radius_A: number, U_V: number, sigma_SPerCm: number): number {
  checkPositive('patch radius (Å)', radius_A);
  checkPositive('σ (S/cm)', sigma_SPerCm);
  return 4 * sigma_SPerCm * 100 * radius_A * 1e-10 * U_V;
}

/** I = 4πσU/(1/r − 1/√(r² + 4h²)): sphere of radius r at height h over the grounded interface. A. */
export function computeSphereRedoxCurrent(radius_A: number, height_A: number, U_V: number, sigma_SPerCm: number): number {
  checkPositive('sphere radius (Å)', radius_A);
  checkPositive('σ (S/cm)', sigma_SPerCm);
  if (!(height_A > radius_A) || !Number.isFinite(height_A)) throw new InputError(`sphere height: expected more than the radius (${radius_A} Å), found ${height_A} Å`);
  const r_m = radius_A * 1e-10;
  const h_m = height_A * 1e-10;
  return (4 * Math.PI * sigma_SPerCm * 100 * U_V) / (1 / r_m - 1 / Math.sqrt(r_m * r_m + 4 * h_m * h_m));
}

export interface RedoxClosureOptions {
  conductivity?: ConductivityModel;
  shape?: RedoxSourceShape;
  /** Sphere centre height as a multiple of its radius (sphere shape only; the paper's 25 nm / 10 nm = 2.5). */
  heightOverRadius?: number;
}

/** Build the closure the strip engine calls. */
export function createRedoxClosure(options: RedoxClosureOptions = {}): RedoxCurrentFunction {
  const model = options.conductivity ?? createDefaultLlzoConductivity();
  const shape = options.shape ?? 'disk';
  if (shape !== 'disk' && shape !== 'sphere') throw new InputError(`redox closure shape: expected disk or sphere, found ${JSON.stringify(shape)}`);
  const hOverR = options.heightOverRadius ?? 2.5;
  return (patchRadius_A, U_V, T_K) => {
    const sigma = evaluateConductivity(model, T_K - 273.15);
    return shape === 'disk' ? computeDiskRedoxCurrent(patchRadius_A, U_V, sigma) : computeSphereRedoxCurrent(patchRadius_A, hOverR * patchRadius_A, U_V, sigma);
  };
}

function checkPositive(what: string, v: number): void {
  if (!(v > 0) || !Number.isFinite(v)) throw new InputError(`redox closure ${what}: expected a positive number, found ${v}`);
}
