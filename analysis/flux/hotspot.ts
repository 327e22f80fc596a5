/**
 * The paper's hot-spot model (eqs 13–23): an LLZO domain with 0 V on the bottom (the Li3Sb/LLZO interface),
 * a top potential that drives the applied current density, a Gaussian charge (eq 13) at height y0 above the
 * interface whose potential at distance r_cal equals the redox potential U of the depleted phase, Poisson's
 * equation ∇²u = −ρ/ε (eq 14), J = −σ∇u (eqs 15–16), the lateral current through a cylinder of radius R
 * (eq 17) and the relithiation times of the depleted sphere (eqs 19–23).
 *
 * Geometries: '2d' (Cartesian x–y, what the paper computed; a line charge per unit length, the lateral
 * current per unit length K = ∫J_x dy is turned into a current as the paper's eq 17b does, I = K·2πR) and
 * 'axisymmetric' (r–z, a true point charge, I = ∫J_r·2πR dz — the consistent 3D reading).
 *
 * Near field ('subtracted', the default): u = q̃·(G + w₁) + w₀ where G is the closed-form potential of the Gaussian charge
 * and its negative image below the grounded interface (zero on y = 0, exact near the charge), w₁ is the
 * smooth correction for the finite domain (Laplace, bottom 0, top −G, insulating sides ∂(G + w₁)/∂n = 0) and
 * w₀ is the applied field (bottom 0, top u_top, insulating sides). w₀ and w₁ are smooth, so the answer converges
 * at second order on a uniform grid; q̃ = q/ε is fixed by u(r_cal) = U. The paper instead put the Gaussian on a
 * uniform 800 × 800 mesh (10 nm cells, unresolved for σ_G = 0.5 nm); nearField 'mesh' does the same here (the
 * Gaussian, cut at the interface, integrated exactly over the dual cells) — see README and the FEniCS golden.
 *
 * Units: lengths µm (names say so), u in V, σ in S/cm at the interface and S/m inside, currents in A.
 */
import { F_CPerMol, EPS0_FPerM } from '../../engine/core/constants.js';
import { InputError } from '../../engine/core/errors.js';
import type { RunControl } from '../../engine/core/progress.js';
import { throwIfAborted } from '../../engine/core/progress.js';
import { computeImagePairGradient, computeImagePairPotential, integrateGaussianOverCells } from './green.js';
import type { PoissonGeometry } from './poisson.js';
import { computeDualCellBounds, createUniformNodes, interpolateBilinear, interpolateGradientX, solvePoisson } from './poisson.js';

export type HotspotGeometry = PoissonGeometry;

/** The depleted phases of the paper: U is the redox potential vs Li⁺/Li, lithiumPerSb the Li needed per Sb. */
export interface HotspotPhase {
  name: string;
  U_V: number;
  /** mol Li per mol Sb to relithiate this phase one step (Sb→Li2Sb: 2, eq 20; Li2Sb→Li3Sb: 1, eq 21). */
  lithiumPerSb: number;
}

export const DEFAULT_HOTSPOT_PHASES: HotspotPhase[] = [
  { name: 'Sb', U_V: 0.9, lithiumPerSb: 2 },
  { name: 'Li2Sb', U_V: 0.85, lithiumPerSb: 1 },
];

