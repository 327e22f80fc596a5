/**
 * Trajectory → diffusion coefficients, conductivities and Haven ratio with uncertainties.
 *
 * Steps: drift correction (mean displacement of the framework = atoms not of the analysed species; when there
 * is no framework — e.g. pure Li metal — the centre of mass of all atoms) → tracer MSD per direction (FFT,
 * all origins) → charge MSD of Σ_i z_i·r_i → fit window (automatic or given) → GLS fits with the random-walk
 * covariance model (diffusion-fit.ts) → Nernst–Einstein conductivities (engine/core/nernst-einstein.ts) with
 * the mean cell volume (NpT) → Haven ratio. See analysis/README-diffusion.md.
 */
import { FS_TO_PS, S_TO_MS } from '../engine/core/constants.js';
import { InputError } from '../engine/core/errors.js';
import { computeNernstEinsteinConductivity_SPerCm, computeNumberDensity_perCm3 } from '../engine/core/nernst-einstein.js';
import type { ProgressCallback } from '../engine/core/progress.js';
import { chooseFitWindow, computeWindowExponent, fitMsdLine, type MsdFitResult } from './diffusion-fit.js';
import { nextPowerOfTwo } from './fft.js';
import { forEachArrowTrajectoryBatch } from './ingest/arrow-reader.js';
import {
  accumulateMeanDisplacement,
  addMsdSeries,
  computeCollectiveMsd,
  computeMeanDisplacement,
  computeTracerMsd,
  createMsdAccumulator,
  finishMsdSums,
  sumMsdComponents,
} from './msd.js';
import { cellVolume_A3, type Trajectory } from './trajectory.js';

/** Default formal charges (e) by element, used when `--charge` does not name a species. */
export const DEFAULT_CHARGES_e: Readonly<Record<string, number>> = {
  H: 1, Li: 1, Na: 1, K: 1, Rb: 1, Cs: 1, Ag: 1, Cu: 1,
  Mg: 2, Ca: 2, Sr: 2, Ba: 2, Zn: 2,
  B: 3, Al: 3, Ga: 3, In: 3, La: 3, Y: 3, Sc: 3,
  Si: 4, Ge: 4, Sn: 4, Ti: 4, Zr: 4, Hf: 4,
  P: 5, Nb: 5, Ta: 5, V: 5, Sb: -3,
  O: -2, S: -2, Se: -2, Te: -2,
  F: -1, Cl: -1, Br: -1, I: -1,
  N: -3,
};

/** Standard atomic masses (u) for the centre-of-mass drift reference; unknown species → unweighted mean. */
const ATOMIC_MASS_u: Readonly<Record<string, number>> = {
  H: 1.008, Li: 6.94, B: 10.81, C: 12.011, N: 14.007, O: 15.999, F: 18.998, Na: 22.99, Mg: 24.305, Al: 26.982,
  Si: 28.085, P: 30.974, S: 32.06, Cl: 35.45, K: 39.098, Ca: 40.078, Ti: 47.867, Ga: 69.723, Ge: 72.63,
  Se: 78.971, Br: 79.904, Zr: 91.224, Nb: 92.906, Sn: 118.71, Sb: 121.76, I: 126.9, La: 138.905, Ta: 180.948,
};

export type DriftMode = 'framework' | 'com' | 'none';
export type CollectiveMode = 'species' | 'all';

export interface DiffusionOptions {
  species: string;
  /** Charges per species, e (merged over DEFAULT_CHARGES_e). */
  charges_e?: Record<string, number>;
  /** Overrides the trajectory's temperature, K. */
  temperature_K?: number;
  fitStart_ps?: number;
  fitEnd_ps?: number;
  /** 'framework' (default; falls back to centre of mass when every atom is of the species), 'com', 'none'. */
  drift?: DriftMode;
  /** Directions to use, e.g. 'xyz' (default), 'xy', 'z'. */
  dimensions?: string;
  /** Charge MSD over the species only (default) or over all atoms with a known charge. */
  collective?: CollectiveMode;
  maxFitPoints?: number;
  onProgress?: ProgressCallback;
}

export interface DiffusionMsd {
  /** Lag times, ps (index = lag in frames). */
  time_ps: Float64Array;
  /** Tracer MSD summed over the selected directions, Å². */
  msd_A2: Float64Array;
  /** Tracer MSD per direction x, y, z, Å². */
  msdComponents_A2: [Float64Array, Float64Array, Float64Array];
  /** Charge MSD of Σ z_i r_i over the selected directions divided by N·z² (comparable to msd_A2), Å². */
  msdSigma_A2: Float64Array;
  /** Model 1σ of msd_A2 at each lag (random-walk model with the fitted slope; NaN outside [1, T−1]). */
  msdSd_A2: Float64Array;
}

