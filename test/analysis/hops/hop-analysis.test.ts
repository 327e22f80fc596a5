/**
 * Hop analysis: analytic hand-built trajectories (exact counts, exposures, rates, back-hops, residence times) and
 * the round trip KMC → synthetic trajectory (lattice positions + Gaussian σ = 0.15 Å, written with the Arrow writer,
 * read back with loadTrajectory) → hop analysis → input rates and site energy, and → `runKmcEnsemble` with the
 * recovered rates → the tracer D that computeDiffusion measures on the same trajectory.
 * Statistical tolerances: 4 standard errors (Poisson √n/E for rates, block jackknife for ΔE, combined errors for D).
 */
import { describe, expect, it } from 'vitest';
import { computeDiffusion } from '../../../analysis/diffusion.js';
import { analyzeHops } from '../../../analysis/hops/hop-analysis.js';
import type { Trajectory } from '../../../analysis/trajectory.js';
import { KB_eVPerK } from '../../../engine/core/constants.js';
import { runKmcEnsemble } from '../../../engine/kmc/ensemble.js';
import { createLi3SbLattice } from '../../../engine/lattice/li3sb.js';
import { createRateModel, evaluateRates } from '../../../engine/rates/rate-model.js';
import { createExampleModel, synthesizeInMemory, synthesizeThroughArrow, zScore } from './synth-helpers.js';

const HOPS = ['TT', 'TO', 'OT'];

/** A 2×2×2 Li3Sb trajectory on exact sites: 95 Li (one vacancy at `vac`), frames given as per-frame site overrides. */
function buildHandTrajectory(vac: number, nFrames: number, moves: Map<number, (f: number) => [number, number, number] | null>): Trajectory {
  const lat = createLi3SbLattice({ cells: 2 });
  const g = lat.gridSpacing_A;
  const liSites: number[] = [];
  for (let s = 0; s < lat.n_sites; s++) if (s !== vac) liSites.push(s);
  const n = liSites.length;
  const pos = new Float64Array(nFrames * 3 * n);
  const L = 8 * g;
  for (let f = 0; f < nFrames; f++) {
    liSites.forEach((s, i) => {
      const p = moves.get(s)?.(f) ?? null;
      for (let k = 0; k < 3; k++) pos[(f * n + i) * 3 + k] = p ? p[k] : lat.coord_grid[3 * s + k] * g;
    });
  }
  const cells = new Float64Array(9 * nFrames);
  for (let f = 0; f < nFrames; f++) cells.set([L, 0, 0, 0, L, 0, 0, 0, L], 9 * f);
  return {
    nAtoms: n, nFrames, species: new Array(n).fill('Li'), positions_A: pos, cells_A: cells,
    time_ps: Float64Array.from({ length: nFrames }, (_, f) => f), step: new Float64Array(nFrames).fill(NaN),
    meta: { sourceFormat: 'test', dt_ps: 1, timestep_fs: null, frameStride: null, temperature_K: 300 },
  };
}

/** Grid → Cartesian Å of a site, plus an offset. */
function at(site: number, off: [number, number, number] = [0, 0, 0]): [number, number, number] {
  const lat = createLi3SbLattice({ cells: 2 });
  const g = lat.gridSpacing_A;
  return [0, 1, 2].map((k) => lat.coord_grid[3 * site + k] * g + off[k]) as [number, number, number];
}

function neighbours(site: number, type: number): number[] {
  const lat = createLi3SbLattice({ cells: 2 });
  const out: number[] = [];
  for (let e = lat.nbrOffset[site]; e < lat.nbrOffset[site + 1]; e++) if (lat.siteType[lat.nbrIndex[e]] === type) out.push(lat.nbrIndex[e]);
  return out;
}