export interface HotspotParameters {
  geometry: HotspotGeometry;
  /** Domain width (2d: full width, x ∈ [−W/2, W/2]; axisymmetric: diameter, r ∈ [0, W/2]). Paper: 8 µm. */
  domainWidth_um: number;
  /** Domain height. Paper: 8 µm. */
  domainHeight_um: number;
  /** Height of the charge above the interface. Paper: 25 nm. */
  chargeHeight_um: number;
  /** Gaussian width σ_G of eq 13. Paper: "below 0.0005" (µm). */
  gaussianWidth_um: number;
  /** Distance from the charge at which u = U (r_sb). Paper: 10 nm. Evaluated sideways, at (r_cal, y0). */
  calibrationDistance_um: number;
  /** Applied current density (positive: current flows up, away from the interface, u_top < 0). Paper: 50 mA/cm². */
  appliedCurrentDensity_mAPerCm2: number;
  /** LLZO conductivity. Paper: 0.00216 S/cm at 75 °C. */
  sigma_SPerCm: number;
  /** Relative permittivity of LLZO. Paper: 72.87 (enters only the reported charge, not the currents). */
  epsilonR: number;
  /** Radius of the cylinder through which the lateral current is counted. Paper: 1.5 µm. */
  cylinderRadius_um: number;
  /** Height of that cylinder (from the interface). Paper: 8 µm. */
  cylinderHeight_um: number;
  /** Radius of the Li-depleted sphere for eq 19. Paper: 10 nm. */
  depletedRadius_um: number;
  /** Sb density and molar mass for eq 19. */
  rhoSb_gPerCm3: number;
  molarMassSb_gPerMol: number;
  /** Grid intervals per direction on the solved (half-)domain. */
  intervals: number;
  /**
   * 'subtracted' (default): the Gaussian and its image are handled in closed form, only smooth corrections are
   * solved for — converges whatever the Gaussian width. 'mesh': the Gaussian (cut at the interface) is integrated
   * onto the grid's cells and solved for directly, as the paper's FEniCS model did — converges only once the
   * grid resolves the Gaussian width and the 10 nm calibration distance.
   */
  nearField: 'subtracted' | 'mesh';
  phases: HotspotPhase[];
}

export const DEFAULT_HOTSPOT_PARAMETERS: HotspotParameters = {
  geometry: 'axisymmetric',
  domainWidth_um: 8,
  domainHeight_um: 8,
  chargeHeight_um: 0.025,
  gaussianWidth_um: 0.0005,
  calibrationDistance_um: 0.01,
  appliedCurrentDensity_mAPerCm2: 50,
  sigma_SPerCm: 0.00216,
  epsilonR: 72.87,
  cylinderRadius_um: 1.5,
  cylinderHeight_um: 8,
  depletedRadius_um: 0.01,
  rhoSb_gPerCm3: 6.697,
  molarMassSb_gPerMol: 121.76,
  intervals: 800,
  nearField: 'subtracted',
  phases: DEFAULT_HOTSPOT_PHASES,
};

export interface HotspotPhaseResult {
  name: string;
  U_V: number;
  /** q/ε: V·µm (axisymmetric, a point charge) or V (2d, a line charge). */
  chargeOverEpsilon: number;
  /** The charge: C (axisymmetric) or C/m (2d). */
  charge_C: number;
  /** 2d only: lateral current per unit length through one side (x = R), A/m. */
  lateralCurrentPerLength_APerM: number | null;
  /** Lateral current: axisymmetric ∫J_r 2πR dz; 2d K·2πR (the paper's eq 17b). Outward = positive. A. */
  lateral_current_A: number;
  /** The same with the applied current switched off (charge recalibrated), A — shows the applied field's effect. */
  lateralCurrentWithoutApplied_A: number;
  peak_depth_um: number;
  peak_current_density_mAPerCm2: number;
  /** Depth below the interface, beyond the peak, where |J_r| has fallen to 10 % of its peak. */
  depth_10pct_um: number;
  /** Li amount to relithiate (eqs 19–21), mol. */
  lithium_mol: number;
  /** eq 22/23: lithium_mol·F/|I|. */
  relithiation_time_s: number;
  /** J_r(z) on the cylinder, mA/cm², sampled at profile_z_um. */
  profile_J_mAPerCm2: Float64Array;
}

