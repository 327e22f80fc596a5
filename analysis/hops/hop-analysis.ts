/**
 * Site-resolved hop analysis of one trajectory (one temperature): hop counts and per-event rates per hop type,
 * residence times per site type, site occupancies → site-energy difference, vacancies seen, back-hops.
 *
 * Definitions (site per atom and frame from site-assignment.ts; the state of frame f holds over [t_f, t_{f+1})):
 * - A hop is a change of an atom's site between consecutive frames to a neighbouring site; its type is
 *   (type of the old site)(type of the new site), e.g. TT, TO, OT. Changes to a non-neighbouring site (two hops
 *   within one frame interval, or a path the reference structure has no hop for) are counted as
 *   `n_nonadjacent_hops` and enter no rate.
 * - Rate per hop type t, the per-event rate `liflux kmc` uses (one Li hopping into one adjacent vacancy):
 *     k_t = n_t / E_t,   E_t = Σ_f P_t(f) · (t_{f+1} − t_f),
 *   where P_t(f) is the number of (Li on site s, vacant neighbour site j) pairs with type(s)→type(j) = t in frame f.
 *   Given the exposure, hops are Poisson: σ(k_t) = √n_t / E_t (√1 / E_t when n_t = 0).
 * - Site-energy difference from the vacancy occupancy (dilute vacancies, Boltzmann with the site degeneracies):
 *     p(vacancy on a given O site) / p(vacancy on a given T site) = exp(ΔE / kT),  ΔE = E_O − E_T of a Li,
 *     ΔE = kT · ln[(v_O / N_O) / (v_T / N_T)],  v = time-averaged number of vacancies on that site type.
 *   Its error is a jackknife over `blocks` consecutive time blocks. Exact for one vacancy (canonical ensemble);
 *   for several non-interacting vacancies it neglects site exclusion (relative error of order the vacancy fraction).
 *   For other site labels `site_energies_eV` gives every type relative to the first.
 * - Residence time: time between an atom's arrival on a site and its next hop (complete visits only).
 * - Correlated back-hop fraction: among hops that follow an earlier hop of the same atom, the fraction that return
 *   to the site that earlier hop came from (binomial error).
 * - Vacancies: sites not occupied by any atom, per frame.
 */
import { KB_eVPerK } from '../../engine/core/constants.js';
import { InputError } from '../../engine/core/errors.js';
import type { Trajectory } from '../trajectory.js';
import { assignSites, type SiteAssignmentOptions, type SiteAssignmentResult, type StructureSpec } from './site-assignment.js';

export interface HopAnalysisOptions extends SiteAssignmentOptions {
  /** Temperature, K (overrides the trajectory's); needed for the site energies. */
  temperature_K?: number;
  /** Time blocks for the occupancy (site-energy) errors (default 16). */
  blocks?: number;
  /** Residence-time histogram bins (default 20). */
  histogramBins?: number;
}

export interface ResidenceStats {
  n: number;
  mean_ps: number | null;
  mean_err_ps: number | null;
  median_ps: number | null;
  /** Histogram bin edges, ps (bins + 1 values from 0 to the longest residence). */
  histogram_edges_ps: number[];
  histogram_counts: number[];
}

