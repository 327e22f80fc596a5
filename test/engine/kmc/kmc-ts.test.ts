/**
 * KMC reference engine: analytic and statistical validation. Statistical tests use fixed seeds and tolerances of
 * a few standard errors (the error from the spread over replicas), as stated in each test.
 */
import { describe, expect, it } from 'vitest';
import { KB_eVPerK } from '../../../engine/core/constants.js';
import { createCubicLattice, EXACT_CORRELATION_FACTOR, type CubicKind } from '../../../engine/lattice/cubic.js';
import { createLi3SbLattice } from '../../../engine/lattice/li3sb.js';
import { createRateModel, createUniformRateModel, evaluateRates, parseHopRates } from '../../../engine/rates/rate-model.js';
import { runKmcEnsemble } from '../../../engine/kmc/ensemble.js';
import { runKmcReplica } from '../../../engine/kmc/kmc-ts.js';

const RATE_perS = 1e12;

describe('tracer correlation factor, single vacancy (exact values, Compaan & Haven / Montet)', () => {
  // Cells of ~8000 sites: the finite-size term O(1/N) ≈ 1e-4 is far below the ~0.3% statistical error.
  // 2e6 hops per replica (≈ 250 jumps per Li) keep the finite-time deficit of ⟨R²⟩ well below the error too.
  it.each([
    ['sc', 20],
    ['bcc', 16],
    ['fcc', 13],
  ] as const)('%s: f within 3 standard errors of the exact value', (kind, cells) => {
    const lattice = createCubicLattice(kind as CubicKind, cells, 1);
    const rates = evaluateRates(createUniformRateModel(lattice.hopTypeNames, RATE_perS), 300);
    const res = runKmcEnsemble({ lattice, rates, nVacancies: 1, hops: 2_000_000, replicas: 8, seed: `f-${kind}` });
    const o = res.observables;
    const exact = EXACT_CORRELATION_FACTOR[kind as CubicKind];
    expect(o.correlation_factor_err).toBeLessThan(0.01 * exact);
    expect(Math.abs(o.correlation_factor - exact)).toBeLessThan(3 * o.correlation_factor_err);
  }, 60_000);
});

