/**
 * Diffusion coefficient from an all-origins MSD with an uncertainty from a model of the MSD covariance
 * between time lags (generalised least squares), and the automatic fit-window rule.
 *
 * Covariance model (the idea kinisi uses — the MSD of a random walk at different lags is strongly
 * correlated, so an ordinary least-squares slope error is far too small — here made exact for overlapping
 * all-origins averages):
 *   In the diffusive regime each particle is modelled as a random walk with independent Gaussian steps per frame,
 *   total (d-dimensional) step MSD m₁ = slope·Δt. For lags n, m (frames), K_n = T − n origins, the all-origins
 *   averages ρ_n over N independent particles have
 *     cov(ρ_n, ρ_m) = (2·m₁²/d) · W(n, m) / (K_n·K_m·N),
 *     W(n, m) = Σ_{k<K_n} Σ_{l<K_m} overlap([k, k+n), [l, l+m))²,
 *   which follows from cov(xᵀAx, xᵀBx) = 2σ⁴·tr(AB) for Gaussian steps x. W is evaluated exactly by summing
 *   over the origin offset (O(n + m) per pair). The covariance is known up to the factor m₁², so the GLS slope
 *   does not depend on it; the factor is taken from the GLS slope itself (plug-in), and the parameter
 *   covariance is c·(Xᵀ W̃⁻¹ X)⁻¹.
 *   Model: MSD(t) = slope·t + intercept (the intercept absorbs the ballistic/caged offset).
 *
 * Misfit: the generalised χ²/dof of the residuals is reported as a diagnostic only. It is not used to scale
 * the errors: real MD adds fast vibrational noise that is nearly independent between lags, which the smooth
 * random-walk covariance whitens into large residuals without much effect on the slope (χ²/dof ≫ 1 then
 * overstates the slope error). `errorScale` lets the caller apply an independent check instead.
 *
 * Intervals: the standard error scales with the true D (σ_D = r·D with a fixed relative error r under the
 * model), so the 95% interval is the set of D consistent with the estimate, |D̂ − D| ≤ 1.96·r·D:
 *   [D̂/(1 + 1.96·r), D̂/(1 − 1.96·r)], with an infinite upper bound when 1.96·r ≥ 1 (very noisy collective
 *   MSDs). For small r this is D̂ ± 1.96·σ.
 */
import { A2_PER_PS_TO_CM2_PER_S } from '../engine/core/constants.js';
import { InputError } from '../engine/core/errors.js';

export interface FitWindowResult {
  /** First and last lag used, frames. */
  startFrame: number;
  endFrame: number;
  /** How the window was chosen. */
  rule: string;
  /** True when the automatic start could not find a diffusive regime and fell back. */
  fallback: boolean;
}

/**
 * Automatic fit window on the total MSD (index = lag in frames). Effective exponent on a log grid of lags m
 * (10 per decade, 4m within the run): α(m) = ln(MSD(4m)/MSD(m))/ln 4 (2 ballistic, < 1 caged, 1 diffusive).
 * - End: half the run (lags beyond have fewer than half the origins; the random-walk model is least reliable).
 * - Start: the first grid lag after the ballistic regime (α ≤ 1.2) from which α stays within [0.8, 1.2] for every
 *   grid lag up to 8m (or the last measurable one): a sustained diffusive regime, not a crossover.
 * - Fallback (flagged, with a warning from the caller): no such lag — the run never becomes diffusive in the
 *   measurable range. Start = max(4 × end of the ballistic regime, 20% of the end lag).
 * At least 3 lags are kept.
 */