export interface HotspotMaps {
  /** Cell centres of a downsampled map over the full width (mirrored), µm. */
  x_um: Float64Array;
  y_um: Float64Array;
  /** Row-major (iy·nx + ix) potential, V, for the first phase. */
  u_V: Float64Array;
  /** |J|, mA/cm². */
  Jmag_mAPerCm2: Float64Array;
  Jx_mAPerCm2: Float64Array;
  Jy_mAPerCm2: Float64Array;
}

export interface HotspotResult {
  geometry: HotspotGeometry;
  parameters: HotspotParameters;
  /** Top potential that drives the applied current, V. */
  uTop_V: number;
  phases: HotspotPhaseResult[];
  profile_z_um: Float64Array;
  /** Sb amount in the depleted sphere (eq 19), mol. */
  nSb_mol: number;
  /** Sum of the relithiation times of all phases (Sb → Li2Sb → Li3Sb), s. */
  total_relithiation_time_s: number;
  unknowns: number;
  iterations: number[];
  solve_ms: number;
  maps: HotspotMaps;
}

/** Validate parameters (InputError naming the option). */
export function validateHotspotParameters(p: HotspotParameters): void {
  const positive: [string, number][] = [
    ['domain-width (µm)', p.domainWidth_um],
    ['domain-height (µm)', p.domainHeight_um],
    ['charge-height (µm)', p.chargeHeight_um],
    ['calibration-distance (µm)', p.calibrationDistance_um],
    ['sigma-llzo (S/cm)', p.sigma_SPerCm],
    ['epsilon-r', p.epsilonR],
    ['cylinder-radius (µm)', p.cylinderRadius_um],
    ['cylinder-height (µm)', p.cylinderHeight_um],
    ['depleted-radius (µm)', p.depletedRadius_um],
    ['rho-sb (g/cm³)', p.rhoSb_gPerCm3],
    ['molar-mass-sb (g/mol)', p.molarMassSb_gPerMol],
  ];
  for (const [name, v] of positive) {
    if (!(Number.isFinite(v) && v > 0)) throw new InputError(`hotspot ${name}: expected a positive number, found ${v}`);
  }
  if (!(Number.isFinite(p.gaussianWidth_um) && p.gaussianWidth_um >= 0)) {
    throw new InputError(`hotspot gaussian-width (µm): expected a number ≥ 0, found ${p.gaussianWidth_um}`);
  }
  if (!Number.isFinite(p.appliedCurrentDensity_mAPerCm2)) {
    throw new InputError(`hotspot applied current density (mA/cm²): expected a number, found ${p.appliedCurrentDensity_mAPerCm2}`);
  }
  if (!(Number.isInteger(p.intervals) && p.intervals >= 8)) {
    throw new InputError(`hotspot intervals: expected an integer ≥ 8, found ${p.intervals}`);
  }
  if (p.cylinderRadius_um >= p.domainWidth_um / 2) {
    throw new InputError(`hotspot cylinder-radius: expected less than half the domain width (${p.domainWidth_um / 2} µm), found ${p.cylinderRadius_um} µm`);
  }
  if (p.chargeHeight_um >= p.domainHeight_um) {
    throw new InputError(`hotspot charge-height: expected less than the domain height (${p.domainHeight_um} µm), found ${p.chargeHeight_um} µm`);
  }
  if (p.geometry !== '2d' && p.geometry !== 'axisymmetric') {
    throw new InputError(`hotspot geometry: expected 2d or axisymmetric, found ${JSON.stringify(p.geometry)}`);
  }
  if (p.phases.length === 0) throw new InputError('hotspot phases: expected at least one phase, found none');
  if (p.nearField !== 'subtracted' && p.nearField !== 'mesh') {
    throw new InputError(`hotspot near-field: expected subtracted or mesh, found ${JSON.stringify(p.nearField)}`);
  }
}

const PROFILE_SAMPLES = 4001;

