/**
 * Hop rates at several temperatures → Arrhenius parameters per hop type → a `liflux-rates/1` file for
 * `liflux kmc --rates` (engine/rates/rates-file.ts).
 *
 * Free fits: every hop type separately with `fitArrhenius` (weighted ln k vs 1/T, Poisson errors).
 * Detailed balance (Li3Sb T/O sites) is then enforced, because the KMC rate model requires it
 * (ν_TO = ν_OT and Ea_TO − Ea_OT = ΔE = E_O − E_T):
 *   - the geometric mean g = √(k_TO·k_OT) = ν·exp(−Ēa/kT) is fitted with `fitArrhenius` → shared ν and Ēa;
 *   - ΔE comes from the rate ratio, kT·ln(k_OT/k_TO) = ΔE at every T: its weighted mean over temperatures;
 *   - Ea_TO = Ēa + ΔE/2, Ea_OT = Ēa − ΔE/2. TT keeps its free fit.
 * Diagnostics: ln ν_TO − ln ν_OT of the free fits in standard errors, the per-T ΔE from the rate ratio against the
 * ΔE from the site occupancies (hop-analysis.ts) in combined standard errors, and the χ² of ΔE being constant.
 * `consistent` is false when any of these exceeds 3σ (the file is still written: a diagnosis, not a refusal).
 * With one temperature the file holds the measured rates directly (`rates_perS` at that T).
 */
import { KB_eVPerK } from '../../engine/core/constants.js';
import { InputError } from '../../engine/core/errors.js';
import { fitArrhenius, type ArrheniusFitResult } from '../arrhenius.js';
import type { HopAnalysisResult } from './hop-analysis.js';

export interface HopArrhenius {
  nu_perS: number;
  nu_err_perS: number;
  ea_eV: number;
  ea_err_eV: number;
  chi2_reduced: number | null;
  n_points: number;
}

export interface DetailedBalanceCheck {
  /** (ln ν_TO − ln ν_OT) / its standard error from the free fits. */
  nu_mismatch_sigma: number | null;
  /** ΔE from the rate ratio (weighted mean over T), eV. */
  site_energy_from_rates_eV: number;
  site_energy_from_rates_err_eV: number;
  /** Reduced χ² of the per-T rate-ratio ΔE about its mean (null with one T). */
  site_energy_chi2_reduced: number | null;
  per_T: { T_K: number; from_rates_eV: number; from_rates_err_eV: number; from_occupancy_eV: number | null; from_occupancy_err_eV: number | null; mismatch_sigma: number | null }[];
  consistent: boolean;
  notes: string[];
}

export interface RatesFromHopsResult {
  hop_types: string[];
  T_K: number[];
  /** Free Arrhenius fit per hop type (null when it has hops at fewer than 2 temperatures). */
  free_fits: Record<string, HopArrhenius | null>;
  /** The parameters written to the rates file (detailed balance enforced for TO/OT). */
  model: Record<string, { nu_perS: number; ea_eV: number; ea_err_eV: number }> | null;
  site_energy_O_minus_T_eV: number | null;
  detailed_balance: DetailedBalanceCheck | null;
  /** The rates file content (schema liflux-rates/1). */
  rates_json: Record<string, unknown>;
}

function toHop(fit: ArrheniusFitResult): HopArrhenius {
  return { nu_perS: fit.prefactor, nu_err_perS: fit.prefactor_err, ea_eV: fit.ea_eV, ea_err_eV: fit.ea_err_eV, chi2_reduced: fit.chi2_reduced, n_points: fit.n_points };
}

export interface RatesFromHopsOptions {
  lattice_constant_A?: number | null;
  /** Trajectory files, for the provenance. */
  sources?: string[];
}

