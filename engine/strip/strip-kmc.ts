/**
 * Hot-spot stripping KMC (reference TypeScript engine). Rejection-free BKL over a sum tree with one leaf per
 * site holding the total rate of the events attached to that site:
 *   - a vacant site v: hops of each occupied neighbour j into v (rate k(type j→v)·s·exp(ε_vv·Δn/2kBT),
 *     Δn = (vacant neighbours of j other than v) − (vacant neighbours of v); s the explicit hop-rate scale),
 *     supply from bulk Li if v is on the top face, redox refill through the electrolyte if v is on the bottom face;
 *   - an occupied bottom-face site: stripping at k_s = j̄(t)·g(x, y)·A_site/e.
 * After an event only leaves whose rate can have changed are rewritten: the toggled sites and their
 * neighbours, with a binding energy also their second neighbours, and the vacant sites of a redox patch whose
 * vacancy count changed. A leaf is a pure function of the occupancy, so a run restored from a checkpoint (tree
 * rebuilt from the occupancy) continues bit for bit.
 *
 * Time-dependent current: the program is piecewise constant. A waiting time that would cross the next
 * boundary (program step, sample, image, stop time) is discarded, the clock is set to the boundary and a new
 * waiting time is drawn from the new rates (exact for a Poisson process: memoryless).
 *
 * Units: Å, ps, eV, K internally; currents mA/cm²; reported times in s.
 */
import { E_C, KB_eVPerK } from '../core/constants.js';
import { InputError } from '../core/errors.js';
import { createRng, type Rng } from '../core/rng.js';
import type { ProgressCallback } from '../core/progress.js';
import { createSumTree, rebuildSumTree, updateSumTree, type SumTree } from '../kmc/sum-tree.js';
import { analyzeVacancyClusters, createClusterScratch, type ClusterScratch } from './clusters.js';
import { computeFocusingMap, computeMinImage, type CurrentStep } from './current.js';
import { createStripSlab, type SlabMaterial, type StripSlab } from './slab.js';

/** Redox phases of the Li3Sb interlayer, by the patch vacancy fraction x_v (Li_{3(1−x_v)}Sb). */
export const REDOX_PHASES = [
  { name: 'Li3Sb', U_V: 0, maxVacancyFraction: 1 / 6 },
  { name: 'Li2Sb', U_V: 0.85, maxVacancyFraction: 2 / 3 },
  { name: 'Sb', U_V: 0.9, maxVacancyFraction: Infinity },
] as const;

/**
 * Redox closure: the Li⁺ current (A) that flows through the electrolyte into a depleted patch of equivalent
 * disk radius `patchRadius_A` at phase potential `U_V` against the lithiated surroundings (0 V), at T_K.
 * Supplied by the caller (the CLI wires `analysis/flux/redox-closure.ts`), since engine/ does not import analysis/.
 */
export type RedoxClosure = (patchRadius_A: number, U_V: number, T_K: number) => number;

export type StripPreset = 'no-il' | 'il-diffusion' | 'il-redox' | 'custom';

/** Everything that defines a run (JSON-serialisable except Infinity, which the checkpoint encodes). */
export interface StripConfig {
  preset: StripPreset;
  material: SlabMaterial;
  cells: [number, number, number];
  a_A?: number;
  T_K: number;
  /** Unscaled hop rate per lattice hop type (lattice order), 1/ps. */
  hopRates_perPs: number[];
  /** Explicit rescaling of all hop rates (0 < s ≤ 1). */
  hopRateScale: number;
  /** Nearest-neighbour vacancy–vacancy binding ε_vv ≥ 0, eV (pair energy −ε_vv). */
  vvBinding_eV: number;
  focusing_M: number;
  width_A: number;
  program: CurrentStep[];
  /** Supply rate per vacant top-face site, 1/ps; null = instant (`--supply inf`). */
  supplyRate_perPs: number | null;
  /** Redox refill rate per depleted patch for [Li2Sb, Sb], 1/ps (current/e); null = channel off. */
  redoxPatchRates_perPs: [number, number] | null;
  /** Void criterion: a vacancy cluster of at least this many sites touching a face… */
  voidMinSites: number;
  /** …in this many consecutive samples. */
  voidPersistSamples: number;
  /** Samples per turnover time of the slab's Li content at the step's current. */
  samplesPerTurnover: number;
  stopTime_ps: number | null;
  stopStrippedSites: number | null;
  stopAtVoid: boolean;
  /** Stop once a depleted hot-spot has recovered after the current was switched off. */
  stopAtRecovery?: boolean;
  imageTimes_ps: number[];
  seed: string;
}