/** Solve the hot-spot model for every phase in one geometry. */
export function runHotspotModel(params: Partial<HotspotParameters> = {}, control: RunControl = {}): HotspotResult {
  const given = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as Partial<HotspotParameters>;
  const p: HotspotParameters = { ...DEFAULT_HOTSPOT_PARAMETERS, ...given };
  validateHotspotParameters(p);
  const geometry = p.geometry;
  const halfWidth_um = p.domainWidth_um / 2;
  const height_um = p.domainHeight_um;
  const y0_um = p.chargeHeight_um;
  const s_um = p.gaussianWidth_um;
  const sigma_SPerM = p.sigma_SPerCm * 100;
  const j_APerM2 = p.appliedCurrentDensity_mAPerCm2 * 10; // 1 mA/cm² = 10 A/m²
  // u_top so that the uniform field drives j upward: J_y = −σ du/dy = j → u_top = −j·H/σ (H converted to m)
  const uTop_V = (-j_APerM2 * height_um * 1e-6) / sigma_SPerM;

  const x_um = createUniformNodes(0, halfWidth_um, p.intervals);
  const y_um = createUniformNodes(0, height_um, p.intervals);
  const nx = x_um.length;
  const ny = y_um.length;

  // w₀: applied field
  const top0 = new Float64Array(nx).fill(uTop_V);
  const t0 = performance.now();
  control.onProgress?.(0, 2, 'hotspot');
  const sol0 = solvePoisson({ geometry, x: x_um, y: y_um, bottom: new Float64Array(nx), top: top0 });
  throwIfAborted(control.signal);
  control.onProgress?.(1, 2, 'hotspot');
  // unit-charge field (q/ε = 1): G + w₁ (subtracted) or the direct solution with the Gaussian on the cells (mesh)
  let sol1;
  const subtracted = p.nearField === 'subtracted';
  if (subtracted) {
    const top1 = new Float64Array(nx);
    for (let i = 0; i < nx; i++) top1[i] = -computeImagePairPotential(geometry, x_um[i], height_um, y0_um, s_um);
    const right1 = new Float64Array(ny);
    for (let j = 0; j < ny; j++) right1[j] = -computeImagePairGradient(geometry, halfWidth_um, y_um[j], y0_um, s_um)[0];
    sol1 = solvePoisson({ geometry, x: x_um, y: y_um, bottom: new Float64Array(nx), top: top1, rightFlux: right1 });
  } else {
    if (!(s_um > 0)) throw new InputError('hotspot gaussian-width: expected a positive width with the mesh near field, found 0');
    const bx = computeDualCellBounds(x_um);
    const by = computeDualCellBounds(y_um);
    const sourceIntegrated = integrateGaussianOverCells(geometry, bx.lo, bx.hi, by.lo, by.hi, y0_um, s_um);
    sol1 = solvePoisson({ geometry, x: x_um, y: y_um, bottom: new Float64Array(nx), top: new Float64Array(nx), sourceIntegrated });
  }
  control.onProgress?.(2, 2, 'hotspot');
  const solve_ms = performance.now() - t0;

  const w0 = sol0.u;
  const w1 = sol1.u;
  const unitPotential = (px: number, py: number): number =>
    (subtracted ? computeImagePairPotential(geometry, px, py, y0_um, s_um) : 0) + interpolateBilinear(x_um, y_um, w1, px, py);
  const unitGradientX = (px: number, py: number): number =>
    (subtracted ? computeImagePairGradient(geometry, px, py, y0_um, s_um)[0] : 0) + interpolateGradientX(x_um, y_um, w1, px, py);
  const unitGradientY = (px: number, py: number): number => {
    const dy = y_um[1] - y_um[0];
    const yb = Math.max(0, py - dy);
    const yt = Math.min(height_um, py + dy);
    return (
      (subtracted ? computeImagePairGradient(geometry, px, py, y0_um, s_um)[1] : 0) +
      (interpolateBilinear(x_um, y_um, w1, px, yt) - interpolateBilinear(x_um, y_um, w1, px, yb)) / (yt - yb)
    );
  };
  const rc_um = p.calibrationDistance_um;
  const gCal = unitPotential(rc_um, y0_um);
  const w0Cal = interpolateBilinear(x_um, y_um, w0, rc_um, y0_um);

  // J_r on the cylinder for unit q̃ (shape) and for the applied field
  const radius_um = p.cylinderRadius_um;
  const cylinderHeight_um = Math.min(p.cylinderHeight_um, height_um);
  const z_um = createUniformNodes(0, cylinderHeight_um, PROFILE_SAMPLES - 1);
  const dudr1 = new Float64Array(PROFILE_SAMPLES);
  const dudr0 = new Float64Array(PROFILE_SAMPLES);
  for (let k = 0; k < PROFILE_SAMPLES; k++) {
    dudr1[k] = unitGradientX(radius_um, z_um[k]);
    dudr0[k] = interpolateGradientX(x_um, y_um, w0, radius_um, z_um[k]);
  }

  const rSb_cm = p.depletedRadius_um * 1e-4;
  const nSb_mol = ((4 / 3) * Math.PI * rSb_cm ** 3 * p.rhoSb_gPerCm3) / p.molarMassSb_gPerMol;
  const eps_FPerM = p.epsilonR * EPS0_FPerM;

  const phases: HotspotPhaseResult[] = p.phases.map((ph) => {
    const qTilde = (ph.U_V - w0Cal) / gCal;
    const profile = new Float64Array(PROFILE_SAMPLES);
    for (let k = 0; k < PROFILE_SAMPLES; k++) {
      const dudr_VPerM = (qTilde * dudr1[k] + dudr0[k]) * 1e6;
      profile[k] = (-sigma_SPerM * dudr_VPerM) / 10; // A/m² → mA/cm²
    }
    const integral = integrateSimpson(z_um, profile) * 10 * 1e-6; // (mA/cm²→A/m²)·µm→m: A/m
    // the same without the applied field (superposition: q̃ recalibrated without w₀, w₀'s lateral field dropped)
    const profileNoApplied = new Float64Array(PROFILE_SAMPLES);
    for (let k = 0; k < PROFILE_SAMPLES; k++) profileNoApplied[k] = (-sigma_SPerM * (ph.U_V / gCal) * dudr1[k] * 1e6) / 10;
    const integralNoApplied = integrateSimpson(z_um, profileNoApplied) * 10 * 1e-6;
    const lateralCurrentPerLength: number | null = geometry === '2d' ? integral : null;
    // 2d: eq 17b as the paper applies it (K·2πR); axisymmetric: ∫J_r·2πR dz — the same expression
    const current_A = integral * 2 * Math.PI * radius_um * 1e-6;
    const currentNoApplied_A = integralNoApplied * 2 * Math.PI * radius_um * 1e-6;
    const { peakDepth, peakValue, depth10 } = describeProfile(z_um, profile);
    const lithium_mol = ph.lithiumPerSb * nSb_mol;
    return {
      name: ph.name,
      U_V: ph.U_V,
      chargeOverEpsilon: qTilde,
      charge_C: geometry === '2d' ? qTilde * eps_FPerM : qTilde * 1e-6 * eps_FPerM,
      lateralCurrentPerLength_APerM: lateralCurrentPerLength,
      lateral_current_A: current_A,
      lateralCurrentWithoutApplied_A: currentNoApplied_A,
      peak_depth_um: peakDepth,
      peak_current_density_mAPerCm2: peakValue,
      depth_10pct_um: depth10,
      lithium_mol,
      relithiation_time_s: (lithium_mol * F_CPerMol) / Math.abs(current_A),
      profile_J_mAPerCm2: profile,
    };
  });

  const maps = buildMaps(x_um, y_um, w0, unitPotential, unitGradientX, unitGradientY, phases[0].chargeOverEpsilon, sigma_SPerM, halfWidth_um, height_um);
  return {
    geometry,
    parameters: p,
    uTop_V,
    phases,
    profile_z_um: z_um,
    nSb_mol,
    total_relithiation_time_s: phases.reduce((acc, ph) => acc + ph.relithiation_time_s, 0),
    unknowns: sol0.unknowns,
    iterations: [sol0.iterations, sol1.iterations],
    solve_ms,
    maps,
  };
}

