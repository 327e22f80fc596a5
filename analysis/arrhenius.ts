/**
 * Arrhenius fits: value(T) = prefactor · exp(−Ea / (kB·T)) for any positive Arrhenius quantity
 * (D in cm²/s, a hop rate in 1/s, σ·T, …).
 *
 * Method (weighted least squares on the linearised form):
 *   y_i = ln value_i,  x_i = 1/T_i (1/K),  y = ln_prefactor + slope_K · x,  slope_K = −Ea/kB.
 *   The standard error of y_i is err_i/value_i (first-order propagation of the 1σ error of value_i), and the
 *   weights are w_i = (value_i/err_i)². The parameter covariance is (Xᵀ W X)⁻¹, parameter order
 *   [ln_prefactor, slope_K].
 *   With ≥ 3 points the reduced χ² = Σ w_i r_i² / (n − 2) is reported, and when it exceeds 1 the covariance is
 *   multiplied by it (the scatter is larger than the stated errors explain: the errors are inflated, never shrunk).
 *
 * Intervals (`evaluateArrhenius`): the error of ln value at T is propagated through the full covariance,
 *   var(ln v) = var(a) + 2·cov(a, b)/T + var(b)/T².
 *   The 95% interval is exp(ln v ± q·ln_err) with q the 97.5% quantile of Student's t with n − 2 degrees of
 *   freedom when n ≥ 3 (a few points: the per-point errors are themselves estimates, and χ² scaling uses the
 *   residuals), and the normal quantile 1.96 when n = 2 (no degree of freedom left: the interval rests entirely on
 *   the input errors).
 */
import { KB_eVPerK, S_TO_MS } from '../engine/core/constants.js';
import { InputError } from '../engine/core/errors.js';
import { computeNernstEinsteinConductivity_SPerCm } from '../engine/core/nernst-einstein.js';

export interface ArrheniusPoint {
  /** Temperature, K. */
  T_K: number;
  /** Positive Arrhenius quantity (any unit; the prefactor comes out in the same unit). */
  value: number;
  /** 1σ standard error of `value`, same unit. */
  value_err: number;
}

export interface ArrheniusFitResult {
  /** Activation energy, eV. */
  ea_eV: number;
  /** 1σ standard error of the activation energy, eV. */
  ea_err_eV: number;
  /** Prefactor exp(ln_prefactor), same unit as the input values. */
  prefactor: number;
  /** 1σ error of the prefactor by first-order propagation (prefactor · ln_prefactor_err); asymmetric in reality. */
  prefactor_err: number;
  /** ln of the prefactor (unit of the values inside the log). */
  ln_prefactor: number;
  ln_prefactor_err: number;
  /** Slope of ln value against 1/T, K (= −Ea/kB). */
  slope_K: number;
  slope_err_K: number;
  /** Covariance of ln_prefactor and slope_K, K. */
  cov_lnPrefactor_slope: number;
  /** Covariance of ln_prefactor and ea_eV, eV (= −kB · cov_lnPrefactor_slope). */
  cov_lnPrefactor_ea_eV: number;
  /** 2×2 covariance matrix, parameter order [ln_prefactor, slope_K] (already χ²-scaled when applicable). */
  covariance: [[number, number], [number, number]];
  n_points: number;
  /** Degrees of freedom n − 2. */
  dof: number;
  /** Reduced χ² (null with 2 points). */
  chi2_reduced: number | null;
  /** True when the covariance was multiplied by chi2_reduced (> 1). */
  covariance_scaled: boolean;
  /** Quantile used for 95% intervals (Student t with dof, or 1.96 with 2 points). */
  quantile95: number;
}

export interface ArrheniusEvaluation {
  value: number;
  ci95: [number, number];
  /** 1σ error of ln value at this temperature. */
  ln_err: number;
}

/** Weighted Arrhenius fit of ln value against 1/T (see the module comment for the method). */
export function fitArrhenius(points: ArrheniusPoint[]): ArrheniusFitResult {
  if (!Array.isArray(points) || points.length < 2) {
    throw new InputError(`arrhenius: expected at least 2 temperatures, found ${Array.isArray(points) ? points.length : 'none'}`);
  }
  points.forEach((p, i) => {
    if (!(Number.isFinite(p.T_K) && p.T_K > 0)) {
      throw new InputError(`arrhenius: point ${i + 1}: expected a positive temperature in K, found ${p.T_K}`);
    }
    if (!(Number.isFinite(p.value) && p.value > 0)) {
      throw new InputError(`arrhenius: point ${i + 1} (T = ${p.T_K} K): expected a positive value, found ${p.value}`);
    }
    if (!(Number.isFinite(p.value_err) && p.value_err > 0)) {
      throw new InputError(`arrhenius: point ${i + 1} (T = ${p.T_K} K): expected a positive error, found ${p.value_err}`);
    }
  });
  const distinct = new Set(points.map((p) => p.T_K));
  if (distinct.size < 2) {
    throw new InputError(`arrhenius: expected at least 2 distinct temperatures, found ${distinct.size}`);
  }
  const n = points.length;
  let s = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const p of points) {
    const x = 1 / p.T_K;
    const y = Math.log(p.value);
    const sigmaY = p.value_err / p.value;
    const w = 1 / (sigmaY * sigmaY);
    s += w; sx += w * x; sy += w * y; sxx += w * x * x; sxy += w * x * y;
  }
  const det = s * sxx - sx * sx;
  const a = (sxx * sy - sx * sxy) / det;
  const b = (s * sxy - sx * sy) / det;
  let varA = sxx / det;
  let varB = s / det;
  let covAB = -sx / det;
  let chi2 = 0;
  for (const p of points) {
    const r = (Math.log(p.value) - a - b / p.T_K) / (p.value_err / p.value);
    chi2 += r * r;
  }
  const dof = n - 2;
  const chi2Reduced = dof > 0 ? chi2 / dof : null;
  const scaled = chi2Reduced !== null && chi2Reduced > 1;
  if (scaled) {
    varA *= chi2Reduced;
    varB *= chi2Reduced;
    covAB *= chi2Reduced;
  }
  const lnErr = Math.sqrt(varA);
  const prefactor = Math.exp(a);
  return {
    ea_eV: -b * KB_eVPerK,
    ea_err_eV: Math.sqrt(varB) * KB_eVPerK,
    prefactor,
    prefactor_err: prefactor * lnErr,
    ln_prefactor: a,
    ln_prefactor_err: lnErr,
    slope_K: b,
    slope_err_K: Math.sqrt(varB),
    cov_lnPrefactor_slope: covAB,
    cov_lnPrefactor_ea_eV: -KB_eVPerK * covAB,
    covariance: [[varA, covAB], [covAB, varB]],
    n_points: n,
    dof,
    chi2_reduced: chi2Reduced,
    covariance_scaled: scaled,
    quantile95: dof > 0 ? computeStudentTQuantile(0.975, dof) : 1.959963984540054,
  };
}