describe('uncorrelated checks', () => {
  it('vacancy D from its displacements equals the random-walk value Γ·Σl²/6 (within 4 standard errors)', () => {
    const lattice = createCubicLattice('bcc', 6, 3.51);
    const rates = evaluateRates(createUniformRateModel(lattice.hopTypeNames, RATE_perS), 300);
    const res = runKmcEnsemble({ lattice, rates, nVacancies: 1, hops: 20_000, replicas: 400, seed: 'dv' });
    const o = res.observables;
    // analytic: Γ = z·k = 8·1e12 /s, l² = 3a²/4, D = Γ l² / 6
    const l2_cm2 = ((3 * 3.51 * 3.51) / 4) * 1e-16;
    const expected_cm2PerS = (8 * RATE_perS * l2_cm2) / 6;
    expect(o.D_vacancy_err_cm2PerS / o.D_vacancy_cm2PerS).toBeLessThan(0.06);
    expect(Math.abs(o.D_vacancy_cm2PerS - expected_cm2PerS)).toBeLessThan(4 * o.D_vacancy_err_cm2PerS);
    // the random-walk estimator itself: relative spread only from the exponential clock (≈ 1/√hops)
    expect(Math.abs(o.D_vacancy_randomwalk_cm2PerS - expected_cm2PerS)).toBeLessThan(4 * o.D_vacancy_randomwalk_err_cm2PerS + 1e-12);
  });

  it('equilibrium O/T vacancy occupancy matches the Boltzmann ratio with degeneracies 32 O : 64 T (4σ)', () => {
    const lattice = createLi3SbLattice({ cells: 2 });
    const T_K = 400;
    const dE_eV = 0.04; // E_O − E_T for a Li
    const model = createRateModel({
      hopTypeNames: lattice.hopTypeNames,
      arrhenius: [
        { nu_perS: 1e13, ea_eV: 0.1 },
        { nu_perS: 1e13, ea_eV: 0.09 + dE_eV },
        { nu_perS: 1e13, ea_eV: 0.09 },
      ],
      siteEnergy_O_minus_T_eV: dE_eV,
    });
    const res = runKmcEnsemble({ lattice, rates: evaluateRates(model, T_K), nVacancies: 1, hops: 200_000, replicas: 16, seed: 'boltz' });
    const o = res.observables;
    // vacancy on O ⇔ all T occupied: Boltzmann weight exp(+ΔE/kT) per O site relative to a T site
    const w = (32 / 64) * Math.exp(dE_eV / (KB_eVPerK * T_K));
    const expectedO = w / (1 + w);
    expect(Math.abs(o.vacancy_fraction_by_site_type.O - expectedO)).toBeLessThan(4 * o.vacancy_fraction_err_by_site_type.O);
    expect(o.vacancy_fraction_err_by_site_type.O).toBeLessThan(0.01 * expectedO);
  });

  it('two interacting vacancies: the long-run hop rate equals the Boltzmann average of the escape rate (4σ)', () => {
    // Detailed balance ⇒ the stationary distribution over vacancy pairs is Boltzmann with weight exp(−V/kT) for an
    // adjacent pair; the long-run number of hops per unit time is then Σ_pairs π·R(pair), computed by enumeration.
    const lattice = createCubicLattice('sc', 4, 1);
    const T_K = 300;
    const V_eV = -0.03;
    const rates = evaluateRates(createUniformRateModel(lattice.hopTypeNames, RATE_perS, V_eV), T_K);
    const res = runKmcEnsemble({ lattice, rates, nVacancies: 2, hops: 100_000, replicas: 16, seed: 'vv' });
    const N = 64;
    const b = Math.exp(-V_eV / (KB_eVPerK * T_K));
    const k = RATE_perS;
    const f = (dn: number) => Math.exp((-V_eV * dn) / (2 * KB_eVPerK * T_K));
    let sumW = 0;
    let sumWR = 0;
    const coord = (i: number) => [Math.floor(i / 16), Math.floor(i / 4) % 4, i % 4];
    const adjacent = (i: number, j: number) => {
      const a = coord(i);
      const c = coord(j);
      let d = 0;
      for (let q = 0; q < 3; q++) {
        const x = Math.abs(a[q] - c[q]);
        d += Math.min(x, 4 - x);
      }
      return d === 1;
    };
    const neighbours = (i: number) => {
      const [x, y, z] = coord(i);
      const out: number[] = [];
      for (const [dx, dy, dz] of [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]]) {
        out.push(((x + dx + 4) % 4) * 16 + ((y + dy + 4) % 4) * 4 + ((z + dz + 4) % 4));
      }
      return out;
    };
    for (let i = 0; i < N; i++) {
      for (let j = i + 1; j < N; j++) {
        const nn = adjacent(i, j) ? 1 : 0;
        const weight = nn ? b : 1;
        let R = 0;
        for (const [v, other] of [[i, j], [j, i]]) {
          for (const s of neighbours(v)) {
            if (s === other) continue;
            const nFinal = adjacent(s, other) ? 1 : 0;
            R += k * f(nFinal - nn);
          }
        }
        sumW += weight;
        sumWR += weight * R;
      }
    }
    // ⟨1/R⟩ over the embedded chain = 1 / ⟨R⟩ over the Boltzmann distribution: hops/time = ⟨R⟩_Boltzmann
    const expectedRate_perS = sumWR / sumW;
    const rate = res.replicaResults.map((r) => r.hops / (r.time_ps * 1e-12));
    const mean = rate.reduce((s, x) => s + x, 0) / rate.length;
    const se = Math.sqrt(rate.reduce((s, x) => s + (x - mean) ** 2, 0) / (rate.length - 1) / rate.length);
    expect(Math.abs(mean - expectedRate_perS)).toBeLessThan(4 * se);
    expect(se / mean).toBeLessThan(0.01);
  });
});