export interface StripSample {
  t_s: number;
  current_mAPerCm2: number;
  stripped_charge_CPerCm2: number;
  vacancies: number;
  largest_cluster_sites: number;
  largest_face_cluster_sites: number;
  bottom_vacancy_fraction: number;
  delithiated_area_fraction: number;
}

export interface StripVoid {
  t_ps: number;
  x_A: number;
  y_A: number;
  sites: number;
  face: 'bottom' | 'top' | 'both';
  current_mAPerCm2: number;
}

export interface StripImage {
  t_ps: number;
  occ: Uint8Array;
}

/** Live state of a run. */
export interface StripRun {
  config: StripConfig;
  slab: StripSlab;
  occ: Uint8Array;
  nVacNbr: Uint8Array;
  patchVac: Int32Array;
  patchSitesOffset: Int32Array;
  patchSites: Int32Array;
  nEligiblePatches: number;
  /** Stripping rate per site at 1 mA/cm² mean current (0 for non-bottom sites), 1/ps. */
  stripBase_perPs: Float64Array;
  /** Scaled hop-in rate per neighbour entry (from the neighbour into the site), 1/ps. */
  hopIn_perPs: Float64Array;
  /** Hop-rate scale in force now. */
  hopRateScale: number;
  /** exp(ε·Δn/2kT) indexed by Δn + FAC_OFFSET. */
  bindingFactor: Float64Array;
  isHotspot: Uint8Array;
  hotspotSites: number;
  tree: SumTree;
  rng: Rng;
  t_ps: number;
  events: number;
  hops: number;
  stripped: number;
  supplied: number;
  redoxEvents: number;
  vacancies: number;
  bottomVacancies: number;
  hotspotVacancies: number;
  stepIndex: number;
  stepEnd_ps: number;
  current_mAPerCm2: number;
  sampleInterval_ps: number;
  nextSample_ps: number;
  nextImage: number;
  series: StripSample[];
  voidStreak: number;
  voidStreakStart: StripVoid | null;
  voidEvent: StripVoid | null;
  recovery: { tOff_ps: number; vacanciesAtOff: number; time_ps: number | null } | null;
  images: StripImage[];
  lastClusters: { largest: number; largestFace: number };
  stopReason: string | null;
  scratch: ClusterScratch;
  initialLi: number;
}

const FAC_OFFSET = 32;

function validateConfig(c: StripConfig): void {
  const bad = (what: string, found: unknown): never => {
    throw new InputError(`${what}, found ${String(found)}`);
  };
  if (!(c.T_K > 0) || !Number.isFinite(c.T_K)) bad('--T: expected a positive temperature in K', c.T_K);
  if (!(c.hopRateScale > 0 && c.hopRateScale <= 1)) bad('--hop-rate-scale: expected a scale s with 0 < s ≤ 1', c.hopRateScale);
  if (!(c.vvBinding_eV >= 0) || !Number.isFinite(c.vvBinding_eV)) bad('--vv-binding: expected a binding energy ≥ 0 eV', c.vvBinding_eV);
  if (c.program.length === 0) bad('current program: expected at least one step', 'none');
  if (c.supplyRate_perPs !== null && !(c.supplyRate_perPs >= 0)) bad('--supply: expected a rate ≥ 0 or inf', c.supplyRate_perPs);
  if (!(Number.isInteger(c.voidMinSites) && c.voidMinSites >= 1)) bad('--void-sites: expected a positive integer number of sites', c.voidMinSites);
  if (!(Number.isInteger(c.voidPersistSamples) && c.voidPersistSamples >= 1)) bad('--void-persist: expected a positive integer number of samples', c.voidPersistSamples);
  if (!(c.samplesPerTurnover > 0)) bad('samples per turnover: expected a positive number', c.samplesPerTurnover);
  if (c.stopTime_ps !== null && !(c.stopTime_ps > 0)) bad('--stop-time-s: expected a positive time in s', (c.stopTime_ps ?? 0) * 1e-12);
  if (c.stopStrippedSites !== null && !(c.stopStrippedSites > 0)) bad('--stop-capacity-mAhPerCm2: expected a positive capacity', c.stopStrippedSites);
  if (c.redoxPatchRates_perPs !== null && c.material !== 'li3sb') bad('redox channel: expected an interlayer (li3sb) slab', c.material);
}