function integrateSimpson(z: Float64Array, f: Float64Array): number {
  const n = z.length - 1; // even
  const h = (z[n] - z[0]) / n;
  let s = f[0] + f[n];
  for (let k = 1; k < n; k++) s += (k % 2 === 1 ? 4 : 2) * f[k];
  return (s * h) / 3;
}

function describeProfile(z: Float64Array, f: Float64Array): { peakDepth: number; peakValue: number; depth10: number } {
  let kMax = 0;
  for (let k = 1; k < f.length; k++) if (Math.abs(f[k]) > Math.abs(f[kMax])) kMax = k;
  const peak = Math.abs(f[kMax]);
  let depth10 = Number.NaN;
  for (let k = kMax + 1; k < f.length; k++) {
    if (Math.abs(f[k]) <= 0.1 * peak) {
      const a = Math.abs(f[k - 1]);
      const b = Math.abs(f[k]);
      const t = (a - 0.1 * peak) / (a - b);
      depth10 = z[k - 1] + t * (z[k] - z[k - 1]);
      break;
    }
  }
  return { peakDepth: z[kMax], peakValue: f[kMax], depth10 };
}

const MAP_CELLS = 60;

function buildMaps(
  x: Float64Array,
  y: Float64Array,
  w0: Float64Array,
  unitPotential: (px: number, py: number) => number,
  unitGradientX: (px: number, py: number) => number,
  unitGradientY: (px: number, py: number) => number,
  qTilde: number,
  sigma_SPerM: number,
  halfWidth_um: number,
  H: number,
): HotspotMaps {
  const n = MAP_CELLS;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = -halfWidth_um + ((i + 0.5) * 2 * halfWidth_um) / n;
  for (let j = 0; j < n; j++) ys[j] = ((j + 0.5) * H) / n;
  const u = new Float64Array(n * n);
  const jm = new Float64Array(n * n);
  const jx = new Float64Array(n * n);
  const jy = new Float64Array(n * n);
  const dy = y[1] - y[0];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const ax = Math.abs(xs[i]);
      const sign = xs[i] < 0 ? -1 : 1;
      const yy = ys[j];
      const yb = Math.max(0, yy - dy);
      const yt = Math.min(H, yy + dy);
      const ex = -(qTilde * unitGradientX(ax, yy) + interpolateGradientX(x, y, w0, ax, yy)) * sign * 1e6;
      const ey = -(qTilde * unitGradientY(ax, yy) + (interpolateBilinear(x, y, w0, ax, yt) - interpolateBilinear(x, y, w0, ax, yb)) / (yt - yb)) * 1e6;
      const k = j * n + i;
      u[k] = qTilde * unitPotential(ax, yy) + interpolateBilinear(x, y, w0, ax, yy);
      jx[k] = (sigma_SPerM * ex) / 10;
      jy[k] = (sigma_SPerM * ey) / 10;
      jm[k] = Math.hypot(jx[k], jy[k]);
    }
  }
  return { x_um: xs, y_um: ys, u_V: u, Jmag_mAPerCm2: jm, Jx_mAPerCm2: jx, Jy_mAPerCm2: jy };
}