export interface HopAnalysisResult {
  T_K: number | null;
  n_frames: number;
  duration_ps: number;
  dt_ps: number;
  species: string;
  n_atoms: number;
  n_sites: number;
  sites_by_type: Record<string, number>;
  hop_types: string[];
  n_hops: Record<string, number>;
  n_hops_total: number;
  n_nonadjacent_hops: number;
  /** Σ over frames of (atom, adjacent vacant site) pairs × frame interval, pair·ps. */
  exposure_pair_ps: Record<string, number>;
  /** Time-averaged number of such pairs. */
  pairs_mean: Record<string, number>;
  rates_perS: Record<string, number>;
  rates_err_perS: Record<string, number>;
  residence_by_site_type: Record<string, ResidenceStats>;
  /** Time-averaged fraction of sites of each type occupied by the species. */
  occupancy_by_site_type: Record<string, number>;
  /** Time-averaged number of vacancies on each site type. */
  vacancies_by_site_type: Record<string, number>;
  vacancies_mean: number;
  vacancies_min: number;
  vacancies_max: number;
  site_energy_O_minus_T_eV: number | null;
  site_energy_err_eV: number | null;
  /** Site energy of every type relative to the first type, eV (null when a type never held a vacancy or T is unknown). */
  site_energies_eV: Record<string, number | null>;
  back_hops: number;
  back_hop_candidates: number;
  back_hop_fraction: number | null;
  back_hop_fraction_err: number | null;
  unassigned_fraction: number;
  far_fraction: number;
  mean_nearest_distance_A: number;
  max_nearest_distance_A: number;
  double_occupancy_frames: number;
  rule: { r_core_A: number; min_residence_frames: number; r_far_A: number };
  structure: { name: string; multiples: [number, number, number]; lattice_constant_A: number | null; site_types: string[] };
  warnings: string[];
}

/** Frame times → per-frame intervals (last frame: 0). Throws when times are unknown or not increasing. */
function frameIntervals(traj: Trajectory, file?: string): Float64Array {
  const F = traj.nFrames;
  const dt = new Float64Array(F);
  for (let f = 0; f + 1 < F; f++) {
    const d = traj.time_ps[f + 1] - traj.time_ps[f];
    if (!(d > 0) || !Number.isFinite(d)) {
      throw new InputError(`expected increasing frame times (give --timestep-fs for formats without them), found ${traj.time_ps[f]} → ${traj.time_ps[f + 1]} ps`, { file, frame: f + 1 });
    }
    dt[f] = d;
  }
  return dt;
}

function residenceStats(values: number[], bins: number): ResidenceStats {
  const n = values.length;
  if (n === 0) return { n: 0, mean_ps: null, mean_err_ps: null, median_ps: null, histogram_edges_ps: [], histogram_counts: [] };
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const varSum = values.reduce((a, b) => a + (b - mean) ** 2, 0);
  const err = n > 1 ? Math.sqrt(varSum / (n - 1) / n) : null;
  const median = n % 2 ? sorted[(n - 1) / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  const max = sorted[n - 1];
  const edges = Array.from({ length: bins + 1 }, (_, k) => (max * k) / bins);
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v / max) * bins))]++;
  return { n, mean_ps: mean, mean_err_ps: err, median_ps: median, histogram_edges_ps: edges, histogram_counts: counts };
}