/** Build a run at t = 0 with a fully lithiated slab. */
export function createStripRun(config: StripConfig): StripRun {
  validateConfig(config);
  const slab = createStripSlab({ material: config.material, cells: config.cells, a_A: config.a_A });
  const lat = slab.lattice;
  if (config.hopRates_perPs.length !== lat.hopTypeNames.length) {
    throw new InputError(`hop rates: expected ${lat.hopTypeNames.length} (${lat.hopTypeNames.join(', ')}), found ${config.hopRates_perPs.length}`);
  }
  const n = lat.n_sites;
  const scale0 = config.program[0].hopRateScale ?? config.hopRateScale;
  const hopIn = computeHopInRates(lat, config.hopRates_perPs, scale0);
  const kT = KB_eVPerK * config.T_K;
  const bindingFactor = new Float64Array(2 * FAC_OFFSET + 1);
  for (let d = -FAC_OFFSET; d <= FAC_OFFSET; d++) bindingFactor[d + FAC_OFFSET] = Math.exp((config.vvBinding_eV * d) / (2 * kT));
  // Focusing map over the bottom face
  const nb = slab.bottomSites.length;
  const bx = new Float64Array(nb);
  const by = new Float64Array(nb);
  const h = lat.gridSpacing_A;
  for (let k = 0; k < nb; k++) {
    const i = slab.bottomSites[k];
    bx[k] = lat.coord_grid[3 * i] * h;
    by[k] = lat.coord_grid[3 * i + 1] * h;
  }
  const g = computeFocusingMap(bx, by, slab.boxX_A, slab.boxY_A, config.focusing_M, config.width_A);
  const stripBase = new Float64Array(n);
  // 1 mA/cm² = 1e-19 A/Å²; k = j·A/e per s, ×1e-12 per ps
  const perSite = (1e-19 * slab.faceSiteArea_A2) / E_C * 1e-12;
  const isHotspot = new Uint8Array(n);
  let hotspotSites = 0;
  let closest = -1;
  let closestR2 = Infinity;
  for (let k = 0; k < nb; k++) {
    const i = slab.bottomSites[k];
    stripBase[i] = perSite * g[k];
    const r2 = computeMinImage(bx[k] - slab.boxX_A / 2, slab.boxX_A) ** 2 + computeMinImage(by[k] - slab.boxY_A / 2, slab.boxY_A) ** 2;
    if (r2 <= config.width_A * config.width_A) {
      isHotspot[i] = 1;
      hotspotSites++;
    }
    if (r2 < closestR2) {
      closestR2 = r2;
      closest = i;
    }
  }
  if (hotspotSites === 0) {
    isHotspot[closest] = 1;
    hotspotSites = 1;
  }
  // Patch site lists (CSR)
  const np = slab.patchSize.length;
  const patchSitesOffset = new Int32Array(np + 1);
  for (let p = 0; p < np; p++) patchSitesOffset[p + 1] = patchSitesOffset[p] + slab.patchSize[p];
  const fill = patchSitesOffset.slice(0, np);
  const patchSites = new Int32Array(nb);
  for (let k = 0; k < nb; k++) {
    const i = slab.bottomSites[k];
    patchSites[fill[slab.patchOfSite[i]]++] = i;
  }
  const run: StripRun = {
    config,
    slab,
    occ: new Uint8Array(n).fill(1),
    nVacNbr: new Uint8Array(n),
    patchVac: new Int32Array(np),
    patchSitesOffset,
    patchSites,
    nEligiblePatches: 0,
    stripBase_perPs: stripBase,
    hopIn_perPs: hopIn,
    hopRateScale: scale0,
    bindingFactor,
    isHotspot,
    hotspotSites,
    tree: createSumTree(n),
    rng: createRng(config.seed),
    t_ps: 0,
    events: 0,
    hops: 0,
    stripped: 0,
    supplied: 0,
    redoxEvents: 0,
    vacancies: 0,
    bottomVacancies: 0,
    hotspotVacancies: 0,
    stepIndex: 0,
    stepEnd_ps: config.program[0].duration_ps,
    current_mAPerCm2: config.program[0].current_mAPerCm2,
    sampleInterval_ps: 0,
    nextSample_ps: 0,
    nextImage: 0,
    series: [],
    voidStreak: 0,
    voidStreakStart: null,
    voidEvent: null,
    recovery: null,
    images: [],
    lastClusters: { largest: 0, largestFace: 0 },
    stopReason: null,
    scratch: createClusterScratch(n),
    initialLi: n,
  };
  run.sampleInterval_ps = computeSampleInterval(run, run.current_mAPerCm2, Infinity);
  run.nextSample_ps = run.sampleInterval_ps;
  recomputeDerivedState(run);
  return run;
}