export interface HotspotConvergenceRow {
  intervals: number;
  unknowns: number;
  /** Lateral current of each phase, A. */
  lateral_current_A: number[];
  solve_ms: number;
}

export interface HotspotConvergenceResult {
  geometry: HotspotGeometry;
  rows: HotspotConvergenceRow[];
  /** Observed order from the last three rows (first phase), log2(|I₁−I₂|/|I₂−I₃|); NaN if fewer than 3 rows. */
  observedOrder: number;
}

/** Solve at several grid sizes (e.g. 100, 200, 400, 800 intervals) and report the observed order. */
export function computeHotspotConvergence(
  params: Partial<HotspotParameters>,
  intervalsList: number[],
  control: RunControl = {},
): HotspotConvergenceResult {
  const rows: HotspotConvergenceRow[] = [];
  let geometry: HotspotGeometry = params.geometry ?? DEFAULT_HOTSPOT_PARAMETERS.geometry;
  for (let k = 0; k < intervalsList.length; k++) {
    const r = runHotspotModel({ ...params, intervals: intervalsList[k] });
    geometry = r.geometry;
    rows.push({ intervals: intervalsList[k], unknowns: r.unknowns, lateral_current_A: r.phases.map((ph) => ph.lateral_current_A), solve_ms: r.solve_ms });
    control.onProgress?.(k + 1, intervalsList.length, 'convergence');
    throwIfAborted(control.signal);
  }
  let observedOrder = Number.NaN;
  if (rows.length >= 3) {
    const [a, b, c] = rows.slice(-3).map((r) => r.lateral_current_A[0]);
    const ratio = Math.abs(a - b) / Math.abs(b - c);
    const refine = rows[rows.length - 1].intervals / rows[rows.length - 2].intervals;
    observedOrder = Math.log(ratio) / Math.log(refine);
  }
  return { geometry, rows, observedOrder };
}