export function chooseFitWindow(msd_A2: ArrayLike<number>): FitWindowResult {
  const T = msd_A2.length;
  if (T < 4) throw new InputError(`diffusion: expected at least 4 frames to fit an MSD, found ${T}`);
  const endFrame = Math.max(3, Math.floor((T - 1) / 2));
  const grid: number[] = [];
  const alpha: number[] = [];
  for (let j = 0, last = 0; ; j++) {
    const m = Math.max(1, Math.round(10 ** (j / 10)));
    if (m === last) continue;
    last = m;
    if (4 * m > T - 1 || m > endFrame - 2) break;
    const a = msd_A2[m];
    const b = msd_A2[4 * m];
    grid.push(m);
    alpha.push(a > 0 && b > 0 ? Math.log(b / a) / Math.log(4) : NaN);
  }
  let ballisticEnd = -1;
  for (let i = 0; i < grid.length; i++) if (alpha[i] <= 1.2) { ballisticEnd = i; break; }
  let startFrame = -1;
  if (ballisticEnd >= 0) {
    for (let i = ballisticEnd; i < grid.length && startFrame < 0; i++) {
      let ok = true;
      for (let k = i; k < grid.length && grid[k] <= 8 * grid[i]; k++) {
        if (!(alpha[k] >= 0.8 && alpha[k] <= 1.2)) { ok = false; break; }
      }
      if (ok) startFrame = grid[i];
    }
  }
  let fallback = false;
  if (startFrame < 0) {
    fallback = true;
    const mb = ballisticEnd >= 0 ? grid[ballisticEnd] : 1;
    startFrame = Math.max(1, 4 * mb, Math.round(0.2 * endFrame));
  }
  startFrame = Math.min(startFrame, endFrame - 2);
  return {
    startFrame,
    endFrame,
    rule: fallback
      ? 'end = half the run; no sustained diffusive regime (0.8 ≤ α ≤ 1.2 over m…8m) found: start = max(4 × ballistic end, 20% of end) (fallback)'
      : 'end = half the run; start = first lag after the ballistic regime with 0.8 ≤ α = ln(MSD(4m)/MSD(m))/ln 4 ≤ 1.2 sustained over m…8m',
    fallback,
  };
}

/** Effective MSD exponent across a window: ln(MSD(end)/MSD(start))/ln(end/start) (1 for diffusion). */
export function computeWindowExponent(msd_A2: ArrayLike<number>, startFrame: number, endFrame: number): number {
  const a = msd_A2[startFrame];
  const b = msd_A2[endFrame];
  return a > 0 && b > 0 && endFrame > startFrame ? Math.log(b / a) / Math.log(endFrame / startFrame) : NaN;
}

/** W(n, m) of the module comment: Σ over origin pairs of the squared overlap of the two lag windows. */
export function computeOverlapSum(nFrames: number, n: number, m: number): number {
  if (n > m) { const t = n; n = m; m = t; }
  const Kn = nFrames - n;
  const Km = nFrames - m;
  let s = 0;
  const dLo = Math.max(-m + 1, -(Kn - 1));
  const dHi = Math.min(n - 1, Km - 1);
  for (let d = dLo; d <= dHi; d++) {
    const ov = d <= -m + n ? d + m : d <= 0 ? n : n - d;
    const c = Math.min(Kn, Km - d) - Math.max(0, -d);
    if (c > 0) s += c * ov * ov;
  }
  return s;
}

export interface MsdFitInput {
  /** MSD summed over the fitted dimensions, index = lag in frames (0…nFrames−1), Å². */
  msd_A2: ArrayLike<number>;
  /** Time between frames, ps. */
  dt_ps: number;
  /** Number of dimensions in the MSD (3 for xyz, 1 for one direction). */
  dims: number;
  /** Independent particles averaged in the MSD (atoms for the tracer MSD, 1 for a collective MSD). */
  nParticles: number;
  startFrame: number;
  endFrame: number;
  /** Most lags used in the fit (evenly spaced across the window; default 100). */
  maxPoints?: number;
  /** Multiply the model errors by this factor (default 1). */
  errorScale?: number;
}