function computeHopInRates(lat: StripSlab['lattice'], rates_perPs: number[], scale: number): Float64Array {
  const nTypes = lat.siteTypeNames.length;
  const hopIn = new Float64Array(lat.nbrIndex.length);
  for (let i = 0; i < lat.n_sites; i++) {
    for (let e = lat.nbrOffset[i]; e < lat.nbrOffset[i + 1]; e++) {
      const j = lat.nbrIndex[e];
      const t = lat.hopTypeMatrix[lat.siteType[j] * nTypes + lat.siteType[i]];
      hopIn[e] = rates_perPs[t] * scale;
    }
  }
  return hopIn;
}

/** Turnover time of the slab's Li content at current j, divided by the samples per turnover. */
function computeSampleInterval(run: StripRun, current_mAPerCm2: number, previous_ps: number): number {
  if (!(current_mAPerCm2 > 0)) return Number.isFinite(previous_ps) ? previous_ps : 1e9;
  const area_A2 = run.slab.boxX_A * run.slab.boxY_A;
  const rate_perPs = (current_mAPerCm2 * 1e-19 * area_A2) / E_C * 1e-12; // Li per ps over the face
  return run.initialLi / rate_perPs / run.config.samplesPerTurnover;
}

/** Recompute counts and every leaf from the occupancy (start and resume). */
export function recomputeDerivedState(run: StripRun): void {
  const lat = run.slab.lattice;
  const n = lat.n_sites;
  const occ = run.occ;
  run.vacancies = 0;
  run.bottomVacancies = 0;
  run.hotspotVacancies = 0;
  run.patchVac.fill(0);
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let e = lat.nbrOffset[i]; e < lat.nbrOffset[i + 1]; e++) if (occ[lat.nbrIndex[e]] === 0) c++;
    run.nVacNbr[i] = c;
    if (occ[i] === 0) {
      run.vacancies++;
      if (run.slab.isBottom[i]) {
        run.bottomVacancies++;
        run.patchVac[run.slab.patchOfSite[i]]++;
      }
      if (run.isHotspot[i]) run.hotspotVacancies++;
    }
  }
  const scale = run.config.program[run.stepIndex].hopRateScale ?? run.config.hopRateScale;
  if (scale !== run.hopRateScale) {
    run.hopRateScale = scale;
    run.hopIn_perPs = computeHopInRates(lat, run.config.hopRates_perPs, scale);
  }
  run.nEligiblePatches = 0;
  for (let p = 0; p < run.patchVac.length; p++) if (isEligibleDonorPatch(run, p)) run.nEligiblePatches++;
  const leaves = run.tree.nodes;
  const cap = run.tree.capacity;
  for (let i = 0; i < n; i++) leaves[cap + i] = computeSiteRate(run, i);
  rebuildSumTree(run.tree);
}

function isEligibleDonorPatch(run: StripRun, p: number): boolean {
  const size = run.slab.patchSize[p];
  return run.patchVac[p] < size && (run.patchVac[p] + 1) / size < REDOX_PHASES[0].maxVacancyFraction;
}

function patchPhase(run: StripRun, p: number): number {
  const x = run.patchVac[p] / run.slab.patchSize[p];
  if (x < REDOX_PHASES[0].maxVacancyFraction) return 0;
  if (x < REDOX_PHASES[1].maxVacancyFraction) return 1;
  return 2;
}

function computeRedoxSiteRate(run: StripRun, i: number): number {
  const rates = run.config.redoxPatchRates_perPs;
  if (rates === null || run.nEligiblePatches === 0) return 0;
  const p = run.slab.patchOfSite[i];
  const phase = patchPhase(run, p);
  if (phase === 0) return 0;
  return rates[phase - 1] / run.patchVac[p];
}

function computeHopInRate(run: StripRun, v: number, e: number, j: number): number {
  const base = run.hopIn_perPs[e];
  if (run.config.vvBinding_eV === 0) return base;
  return base * run.bindingFactor[run.nVacNbr[j] - 1 - run.nVacNbr[v] + FAC_OFFSET];
}