/** Run the hop analysis on site assignments already made. */
export function analyzeSiteAssignment(traj: Trajectory, asg: SiteAssignmentResult, options: HopAnalysisOptions = {}, file?: string): HopAnalysisResult {
  const { ref } = asg;
  const T_K = options.temperature_K ?? traj.meta.temperature_K ?? null;
  if (T_K !== null && !(T_K > 0)) throw new InputError(`--temperature: expected a positive temperature in K, found ${T_K}`, { file });
  const B = options.blocks ?? 16;
  if (!Number.isInteger(B) || B < 2) throw new InputError(`blocks: expected an integer ≥ 2, found ${B}`);
  const bins = options.histogramBins ?? 20;
  const F = asg.nFrames;
  const nA = asg.atoms.length;
  const nS = ref.n_sites;
  const nT = ref.siteTypeNames.length;
  const nH = ref.hopTypeNames.length;
  const dt = frameIntervals(traj, file);
  const duration = traj.time_ps[F - 1] - traj.time_ps[0];
  const { site, } = asg;
  const { siteType, nbrOffset, nbrIndex, hopTypeMatrix } = ref;
  const occ = new Int32Array(nS);
  const nHops = new Float64Array(nH);
  const exposure = new Float64Array(nH);
  const vacTime = new Float64Array(nT);
  const liTime = new Float64Array(nT);
  const blockVac = Array.from({ length: B }, () => new Float64Array(nT));
  let nonAdj = 0;
  let vacSum = 0;
  let vacMin = Infinity;
  let vacMax = -Infinity;
  const pairs = new Float64Array(nH);
  const vacOnType = new Float64Array(nT);
  const lastFrom = new Int32Array(nA).fill(-1);
  const arrival = new Float64Array(nA).fill(NaN);
  const residences: number[][] = Array.from({ length: nT }, () => []);
  let backHops = 0;
  let backCand = 0;
  for (let f = 0; f < F; f++) {
    occ.fill(0);
    for (let i = 0; i < nA; i++) occ[site[f * nA + i]]++;
    let nVac = 0;
    vacOnType.fill(0);
    for (let s = 0; s < nS; s++) {
      if (occ[s] === 0) {
        nVac++;
        vacOnType[siteType[s]]++;
      }
    }
    vacSum += nVac;
    if (nVac < vacMin) vacMin = nVac;
    if (nVac > vacMax) vacMax = nVac;
    if (f === F - 1) break;
    const w = dt[f];
    pairs.fill(0);
    for (let i = 0; i < nA; i++) {
      const s = site[f * nA + i];
      const ts = siteType[s];
      liTime[ts] += w;
      for (let e = nbrOffset[s]; e < nbrOffset[s + 1]; e++) {
        const j = nbrIndex[e];
        if (occ[j] === 0) pairs[hopTypeMatrix[ts * nT + siteType[j]]]++;
      }
    }
    for (let t = 0; t < nH; t++) exposure[t] += pairs[t] * w;
    const b = Math.min(B - 1, Math.floor((f * B) / (F - 1)));
    for (let t = 0; t < nT; t++) {
      vacTime[t] += vacOnType[t] * w;
      blockVac[b][t] += vacOnType[t] * w;
    }
    // Hops between frames f and f + 1.
    const tNext = traj.time_ps[f + 1];
    for (let i = 0; i < nA; i++) {
      const s0 = site[f * nA + i];
      const s1 = site[(f + 1) * nA + i];
      if (s0 === s1) continue;
      let adjacent = false;
      for (let e = nbrOffset[s0]; e < nbrOffset[s0 + 1]; e++) {
        if (nbrIndex[e] === s1) {
          adjacent = true;
          break;
        }
      }
      if (adjacent) nHops[hopTypeMatrix[siteType[s0] * nT + siteType[s1]]]++;
      else nonAdj++;
      if (lastFrom[i] >= 0) {
        backCand++;
        if (lastFrom[i] === s1) backHops++;
      }
      lastFrom[i] = s0;
      if (!Number.isNaN(arrival[i])) residences[siteType[s0]].push(tNext - arrival[i]);
      arrival[i] = tNext;
    }
  }
  const rec = <T>(names: string[], fn: (k: number) => T): Record<string, T> => Object.fromEntries(names.map((n, k) => [n, fn(k)]));
  const sitesByType = new Float64Array(nT);
  for (let s = 0; s < nS; s++) sitesByType[siteType[s]]++;
  const warnings = [...asg.warnings];
  const rates = rec(ref.hopTypeNames, (t) => (exposure[t] > 0 ? (nHops[t] / exposure[t]) * 1e12 : NaN));
  const ratesErr = rec(ref.hopTypeNames, (t) => (exposure[t] > 0 ? (Math.sqrt(Math.max(1, nHops[t])) / exposure[t]) * 1e12 : NaN));
  ref.hopTypeNames.forEach((name, t) => {
    if (exposure[t] === 0) warnings.push(`no ${name} hop was possible (no ${name} atom–vacancy pair in any frame): its rate is undefined`);
    else if (nHops[t] === 0) warnings.push(`no ${name} hop seen: its rate is below about ${ratesErr[name].toExponential(2)} 1/s`);
  });
  if (nonAdj > 0) warnings.push(`${nonAdj} site change(s) to a non-neighbouring site (two hops within one frame interval?): not counted in any rate; store frames more often`);
  // Site energies from the vacancy occupancy, with a block jackknife.
  const kT = T_K === null ? null : KB_eVPerK * T_K;
  const energyOf = (num: number, den: number, t: number, r: number): number | null =>
    kT === null || !(num > 0) || !(den > 0) ? null : kT * Math.log((num / sitesByType[t]) / (den / sitesByType[r]));
  const siteEnergies = rec(ref.siteTypeNames, (t) => energyOf(vacTime[t], vacTime[0], t, 0));
  const iT = ref.siteTypeNames.indexOf('T');
  const iO = ref.siteTypeNames.indexOf('O');
  let dE: number | null = null;
  let dEerr: number | null = null;
  if (iT >= 0 && iO >= 0) {
    dE = energyOf(vacTime[iO], vacTime[iT], iO, iT);
    if (dE !== null) {
      const loo: number[] = [];
      for (let b = 0; b < B; b++) {
        const v = energyOf(vacTime[iO] - blockVac[b][iO], vacTime[iT] - blockVac[b][iT], iO, iT);
        if (v !== null) loo.push(v);
      }
      if (loo.length === B) {
        const m = loo.reduce((a, c) => a + c, 0) / B;
        dEerr = Math.sqrt(((B - 1) / B) * loo.reduce((a, c) => a + (c - m) ** 2, 0));
      }
    } else if (kT !== null) warnings.push('the vacancies never visited one of the T/O site types: no site-energy difference');
  }
  if (kT === null) warnings.push('temperature unknown (give --temperature): no site energies');
  const totalTime = duration > 0 ? duration : NaN;
  return {
    T_K,
    n_frames: F,
    duration_ps: duration,
    dt_ps: duration / (F - 1),
    species: ref.species,
    n_atoms: nA,
    n_sites: nS,
    sites_by_type: rec(ref.siteTypeNames, (t) => sitesByType[t]),
    hop_types: ref.hopTypeNames,
    n_hops: rec(ref.hopTypeNames, (t) => nHops[t]),
    n_hops_total: nHops.reduce((a, b) => a + b, 0),
    n_nonadjacent_hops: nonAdj,
    exposure_pair_ps: rec(ref.hopTypeNames, (t) => exposure[t]),
    pairs_mean: rec(ref.hopTypeNames, (t) => exposure[t] / totalTime),
    rates_perS: rates,
    rates_err_perS: ratesErr,
    residence_by_site_type: rec(ref.siteTypeNames, (t) => residenceStats(residences[t], bins)),
    occupancy_by_site_type: rec(ref.siteTypeNames, (t) => liTime[t] / (totalTime * sitesByType[t])),
    vacancies_by_site_type: rec(ref.siteTypeNames, (t) => vacTime[t] / totalTime),
    vacancies_mean: vacSum / F,
    vacancies_min: vacMin,
    vacancies_max: vacMax,
    site_energy_O_minus_T_eV: dE,
    site_energy_err_eV: dEerr,
    site_energies_eV: siteEnergies,
    back_hops: backHops,
    back_hop_candidates: backCand,
    back_hop_fraction: backCand > 0 ? backHops / backCand : null,
    back_hop_fraction_err: backCand > 0 ? Math.sqrt(((backHops / backCand) * (1 - backHops / backCand)) / backCand) : null,
    unassigned_fraction: asg.unassigned_fraction,
    far_fraction: asg.far_fraction,
    mean_nearest_distance_A: asg.mean_nearest_distance_A,
    max_nearest_distance_A: asg.max_nearest_distance_A,
    double_occupancy_frames: asg.double_occupancy_frames,
    rule: { r_core_A: asg.rCore_A, min_residence_frames: asg.minResidenceFrames, r_far_A: asg.rFar_A },
    structure: { name: ref.name, multiples: ref.multiples, lattice_constant_A: ref.lattice_constant_A, site_types: ref.siteTypeNames },
    warnings,
  };
}

/** Assign sites and analyse the hops of one trajectory. */
export function analyzeHops(traj: Trajectory, spec: StructureSpec, options: HopAnalysisOptions = {}, file?: string): HopAnalysisResult {
  return analyzeSiteAssignment(traj, assignSites(traj, spec, options, file), options, file);
}