export interface DiffusionResult {
  species: string;
  temperature_K: number | null;
  n_atoms: number;
  n_frames: number;
  dt_ps: number;
  dimensions: string;
  fit_window_ps: [number, number];
  fit_window_rule: string;
  fit_window_fallback: boolean;
  /** ln(MSD(end)/MSD(start))/ln(end/start) over the fit window (1 when diffusive). */
  msd_exponent_in_window: number;
  n_fit_points: number;
  D_cm2PerS: number;
  D_err_cm2PerS: number;
  D_ci95_cm2PerS: [number, number];
  D_components_cm2PerS: [number, number, number];
  D_components_err_cm2PerS: [number, number, number];
  D_sigma_cm2PerS: number;
  D_sigma_err_cm2PerS: number;
  D_sigma_ci95_cm2PerS: [number, number];
  conductivity_mSPerCm: number | null;
  conductivity_err_mSPerCm: number | null;
  conductivity_ci95_mSPerCm: [number, number] | null;
  conductivity_sigma_mSPerCm: number | null;
  conductivity_sigma_err_mSPerCm: number | null;
  conductivity_sigma_ci95_mSPerCm: [number, number] | null;
  haven_ratio: number;
  haven_ratio_err: number;
  haven_ratio_ci95: [number, number];
  charge_e: number;
  collective: CollectiveMode;
  collective_atoms: number;
  drift_correction: string;
  volume_A3: number | null;
  number_density_perCm3: number | null;
  /** Generalised χ² per degree of freedom of the tracer fit under the model covariance (≈ 1 when it holds). */
  fit_chi2_reduced: number;
  /** Factor applied to the tracer errors by the atom-block check (1 when the model error stands). */
  fit_error_scale: number;
  /** Standard error of D from the spread between atom blocks, cm²/s (null with fewer than 8 atoms). */
  D_block_err_cm2PerS: number | null;
  /** Model (random-walk covariance) standard error of D before any scaling, cm²/s. */
  D_model_err_cm2PerS: number;
  intercept_A2: number;
  warnings: string[];
  msd: DiffusionMsd;
  tracerFit: MsdFitResult;
  sigmaFit: MsdFitResult;
}

/** Parse 'xyz' | 'xy' | 'z' | … into direction indices. */
export function parseDimensions(text: string): number[] {
  const dims: number[] = [];
  for (const ch of text.toLowerCase()) {
    const d = 'xyz'.indexOf(ch);
    if (d < 0 || dims.includes(d)) throw new InputError(`--dimensions: expected distinct letters from x, y, z (e.g. xyz, xy, z), found ${JSON.stringify(text)}`);
    dims.push(d);
  }
  if (dims.length === 0) throw new InputError('--dimensions: expected distinct letters from x, y, z (e.g. xyz, xy, z), found ""');
  return dims.sort();
}

/** Parse 'Li=1,S=-2' into a map (e). */
export function parseCharges(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter((s) => s.length > 0)) {
    const m = /^([A-Za-z][A-Za-z0-9_]*)\s*=\s*([-+]?\d*\.?\d+(?:[eE][-+]?\d+)?)$/.exec(part);
    if (!m) throw new InputError(`--charge: expected SPECIES=CHARGE pairs like Li=1,S=-2, found ${JSON.stringify(part)}`);
    out[m[1]] = Number(m[2]);
  }
  return out;
}

/** Time between frames from the metadata or the time axis; frames must be equally spaced. */
function resolveFrameInterval(traj: Pick<Trajectory, 'time_ps' | 'nFrames' | 'meta'>): number {
  const t = traj.time_ps;
  let dt = traj.meta.dt_ps ?? NaN;
  if (!(dt > 0) && traj.nFrames >= 2) dt = t[1] - t[0];
  if (!(dt > 0) && traj.meta.timestep_fs && traj.meta.frameStride) dt = traj.meta.timestep_fs * FS_TO_PS * traj.meta.frameStride;
  if (!(dt > 0)) throw new InputError(`diffusion: expected a positive time between frames (give --timestep-fs and --nblock), found ${dt}`);
  for (let f = 1; f < traj.nFrames; f++) {
    const d = t[f] - t[f - 1];
    if (Number.isFinite(d) && Math.abs(d - dt) > 1e-6 * dt + 1e-9) {
      throw new InputError(`diffusion: frame ${f}: expected equally spaced frames (${dt} ps), found a gap of ${d} ps`);
    }
  }
  return dt;
}