/** Total rate of the events attached to site i (a pure function of the occupancy and the current). */
export function computeSiteRate(run: StripRun, i: number): number {
  const occ = run.occ;
  if (occ[i] !== 0) return run.stripBase_perPs[i] * run.current_mAPerCm2;
  const lat = run.slab.lattice;
  let r = 0;
  for (let e = lat.nbrOffset[i]; e < lat.nbrOffset[i + 1]; e++) {
    const j = lat.nbrIndex[e];
    if (occ[j] !== 0) r += computeHopInRate(run, i, e, j);
  }
  if (run.slab.isTop[i] && run.config.supplyRate_perPs !== null) r += run.config.supplyRate_perPs;
  if (run.slab.isBottom[i]) r += computeRedoxSiteRate(run, i);
  return r;
}

/** Flip the occupancy of site i and keep the counters; returns whether the redox eligibility count hit or left 0. */
function toggleSite(run: StripRun, i: number): boolean {
  const lat = run.slab.lattice;
  const becomesVacant = run.occ[i] === 1;
  run.occ[i] = becomesVacant ? 0 : 1;
  const d = becomesVacant ? 1 : -1;
  for (let e = lat.nbrOffset[i]; e < lat.nbrOffset[i + 1]; e++) run.nVacNbr[lat.nbrIndex[e]] += d;
  run.vacancies += d;
  if (run.isHotspot[i]) run.hotspotVacancies += d;
  let eligibilityFlip = false;
  if (run.slab.isBottom[i]) {
    run.bottomVacancies += d;
    const p = run.slab.patchOfSite[i];
    const before = isEligibleDonorPatch(run, p);
    run.patchVac[p] += d;
    const after = isEligibleDonorPatch(run, p);
    if (before !== after) {
      const was = run.nEligiblePatches;
      run.nEligiblePatches += after ? 1 : -1;
      eligibilityFlip = (was === 0) !== (run.nEligiblePatches === 0);
    }
  }
  return eligibilityFlip;
}

function refreshLeaf(run: StripRun, i: number): void {
  updateSumTree(run.tree, i, computeSiteRate(run, i));
}

/** Rewrite the leaves that depend on site c's occupancy. */
function refreshAround(run: StripRun, c: number): void {
  const lat = run.slab.lattice;
  const off = lat.nbrOffset;
  const nb = lat.nbrIndex;
  refreshLeaf(run, c);
  const second = run.config.vvBinding_eV !== 0;
  for (let e = off[c]; e < off[c + 1]; e++) {
    const u = nb[e];
    refreshLeaf(run, u);
    if (second) for (let f = off[u]; f < off[u + 1]; f++) if (run.occ[nb[f]] === 0) refreshLeaf(run, nb[f]);
  }
  if (run.slab.isBottom[c] && run.config.redoxPatchRates_perPs !== null) {
    const p = run.slab.patchOfSite[c];
    for (let k = run.patchSitesOffset[p]; k < run.patchSitesOffset[p + 1]; k++) {
      const s = run.patchSites[k];
      if (run.occ[s] === 0) refreshLeaf(run, s);
    }
  }
}

function refreshAllRedox(run: StripRun): void {
  for (const i of run.slab.bottomSites) if (run.occ[i] === 0) refreshLeaf(run, i);
}

/** Apply a set of toggles, instant supply, and the leaf updates. */
function applyToggles(run: StripRun, a: number, b: number): void {
  let flip = toggleSite(run, a);
  if (b >= 0) flip = toggleSite(run, b) || flip;
  if (run.config.supplyRate_perPs === null) {
    if (run.occ[a] === 0 && run.slab.isTop[a]) {
      flip = toggleSite(run, a) || flip;
      run.supplied++;
    }
    if (b >= 0 && run.occ[b] === 0 && run.slab.isTop[b]) {
      flip = toggleSite(run, b) || flip;
      run.supplied++;
    }
  }
  refreshAround(run, a);
  if (b >= 0) refreshAround(run, b);
  if (flip && run.config.redoxPatchRates_perPs !== null) refreshAllRedox(run);
}

/** A random occupied bottom-face site in a patch that stays Li3Sb after giving one Li (the redox donor). */
function pickRedoxDonor(run: StripRun): number {
  const sites = run.slab.bottomSites;
  for (let tries = 0; tries < 64; tries++) {
    const i = sites[run.rng.nextInt(sites.length)];
    if (run.occ[i] === 1 && isEligibleDonorPatch(run, run.slab.patchOfSite[i])) return i;
  }
  // Rare: few donors left. Choose uniformly among all eligible sites.
  let count = 0;
  for (const i of sites) if (run.occ[i] === 1 && isEligibleDonorPatch(run, run.slab.patchOfSite[i])) count++;
  if (count === 0) return -1;
  let k = run.rng.nextInt(count);
  for (const i of sites) {
    if (run.occ[i] === 1 && isEligibleDonorPatch(run, run.slab.patchOfSite[i])) {
      if (k === 0) return i;
      k--;
    }
  }
  return -1;
}

