/**
 * The rates JSON file (`--rates rates.json`), written by hand or by the MD hop analysis. Schema `liflux-rates/1`:
 *
 * {
 *   "schema": "liflux-rates/1",
 *   "lattice": "li3sb",                       // lattice the hop types belong to
 *   "lattice_constant_A": 6.5445,             // optional, Å
 *   "hops": {                                  // EITHER Arrhenius per hop type (barrier from the initial site)
 *     "TT": { "nu_perS": 1e13, "ea_eV": 0.15 },
 *     "TO": { "nu_perS": 1e13, "ea_eV": 0.12 },
 *     "OT": { "nu_perS": 1e13, "ea_eV": 0.07 }
 *   },
 *   "rates_perS": [                            // OR direct rates per temperature (per Li with an adjacent vacancy)
 *     { "T_K": 300, "TT": 2.1e10, "TO": 1.3e11, "OT": 9.0e11 }
 *   ],
 *   "site_energy_O_minus_T_eV": 0.05,          // optional; must equal TO.ea_eV − OT.ea_eV (detailed balance)
 *   "vv_interaction_eV": 0.0,                  // optional nn vacancy–vacancy interaction, eV
 *   "provenance": { "source": "...", "method": "..." }   // free-form object or string
 * }
 *
 * A rate is per event: the rate at which one Li hops into one adjacent vacancy along a hop of that type.
 */
import { readFileSync } from 'node:fs';
import { InputError, quoteFound } from '../core/errors.js';
import { createRateModel, type RateModel } from './rate-model.js';

export const RATES_SCHEMA = 'liflux-rates/1';

/** Parsed content of a rates file. */
export interface RatesFileResult {
  lattice: string;
  lattice_constant_A: number | null;
  /** The Arrhenius model, when the file has `hops`. */
  arrheniusModel: RateModel | null;
  /** Direct-rate models by temperature, when the file has `rates_perS`. */
  directModels: RateModel[];
  provenance: string;
}

/** Read and validate a rates file from disk. */
export function readRatesFile(path: string, hopTypeNames: string[]): RatesFileResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(`expected a readable rates file, found ${(err as NodeJS.ErrnoException).code ?? 'an unreadable path'}`, { file: path });
  }
  return parseRatesJson(text, path, hopTypeNames);
}

/** Parse the rates JSON text; `source` names the file in error messages. */
export function parseRatesJson(text: string, source: string, hopTypeNames: string[]): RatesFileResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    // V8 names a position (or a line) in newer Node versions; older ones give neither.
    const pos = /position (\d+)/.exec(msg);
    const lineMatch = /line (\d+)/.exec(msg);
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : lineMatch ? Number(lineMatch[1]) : undefined;
    throw new InputError(`expected valid JSON, found a syntax error (${msg})`, { file: source, line });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new InputError(`expected a JSON object, found ${quoteFound(text)}`, { file: source });
  const o = doc as Record<string, unknown>;
  const at = (field: string) => `${source}: ${field}`;
  if (o.schema !== RATES_SCHEMA) throw new InputError(`${at('schema')}: expected "${RATES_SCHEMA}", found ${JSON.stringify(o.schema)}`);
  const lattice = typeof o.lattice === 'string' ? o.lattice : 'li3sb';
  const a = o.lattice_constant_A;
  if (a !== undefined && !(typeof a === 'number' && a > 0)) throw new InputError(`${at('lattice_constant_A')}: expected a positive number of Å, found ${JSON.stringify(a)}`);
  const siteE = o.site_energy_O_minus_T_eV;
  if (siteE !== undefined && typeof siteE !== 'number') throw new InputError(`${at('site_energy_O_minus_T_eV')}: expected a number of eV, found ${JSON.stringify(siteE)}`);
  const vv = o.vv_interaction_eV;
  if (vv !== undefined && typeof vv !== 'number') throw new InputError(`${at('vv_interaction_eV')}: expected a number of eV, found ${JSON.stringify(vv)}`);
  const provenance = typeof o.provenance === 'string' ? o.provenance : o.provenance !== undefined ? JSON.stringify(o.provenance) : '';
  if (o.hops === undefined && o.rates_perS === undefined) throw new InputError(`${source}: expected "hops" (Arrhenius per hop type) or "rates_perS" (rates per temperature), found neither`);
  let arrheniusModel: RateModel | null = null;
  if (o.hops !== undefined) {
    const hops = o.hops as Record<string, { nu_perS?: unknown; ea_eV?: unknown }>;
    if (typeof hops !== 'object' || hops === null) throw new InputError(`${at('hops')}: expected an object keyed by hop type, found ${JSON.stringify(o.hops)}`);
    const arrhenius = hopTypeNames.map((name) => {
      const h = hops[name];
      if (!h || typeof h.nu_perS !== 'number' || typeof h.ea_eV !== 'number') {
        throw new InputError(`${at(`hops.${name}`)}: expected { "nu_perS": number, "ea_eV": number }, found ${JSON.stringify(h)}`);
      }
      return { nu_perS: h.nu_perS, ea_eV: h.ea_eV };
    });
    arrheniusModel = createRateModel({
      hopTypeNames, arrhenius, siteEnergy_O_minus_T_eV: siteE as number | undefined, vvInteraction_eV: vv as number | undefined, provenance, source,
    });
  }
  const directModels: RateModel[] = [];
  if (o.rates_perS !== undefined) {
    if (!Array.isArray(o.rates_perS)) throw new InputError(`${at('rates_perS')}: expected an array of { "T_K": …, ${hopTypeNames.map((n) => `"${n}": …`).join(', ')} }, found ${JSON.stringify(o.rates_perS)}`);
    o.rates_perS.forEach((entry: Record<string, unknown>, k: number) => {
      const T = entry?.T_K;
      if (typeof T !== 'number' || !(T > 0)) throw new InputError(`${at(`rates_perS[${k}].T_K`)}: expected a positive number of K, found ${JSON.stringify(T)}`);
      const rates = hopTypeNames.map((name) => {
        const r = entry[name];
        if (typeof r !== 'number') throw new InputError(`${at(`rates_perS[${k}].${name}`)}: expected a rate in 1/s, found ${JSON.stringify(r)}`);
        return r;
      });
      directModels.push(createRateModel({
        hopTypeNames, directRates_perS: rates, directRates_T_K: T, siteEnergy_O_minus_T_eV: siteE as number | undefined,
        vvInteraction_eV: vv as number | undefined, provenance, source: `${source}: rates_perS[${k}]`,
      }));
    });
  }
  return { lattice, lattice_constant_A: (a as number | undefined) ?? null, arrheniusModel, directModels, provenance };
}

/** The model to use at temperature T_K: the Arrhenius one, else the direct rates given at exactly that T. */
export function selectRateModel(file: RatesFileResult, T_K: number, source: string): RateModel {
  if (file.arrheniusModel) return file.arrheniusModel;
  const m = file.directModels.find((d) => d.directRates_T_K !== null && Math.abs(d.directRates_T_K - T_K) <= 1e-9 * T_K);
  if (!m) {
    throw new InputError(`${source}: expected rates_perS at ${T_K} K, found only ${file.directModels.map((d) => `${d.directRates_T_K} K`).join(', ')}`);
  }
  return m;
}