/** Model 1σ of the all-origins MSD at every lag: sqrt(2·m₁²/d · W(n,n)/K²/N), W(n,n) in closed form. */
export function computeMsdModelSd(nFrames: number, slope_A2PerPs: number, dt_ps: number, dims: number, nParticles: number): Float64Array {
  const out = new Float64Array(nFrames).fill(NaN);
  const m1 = Math.abs(slope_A2PerPs) * dt_ps;
  const c = (2 * m1 * m1) / (dims * nParticles);
  for (let n = 1; n < nFrames; n++) {
    const K = nFrames - n;
    const J = Math.min(n, K) - 1;
    const S0 = J + 1, S1 = (J * (J + 1)) / 2, S2 = (J * (J + 1) * (2 * J + 1)) / 6, S3 = S1 * S1;
    const sumF = K * n * n * S0 - (2 * K * n + n * n) * S1 + (K + 2 * n) * S2 - S3;
    const W = 2 * sumF - K * n * n;
    out[n] = Math.sqrt((c * W) / (K * K));
  }
  return out;
}

/** What a diffusion analysis needs besides positions: atom species, frame times, cells, metadata. */
export type DiffusionFrames = Pick<Trajectory, 'nAtoms' | 'nFrames' | 'species' | 'time_ps' | 'cells_A' | 'meta'>;

/** Selections and settings shared by the in-memory and the streaming (atom-block) paths. */
interface DiffusionPlan {
  warnings: string[];
  species: string;
  atoms: number[];
  dims: number[];
  z: number;
  /** Drift reference: null = none; 'com' = centre of mass of all atoms; else the framework atom list. */
  driftRef: number[] | 'com' | null;
  driftLabel: string;
  /** Interleaved atom blocks for the atom-block check (one group = all atoms when too few). */
  groups: number[][];
  collective: CollectiveMode;
  cAtoms: number[];
  cCharges: number[];
}

/** Validate the options against the atom species and choose the atoms, drift reference and blocks. */
function planDiffusion(speciesOf: readonly string[], options: DiffusionOptions): DiffusionPlan {
  const warnings: string[] = [];
  const species = options.species;
  const atoms: number[] = [];
  speciesOf.forEach((s, i) => { if (s === species) atoms.push(i); });
  if (atoms.length === 0) {
    const present = [...new Set(speciesOf)].join(', ');
    throw new InputError(`--species: expected a species present in the trajectory (${present}), found ${species}`);
  }
  const dims = parseDimensions(options.dimensions ?? 'xyz');
  const charges: Record<string, number> = { ...DEFAULT_CHARGES_e, ...(options.charges_e ?? {}) };
  const z = charges[species];
  if (z === undefined || !Number.isFinite(z) || z === 0) {
    throw new InputError(`--charge: expected a non-zero charge for ${species} (e.g. --charge ${species}=1), found ${z === undefined ? 'none' : z}`);
  }
  const driftMode = options.drift ?? 'framework';
  let driftRef: number[] | 'com' | null = null;
  let driftLabel = 'none';
  if (driftMode !== 'none') {
    const framework: number[] = [];
    for (let i = 0; i < speciesOf.length; i++) if (speciesOf[i] !== species) framework.push(i);
    if (driftMode === 'framework' && framework.length > 0) {
      driftRef = framework;
      driftLabel = `framework mean displacement (${framework.length} atoms not ${species})`;
    } else {
      driftRef = 'com';
      driftLabel = driftMode === 'com' ? 'centre of mass (all atoms)' : `centre of mass (all atoms; no framework: every atom is ${species})`;
      if (framework.length === 0) {
        warnings.push(`every atom is ${species}: drift removed with the centre of mass, which lowers the tracer MSD by the factor (1 − 1/N) = ${(1 - 1 / atoms.length).toFixed(4)} for N = ${atoms.length} uncorrelated atoms`);
        warnings.push('with the centre of mass fixed and one species, Σ z·r does not move: D_sigma, σ and the Haven ratio are meaningless here');
      }
    }
  }
  // Tracer MSD computed per atom block (G interleaved blocks, used by the atom-block error check) and combined,
  // so the blocks cost nothing extra: total = Σ_g n_g·MSD_g / N.
  const G = Math.min(8, Math.floor(atoms.length / 2));
  const groups: number[][] = G >= 4 ? Array.from({ length: G }, (_, g) => atoms.filter((_a, k) => k % G === g)) : [atoms];
  const collective = options.collective ?? 'species';
  let cAtoms: number[];
  let cCharges: number[];
  if (collective === 'species') {
    cAtoms = atoms;
    cCharges = atoms.map(() => z);
  } else {
    cAtoms = [];
    cCharges = [];
    const unknown = new Set<string>();
    for (let i = 0; i < speciesOf.length; i++) {
      const q = charges[speciesOf[i]];
      if (q === undefined) unknown.add(speciesOf[i]);
      else if (q !== 0) { cAtoms.push(i); cCharges.push(q); }
    }
    if (unknown.size > 0) warnings.push(`no charge known for ${[...unknown].join(', ')}: left out of the charge MSD (give --charge)`);
  }
  return { warnings, species, atoms, dims, z, driftRef, driftLabel, groups, collective, cAtoms, cCharges };
}