/** Execute the event at site i with residual `target` inside the site's total rate. */
function executeEvent(run: StripRun, i: number, target: number): void {
  const occ = run.occ;
  if (occ[i] !== 0) {
    run.stripped++;
    applyToggles(run, i, -1);
    return;
  }
  const lat = run.slab.lattice;
  for (let e = lat.nbrOffset[i]; e < lat.nbrOffset[i + 1]; e++) {
    const j = lat.nbrIndex[e];
    if (occ[j] === 0) continue;
    target -= computeHopInRate(run, i, e, j);
    if (target < 0) {
      run.hops++;
      applyToggles(run, i, j);
      return;
    }
  }
  if (run.slab.isTop[i] && run.config.supplyRate_perPs !== null) {
    target -= run.config.supplyRate_perPs;
    if (target < 0) {
      run.supplied++;
      applyToggles(run, i, -1);
      return;
    }
  }
  if (run.slab.isBottom[i]) {
    const donor = pickRedoxDonor(run);
    if (donor >= 0) {
      run.redoxEvents++;
      applyToggles(run, i, donor);
      return;
    }
  }
  // Round-off at the end of the site's interval: take the last possible hop.
  for (let e = lat.nbrOffset[i + 1] - 1; e >= lat.nbrOffset[i]; e--) {
    const j = lat.nbrIndex[e];
    if (occ[j] !== 0) {
      run.hops++;
      applyToggles(run, i, j);
      return;
    }
  }
}

function selectLeaf(tree: SumTree, target: number): [number, number] {
  const t = tree.nodes;
  const cap = tree.capacity;
  let k = 1;
  while (k < cap) {
    const left = t[2 * k];
    if (target < left) k = 2 * k;
    else {
      target -= left;
      k = 2 * k + 1;
    }
  }
  let i = k - cap;
  while (t[cap + i] === 0 && i > 0) {
    i--;
    target = t[cap + i] * (1 - 1e-12);
  }
  if (target >= t[cap + i]) target = t[cap + i] * (1 - 1e-12);
  return [i, target];
}

/** Record a sample (clusters, fractions) at run.t_ps and update the void criterion (counts must be current). */
export function recordStripSample(run: StripRun): void {
  const s = run.slab;
  const cl = analyzeVacancyClusters(s.lattice, run.occ, s.isBottom, s.isTop, run.scratch);
  run.lastClusters = { largest: cl.largest_sites, largestFace: cl.largestFace_sites };
  const area_cm2 = s.boxX_A * s.boxY_A * 1e-16;
  run.series.push({
    t_s: run.t_ps * 1e-12,
    current_mAPerCm2: run.current_mAPerCm2,
    stripped_charge_CPerCm2: (run.stripped * E_C) / area_cm2,
    vacancies: run.vacancies,
    largest_cluster_sites: cl.largest_sites,
    largest_face_cluster_sites: cl.largestFace_sites,
    bottom_vacancy_fraction: run.bottomVacancies / s.bottomSites.length,
    delithiated_area_fraction: run.hotspotVacancies / run.hotspotSites,
  });
  if (run.voidEvent !== null) return;
  if (cl.largestFace_sites >= run.config.voidMinSites && cl.largestFace !== null && cl.largestFaceCentroid_grid !== null) {
    if (run.voidStreak === 0) {
      run.voidStreakStart = {
        t_ps: run.t_ps,
        x_A: cl.largestFaceCentroid_grid[0] * s.lattice.gridSpacing_A,
        y_A: cl.largestFaceCentroid_grid[1] * s.lattice.gridSpacing_A,
        sites: cl.largestFace_sites,
        face: cl.largestFace,
        current_mAPerCm2: run.current_mAPerCm2,
      };
    }
    run.voidStreak++;
    if (run.voidStreak >= run.config.voidPersistSamples) {
      run.voidEvent = run.voidStreakStart;
      if (run.config.stopAtVoid) run.stopReason = 'void';
    }
  } else {
    run.voidStreak = 0;
    run.voidStreakStart = null;
  }
}

