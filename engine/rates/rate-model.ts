/**
 * Rate model for vacancy-mediated Li hops.
 *
 * Per hop type t (named by initial → final site type, e.g. TT, TO, OT) the rate of one Li hopping into an
 * adjacent vacancy in the non-interacting reference environment is
 *   k_t(T) = ν_t · exp(−Ea_t / kB T)                      (Arrhenius form), or
 *   k_t(T) = rate_t                                        (rates given directly at that temperature).
 * Ea_t is the barrier measured from the initial site, so the O−T site-energy difference ΔE = E_O − E_T is
 * contained in it: detailed balance k_TO / k_OT = exp(−ΔE / kB T) requires ν_TO = ν_OT and Ea_TO − Ea_OT = ΔE.
 * `createRateModel` checks this (or derives ΔE when it is not given), so every model built here obeys detailed
 * balance by construction.
 *
 * Nearest-neighbour vacancy–vacancy interaction V (eV per nn vacancy pair, V < 0 attractive) enters as a
 * kinetically-resolved correction (Van der Ven et al. 2001): a hop that changes the configuration's interaction
 * energy by ΔE_int = V·(n_final − n_initial) gets the factor exp(−ΔE_int / 2kB T); with forward and backward
 * factors multiplying to exp(−ΔE_int / kB T), detailed balance holds for every local environment.
 */
import { KB_eVPerK } from '../core/constants.js';
import { InputError } from '../core/errors.js';

/** Arrhenius parameters of one hop type. */
export interface ArrheniusHop {
  nu_perS: number;
  ea_eV: number;
}

/** A rate model independent of temperature (Arrhenius) or fixed rates at one temperature. */
export interface RateModel {
  /** Hop type names in the lattice's order. */
  hopTypeNames: string[];
  /** Arrhenius parameters per hop type (null when the rates are direct). */
  arrhenius: ArrheniusHop[] | null;
  /** Direct rates per hop type, 1/s, valid at `directRates_T_K` (or at any T for model studies when that is null). */
  directRates_perS: number[] | null;
  /** Temperature the direct rates belong to, K (null: used at every requested temperature). */
  directRates_T_K: number | null;
  /** O − T site energy of a Li, eV (implied by the rates; informational, and used for the Boltzmann check). */
  siteEnergy_O_minus_T_eV: number | null;
  /** Nearest-neighbour vacancy–vacancy interaction, eV (0: none). */
  vvInteraction_eV: number;
  /** Where the numbers came from. */
  provenance: string;
}

/** Rates evaluated at one temperature, in the engine's internal units (1/ps). */
export interface RateTable {
  T_K: number;
  kT_eV: number;
  /** Rate per hop type, 1/ps. */
  rate_perPs: Float64Array;
  vvInteraction_eV: number;
}

export interface RateModelInput {
  hopTypeNames: string[];
  arrhenius?: ArrheniusHop[];
  directRates_perS?: number[];
  directRates_T_K?: number | null;
  siteEnergy_O_minus_T_eV?: number | null;
  vvInteraction_eV?: number;
  provenance?: string;
  /** For messages: where this model was read from. */
  source?: string;
}

const TOLERANCE_eV = 1e-9;

/** Validate and build a rate model; throws InputError on inconsistent input (e.g. detailed-balance violation). */
export function createRateModel(input: RateModelInput): RateModel {
  const src = input.source ? `${input.source}: ` : '';
  const names = input.hopTypeNames;
  const hasArr = input.arrhenius !== undefined;
  const hasDirect = input.directRates_perS !== undefined;
  if (hasArr === hasDirect) throw new InputError(`${src}expected either Arrhenius parameters or direct rates per hop type, found ${hasArr ? 'both' : 'neither'}`);
  const vv = input.vvInteraction_eV ?? 0;
  if (!Number.isFinite(vv)) throw new InputError(`${src}vv_interaction_eV: expected a finite number of eV, found ${vv}`);
  let siteE = input.siteEnergy_O_minus_T_eV ?? null;
  const iTO = names.indexOf('TO');
  const iOT = names.indexOf('OT');
  if (hasArr) {
    const arr = input.arrhenius!;
    if (arr.length !== names.length) throw new InputError(`${src}expected ${names.length} hop types (${names.join(', ')}), found ${arr.length}`);
    arr.forEach((h, i) => {
      if (!(h.nu_perS > 0) || !Number.isFinite(h.nu_perS)) throw new InputError(`${src}${names[i]}.nu_perS: expected a positive number of 1/s, found ${h.nu_perS}`);
      if (!Number.isFinite(h.ea_eV)) throw new InputError(`${src}${names[i]}.ea_eV: expected a finite number of eV, found ${h.ea_eV}`);
    });
    if (iTO >= 0 && iOT >= 0) {
      const to = arr[iTO];
      const ot = arr[iOT];
      if (Math.abs(to.nu_perS - ot.nu_perS) > 1e-9 * to.nu_perS) {
        throw new InputError(`${src}expected equal attempt frequencies for TO and OT (detailed balance), found ${to.nu_perS} and ${ot.nu_perS} 1/s`);
      }
      const implied = to.ea_eV - ot.ea_eV;
      if (siteE === null) siteE = implied;
      else if (Math.abs(siteE - implied) > TOLERANCE_eV + 1e-6 * Math.abs(implied)) {
        throw new InputError(`${src}expected site_energy_O_minus_T_eV = TO.ea_eV − OT.ea_eV = ${implied} (detailed balance), found ${siteE}`);
      }
    }
  } else {
    const rates = input.directRates_perS!;
    if (rates.length !== names.length) throw new InputError(`${src}expected ${names.length} hop rates (${names.join(', ')}), found ${rates.length}`);
    rates.forEach((r, i) => {
      if (!(r > 0) || !Number.isFinite(r)) throw new InputError(`${src}${names[i]}: expected a positive rate in 1/s, found ${r}`);
    });
    const T = input.directRates_T_K ?? null;
    if (T !== null && !(T > 0)) throw new InputError(`${src}T_K: expected a positive temperature in K, found ${T}`);
    if (iTO >= 0 && iOT >= 0 && T !== null) {
      const implied = KB_eVPerK * T * Math.log(rates[iOT] / rates[iTO]);
      if (siteE === null) siteE = implied;
      else if (Math.abs(siteE - implied) > 1e-6 + 1e-4 * Math.abs(implied)) {
        throw new InputError(`${src}expected site_energy_O_minus_T_eV = kT·ln(k_OT/k_TO) = ${implied} at ${T} K (detailed balance), found ${siteE}`);
      }
    }
  }
  return {
    hopTypeNames: names,
    arrhenius: hasArr ? input.arrhenius!.map((h) => ({ ...h })) : null,
    directRates_perS: hasDirect ? [...input.directRates_perS!] : null,
    directRates_T_K: input.directRates_T_K ?? null,
    siteEnergy_O_minus_T_eV: siteE,
    vvInteraction_eV: vv,
    provenance: input.provenance ?? '',
  };
}

