/**
 * Ensemble observables from replica accumulators. Errors are standard errors from the spread over replicas.
 *
 * Definitions (t = simulated time, N_Li Li, n_v vacancies, N sites, c_v = n_v / N):
 *   D*      = Σ_i |Δr_i|² / (6 t N_tracked)               tracer diffusivity (all Li on the TS path)
 *   D_v     = Σ_v |Δr_v|² / (6 t n_v)                     vacancy diffusivity from the vacancy displacements
 *   D_v^rw  = Σ_hops l² / (6 t n_v)                       uncorrelated random-walk value Γ·Σl²/6 per vacancy
 *   D_σ     = |Σ_i Δr_i|² / (6 t N_Li)                    collective ("charge") diffusivity
 *   f       = D* / (c_v · D_v^rw)                         tracer correlation factor
 *   H_R     = D* / D_σ                                    Haven ratio
 *   σ       = Nernst–Einstein from D_σ with the Li density N_Li / V
 * For one vacancy the vacancy walk is uncorrelated, so D_v = D_v^rw in expectation (checked in the tests) and
 * f = D* / (D_v c_v); using D_v^rw removes the large random-walk noise of a single vacancy's displacement.
 * For many vacancies and for the mixed T/O lattice the same formula defines f relative to uncorrelated vacancy
 * jumps (the Σ l² of the hops that actually happened, so T–T and T–O lengths are weighted by their frequency).
 * f is the mean of per-replica ratios (each replica's time cancels); D* and D_v are means over replicas; Haven
 * and σ use D_σ, whose per-replica estimate is noisy (one collective vector), so H_R gets a jackknife error.
 */
import { A2_PER_PS_TO_CM2_PER_S, S_TO_MS } from '../core/constants.js';
import { computeNernstEinsteinConductivity_SPerCm, computeNumberDensity_perCm3 } from '../core/nernst-einstein.js';
import type { Lattice } from '../lattice/lattice.js';
import type { KmcReplicaResult } from './kmc-ts.js';

export interface KmcObservablesResult {
  T_K: number;
  n_sites: number;
  n_li: number;
  n_vacancies: number;
  replicas: number;
  hops: number;
  /** Mean simulated time per replica, s. */
  time_s: number;
  D_tracer_cm2PerS: number;
  D_tracer_err_cm2PerS: number;
  D_vacancy_cm2PerS: number;
  D_vacancy_err_cm2PerS: number;
  D_vacancy_randomwalk_cm2PerS: number;
  D_vacancy_randomwalk_err_cm2PerS: number;
  D_sigma_cm2PerS: number | null;
  D_sigma_err_cm2PerS: number | null;
  correlation_factor: number;
  correlation_factor_err: number;
  haven_ratio: number | null;
  haven_ratio_err: number | null;
  conductivity_mSPerCm: number | null;
  conductivity_err_mSPerCm: number | null;
  /** Time-averaged fraction of vacancies on each site type, by site type name. */
  vacancy_fraction_by_site_type: Record<string, number>;
  vacancy_fraction_err_by_site_type: Record<string, number>;
  /** Fraction of hops per hop type. */
  hop_fraction_by_type: Record<string, number>;
}

/** Mean and standard error of the mean (NaN error for fewer than 2 values). */
export function computeMeanAndError(values: ArrayLike<number>): { mean: number; err: number } {
  const n = values.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += values[i];
  m /= n;
  if (n < 2) return { mean: m, err: NaN };
  let v = 0;
  for (let i = 0; i < n; i++) v += (values[i] - m) ** 2;
  return { mean: m, err: Math.sqrt(v / (n - 1) / n) };
}

/** Jackknife estimate and standard error of a ratio of means Σa/Σb. */
export function computeJackknifeRatio(a: ArrayLike<number>, b: ArrayLike<number>): { value: number; err: number } {
  const n = a.length;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < n; i++) {
    sa += a[i];
    sb += b[i];
  }
  const value = sa / sb;
  if (n < 2) return { value, err: NaN };
  let mean = 0;
  const loo = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    loo[i] = (sa - a[i]) / (sb - b[i]);
    mean += loo[i];
  }
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (loo[i] - mean) ** 2;
  return { value, err: Math.sqrt(((n - 1) / n) * v) };
}