/** Fit the per-temperature hop rates and build the rates file. */
export function computeRatesFromHops(results: HopAnalysisResult[], options: RatesFromHopsOptions = {}): RatesFromHopsResult {
  if (results.length === 0) throw new InputError('expected at least one hop analysis, found none');
  const types = results[0].hop_types;
  results.forEach((r, k) => {
    if (r.T_K === null) throw new InputError(`trajectory ${k + 1}${options.sources?.[k] ? ` (${options.sources[k]})` : ''}: expected a temperature (give --temperature), found none`);
    if (r.hop_types.join() !== types.join()) throw new InputError(`trajectory ${k + 1}: expected hop types ${types.join(', ')}, found ${r.hop_types.join(', ')}`);
  });
  const Ts = results.map((r) => r.T_K as number);
  if (new Set(Ts).size !== Ts.length) throw new InputError(`expected one trajectory per temperature, found temperatures ${Ts.join(', ')} K (merge repeats first)`);
  const lattice = results[0].structure.name;
  const measured = results.map((r) => ({
    T_K: r.T_K,
    ...Object.fromEntries(types.map((t) => [t, r.rates_perS[t]])),
    err: Object.fromEntries(types.map((t) => [t, r.rates_err_perS[t]])),
    n_hops: r.n_hops,
    site_energy_O_minus_T_eV: r.site_energy_O_minus_T_eV,
  }));
  const provenance = {
    source: 'liflux hops (MD hop analysis)',
    trajectories: options.sources ?? [],
    method: 'per-event rates k_t = n_t / Σ(Li, adjacent vacancy pairs of type t × Δt), Poisson errors; Arrhenius per hop type (weighted ln k vs 1/T); detailed balance enforced: shared ν for TO/OT, Ea_TO − Ea_OT = ΔE from the rate ratio',
    rule: results[0].rule,
    measured,
  };
  const base: Record<string, unknown> = { schema: 'liflux-rates/1', lattice };
  if (options.lattice_constant_A) base.lattice_constant_A = options.lattice_constant_A;
  const hasTO = types.includes('TO') && types.includes('OT');
  if (results.length === 1) {
    const r = results[0];
    for (const t of types) {
      if (!(r.rates_perS[t] > 0)) throw new InputError(`expected at least one ${t} hop at ${r.T_K} K to write a rate, found none (longer trajectory?)`);
    }
    const entry = { T_K: r.T_K, ...Object.fromEntries(types.map((t) => [t, r.rates_perS[t]])) };
    return {
      hop_types: types, T_K: Ts, free_fits: Object.fromEntries(types.map((t) => [t, null])), model: null,
      site_energy_O_minus_T_eV: hasTO ? KB_eVPerK * (r.T_K as number) * Math.log(r.rates_perS.OT / r.rates_perS.TO) : null,
      detailed_balance: null,
      rates_json: { ...base, rates_perS: [entry], vv_interaction_eV: 0, provenance },
    };
  }
  const freeFits: Record<string, HopArrhenius | null> = {};
  for (const t of types) {
    const pts = results.filter((r) => r.n_hops[t] > 0).map((r) => ({ T_K: r.T_K as number, value: r.rates_perS[t], value_err: r.rates_err_perS[t] }));
    freeFits[t] = pts.length >= 2 ? toHop(fitArrhenius(pts)) : null;
  }
  for (const t of types) {
    if (freeFits[t] === null) throw new InputError(`expected ${t} hops at 2 or more temperatures for an Arrhenius fit, found them at ${results.filter((r) => r.n_hops[t] > 0).length}`);
  }
  const model: Record<string, { nu_perS: number; ea_eV: number; ea_err_eV: number }> = {};
  for (const t of types) model[t] = { nu_perS: freeFits[t]!.nu_perS, ea_eV: freeFits[t]!.ea_eV, ea_err_eV: freeFits[t]!.ea_err_eV };
  let dE: number | null = null;
  let db: DetailedBalanceCheck | null = null;
  if (hasTO) {
    const both = results.filter((r) => r.n_hops.TO > 0 && r.n_hops.OT > 0);
    if (both.length < 2) throw new InputError(`expected TO and OT hops at 2 or more temperatures, found both at ${both.length}`);
    const rel = (r: HopAnalysisResult, t: string) => r.rates_err_perS[t] / r.rates_perS[t];
    const gFit = fitArrhenius(both.map((r) => ({
      T_K: r.T_K as number,
      value: Math.sqrt(r.rates_perS.TO * r.rates_perS.OT),
      value_err: 0.5 * Math.sqrt(rel(r, 'TO') ** 2 + rel(r, 'OT') ** 2) * Math.sqrt(r.rates_perS.TO * r.rates_perS.OT),
    })));
    const perT = both.map((r) => {
      const kT = KB_eVPerK * (r.T_K as number);
      const v = kT * Math.log(r.rates_perS.OT / r.rates_perS.TO);
      const e = kT * Math.sqrt(rel(r, 'TO') ** 2 + rel(r, 'OT') ** 2);
      const occ = r.site_energy_O_minus_T_eV;
      const occErr = r.site_energy_err_eV;
      const mism = occ !== null && occErr !== null ? (v - occ) / Math.hypot(e, occErr) : null;
      return { T_K: r.T_K as number, from_rates_eV: v, from_rates_err_eV: e, from_occupancy_eV: occ, from_occupancy_err_eV: occErr, mismatch_sigma: mism };
    });
    let sw = 0;
    let swv = 0;
    for (const p of perT) {
      sw += 1 / p.from_rates_err_eV ** 2;
      swv += p.from_rates_eV / p.from_rates_err_eV ** 2;
    }
    dE = swv / sw;
    const dEerr = Math.sqrt(1 / sw);
    const chi2 = perT.length > 1 ? perT.reduce((a, p) => a + ((p.from_rates_eV - (dE as number)) / p.from_rates_err_eV) ** 2, 0) / (perT.length - 1) : null;
    const ea = gFit.ea_eV;
    model.TO = { nu_perS: gFit.prefactor, ea_eV: ea + dE / 2, ea_err_eV: Math.hypot(gFit.ea_err_eV, dEerr / 2) };
    model.OT = { nu_perS: gFit.prefactor, ea_eV: ea - dE / 2, ea_err_eV: Math.hypot(gFit.ea_err_eV, dEerr / 2) };
    const to = freeFits.TO!;
    const ot = freeFits.OT!;
    const lnErr = Math.hypot(to.nu_err_perS / to.nu_perS, ot.nu_err_perS / ot.nu_perS);
    const nuSigma = lnErr > 0 ? (Math.log(to.nu_perS) - Math.log(ot.nu_perS)) / lnErr : null;
    const notes: string[] = [];
    if (nuSigma !== null && Math.abs(nuSigma) > 3) notes.push(`free fits give ν_TO ≠ ν_OT by ${nuSigma.toFixed(1)}σ (detailed balance needs them equal)`);
    for (const p of perT) {
      if (p.mismatch_sigma !== null && Math.abs(p.mismatch_sigma) > 3) notes.push(`${p.T_K} K: ΔE from the rate ratio (${p.from_rates_eV.toFixed(4)} eV) and from the occupancies (${(p.from_occupancy_eV as number).toFixed(4)} eV) differ by ${p.mismatch_sigma.toFixed(1)}σ`);
    }
    if (chi2 !== null && perT.length > 2 && chi2 > 1 + 3 * Math.sqrt(2 / (perT.length - 1))) notes.push(`ΔE from the rate ratio varies with T more than its errors allow (reduced χ² ${chi2.toFixed(2)})`);
    db = { nu_mismatch_sigma: nuSigma, site_energy_from_rates_eV: dE, site_energy_from_rates_err_eV: dEerr, site_energy_chi2_reduced: chi2, per_T: perT, consistent: notes.length === 0, notes };
  }
  const hops = Object.fromEntries(types.map((t) => [t, { nu_perS: model[t].nu_perS, ea_eV: model[t].ea_eV }]));
  const json: Record<string, unknown> = { ...base, hops };
  if (hasTO) json.site_energy_O_minus_T_eV = model.TO.ea_eV - model.OT.ea_eV;
  json.vv_interaction_eV = 0;
  json.provenance = { ...provenance, free_fits: freeFits, detailed_balance: db };
  return { hop_types: types, T_K: Ts, free_fits: freeFits, model, site_energy_O_minus_T_eV: dE, detailed_balance: db, rates_json: json };
}