/** Evaluate a rate model at temperature T_K. */
export function evaluateRates(model: RateModel, T_K: number): RateTable {
  if (!(T_K > 0) || !Number.isFinite(T_K)) throw new InputError(`temperature: expected a positive number of K, found ${T_K}`);
  const kT_eV = KB_eVPerK * T_K;
  const n = model.hopTypeNames.length;
  const rate_perPs = new Float64Array(n);
  if (model.arrhenius) {
    for (let i = 0; i < n; i++) rate_perPs[i] = model.arrhenius[i].nu_perS * Math.exp(-model.arrhenius[i].ea_eV / kT_eV) * 1e-12;
  } else {
    if (model.directRates_T_K !== null && Math.abs(model.directRates_T_K - T_K) > 1e-9 * T_K) {
      throw new InputError(`the rates are given at ${model.directRates_T_K} K only: expected --T ${model.directRates_T_K}, found ${T_K} (give Arrhenius parameters for other temperatures)`);
    }
    for (let i = 0; i < n; i++) rate_perPs[i] = model.directRates_perS![i] * 1e-12;
  }
  return { T_K, kT_eV, rate_perPs, vvInteraction_eV: model.vvInteraction_eV };
}

/**
 * Rate model for a lattice with one site type and one hop type (sc, bcc, fcc): every hop at `rate_perS`.
 */
export function createUniformRateModel(hopTypeNames: string[], rate_perS: number, vvInteraction_eV = 0): RateModel {
  return createRateModel({ hopTypeNames, directRates_perS: hopTypeNames.map(() => rate_perS), vvInteraction_eV, provenance: 'uniform model rates' });
}

/**
 * Parse `TT=1e12,TO=1e12,OT=1e12` (rates in 1/s) into a direct-rate model for the given hop types.
 * A single `X=r` entry named `all` sets every hop type.
 */
export function parseHopRates(text: string, hopTypeNames: string[], vvInteraction_eV = 0): RateModel {
  const rates = new Array<number>(hopTypeNames.length).fill(NaN);
  for (const part of text.split(',')) {
    const m = /^\s*([A-Za-z]+)\s*=\s*([^\s]+)\s*$/.exec(part);
    if (!m) throw new InputError(`--hop-rates: expected TYPE=rate_perS entries separated by commas (e.g. TT=1e12,TO=1e12,OT=1e12), found ${JSON.stringify(part)}`);
    const value = Number(m[2]);
    if (!(value > 0) || !Number.isFinite(value)) throw new InputError(`--hop-rates: expected a positive rate in 1/s for ${m[1]}, found ${JSON.stringify(m[2])}`);
    if (m[1].toLowerCase() === 'all') {
      rates.fill(value);
      continue;
    }
    const i = hopTypeNames.indexOf(m[1].toUpperCase());
    if (i < 0) throw new InputError(`--hop-rates: expected a hop type among ${hopTypeNames.join(', ')}, found ${JSON.stringify(m[1])}`);
    rates[i] = value;
  }
  const missing = hopTypeNames.filter((_, i) => Number.isNaN(rates[i]));
  if (missing.length > 0) throw new InputError(`--hop-rates: expected a rate for every hop type, found none for ${missing.join(', ')}`);
  return createRateModel({ hopTypeNames, directRates_perS: rates, vvInteraction_eV, provenance: `--hop-rates ${text}` });
}
