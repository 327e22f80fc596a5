/**
 * Rates from hops: three synthetic temperatures (300, 548, 900 K; the example model ν = 1e13 /s, Ea TT/TO/OT =
 * 0.10/0.12/0.07 eV) → Arrhenius per hop type within 4 standard errors of the input, detailed balance enforced
 * (the file passes the engine's rates-file validation and `selectRateModel`), a single temperature → direct
 * rates; detailed-balance diagnostics on constructed inputs; error messages.
 */
import { describe, expect, it } from 'vitest';
import { analyzeHops, type HopAnalysisResult } from '../../../analysis/hops/hop-analysis.js';
import { computeRatesFromHops } from '../../../analysis/hops/rates-from-hops.js';
import { KB_eVPerK } from '../../../engine/core/constants.js';
import { evaluateRates } from '../../../engine/rates/rate-model.js';
import { parseRatesJson, selectRateModel } from '../../../engine/rates/rates-file.js';
import { synthesizeInMemory, zScore } from './synth-helpers.js';

const HOPS = ['TT', 'TO', 'OT'];
const INPUT: Record<string, { nu_perS: number; ea_eV: number }> = {
  TT: { nu_perS: 1e13, ea_eV: 0.1 },
  TO: { nu_perS: 1e13, ea_eV: 0.12 },
  OT: { nu_perS: 1e13, ea_eV: 0.07 },
};

/** A minimal analysis result with given rates (relative error `rel`) and occupancy ΔE. */
function fakeResult(T_K: number | null, rates: Record<string, number>, rel: number, dE: number | null): HopAnalysisResult {
  const n = 1 / rel ** 2;
  return {
    T_K, hop_types: HOPS, rates_perS: rates, rates_err_perS: Object.fromEntries(HOPS.map((t) => [t, rates[t] * rel])),
    n_hops: Object.fromEntries(HOPS.map((t) => [t, rates[t] > 0 ? n : 0])), site_energy_O_minus_T_eV: dE, site_energy_err_eV: dE === null ? null : 0.002,
    structure: { name: 'li3sb', multiples: [2, 2, 2], lattice_constant_A: 6.5445, site_types: ['T', 'O'] },
    rule: { r_core_A: 1, min_residence_frames: 2, r_far_A: 2 },
  } as unknown as HopAnalysisResult;
}

function modelRates(T_K: number, dEshift = 0): Record<string, number> {
  const kT = KB_eVPerK * T_K;
  return Object.fromEntries(HOPS.map((t) => [t, INPUT[t].nu_perS * Math.exp(-(INPUT[t].ea_eV + (t === 'TO' ? dEshift : 0)) / kT)]));
}

describe('rates from hops: three synthetic temperatures', async () => {
  const temps = [300, 548, 900];
  const results: HopAnalysisResult[] = [];
  for (const [k, T_K] of temps.entries()) {
    const { traj } = await synthesizeInMemory({ T_K, nFrames: 8000, kDt: 0.01, seed: 10 + k, withSb: false });
    results.push(analyzeHops(traj, { kind: 'li3sb' }));
  }
  const out = computeRatesFromHops(results, { lattice_constant_A: 6.5445, sources: temps.map((t) => `${t}.arrow`) });

  it('free Arrhenius fits recover Ea and ln ν of every hop type within 4 standard errors', () => {
    for (const t of HOPS) {
      const f = out.free_fits[t]!;
      expect(f.n_points).toBe(3);
      expect(zScore(f.ea_eV, INPUT[t].ea_eV, f.ea_err_eV)).toBeLessThan(4);
      expect(zScore(Math.log(f.nu_perS), Math.log(INPUT[t].nu_perS), f.nu_err_perS / f.nu_perS)).toBeLessThan(4);
    }
  });

  it('the written model obeys detailed balance and recovers ΔE = 0.05 eV within 4σ', () => {
    const m = out.model!;
    expect(m.TO.nu_perS).toBe(m.OT.nu_perS);
    expect(m.TO.ea_eV - m.OT.ea_eV).toBeCloseTo(out.site_energy_O_minus_T_eV!, 12);
    const db = out.detailed_balance!;
    expect(zScore(db.site_energy_from_rates_eV, 0.05, db.site_energy_from_rates_err_eV)).toBeLessThan(4);
    expect(db.consistent).toBe(true);
    expect(db.per_T).toHaveLength(3);
    for (const t of HOPS) expect(zScore(m[t].ea_eV, INPUT[t].ea_eV, m[t].ea_err_eV)).toBeLessThan(4);
  });

  it('writes a liflux-rates/1 file that the KMC engine accepts, with the fitted numbers', () => {
    const text = JSON.stringify(out.rates_json);
    const file = parseRatesJson(text, 'rates.json', HOPS);
    expect(file.lattice).toBe('li3sb');
    expect(file.lattice_constant_A).toBe(6.5445);
    const model = selectRateModel(file, 700, 'rates.json');
    expect(model.arrhenius!.map((h) => h.ea_eV)).toEqual(HOPS.map((t) => out.model![t].ea_eV));
    const at548 = evaluateRates(model, 548);
    HOPS.forEach((t, i) => {
      const measured = results[1].rates_perS[t];
      expect(Math.abs(at548.rate_perPs[i] * 1e12 / measured - 1)).toBeLessThan(0.3);
    });
    expect((out.rates_json.provenance as { trajectories: string[] }).trajectories).toEqual(['300.arrow', '548.arrow', '900.arrow']);
  });
});