/** Frame count and spacing checks shared by both paths; returns the time between frames, ps. */
function checkFrames(frames: Pick<Trajectory, 'time_ps' | 'nFrames' | 'meta'>): number {
  if (frames.nFrames < 4) throw new InputError(`diffusion: expected at least 4 frames, found ${frames.nFrames}`);
  return resolveFrameInterval(frames);
}

/** Full diffusion analysis of one species (trajectory in memory). */
export function computeDiffusion(traj: Trajectory, options: DiffusionOptions): DiffusionResult {
  const plan = planDiffusion(traj.species, options);
  const dt_ps = checkFrames(traj);
  const drift_A = plan.driftRef === null ? null : plan.driftRef === 'com' ? computeCentreOfMassDisplacement(traj) : computeMeanDisplacement(traj, plan.driftRef);
  const groupMsd: [Float64Array, Float64Array, Float64Array][] = [];
  let atomsDone = 0;
  for (const group of plan.groups) {
    const offset = atomsDone;
    const onProgress = options.onProgress ? (done: number) => options.onProgress?.(offset + done, plan.atoms.length) : undefined;
    groupMsd.push(computeTracerMsd(traj, group, { drift_A, onProgress }).msdComponents_A2);
    atomsDone += group.length;
  }
  const coll = computeCollectiveMsd(traj, plan.cAtoms, plan.cCharges, { drift_A });
  return finishDiffusion(traj, dt_ps, plan, options, groupMsd, coll.msdComponents_A2);
}

/**
 * Everything after the MSDs, shared by both paths: combine the per-block tracer MSDs (averaged within each block),
 * normalise the charge MSD (Σ z·r, undivided), choose the window, fit, check the error with the atom blocks, and
 * derive conductivities and the Haven ratio.
 */