/** Combine replica accumulators into the observables. */
export function summarizeKmcReplicas(lattice: Lattice, T_K: number, reps: KmcReplicaResult[]): KmcObservablesResult {
  const R = reps.length;
  const { n_li, n_vacancies } = reps[0];
  const N = lattice.n_sites;
  const k = A2_PER_PS_TO_CM2_PER_S;
  const dTr = reps.map((r) => (r.tracerSumSq_A2 / (6 * r.time_ps * r.n_tracked)) * k);
  const dV = reps.map((r) => (r.vacancySumSq_A2 / (6 * r.time_ps * r.n_vacancies)) * k);
  const dRw = reps.map((r) => (r.hopLengthSumSq_A2 / (6 * r.time_ps * r.n_vacancies)) * k);
  const fR = reps.map((r) => ((r.tracerSumSq_A2 / r.n_tracked) * N) / r.hopLengthSumSq_A2);
  const tr = computeMeanAndError(dTr);
  const vac = computeMeanAndError(dV);
  const rw = computeMeanAndError(dRw);
  const f = computeMeanAndError(fR);
  const hasSigma = reps.every((r) => r.collectiveSq_A2 !== null);
  let dSig: { mean: number; err: number } | null = null;
  let haven: { value: number; err: number } | null = null;
  let sigma: number | null = null;
  let sigmaErr: number | null = null;
  if (hasSigma) {
    const dS = reps.map((r) => ((r.collectiveSq_A2 as number) / (6 * r.time_ps * r.n_li)) * k);
    dSig = computeMeanAndError(dS);
    haven = computeJackknifeRatio(dTr, dS);
    const n_perCm3 = computeNumberDensity_perCm3(n_li, lattice.volume_A3);
    sigma = computeNernstEinsteinConductivity_SPerCm(n_perCm3, 1, dSig.mean, T_K) * S_TO_MS;
    sigmaErr = computeNernstEinsteinConductivity_SPerCm(n_perCm3, 1, dSig.err, T_K) * S_TO_MS;
  }
  const fracByType: Record<string, number> = {};
  const fracErrByType: Record<string, number> = {};
  lattice.siteTypeNames.forEach((name, t) => {
    const per = reps.map((r) => r.vacancyTimeByType_ps[t] / (r.time_ps * r.n_vacancies));
    const m = computeMeanAndError(per);
    fracByType[name] = m.mean;
    fracErrByType[name] = m.err;
  });
  const hopFrac: Record<string, number> = {};
  const totalHops = reps.reduce((s, r) => s + r.hops, 0);
  lattice.hopTypeNames.forEach((name, t) => {
    hopFrac[name] = reps.reduce((s, r) => s + r.hopsByType[t], 0) / totalHops;
  });
  const meanTime_ps = reps.reduce((s, r) => s + r.time_ps, 0) / R;
  return {
    T_K,
    n_sites: N,
    n_li,
    n_vacancies,
    replicas: R,
    hops: reps[0].hops,
    time_s: meanTime_ps * 1e-12,
    D_tracer_cm2PerS: tr.mean,
    D_tracer_err_cm2PerS: tr.err,
    D_vacancy_cm2PerS: vac.mean,
    D_vacancy_err_cm2PerS: vac.err,
    D_vacancy_randomwalk_cm2PerS: rw.mean,
    D_vacancy_randomwalk_err_cm2PerS: rw.err,
    D_sigma_cm2PerS: dSig ? dSig.mean : null,
    D_sigma_err_cm2PerS: dSig ? dSig.err : null,
    correlation_factor: f.mean,
    correlation_factor_err: f.err,
    haven_ratio: haven ? haven.value : null,
    haven_ratio_err: haven ? haven.err : null,
    conductivity_mSPerCm: sigma,
    conductivity_err_mSPerCm: sigmaErr,
    vacancy_fraction_by_site_type: fracByType,
    vacancy_fraction_err_by_site_type: fracErrByType,
    hop_fraction_by_type: hopFrac,
  };
}