export interface MsdFitResult {
  /** Slope of MSD(t), Å²/ps, and its 1σ error. */
  slope_A2PerPs: number;
  slope_err_A2PerPs: number;
  intercept_A2: number;
  intercept_err_A2: number;
  /** Covariance of [intercept_A2, slope_A2PerPs]. */
  covariance: [[number, number], [number, number]];
  /** D = slope/(2·dims), cm²/s, with 1σ error and 95% interval (see module comment). */
  D_cm2PerS: number;
  D_err_cm2PerS: number;
  D_ci95_cm2PerS: [number, number];
  /** Relative 1σ error r of D under the covariance model. */
  relative_err: number;
  /** Lags used, frames, and their times, ps. */
  fitLags_frames: number[];
  fitWindow_ps: [number, number];
  /** Generalised χ²/(points − 2) of the residuals under the model covariance (≈ 1 if the model holds). */
  chi2_reduced: number;
  /** Factor the model errors were multiplied by (input.errorScale, default 1). */
  error_inflation: number;
}

const Z975 = 1.959963984540054;

/** GLS fit of MSD = slope·t + intercept with the random-walk covariance model (module comment). */
export function fitMsdLine(input: MsdFitInput): MsdFitResult {
  const { msd_A2, dt_ps, dims, nParticles, startFrame, endFrame } = input;
  const T = msd_A2.length;
  const maxPoints = input.maxPoints ?? 100;
  if (!(dt_ps > 0)) throw new InputError(`diffusion: expected a positive time between frames in ps, found ${dt_ps}`);
  if (!(Number.isInteger(startFrame) && Number.isInteger(endFrame) && startFrame >= 1 && endFrame <= T - 1 && endFrame - startFrame >= 2)) {
    throw new InputError(
      `diffusion: expected a fit window of at least 3 lags within 1…${T - 1} frames (${fmtPs(dt_ps)} … ${fmtPs((T - 1) * dt_ps)} ps), found frames ${startFrame}…${endFrame} (${fmtPs(startFrame * dt_ps)} … ${fmtPs(endFrame * dt_ps)} ps)`,
    );
  }
  const span = endFrame - startFrame;
  const nPts = Math.min(span + 1, Math.max(3, maxPoints));
  const lags: number[] = [];
  for (let i = 0; i < nPts; i++) {
    const lag = startFrame + Math.round((i * span) / (nPts - 1));
    if (lags.length === 0 || lag !== lags[lags.length - 1]) lags.push(lag);
  }
  const L = lags.length;
  const chol = getNormalisedCovarianceCholesky(T, lags);
  // Whitened design: solve L·u = x for columns [1, t] and y.
  const one = new Float64Array(L).fill(1);
  const t = Float64Array.from(lags, (l) => l * dt_ps);
  const y = Float64Array.from(lags, (l) => msd_A2[l]);
  const u1 = solveLower(chol, L, one);
  const ut = solveLower(chol, L, t);
  const uy = solveLower(chol, L, y);
  let a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0;
  for (let i = 0; i < L; i++) {
    a11 += u1[i] * u1[i]; a12 += u1[i] * ut[i]; a22 += ut[i] * ut[i];
    b1 += u1[i] * uy[i]; b2 += ut[i] * uy[i];
  }
  const det = a11 * a22 - a12 * a12;
  const intercept = (a22 * b1 - a12 * b2) / det;
  const slope = (a11 * b2 - a12 * b1) / det;
  // Scale factor c = 2·m₁²/(d·N), m₁ = slope·Δt; a non-positive slope falls back to the mean MSD/t over the window.
  let slopeForVar = slope;
  if (!(slopeForVar > 0)) {
    let s = 0;
    for (let i = 0; i < L; i++) s += Math.max(0, y[i]) / t[i];
    slopeForVar = s / L;
  }
  const m1 = slopeForVar * dt_ps;
  const c = (2 * m1 * m1) / (dims * nParticles);
  let varIntercept = (c * a22) / det;
  let varSlope = (c * a11) / det;
  let cov = (-c * a12) / det;
  let chi2 = 0;
  for (let i = 0; i < L; i++) {
    const r = uy[i] - intercept * u1[i] - slope * ut[i];
    chi2 += r * r;
  }
  const chi2Reduced = L > 2 && c > 0 ? chi2 / c / (L - 2) : NaN;
  // Optional external error scale (e.g. from the atom-block check in diffusion.ts).
  const inflation = input.errorScale ?? 1;
  varSlope *= inflation * inflation;
  varIntercept *= inflation * inflation;
  cov *= inflation * inflation;
  const toD = A2_PER_PS_TO_CM2_PER_S / (2 * dims);
  const D = slope * toD;
  const Derr = Math.sqrt(varSlope) * toD;
  const r = Math.sqrt(varSlope) / slopeForVar;
  let ci: [number, number];
  if (D > 0) ci = [D / (1 + Z975 * r), Z975 * r < 1 ? D / (1 - Z975 * r) : Infinity];
  else ci = [0, Math.max(0, D) + Z975 * Derr];
  return {
    slope_A2PerPs: slope,
    slope_err_A2PerPs: Math.sqrt(varSlope),
    intercept_A2: intercept,
    intercept_err_A2: Math.sqrt(varIntercept),
    covariance: [[varIntercept, cov], [cov, varSlope]],
    D_cm2PerS: D,
    D_err_cm2PerS: Derr,
    D_ci95_cm2PerS: ci,
    relative_err: r,
    fitLags_frames: lags,
    fitWindow_ps: [lags[0] * dt_ps, lags[L - 1] * dt_ps],
    chi2_reduced: chi2Reduced,
    error_inflation: inflation,
  };
}