describe('rates from hops: constructed inputs', () => {
  it('one temperature gives direct rates at that temperature', () => {
    const out = computeRatesFromHops([fakeResult(548, modelRates(548), 0.05, 0.05)]);
    expect(out.model).toBeNull();
    const file = parseRatesJson(JSON.stringify(out.rates_json), 'r.json', HOPS);
    const m = selectRateModel(file, 548, 'r.json');
    expect(m.directRates_perS).toEqual(HOPS.map((t) => modelRates(548)[t]));
    expect(out.site_energy_O_minus_T_eV).toBeCloseTo(0.05, 12);
    expect(() => selectRateModel(file, 600, 'r.json')).toThrow('r.json: expected rates_perS at 600 K, found only 548 K');
  });

  it('exact Arrhenius rates are fitted exactly and pass the detailed-balance diagnostics', () => {
    const out = computeRatesFromHops([300, 450, 600, 900].map((T) => fakeResult(T, modelRates(T), 0.05, 0.05)));
    for (const t of HOPS) {
      expect(Math.abs(out.model![t].ea_eV / INPUT[t].ea_eV - 1)).toBeLessThan(1e-9);
      expect(Math.abs(out.model![t].nu_perS / INPUT[t].nu_perS - 1)).toBeLessThan(1e-9);
    }
    expect(out.detailed_balance!.consistent).toBe(true);
    expect(Math.abs(out.detailed_balance!.nu_mismatch_sigma!)).toBeLessThan(1e-6);
  });

  it('diagnoses rates whose TO/OT ratio contradicts the occupancies and a TO prefactor unlike OT', () => {
    // TO barrier raised by 0.05 eV: rate ratio says ΔE = 0.10 eV, occupancies say 0.05 eV.
    const out = computeRatesFromHops([300, 450, 600, 900].map((T) => fakeResult(T, modelRates(T, 0.05), 0.02, 0.05)));
    const db = out.detailed_balance!;
    expect(db.consistent).toBe(false);
    expect(db.notes.some((n) => /ΔE from the rate ratio \(0\.1000 eV\) and from the occupancies \(0\.0500 eV\) differ by/.test(n))).toBe(true);
    const skew = computeRatesFromHops([300, 450, 600, 900].map((T) => {
      const r = modelRates(T);
      r.TO *= 3;
      return fakeResult(T, r, 0.02, null);
    }));
    expect(skew.detailed_balance!.notes.some((n) => n.startsWith('free fits give ν_TO ≠ ν_OT by'))).toBe(true);
  });

  it('names what is missing', () => {
    expect(() => computeRatesFromHops([])).toThrow('expected at least one hop analysis, found none');
    expect(() => computeRatesFromHops([fakeResult(null, modelRates(300), 0.1, null)], { sources: ['a.xdatcar'] })).toThrow('trajectory 1 (a.xdatcar): expected a temperature (give --temperature), found none');
    expect(() => computeRatesFromHops([fakeResult(300, modelRates(300), 0.1, null), fakeResult(300, modelRates(300), 0.1, null)])).toThrow('expected one trajectory per temperature, found temperatures 300, 300 K (merge repeats first)');
    const noTT = (T: number) => fakeResult(T, { ...modelRates(T), TT: 0 }, 0.1, null);
    expect(() => computeRatesFromHops([noTT(300), fakeResult(600, modelRates(600), 0.1, null)])).toThrow('expected TT hops at 2 or more temperatures for an Arrhenius fit, found them at 1');
    expect(() => computeRatesFromHops([noTT(300)])).toThrow('expected at least one TT hop at 300 K to write a rate, found none (longer trajectory?)');
  });
});