function finishDiffusion(
  traj: DiffusionFrames,
  dt_ps: number,
  plan: DiffusionPlan,
  options: DiffusionOptions,
  groupMsd: [Float64Array, Float64Array, Float64Array][],
  collComponents_A2: [Float64Array, Float64Array, Float64Array],
): DiffusionResult {
  const { warnings, species, atoms, dims, z, groups, collective, cAtoms, driftLabel } = plan;
  const d = dims.length;
  const G = groups.length >= 4 ? groups.length : 0;
  const components: [Float64Array, Float64Array, Float64Array] = [new Float64Array(traj.nFrames), new Float64Array(traj.nFrames), new Float64Array(traj.nFrames)];
  groups.forEach((group, g) => {
    for (let k = 0; k < 3; k++) for (let m = 0; m < traj.nFrames; m++) components[k][m] += (group.length * groupMsd[g][k][m]) / atoms.length;
  });
  const tracer = { msdComponents_A2: components };
  const msd_A2 = sumMsdComponents(tracer.msdComponents_A2, dims);
  const norm = atoms.length * z * z;
  const msdSigma_A2 = sumMsdComponents(collComponents_A2, dims);
  for (let m = 0; m < msdSigma_A2.length; m++) msdSigma_A2[m] /= norm;

  // Fit window.
  const auto = chooseFitWindow(msd_A2);
  let startFrame = auto.startFrame;
  let endFrame = auto.endFrame;
  let rule = auto.rule;
  let fallback = auto.fallback;
  if (options.fitEnd_ps !== undefined) {
    endFrame = Math.round(options.fitEnd_ps / dt_ps);
    rule = 'end given (--fit-end-ps)';
    fallback = false;
    if (options.fitStart_ps === undefined) {
      startFrame = Math.min(startFrame, endFrame - 2);
      rule += `; start = ${auto.fallback ? 'fallback' : 'automatic'} rule, capped at end − 2 frames`;
    }
  }
  if (options.fitStart_ps !== undefined) {
    startFrame = Math.round(options.fitStart_ps / dt_ps);
    rule = options.fitEnd_ps !== undefined ? 'start and end given (--fit-start-ps, --fit-end-ps)' : `start given (--fit-start-ps); end = half the run`;
    fallback = false;
  }
  if (fallback) warnings.push(`fit window: ${rule}; check the MSD plot or give --fit-start-ps`);
  const alphaWindow = computeWindowExponent(msd_A2, Math.max(1, startFrame), Math.min(endFrame, traj.nFrames - 1));
  if (!(alphaWindow >= 0.8 && alphaWindow <= 1.2)) {
    warnings.push(`the MSD is not linear in the fit window (exponent ${alphaWindow.toFixed(2)}; 1 = diffusive): the run may be too short to reach the diffusive regime, so D describes this window only`);
  }

  const fitArgs = { dt_ps, startFrame, endFrame, maxPoints: options.maxFitPoints };
  const modelFit = fitMsdLine({ ...fitArgs, msd_A2, dims: d, nParticles: atoms.length });

  // Atom-block check of the model error: split the atoms into G interleaved blocks, fit each with the same
  // window, and compare the standard error of the block mean with the model error. Real ions hop (non-Gaussian
  // displacements, heterogeneous mobility), which the Gaussian random-walk variance underestimates. When the
  // block SE exceeds the model SE by more than its own sampling spread allows (ratio > 1 + 2/sqrt(2(G − 1))),
  // all tracer errors are scaled by the ratio.
  let blockSe_cm2PerS: number | null = null;
  let errorScale = 1;
  if (G >= 4) {
    const Ds: number[] = [];
    for (let g = 0; g < G; g++) {
      const gm = sumMsdComponents(groupMsd[g], dims);
      Ds.push(fitMsdLine({ ...fitArgs, msd_A2: gm, dims: d, nParticles: groups[g].length }).D_cm2PerS);
    }
    const mean = Ds.reduce((a, b) => a + b, 0) / G;
    const sd = Math.sqrt(Ds.reduce((a, b) => a + (b - mean) * (b - mean), 0) / (G - 1));
    blockSe_cm2PerS = sd / Math.sqrt(G);
    const ratio = blockSe_cm2PerS / modelFit.D_err_cm2PerS;
    if (ratio > 1 + 2 / Math.sqrt(2 * (G - 1))) {
      errorScale = ratio;
      warnings.push(`atom-block check (${G} blocks): the spread between blocks is ${ratio.toFixed(2)}× the random-walk model error; tracer errors scaled by ${ratio.toFixed(2)}`);
    }
  }
  const tracerFit = errorScale === 1 ? modelFit : fitMsdLine({ ...fitArgs, msd_A2, dims: d, nParticles: atoms.length, errorScale });
  const compD: number[] = [];
  const compErr: number[] = [];
  for (let k = 0; k < 3; k++) {
    const f = fitMsdLine({ ...fitArgs, msd_A2: tracer.msdComponents_A2[k], dims: 1, nParticles: atoms.length, errorScale });
    compD.push(f.D_cm2PerS);
    compErr.push(f.D_err_cm2PerS);
  }
  // The charge MSD divided by N z² is fitted as one random walk of N particles' worth of signal: its covariance
  // is that of a single walker (nParticles = 1) for the undivided MSD, i.e. unchanged relative errors.
  const sigmaFitRaw = fitMsdLine({ ...fitArgs, msd_A2: msdSigma_A2, dims: d, nParticles: 1 });
  // Degenerate charge MSD (e.g. one species with its centre of mass removed): Σ z·r does not move at all.
  let maxTracer = 0, maxSigma = 0;
  for (let m = 0; m < msd_A2.length; m++) { maxTracer = Math.max(maxTracer, msd_A2[m]); maxSigma = Math.max(maxSigma, Math.abs(msdSigma_A2[m])); }
  const degenerate = maxSigma <= 1e-12 * maxTracer;
  const sigmaFit: MsdFitResult = degenerate
    ? { ...sigmaFitRaw, slope_A2PerPs: NaN, slope_err_A2PerPs: NaN, D_cm2PerS: NaN, D_err_cm2PerS: NaN, D_ci95_cm2PerS: [NaN, NaN], relative_err: NaN }
    : sigmaFitRaw;
  if (degenerate && !warnings.some((w) => w.includes('Σ z·r'))) warnings.push('the charge MSD is zero (Σ z·r does not move): D_sigma, σ and the Haven ratio are undefined');

  // Conductivities.
  const T_K = options.temperature_K ?? traj.meta.temperature_K ?? null;
  let volume_A3: number | null = null;
  let vSum = 0;
  for (let f = 0; f < traj.nFrames; f++) vSum += cellVolume_A3(traj.cells_A, 9 * f);
  if (vSum > 0 && Number.isFinite(vSum)) volume_A3 = vSum / traj.nFrames;
  const n_perCm3 = volume_A3 !== null ? computeNumberDensity_perCm3(atoms.length, volume_A3) : null;
  let cond: number | null = null, condErr: number | null = null, condCi: [number, number] | null = null;
  let condS: number | null = null, condSErr: number | null = null, condSCi: [number, number] | null = null;
  if (T_K === null || !(T_K > 0)) warnings.push('temperature unknown: give --temperature (K) for conductivities');
  if (volume_A3 === null) warnings.push('cell volume unknown: no conductivities');
  if (T_K !== null && T_K > 0 && n_perCm3 !== null) {
    const toMs = (D: number) => computeNernstEinsteinConductivity_SPerCm(n_perCm3, z, D, T_K) * S_TO_MS;
    cond = toMs(tracerFit.D_cm2PerS);
    condErr = toMs(tracerFit.D_err_cm2PerS);
    condCi = [toMs(tracerFit.D_ci95_cm2PerS[0]), toMs(tracerFit.D_ci95_cm2PerS[1])];
    condS = toMs(sigmaFit.D_cm2PerS);
    condSErr = toMs(sigmaFit.D_err_cm2PerS);
    condSCi = [toMs(sigmaFit.D_ci95_cm2PerS[0]), toMs(sigmaFit.D_ci95_cm2PerS[1])];
  }

  // Haven ratio H = D*/Dσ; 1σ by first-order propagation (independent errors), 95% interval conservative:
  // [D*_lo/Dσ_hi, D*_hi/Dσ_lo].
  const H = tracerFit.D_cm2PerS / sigmaFit.D_cm2PerS;
  const rT = tracerFit.D_err_cm2PerS / Math.abs(tracerFit.D_cm2PerS);
  const rS = sigmaFit.D_err_cm2PerS / Math.abs(sigmaFit.D_cm2PerS);
  const Herr = Math.abs(H) * Math.sqrt(rT * rT + rS * rS);
  const Hci: [number, number] = degenerate ? [NaN, NaN] : [
    tracerFit.D_ci95_cm2PerS[0] / sigmaFit.D_ci95_cm2PerS[1],
    sigmaFit.D_ci95_cm2PerS[0] > 0 ? tracerFit.D_ci95_cm2PerS[1] / sigmaFit.D_ci95_cm2PerS[0] : Infinity,
  ];
  if (!degenerate && sigmaFit.relative_err > 0.5) {
    warnings.push(`the charge MSD is very noisy (relative error of D_sigma ${(100 * sigmaFit.relative_err).toFixed(0)}%): σ and the Haven ratio are poorly determined`);
  }

  return {
    species,
    temperature_K: T_K,
    n_atoms: atoms.length,
    n_frames: traj.nFrames,
    dt_ps,
    dimensions: dims.map((k) => 'xyz'[k]).join(''),
    fit_window_ps: tracerFit.fitWindow_ps,
    fit_window_rule: rule,
    fit_window_fallback: fallback,
    msd_exponent_in_window: alphaWindow,
    n_fit_points: tracerFit.fitLags_frames.length,
    D_cm2PerS: tracerFit.D_cm2PerS,
    D_err_cm2PerS: tracerFit.D_err_cm2PerS,
    D_ci95_cm2PerS: tracerFit.D_ci95_cm2PerS,
    D_components_cm2PerS: compD as [number, number, number],
    D_components_err_cm2PerS: compErr as [number, number, number],
    D_sigma_cm2PerS: sigmaFit.D_cm2PerS,
    D_sigma_err_cm2PerS: sigmaFit.D_err_cm2PerS,
    D_sigma_ci95_cm2PerS: sigmaFit.D_ci95_cm2PerS,
    conductivity_mSPerCm: cond,
    conductivity_err_mSPerCm: condErr,
    conductivity_ci95_mSPerCm: condCi,
    conductivity_sigma_mSPerCm: condS,
    conductivity_sigma_err_mSPerCm: condSErr,
    conductivity_sigma_ci95_mSPerCm: condSCi,
    haven_ratio: H,
    haven_ratio_err: Herr,
    haven_ratio_ci95: Hci,
    charge_e: z,
    collective,
    collective_atoms: cAtoms.length,
    drift_correction: driftLabel,
    volume_A3,
    number_density_perCm3: n_perCm3,
    fit_chi2_reduced: tracerFit.chi2_reduced,
    fit_error_scale: errorScale,
    D_block_err_cm2PerS: blockSe_cm2PerS,
    D_model_err_cm2PerS: modelFit.D_err_cm2PerS,
    intercept_A2: tracerFit.intercept_A2,
    warnings,
    msd: {
      time_ps: Float64Array.from({ length: traj.nFrames }, (_, m) => m * dt_ps),
      msd_A2,
      msdComponents_A2: tracer.msdComponents_A2,
      msdSigma_A2,
      msdSd_A2: computeMsdModelSd(traj.nFrames, tracerFit.slope_A2PerPs, dt_ps, d, atoms.length),
    },
    tracerFit,
    sigmaFit,
  };
}