describe('hop analysis: analytic cases', () => {
  const lat = createLi3SbLattice({ cells: 2 });
  const vac = Array.from(lat.siteType).indexOf(0); // a T site
  const [j] = neighbours(vac, 0); // a T neighbour (TT hop)
  const [o] = neighbours(vac, 1); // an O neighbour

  it('one settled TT hop: exact count, exposure and rate; a one-frame recrossing and a vibration are not hops', () => {
    const moves = new Map<number, (f: number) => [number, number, number] | null>([
      // j: vibrates 0.9 Å (inside the 1 Å core) in frame 1, half way in frame 2 (outside every core), on vac from frame 3.
      [j, (f) => (f === 1 ? at(j, [0.9, 0, 0]) : f === 2 ? at(j).map((x, k) => 0.5 * (x + at(vac)[k])) as [number, number, number] : f >= 3 ? at(vac) : null)],
    ]);
    // o visits the vacancy for one frame only (frame 1): an immediate recrossing.
    moves.set(o, (f) => (f === 1 ? at(vac) : null));
    const traj = buildHandTrajectory(vac, 10, moves);
    const r = analyzeHops(traj, { kind: 'li3sb' }, { minResidenceFrames: 2 });
    expect(r.n_hops).toEqual({ TT: 1, TO: 0, OT: 0 });
    // A vacancy on a T site has 6 T and 4 O Li neighbours before and after the hop: 9 intervals of 1 ps.
    expect(r.exposure_pair_ps).toEqual({ TT: 54, TO: 0, OT: 36 });
    expect(Math.abs(r.rates_perS.TT / ((1 / 54) * 1e12) - 1)).toBeLessThan(1e-12);
    expect(r.rates_err_perS.TT / r.rates_perS.TT).toBeCloseTo(1, 12);
    expect(r.rates_perS.OT).toBe(0);
    expect(Number.isNaN(r.rates_perS.TO)).toBe(true);
    expect(r.warnings.some((w) => w.includes('no TO hop was possible'))).toBe(true);
    expect(r.vacancies_mean).toBe(1);
    expect(r.vacancies_by_site_type).toEqual({ T: 1, O: 0 });
    expect(r.unassigned_fraction).toBeCloseTo(1 / (95 * 10), 12);
    expect(r.site_energy_O_minus_T_eV).toBeNull();
    expect(r.warnings.some((w) => w.includes('never visited'))).toBe(true);
  });

  it('with N = 1 the one-frame visit counts as an OT hop and a TO back-hop (correlated back-hop fraction 1)', () => {
    const moves = new Map<number, (f: number) => [number, number, number] | null>([[o, (f) => (f === 1 ? at(vac) : null)]]);
    const r = analyzeHops(buildHandTrajectory(vac, 6, moves), { kind: 'li3sb' }, { minResidenceFrames: 1 });
    expect(r.n_hops).toEqual({ TT: 0, TO: 1, OT: 1 });
    expect(r.back_hops).toBe(1);
    expect(r.back_hop_candidates).toBe(1);
    expect(r.back_hop_fraction).toBe(1);
    // Residence on T: the visit from frame 1 to frame 2 lasted 1 ps; the O stay before it is incomplete.
    expect(r.residence_by_site_type.T.n).toBe(1);
    expect(r.residence_by_site_type.T.mean_ps).toBe(1);
    expect(r.residence_by_site_type.O.n).toBe(0);
  });

  it('a jump to a non-neighbouring site is reported, not counted as a hop', () => {
    // The vacancy sits on a T site vac2 that is not a neighbour of the O site o; the Li on o jumps straight into it.
    const vac2 = Array.from({ length: lat.n_sites }, (_, s) => s).find((s) => lat.siteType[s] === 0 && !neighbours(o, 0).includes(s))!;
    const moves = new Map<number, (f: number) => [number, number, number] | null>([[o, (f) => (f >= 2 ? at(vac2) : null)]]);
    const r = analyzeHops(buildHandTrajectory(vac2, 5, moves), { kind: 'li3sb' }, { minResidenceFrames: 1 });
    expect(r.n_nonadjacent_hops).toBe(1);
    expect(r.n_hops_total).toBe(0);
    expect(r.warnings.some((w) => w.includes('non-neighbouring'))).toBe(true);
  });

  it('rejects frames without increasing times', () => {
    const traj = buildHandTrajectory(vac, 4, new Map());
    traj.time_ps[2] = traj.time_ps[1];
    expect(() => analyzeHops(traj, { kind: 'li3sb' }, {}, 'x.arrow')).toThrow(/x\.arrow: frame 2: expected increasing frame times \(give --timestep-fs/);
  });
});

describe('hop analysis: round trip through the KMC, the Arrow writer and loadTrajectory', async () => {
  const T_K = 548;
  const input = Array.from(evaluateRates(createExampleModel(), T_K).rate_perPs).map((x) => x * 1e12);
  const syn = await synthesizeThroughArrow({ T_K, nFrames: 12000, kDt: 0.01, seed: 1 });
  const r = analyzeHops(syn.traj, { kind: 'li3sb' }, {}, syn.file);

  it('reads the trajectory back as written (95 Li + 32 Sb, temperature from the metadata)', () => {
    expect(syn.traj.nAtoms).toBe(127);
    expect(r.T_K).toBe(T_K);
    expect(r.n_atoms).toBe(95);
    expect(r.sites_by_type).toEqual({ T: 64, O: 32 });
    expect(r.unassigned_fraction).toBe(0);
    expect(r.vacancies_mean).toBe(1);
    expect(r.vacancies_min).toBe(1);
    expect(r.vacancies_max).toBe(1);
  });

  it('counts the KMC hops (only hops undone within N = 2 frames are missed: < 5%)', () => {
    HOPS.forEach((t, i) => {
      expect(r.n_hops[t]).toBeLessThanOrEqual(syn.truth.hopsByType[i]);
      expect(r.n_hops[t]).toBeGreaterThanOrEqual(0.95 * syn.truth.hopsByType[i]);
      expect(r.n_hops[t]).toBeGreaterThan(100);
    });
    // The exposure is the KMC's exact pair·time integral up to the frame discretisation (< 1%).
    HOPS.forEach((t, i) => expect(Math.abs(r.exposure_pair_ps[t] / syn.truth.pairTimeByType_ps[i] - 1)).toBeLessThan(0.01));
  });

  it('recovers the input per-event rates within 4 Poisson standard errors', () => {
    HOPS.forEach((t, i) => expect(zScore(r.rates_perS[t], input[i], r.rates_err_perS[t])).toBeLessThan(4));
  });

  it('recovers the site-energy difference E_O − E_T = 0.05 eV within 4 jackknife standard errors', () => {
    expect(r.site_energy_O_minus_T_eV).not.toBeNull();
    expect(r.site_energy_err_eV).toBeGreaterThan(0);
    expect(zScore(r.site_energy_O_minus_T_eV!, 0.05, r.site_energy_err_eV!)).toBeLessThan(4);
    // and the rate ratio says the same (detailed balance of the input model): kT ln(k_OT/k_TO) = ΔE
    const kT = KB_eVPerK * T_K;
    const fromRates = kT * Math.log(r.rates_perS.OT / r.rates_perS.TO);
    const err = kT * Math.hypot(r.rates_err_perS.OT / r.rates_perS.OT, r.rates_err_perS.TO / r.rates_perS.TO);
    expect(zScore(fromRates, 0.05, err)).toBeLessThan(4);
  });

  it('reports residence times and a correlated back-hop fraction', () => {
    expect(r.residence_by_site_type.T.n).toBeGreaterThan(50);
    expect(r.residence_by_site_type.O.n).toBeGreaterThan(50);
    expect(r.residence_by_site_type.T.histogram_counts.reduce((a, b) => a + b, 0)).toBe(r.residence_by_site_type.T.n);
    // A Li that just hopped has the vacancy next to it: back-hops are far more frequent than 1 in 10 neighbours.
    expect(r.back_hop_fraction!).toBeGreaterThan(0.1);
    expect(r.back_hop_fraction!).toBeLessThan(0.6);
  });

  it('liflux kmc with the recovered rates reproduces the tracer D measured on the trajectory (within 4 combined σ)', () => {
    const d = computeDiffusion(syn.traj, { species: 'Li', temperature_K: T_K });
    const model = createRateModel({ hopTypeNames: HOPS, directRates_perS: HOPS.map((t) => r.rates_perS[t]), directRates_T_K: T_K });
    const kmc = runKmcEnsemble({ lattice: createLi3SbLattice({ cells: 2 }), rates: evaluateRates(model, T_K), nVacancies: 1, hops: 100000, replicas: 8, seed: 7 });
    const o = kmc.observables;
    // Combined error: the MD fit's standard error, the KMC replicas' standard error, and the recovered rates'
    // overall scale (relative 1/√n_hops, which sets the KMC clock).
    const rateScale = o.D_tracer_cm2PerS / Math.sqrt(r.n_hops_total);
    const sigma = Math.sqrt(d.D_err_cm2PerS ** 2 + o.D_tracer_err_cm2PerS ** 2 + rateScale ** 2);
    expect(zScore(d.D_cm2PerS, o.D_tracer_cm2PerS, sigma)).toBeLessThan(4);
    expect(sigma / o.D_tracer_cm2PerS).toBeLessThan(0.15);
  });
});

describe('hop analysis: hops with a flight time and several vacancies (in memory, 548 K)', () => {
  const T_K = 548;
  const input = Array.from(evaluateRates(createExampleModel(), T_K).rate_perPs).map((x) => x * 1e12);

  it('hops drawn in flight over 3 frames (transition states outside the cores) still give the input rates (4σ)', async () => {
    const { traj, truth } = await synthesizeInMemory({ T_K, nFrames: 12000, kDt: 0.01, seed: 2, transitFrames: 3, withSb: false });
    const r = analyzeHops(traj, { kind: 'li3sb' });
    expect(r.unassigned_fraction).toBeGreaterThan(0);
    HOPS.forEach((t, i) => {
      expect(r.n_hops[t]).toBeGreaterThanOrEqual(0.95 * truth.hopsByType[i]);
      expect(zScore(r.rates_perS[t], input[i], r.rates_err_perS[t])).toBeLessThan(4);
    });
    expect(zScore(r.site_energy_O_minus_T_eV!, 0.05, r.site_energy_err_eV!)).toBeLessThan(4);
  });

  it('four vacancies: sees 4 vacancies in every frame and recovers the per-event rates (4σ)', async () => {
    const { traj } = await synthesizeInMemory({ T_K, nFrames: 6000, kDt: 0.01, seed: 1, nVacancies: 4, withSb: false });
    const r = analyzeHops(traj, { kind: 'li3sb' });
    expect(r.n_atoms).toBe(92);
    expect([r.vacancies_min, r.vacancies_mean, r.vacancies_max]).toEqual([4, 4, 4]);
    HOPS.forEach((t, i) => expect(zScore(r.rates_perS[t], input[i], r.rates_err_perS[t])).toBeLessThan(4));
  });
});