function fmtPs(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

// The normalised covariance depends only on (T, lags): every fit of one analysis (tracer, atom blocks, components,
// charge MSD) shares it, so the last factor is cached (O(L²·T) to build).
let cachedKey = '';
let cachedChol: Float64Array | null = null;

/** Cholesky factor of W̃_ij = W(n_i, n_j)/(K_i K_j) for the given lags (cached for the last (T, lags)). */
function getNormalisedCovarianceCholesky(T: number, lags: readonly number[]): Float64Array {
  const key = `${T}|${lags.join(',')}`;
  if (key === cachedKey && cachedChol) return cachedChol;
  const L = lags.length;
  const C = new Float64Array(L * L);
  for (let i = 0; i < L; i++) {
    for (let j = i; j < L; j++) {
      const w = computeOverlapSum(T, lags[i], lags[j]) / ((T - lags[i]) * (T - lags[j]));
      C[i * L + j] = w;
      C[j * L + i] = w;
    }
  }
  cachedChol = choleskyWithJitter(C, L);
  cachedKey = key;
  return cachedChol;
}

/** Lower Cholesky factor (row-major L×L); adds a small diagonal jitter when the matrix is numerically singular. */
function choleskyWithJitter(A: Float64Array, n: number): Float64Array {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += A[i * n + i];
  for (let attempt = 0; attempt < 8; attempt++) {
    const jitter = attempt === 0 ? 0 : (trace / n) * 10 ** (-14 + 2 * attempt);
    const Lm = new Float64Array(n * n);
    let ok = true;
    for (let i = 0; i < n && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let s = A[i * n + j] + (i === j ? jitter : 0);
        for (let k = 0; k < j; k++) s -= Lm[i * n + k] * Lm[j * n + k];
        if (i === j) {
          if (!(s > 0)) { ok = false; break; }
          Lm[i * n + i] = Math.sqrt(s);
        } else {
          Lm[i * n + j] = s / Lm[j * n + j];
        }
      }
    }
    if (ok) return Lm;
  }
  throw new Error('diffusion fit: MSD covariance matrix is not positive definite');
}

function solveLower(Lm: Float64Array, n: number, b: Float64Array): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= Lm[i * n + k] * x[k];
    x[i] = s / Lm[i * n + i];
  }
  return x;
}