export interface HotspotReadingRow {
  reading: string;
  geometry: HotspotGeometry;
  nearField: 'subtracted' | 'mesh';
  gaussianWidth_um: number;
  intervals: number;
  /** Lateral current per phase (A), in the order of the phases. */
  lateral_current_A: number[];
  total_relithiation_time_s: number;
  peak_depth_um: number;
  depth_10pct_um: number;
}

/**
 * The same model under the readings of the paper's text that we compared (README): the consistent axisymmetric
 * model; the paper's 2d model with I = K·2πR; the paper's discretisation (the 0.5 nm Gaussian put on a uniform
 * grid, not converged); and a Gaussian width of 0.5 µm ("0.0005" read in mm) in both geometries.
 */
export function compareHotspotReadings(params: Partial<HotspotParameters> = {}, intervals = 400): HotspotReadingRow[] {
  const cases: [string, HotspotGeometry, 'subtracted' | 'mesh', number, number][] = [
    ['consistent 3D (axisymmetric, converged)', 'axisymmetric', 'subtracted', params.gaussianWidth_um ?? 0.0005, intervals],
    ["paper's 2D, I = K·2πR (converged)", '2d', 'subtracted', params.gaussianWidth_um ?? 0.0005, intervals],
    ["paper's 2D discretisation (Gaussian on an 800 grid)", '2d', 'mesh', params.gaussianWidth_um ?? 0.0005, 800],
    ['2D, Gaussian width 0.5 µm (0.0005 mm)', '2d', 'mesh', 0.5, intervals],
    ['axisymmetric, Gaussian width 0.5 µm (0.0005 mm)', 'axisymmetric', 'mesh', 0.5, intervals],
  ];
  return cases.map(([reading, geometry, nearField, gaussianWidth_um, n]) => {
    const r = runHotspotModel({ ...params, geometry, nearField, gaussianWidth_um, intervals: n });
    return {
      reading,
      geometry,
      nearField,
      gaussianWidth_um,
      intervals: n,
      lateral_current_A: r.phases.map((ph) => ph.lateral_current_A),
      total_relithiation_time_s: r.total_relithiation_time_s,
      peak_depth_um: r.phases[0].peak_depth_um,
      depth_10pct_um: r.phases[0].depth_10pct_um,
    };
  });
}