function beginStep(run: StripRun, index: number): void {
  const prog = run.config.program;
  const prev = run.current_mAPerCm2;
  run.stepIndex = index;
  run.current_mAPerCm2 = prog[index].current_mAPerCm2;
  run.stepEnd_ps = run.t_ps + prog[index].duration_ps;
  run.sampleInterval_ps = computeSampleInterval(run, run.current_mAPerCm2, run.sampleInterval_ps);
  if (run.nextSample_ps > run.t_ps + run.sampleInterval_ps) run.nextSample_ps = run.t_ps + run.sampleInterval_ps;
  if (prev > 0 && run.current_mAPerCm2 === 0 && run.recovery === null) {
    run.recovery = { tOff_ps: run.t_ps, vacanciesAtOff: run.hotspotVacancies, time_ps: run.hotspotVacancies === 0 ? 0 : null };
    if (run.recovery.time_ps === 0 && run.config.stopAtRecovery) run.stopReason = 'recovered';
  }
  const scale = prog[index].hopRateScale ?? run.config.hopRateScale;
  if (scale !== run.hopRateScale) {
    run.hopRateScale = scale;
    run.hopIn_perPs = computeHopInRates(run.slab.lattice, run.config.hopRates_perPs, scale);
    recomputeDerivedState(run);
  } else {
    for (const i of run.slab.bottomSites) if (run.occ[i] === 1) refreshLeaf(run, i);
  }
}

export interface StripControl {
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  /** Stop (with a checkpointable state) when the total event count reaches this. */
  maxEvents?: number;
  /** Stop after this much wall time, s. */
  maxWall_s?: number;
  /** Called at a consistent point every `checkpointEvery_s` of wall time. */
  onCheckpoint?: (run: StripRun) => void;
  checkpointEvery_s?: number;
}

/**
 * Advance a run until a stop condition: 'void' (with stopAtVoid), 'capacity', 'time', 'no-events',
 * 'events' (maxEvents), 'wall' (maxWall_s), 'interrupted' (signal). Resumable after 'events', 'wall',
 * 'interrupted'. Returns the stop reason.
 */
export function advanceStripRun(run: StripRun, control: StripControl = {}): string {
  const cfg = run.config;
  const tree = run.tree;
  const nodes = tree.nodes;
  const rng = run.rng;
  const t0 = Date.now();
  let lastCheckpoint = t0;
  const maxEvents = control.maxEvents ?? Infinity;
  const stopStripped = cfg.stopStrippedSites ?? Infinity;
  const stopTime = cfg.stopTime_ps ?? Infinity;
  run.stopReason = null;
  for (;;) {
    if (run.stopReason !== null) return run.stopReason;
    if (run.stripped >= stopStripped) return (run.stopReason = 'capacity');
    if (run.events >= maxEvents) return (run.stopReason = 'events');
    if ((run.events & 4095) === 0) {
      if (control.signal?.aborted) return (run.stopReason = 'interrupted');
      const now = Date.now();
      if (control.maxWall_s !== undefined && now - t0 >= control.maxWall_s * 1000) return (run.stopReason = 'wall');
      if (control.onCheckpoint && control.checkpointEvery_s !== undefined && now - lastCheckpoint >= control.checkpointEvery_s * 1000) {
        control.onCheckpoint(run);
        lastCheckpoint = now;
      }
      if ((run.events & 65535) === 0 && control.onProgress) {
        if (cfg.stopStrippedSites !== null) control.onProgress(Math.min(run.stripped, stopStripped), stopStripped);
        else if (cfg.stopTime_ps !== null) control.onProgress(Math.min(run.t_ps, stopTime), stopTime);
      }
    }
    const nextImage = run.nextImage < cfg.imageTimes_ps.length ? cfg.imageTimes_ps[run.nextImage] : Infinity;
    const boundary = Math.min(run.stepEnd_ps, run.nextSample_ps, stopTime, nextImage);
    const total = nodes[1];
    let tau = Infinity;
    if (total > 0) tau = -Math.log(rng.nextFloat()) / total;
    if (run.t_ps + tau >= boundary) {
      if (boundary === Infinity) return (run.stopReason = 'no-events');
      run.t_ps = boundary;
      if (nextImage <= run.t_ps) {
        run.images.push({ t_ps: run.t_ps, occ: run.occ.slice() });
        run.nextImage++;
      }
      if (run.nextSample_ps <= run.t_ps) {
        recordStripSample(run);
        run.nextSample_ps = run.t_ps + run.sampleInterval_ps;
      }
      if (run.stepEnd_ps <= run.t_ps && run.stepIndex + 1 < cfg.program.length) beginStep(run, run.stepIndex + 1);
      if (stopTime <= run.t_ps) return (run.stopReason = 'time');
      continue;
    }
    run.t_ps += tau;
    const [site, residual] = selectLeaf(tree, rng.nextFloat() * total);
    executeEvent(run, site, residual);
    run.events++;
    const rec = run.recovery;
    if (rec !== null && rec.time_ps === null && run.hotspotVacancies * 2 <= rec.vacanciesAtOff) {
      rec.time_ps = run.t_ps - rec.tOff_ps;
      if (cfg.stopAtRecovery) run.stopReason = 'recovered';
    }
  }
}