/** Mass-weighted centre-of-mass displacement of all atoms (unweighted when a species' mass is unknown). */
function computeCentreOfMassDisplacement(traj: Trajectory): Float64Array {
  const known = traj.species.every((s) => ATOMIC_MASS_u[s] !== undefined);
  const w = traj.species.map((s) => (known ? ATOMIC_MASS_u[s] : 1));
  const { nAtoms, nFrames, positions_A } = traj;
  let wSum = 0;
  for (const x of w) wSum += x;
  const out = new Float64Array(nFrames * 3);
  for (let f = 0; f < nFrames; f++) {
    const base = f * nAtoms * 3;
    for (let i = 0; i < nAtoms; i++) {
      for (let k = 0; k < 3; k++) out[f * 3 + k] += w[i] * (positions_A[base + i * 3 + k] - positions_A[i * 3 + k]);
    }
    for (let k = 0; k < 3; k++) out[f * 3 + k] /= wSum;
  }
  return out;
}

export interface ArrowDiffusionOptions extends DiffusionOptions {
  /** Memory budget for the positions and MSD buffers held at once, MB (default 1024). */
  maxMemory_MB?: number;
}

/** A streamed (bounded-memory) diffusion analysis and how it was split. */
export interface ArrowDiffusionResult {
  diffusion: DiffusionResult;
  /** Mobile atoms gathered per pass over the file. */
  blockAtoms: number;
  /** Passes over the file for the tracer MSD (one per block of mobile atoms). */
  atomBlocks: number;
  recordBatches: number;
}

