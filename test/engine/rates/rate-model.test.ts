import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KB_eVPerK } from '../../../engine/core/constants.js';
import { createRateModel, evaluateRates, parseHopRates } from '../../../engine/rates/rate-model.js';
import { parseRatesJson, readRatesFile, selectRateModel } from '../../../engine/rates/rates-file.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const HOPS = ['TT', 'TO', 'OT'];

describe('rate model', () => {
  it('Arrhenius rates in 1/ps and detailed balance k_TO/k_OT = exp(−ΔE/kT) (analytic)', () => {
    const m = createRateModel({ hopTypeNames: HOPS, arrhenius: [{ nu_perS: 1e13, ea_eV: 0.1 }, { nu_perS: 2e13, ea_eV: 0.15 }, { nu_perS: 2e13, ea_eV: 0.05 }] });
    expect(m.siteEnergy_O_minus_T_eV).toBeCloseTo(0.1, 12);
    const r = evaluateRates(m, 500);
    const kT = KB_eVPerK * 500;
    expect(Math.abs(r.rate_perPs[0] / (10 * Math.exp(-0.1 / kT)) - 1)).toBeLessThan(1e-12);
    expect(Math.abs(r.rate_perPs[1] / r.rate_perPs[2] / Math.exp(-0.1 / kT) - 1)).toBeLessThan(1e-12);
  });
  it('rejects models that break detailed balance, with the reason', () => {
    expect(() => createRateModel({ hopTypeNames: HOPS, arrhenius: [{ nu_perS: 1e13, ea_eV: 0.1 }, { nu_perS: 1e13, ea_eV: 0.1 }, { nu_perS: 2e13, ea_eV: 0.1 }] }))
      .toThrow('expected equal attempt frequencies for TO and OT (detailed balance), found 10000000000000 and 20000000000000 1/s');
    expect(() => createRateModel({ hopTypeNames: HOPS, arrhenius: [{ nu_perS: 1e13, ea_eV: 0.1 }, { nu_perS: 1e13, ea_eV: 0.12 }, { nu_perS: 1e13, ea_eV: 0.07 }], siteEnergy_O_minus_T_eV: 0.02, source: 'r.json' }))
      .toThrow(/^r\.json: expected site_energy_O_minus_T_eV = TO\.ea_eV − OT\.ea_eV = 0\.0499\d* \(detailed balance\), found 0\.02$/);
    expect(() => createRateModel({ hopTypeNames: HOPS, arrhenius: [{ nu_perS: -1, ea_eV: 0.1 }, { nu_perS: 1e13, ea_eV: 0.1 }, { nu_perS: 1e13, ea_eV: 0.1 }] }))
      .toThrow('TT.nu_perS: expected a positive number of 1/s, found -1');
    expect(() => createRateModel({ hopTypeNames: HOPS })).toThrow('expected either Arrhenius parameters or direct rates per hop type, found neither');
  });
  it('direct rates at one temperature refuse other temperatures', () => {
    const m = createRateModel({ hopTypeNames: HOPS, directRates_perS: [1e11, 1e11, 1e12], directRates_T_K: 300 });
    expect(m.siteEnergy_O_minus_T_eV).toBeCloseTo(KB_eVPerK * 300 * Math.log(10), 12);
    expect(() => evaluateRates(m, 400)).toThrow('the rates are given at 300 K only: expected --T 300, found 400 (give Arrhenius parameters for other temperatures)');
    expect(() => evaluateRates(m, -1)).toThrow('temperature: expected a positive number of K, found -1');
  });
  it('parses --hop-rates and reports bad entries', () => {
    const m = parseHopRates('TT=1e12,TO=2e12,OT=3e12', HOPS);
    expect(m.directRates_perS).toEqual([1e12, 2e12, 3e12]);
    expect(parseHopRates('all=5e11', HOPS).directRates_perS).toEqual([5e11, 5e11, 5e11]);
    expect(() => parseHopRates('TT=1e12,TO=2e12', HOPS)).toThrow('--hop-rates: expected a rate for every hop type, found none for OT');
    expect(() => parseHopRates('TT=1e12,XX=2e12', HOPS)).toThrow('--hop-rates: expected a hop type among TT, TO, OT, found "XX"');
    expect(() => parseHopRates('TT=-3', HOPS)).toThrow('--hop-rates: expected a positive rate in 1/s for TT, found "-3"');
    expect(() => parseHopRates('TT', HOPS)).toThrow('--hop-rates: expected TYPE=rate_perS entries separated by commas (e.g. TT=1e12,TO=1e12,OT=1e12), found "TT"');
  });
});

describe('rates file (schema liflux-rates/1)', () => {
  it('reads the bundled example', () => {
    const f = readRatesFile(path.resolve(repoRoot, 'data/rates/li3sb-example.json'), HOPS);
    expect(f.lattice_constant_A).toBe(6.5445);
    expect(f.arrheniusModel?.siteEnergy_O_minus_T_eV).toBeCloseTo(0.05, 12);
  });
  it('direct rates per temperature', () => {
    const text = JSON.stringify({ schema: 'liflux-rates/1', rates_perS: [{ T_K: 300, TT: 1e11, TO: 2e11, OT: 4e11 }, { T_K: 600, TT: 1e12, TO: 2e12, OT: 3e12 }] });
    const f = parseRatesJson(text, 'r.json', HOPS);
    expect(selectRateModel(f, 600, 'r.json').directRates_perS).toEqual([1e12, 2e12, 3e12]);
    expect(() => selectRateModel(f, 450, 'r.json')).toThrow('r.json: expected rates_perS at 450 K, found only 300 K, 600 K');
  });
  it('reports errors with the file, line or field, expected and found', () => {
    expect(() => parseRatesJson('{\n  "schema": "liflux-rates/1",\n  "hops": ,\n}', 'bad.json', HOPS)).toThrow(/^bad\.json(:3)?: expected valid JSON, found a syntax error/);
    expect(() => parseRatesJson('{"schema": "other"}', 'r.json', HOPS)).toThrow('r.json: schema: expected "liflux-rates/1", found "other"');
    expect(() => parseRatesJson('{"schema": "liflux-rates/1"}', 'r.json', HOPS)).toThrow('r.json: expected "hops" (Arrhenius per hop type) or "rates_perS" (rates per temperature), found neither');
    expect(() => parseRatesJson('{"schema": "liflux-rates/1", "hops": {"TT": {"nu_perS": 1e13, "ea_eV": 0.1}}}', 'r.json', HOPS))
      .toThrow('r.json: hops.TO: expected { "nu_perS": number, "ea_eV": number }, found undefined');
    expect(() => parseRatesJson('{"schema": "liflux-rates/1", "rates_perS": [{"T_K": 300, "TT": 1, "TO": "x", "OT": 1}]}', 'r.json', HOPS))
      .toThrow('r.json: rates_perS[0].TO: expected a rate in 1/s, found "x"');
    expect(() => readRatesFile('/nonexistent/r.json', HOPS)).toThrow('/nonexistent/r.json: expected a readable rates file, found ENOENT');
  });
});