/** Mean vacancy fraction per grid layer z (0 = bottom). */
export function computeLayerVacancyProfile(run: StripRun): Float64Array {
  const lat = run.slab.lattice;
  const Lz = lat.box_grid[2];
  const vac = new Float64Array(Lz);
  const cnt = new Float64Array(Lz);
  for (let i = 0; i < lat.n_sites; i++) {
    const z = lat.coord_grid[3 * i + 2];
    cnt[z]++;
    if (run.occ[i] === 0) vac[z]++;
  }
  for (let z = 0; z < Lz; z++) vac[z] = cnt[z] > 0 ? vac[z] / cnt[z] : NaN;
  return vac;
}

export interface StripResult {
  preset: StripPreset;
  material: SlabMaterial;
  cells: [number, number, number];
  n_sites: number;
  T_K: number;
  current_mAPerCm2: number;
  focusing_M: number;
  width_nm: number;
  hop_rate_scale: number;
  vv_binding_eV: number;
  supply: 'inf' | number;
  redox: boolean;
  void_nucleated: boolean;
  t_void_s: number | null;
  void_place_nm: [number, number] | null;
  void_face: string | null;
  void_sites: number | null;
  void_current_mAPerCm2: number | null;
  time_s: number;
  stripped_charge_CPerCm2: number;
  stripped_capacity_mAhPerCm2: number;
  largest_cluster_sites: number;
  largest_face_cluster_sites: number;
  vacancies: number;
  bottom_vacancy_fraction: number;
  delithiated_area_fraction: number;
  recovery_time_s: number | null;
  events: number;
  hops: number;
  stripped_sites: number;
  supplied_sites: number;
  redox_events: number;
  stop_reason: string | null;
}

/** Summary of a run's current state. */
export function summarizeStripRun(run: StripRun): StripResult {
  const c = run.config;
  const s = run.slab;
  const area_cm2 = s.boxX_A * s.boxY_A * 1e-16;
  const q = (run.stripped * E_C) / area_cm2;
  const v = run.voidEvent;
  const cl = analyzeVacancyClusters(s.lattice, run.occ, s.isBottom, s.isTop, run.scratch);
  const firstCurrent = c.program[0].current_mAPerCm2;
  return {
    preset: c.preset,
    material: c.material,
    cells: c.cells,
    n_sites: s.lattice.n_sites,
    T_K: c.T_K,
    current_mAPerCm2: c.program.length === 1 || c.program[1].current_mAPerCm2 === 0 ? firstCurrent : run.current_mAPerCm2,
    focusing_M: c.focusing_M,
    width_nm: c.width_A / 10,
    hop_rate_scale: run.hopRateScale,
    vv_binding_eV: c.vvBinding_eV,
    supply: c.supplyRate_perPs === null ? 'inf' : c.supplyRate_perPs * 1e12,
    redox: c.redoxPatchRates_perPs !== null,
    void_nucleated: v !== null,
    t_void_s: v ? v.t_ps * 1e-12 : null,
    void_place_nm: v ? [v.x_A / 10, v.y_A / 10] : null,
    void_face: v ? v.face : null,
    void_sites: v ? v.sites : null,
    void_current_mAPerCm2: v ? v.current_mAPerCm2 : null,
    time_s: run.t_ps * 1e-12,
    stripped_charge_CPerCm2: q,
    stripped_capacity_mAhPerCm2: q / 3.6,
    largest_cluster_sites: cl.largest_sites,
    largest_face_cluster_sites: cl.largestFace_sites,
    vacancies: run.vacancies,
    bottom_vacancy_fraction: run.bottomVacancies / s.bottomSites.length,
    delithiated_area_fraction: run.hotspotVacancies / run.hotspotSites,
    recovery_time_s: run.recovery && run.recovery.time_ps !== null ? run.recovery.time_ps * 1e-12 : null,
    events: run.events,
    hops: run.hops,
    stripped_sites: run.stripped,
    supplied_sites: run.supplied,
    redox_events: run.redoxEvents,
    stop_reason: run.stopReason,
  };
}