/** Value of the fitted Arrhenius law at T_K with its 95% interval propagated through the covariance. */
export function evaluateArrhenius(fit: ArrheniusFitResult, T_K: number): ArrheniusEvaluation {
  if (!(Number.isFinite(T_K) && T_K > 0)) {
    throw new InputError(`arrhenius: expected a positive temperature in K to evaluate at, found ${T_K}`);
  }
  const x = 1 / T_K;
  const [[varA, covAB], [, varB]] = fit.covariance;
  const lnValue = fit.ln_prefactor + fit.slope_K * x;
  const lnErr = Math.sqrt(Math.max(0, varA + 2 * covAB * x + varB * x * x));
  const q = fit.quantile95;
  return {
    value: Math.exp(lnValue),
    ci95: [Math.exp(lnValue - q * lnErr), Math.exp(lnValue + q * lnErr)],
    ln_err: lnErr,
  };
}

/**
 * Quantile of Student's t distribution with `dof` degrees of freedom (p in (0, 1)), by bisection on the CDF
 * computed from the regularised incomplete beta function. Accurate to ~1e-12 relative.
 */
export function computeStudentTQuantile(p: number, dof: number): number {
  if (!(p > 0 && p < 1) || !(dof > 0)) throw new RangeError(`computeStudentTQuantile: bad p=${p} or dof=${dof}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -computeStudentTQuantile(1 - p, dof);
  let lo = 0;
  let hi = 1;
  while (computeStudentTCdf(hi, dof) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-14 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (computeStudentTCdf(mid, dof) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** CDF of Student's t with `dof` degrees of freedom. */
export function computeStudentTCdf(t: number, dof: number): number {
  const x = dof / (dof + t * t);
  const tail = 0.5 * computeRegularizedIncompleteBeta(x, dof / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Regularised incomplete beta I_x(a, b) by Lentz's continued fraction. */
export function computeRegularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  if (x > (a + 1) / (a + b + 2)) return 1 - computeRegularizedIncompleteBeta(1 - x, b, a);
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let f = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d; if (Math.abs(d) < tiny) d = tiny; d = 1 / d;
    c = 1 + num / c; if (Math.abs(c) < tiny) c = tiny;
    f *= d * c;
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d; if (Math.abs(d) < tiny) d = tiny; d = 1 / d;
    c = 1 + num / c; if (Math.abs(c) < tiny) c = tiny;
    const delta = d * c;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return (Math.exp(lnFront) * f) / a;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; ~1e-15 relative). */
function lnGamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const xm = x - 1;
  let sum = c[0];
  for (let i = 1; i < g + 2; i++) sum += c[i] / (xm + i);
  const t = xm + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (xm + 0.5) * Math.log(t) - t + Math.log(sum);
}

export interface ArrheniusExtrapolationResult {
  T_K: number;
  D_cm2PerS: number;
  D_ci95_cm2PerS: [number, number];
  /** 1σ error of ln D at T_K. */
  ln_D_err: number;
  /** Nernst–Einstein conductivity at T_K from the extrapolated D (null without carrier density and charge). */
  conductivity_mSPerCm: number | null;
  conductivity_ci95_mSPerCm: [number, number] | null;
}

/**
 * Extrapolate a diffusion-coefficient Arrhenius fit (values in cm²/s) to T_K, with the Nernst–Einstein
 * conductivity when the carrier density (1/cm³, assumed temperature independent) and charge (e) are known;
 * σ is monotonic in D, so its 95% interval maps from D's.
 */
export function extrapolateDiffusionArrhenius(
  fit: ArrheniusFitResult,
  T_K: number,
  carrier: { n_perCm3: number; charge_e: number } | null = null,
): ArrheniusExtrapolationResult {
  const e = evaluateArrhenius(fit, T_K);
  const sigma = (D: number) => (carrier ? computeNernstEinsteinConductivity_SPerCm(carrier.n_perCm3, carrier.charge_e, D, T_K) * S_TO_MS : null);
  const mid = sigma(e.value);
  return {
    T_K,
    D_cm2PerS: e.value,
    D_ci95_cm2PerS: e.ci95,
    ln_D_err: e.ln_err,
    conductivity_mSPerCm: mid,
    conductivity_ci95_mSPerCm: mid === null ? null : [sigma(e.ci95[0]) as number, sigma(e.ci95[1]) as number],
  };
}