describe('paths, seeds and replicas (property tests)', () => {
  const lattice = createLi3SbLattice({ cells: 2 });
  const rates = evaluateRates(parseHopRates('TT=1e12,TO=2e12,OT=5e12', lattice.hopTypeNames), 300);

  it('the sum-tree path reproduces the single-vacancy fast path bit for bit (same stream, same event order)', () => {
    const a = runKmcReplica({ lattice, rates, nVacancies: 1, hops: 50_000, seed: 5, replicaIndex: 2 });
    const b = runKmcReplica({ lattice, rates, nVacancies: 1, hops: 50_000, seed: 5, replicaIndex: 2, forceGeneral: true });
    expect(a.path).toBe('single-vacancy');
    expect(b.path).toBe('sum-tree');
    expect(b.tracerSumSq_A2).toBe(a.tracerSumSq_A2);
    expect(b.collectiveSq_A2).toBe(a.collectiveSq_A2);
    expect(Math.abs(b.time_ps - a.time_ps) / a.time_ps).toBeLessThan(1e-12);
    // one vacancy: Σ_i Δr_i = −Δr_v exactly (integer grid units)
    expect(a.collectiveSq_A2).toBe(a.vacancySumSq_A2);
  });

  it('local event updates are complete: identical to rewriting the events of every vacancy after each hop (with interaction)', () => {
    const vv = evaluateRates(parseHopRates('TT=1e12,TO=2e12,OT=5e12', lattice.hopTypeNames, -0.04), 300);
    for (const nVacancies of [6, 30]) {
      const local = runKmcReplica({ lattice, rates: vv, nVacancies, hops: 5_000, seed: 8, replicaIndex: 0 });
      const full = runKmcReplica({ lattice, rates: vv, nVacancies, hops: 5_000, seed: 8, replicaIndex: 0, recomputeAllEvents: true });
      expect(local).toEqual(full);
    }
  });

  it('same seed → identical results; a replica does not depend on how many replicas run', () => {
    const r1 = runKmcEnsemble({ lattice, rates, nVacancies: 4, hops: 20_000, replicas: 3, seed: 'x' });
    const r2 = runKmcEnsemble({ lattice, rates, nVacancies: 4, hops: 20_000, replicas: 5, seed: 'x' });
    for (let i = 0; i < 3; i++) expect(r2.replicaResults[i]).toEqual(r1.replicaResults[i]);
    const r3 = runKmcEnsemble({ lattice, rates, nVacancies: 4, hops: 20_000, replicas: 3, seed: 'y' });
    expect(r3.replicaResults[0].tracerSumSq_A2).not.toBe(r1.replicaResults[0].tracerSumSq_A2);
  });

  it('replicas are independent: lag-1 correlation of per-replica D* within 4/√R of zero', () => {
    const R = 64;
    const res = runKmcEnsemble({ lattice, rates, nVacancies: 1, hops: 20_000, replicas: R, seed: 'indep' });
    const d = res.replicaResults.map((r) => r.tracerSumSq_A2 / r.time_ps);
    const m = d.reduce((s, x) => s + x, 0) / R;
    let num = 0;
    let den = 0;
    for (let i = 0; i < R; i++) {
      den += (d[i] - m) ** 2;
      if (i + 1 < R) num += (d[i] - m) * (d[i + 1] - m);
    }
    expect(Math.abs(num / den)).toBeLessThan(4 / Math.sqrt(R));
  });

  it('rejects bad options with clear messages', () => {
    expect(() => runKmcReplica({ lattice, rates, nVacancies: 0, hops: 10, seed: 1, replicaIndex: 0 })).toThrow('--vacancies: expected a positive integer count, found 0');
    expect(() => runKmcReplica({ lattice, rates, nVacancies: 40, placement: 1, hops: 10, seed: 1, replicaIndex: 0 })).toThrow('--vacancies: expected fewer vacancies than O sites (32), found 40');
    expect(() => runKmcReplica({ lattice, rates, nVacancies: 1, hops: 0.5, seed: 1, replicaIndex: 0 })).toThrow('--hops: expected a positive integer ≤ 1e12, found 0.5');
    expect(() => runKmcEnsemble({ lattice, rates, nVacancies: 1, hops: 10, replicas: 0, seed: 1 })).toThrow('--replicas: expected a positive integer, found 0');
  });

  it('vacancies placed on O sites start there', () => {
    const r = runKmcReplica({ lattice, rates, nVacancies: 3, placement: 1, hops: 1, seed: 1, replicaIndex: 0 });
    // after one hop at most one vacancy has left the O sublattice: time-weighted count on O ≥ 2 of 3
    expect(r.vacancyTimeByType_ps[1] / r.time_ps).toBeGreaterThanOrEqual(2);
  });
});