/**
 * Full diffusion analysis of one species straight from a liflux Arrow file without holding all positions:
 * pass 1 over the record batches gathers per-frame times, cells, the drift reference and the charge-weighted sum
 * Σ z·r (drift removed); then each block of mobile atoms (size from the memory budget) costs one more pass that
 * gathers its drift-corrected series (frames × block × 3) into the same MSD accumulators the in-memory path uses.
 * Same numbers as `computeDiffusion` on the loaded trajectory (to rounding).
 */
export async function computeDiffusionFromArrow(path: string, options: ArrowDiffusionOptions): Promise<ArrowDiffusionResult> {
  const st: {
    plan?: DiffusionPlan; species?: string[]; meta?: Trajectory['meta']; ref0?: Float64Array; w?: number[]; wSum?: number;
  } = {};
  const timeChunks: Float64Array[] = [], cellChunks: Float64Array[] = [], driftChunks: Float64Array[] = [], sumChunks: Float64Array[] = [];
  const pass1 = await forEachArrowTrajectoryBatch(path, (chunk) => {
    if (!st.plan) {
      st.plan = planDiffusion(chunk.species, options);
      st.species = chunk.species;
      st.meta = chunk.meta;
      st.ref0 = chunk.positions_A.slice(0, 3 * chunk.nAtoms);
      const known = chunk.species.every((s) => ATOMIC_MASS_u[s] !== undefined);
      st.w = chunk.species.map((s) => (known ? ATOMIC_MASS_u[s] : 1));
      st.wSum = 0;
      for (const x of st.w) st.wSum += x;
    }
    const plan = st.plan;
    const ref0 = st.ref0!;
    const { nAtoms, nFrames: n, positions_A } = chunk;
    timeChunks.push(chunk.time_ps.slice());
    cellChunks.push(chunk.cells_A.slice());
    const drift = new Float64Array(3 * n);
    const sum = new Float64Array(3 * n);
    let zTotal = 0;
    for (const q of plan.cCharges) zTotal += q;
    if (plan.driftRef !== null && plan.driftRef !== 'com' && plan.driftRef.length > 0) {
      accumulateMeanDisplacement(n, nAtoms, positions_A, ref0, plan.driftRef, drift);
    }
    for (let f = 0; f < n; f++) {
      const base = f * nAtoms * 3;
      if (plan.driftRef === 'com') {
        const w = st.w!;
        for (let i = 0; i < nAtoms; i++) for (let k = 0; k < 3; k++) drift[f * 3 + k] += w[i] * (positions_A[base + i * 3 + k] - ref0[i * 3 + k]);
        for (let k = 0; k < 3; k++) drift[f * 3 + k] /= st.wSum!;
      }
      for (let a = 0; a < plan.cAtoms.length; a++) {
        const i = base + plan.cAtoms[a] * 3;
        const z = plan.cCharges[a];
        sum[f * 3] += z * positions_A[i];
        sum[f * 3 + 1] += z * positions_A[i + 1];
        sum[f * 3 + 2] += z * positions_A[i + 2];
      }
      if (plan.driftRef !== null) for (let k = 0; k < 3; k++) sum[f * 3 + k] -= zTotal * drift[f * 3 + k];
    }
    driftChunks.push(drift);
    sumChunks.push(sum);
  });
  const T = pass1.nFrames;
  const concat = (chunks: Float64Array[], per: number) => {
    const out = new Float64Array(T * per);
    let o = 0;
    for (const c of chunks) { out.set(c, o); o += c.length; }
    return out;
  };
  if (!st.plan) throw new InputError(`diffusion: expected at least 4 frames, found ${T}`);
  const plan = st.plan;
  const frames: DiffusionFrames = { nAtoms: st.species!.length, nFrames: T, species: st.species!, time_ps: concat(timeChunks, 1), cells_A: concat(cellChunks, 9), meta: st.meta! };
  const dt_ps = checkFrames(frames);
  const drift_A = plan.driftRef === null ? null : concat(driftChunks, 3);
  const collAcc = createMsdAccumulator(T);
  const sum = concat(sumChunks, 3);
  for (let k = 0; k < 3; k++) addMsdSeries(collAcc, k, sum, k, 3);
  const collComponents = finishMsdSums(collAcc);

  // Block size from the budget: fixed cost (in float64 words) = MSD accumulators (one per atom group: 3 power
  // spectra + 2 FFT buffers of fftSize, 6 series of T) + the cached FFT plan (5·fftSize) + the per-frame arrays
  // of pass 1 (drift, charge sum, cells, time: 16·T, held twice) + scratch. Node itself (~100 MB) is not counted.
  const G = plan.groups.length;
  const fftSize = nextPowerOfTwo(2 * T);
  const fixed_B = 8 * (G * (5 * fftSize + 6 * T) + 5 * fftSize + 36 * T);
  const budget_B = (options.maxMemory_MB ?? 1024) * 1024 * 1024;
  const atoms = plan.atoms;
  const blockAtoms = Math.max(1, Math.min(atoms.length, Math.floor((budget_B - fixed_B) / (24 * T))));
  const accs = plan.groups.map(() => createMsdAccumulator(T));
  const buf = new Float64Array(T * blockAtoms * 3);
  const series = new Float64Array(T);
  let atomBlocks = 0;
  for (let b0 = 0; b0 < atoms.length; b0 += blockAtoms) {
    const blk = atoms.slice(b0, b0 + blockAtoms);
    const B = blk.length;
    const pass = await forEachArrowTrajectoryBatch(path, (chunk, first) => {
      const { nAtoms, nFrames: n, positions_A } = chunk;
      for (let f = 0; f < n && first + f < T; f++) {
        const src = f * nAtoms * 3;
        const dst = (first + f) * B * 3;
        for (let j = 0; j < B; j++) {
          const i = src + blk[j] * 3;
          buf[dst + j * 3] = positions_A[i];
          buf[dst + j * 3 + 1] = positions_A[i + 1];
          buf[dst + j * 3 + 2] = positions_A[i + 2];
        }
      }
    });
    if (pass.nFrames !== T) throw new InputError(`diffusion: expected the file to keep its ${T} frames between passes, found ${pass.nFrames}`, { file: path });
    for (let j = 0; j < B; j++) {
      const acc = accs[G >= 4 ? (b0 + j) % G : 0];
      for (let k = 0; k < 3; k++) {
        if (drift_A) {
          for (let f = 0; f < T; f++) series[f] = buf[(f * B + j) * 3 + k] - drift_A[f * 3 + k];
          addMsdSeries(acc, k, series);
        } else {
          addMsdSeries(acc, k, buf, j * 3 + k, B * 3);
        }
      }
    }
    atomBlocks++;
    options.onProgress?.(b0 + B, atoms.length);
  }
  const groupMsd = accs.map((acc, g) => {
    const sums = finishMsdSums(acc);
    for (const s of sums) for (let m = 0; m < T; m++) s[m] /= plan.groups[g].length;
    return sums;
  });
  const diffusion = finishDiffusion(frames, dt_ps, plan, options, groupMsd, collComponents);
  return { diffusion, blockAtoms, atomBlocks, recordBatches: pass1.nBatches };
}
