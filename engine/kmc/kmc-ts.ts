/**
 * Rejection-free (BKL / residence-time) KMC of vacancy-mediated Li hopping: the TypeScript reference engine.
 *
 * Each step picks one event with probability rate/total and advances the clock by an exact exponential
 * waiting time −ln(u)/total. An event is "the Li on neighbour site j of vacancy v hops into v"; the Li moves
 * by r_v − r_j (minimum image), the vacancy by r_j − r_v. Every Li's unwrapped displacement is tracked
 * (integer grid units, exact), as are the vacancies' displacements and the time each site type holds a vacancy.
 *
 * Two paths, same model:
 * - single vacancy without interaction: the vacancy's escape rates depend only on its site, so per-site
 *   cumulative rate tables are precomputed and a hop is drawn with one uniform (linear scan over ≤ z entries);
 * - general (many vacancies and/or vacancy–vacancy interaction): events live in a sum tree, one block of
 *   2^k leaves per vacancy; after a hop only the vacancies whose rates can have changed are recomputed
 *   (neighbours of the two sites involved; second neighbours too when the interaction is on).
 *
 * Randomness: the replica's stream is `forkRng(seed, replica)`; the hot loops inline the same xoshiro128**
 * step as engine/core/rng.ts (bit-identical) and take 32-bit uniforms: u = (x + 0.5)·2⁻³² for waiting times,
 * x·2⁻³² for event selection.
 */
import { InputError } from '../core/errors.js';
import { forkRng, type Rng, type Seed } from '../core/rng.js';
import type { RunControl } from '../core/progress.js';
import { throwIfAborted } from '../core/progress.js';
import type { Lattice } from '../lattice/lattice.js';
import type { RateTable } from '../rates/rate-model.js';
import { createSumTree, refreshSumTreeBlock } from './sum-tree.js';

/** Where vacancies start: anywhere, or only on sites of one type (index into lattice.siteTypeNames). */
export type VacancyPlacement = 'random' | number;

export interface KmcReplicaOptions {
  lattice: Lattice;
  rates: RateTable;
  nVacancies: number;
  placement?: VacancyPlacement;
  /** Hops (events) to simulate. */
  hops: number;
  seed: Seed;
  replicaIndex: number;
  /** Force the general sum-tree path even when the single-vacancy path applies (for tests). */
  forceGeneral?: boolean;
  /** Sum-tree path: after every hop also rewrite every vacancy's events from scratch (slow; for tests). */
  recomputeAllEvents?: boolean;
}

/** Raw accumulators of one replica (lengths in Å, time in ps). */
export interface KmcReplicaResult {
  replicaIndex: number;
  hops: number;
  time_ps: number;
  n_li: number;
  n_vacancies: number;
  /** Number of Li whose displacements enter tracerSumSq_A2 (all Li here; one tagged Li on the gpu.js path). */
  n_tracked: number;
  /** Σ over tracked Li of |Δr_i|², Å². */
  tracerSumSq_A2: number;
  /** |Σ over all Li of Δr_i|², Å² (null when not tracked). */
  collectiveSq_A2: number | null;
  /** Σ over vacancies of |Δr_v|², Å². */
  vacancySumSq_A2: number;
  /** Σ over hops of the hop length², Å² (the uncorrelated random-walk reference). */
  hopLengthSumSq_A2: number;
  /** Time-integrated number of vacancies on each site type, ps (divide by time_ps for the mean count). */
  vacancyTimeByType_ps: number[];
  /** Number of hops per hop type. */
  hopsByType: number[];
  /** Which path ran. */
  path: 'single-vacancy' | 'sum-tree';
}

const TWO_POW_M32 = 1 / 4294967296;

/** Validate the options shared by every backend. */
export function checkKmcOptions(lattice: Lattice, nVacancies: number, placement: VacancyPlacement, hops: number): void {
  if (!Number.isInteger(nVacancies) || nVacancies < 1) throw new InputError(`--vacancies: expected a positive integer count, found ${nVacancies}`);
  const candidates = placement === 'random' ? lattice.n_sites : countType(lattice, placement);
  if (nVacancies >= candidates) {
    throw new InputError(`--vacancies: expected fewer vacancies than ${placement === 'random' ? 'sites' : `${lattice.siteTypeNames[placement as number]} sites`} (${candidates}), found ${nVacancies}`);
  }
  if (!Number.isInteger(hops) || hops < 1 || hops > 1e12) throw new InputError(`--hops: expected a positive integer ≤ 1e12, found ${hops}`);
}

function countType(lattice: Lattice, t: number): number {
  let c = 0;
  for (let i = 0; i < lattice.n_sites; i++) if (lattice.siteType[i] === t) c++;
  return c;
}

/** Choose `n` distinct vacancy sites with `rng` (partial Fisher–Yates over the candidate sites). */
export function placeVacancies(lattice: Lattice, n: number, placement: VacancyPlacement, rng: Rng): Int32Array {
  const cand: number[] = [];
  for (let i = 0; i < lattice.n_sites; i++) if (placement === 'random' || lattice.siteType[i] === placement) cand.push(i);
  const out = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const r = k + rng.nextInt(cand.length - k);
    const tmp = cand[k];
    cand[k] = cand[r];
    cand[r] = tmp;
    out[k] = cand[k];
  }
  return out;
}

/** Per-lattice, per-rate-table tables for the single-vacancy path. */
interface SingleVacancyTables {
  cum_perPs: Float64Array;
  total_perPs: Float64Array;
  lenSq_A2: Float64Array;
  liHopType: Uint8Array;
}

/** Cumulative escape-rate tables of a lone vacancy on each site. */
export function buildSingleVacancyTables(lattice: Lattice, rates: RateTable): SingleVacancyTables {
  const { nbrOffset, nbrIndex, siteType, hopTypeMatrix, nbrVec_grid } = lattice;
  const nTypes = lattice.siteTypeNames.length;
  const nnz = nbrIndex.length;
  const cum = new Float64Array(nnz);
  const total = new Float64Array(lattice.n_sites);
  const lenSq = new Float64Array(nnz);
  const liHopType = new Uint8Array(nnz);
  const g2 = lattice.gridSpacing_A * lattice.gridSpacing_A;
  for (let s = 0; s < lattice.n_sites; s++) {
    let acc = 0;
    for (let e = nbrOffset[s]; e < nbrOffset[s + 1]; e++) {
      const j = nbrIndex[e];
      const t = hopTypeMatrix[siteType[j] * nTypes + siteType[s]];
      liHopType[e] = t;
      acc += rates.rate_perPs[t];
      cum[e] = acc;
      const vx = nbrVec_grid[3 * e];
      const vy = nbrVec_grid[3 * e + 1];
      const vz = nbrVec_grid[3 * e + 2];
      lenSq[e] = (vx * vx + vy * vy + vz * vz) * g2;
    }
    total[s] = acc;
  }
  return { cum_perPs: cum, total_perPs: total, lenSq_A2: lenSq, liHopType };
}

/** Mutable state of one replica between chunks. */
interface ReplicaState {
  rngState: Int32Array;
  liAt: Int32Array;
  vacAt: Int32Array;
  vacSite: Int32Array;
  dispX: Int32Array;
  dispY: Int32Array;
  dispZ: Int32Array;
  vacDX: Float64Array;
  vacDY: Float64Array;
  vacDZ: Float64Array;
  /** [time_ps, hopLengthSumSq_A2, vacancyTime per type...] */
  acc: Float64Array;
  hopsByType: Float64Array;
}

/** Run one replica to completion. */
export function runKmcReplica(opts: KmcReplicaOptions, control: RunControl = {}, onHops?: (done: number) => void): KmcReplicaResult {
  const { lattice, rates, nVacancies, hops } = opts;
  const placement = opts.placement ?? 'random';
  checkKmcOptions(lattice, nVacancies, placement, hops);
  const rng = forkRng(opts.seed, opts.replicaIndex);
  const vacSites = placeVacancies(lattice, nVacancies, placement, rng);
  const n = lattice.n_sites;
  const nTypes = lattice.siteTypeNames.length;
  const liAt = new Int32Array(n).fill(-1);
  const vacAt = new Int32Array(n).fill(-1);
  for (let v = 0; v < nVacancies; v++) vacAt[vacSites[v]] = v;
  let nLi = 0;
  for (let s = 0; s < n; s++) if (vacAt[s] < 0) liAt[s] = nLi++;
  const st: ReplicaState = {
    rngState: Int32Array.from(rng.getState()),
    liAt,
    vacAt,
    vacSite: vacSites,
    dispX: new Int32Array(nLi),
    dispY: new Int32Array(nLi),
    dispZ: new Int32Array(nLi),
    vacDX: new Float64Array(nVacancies),
    vacDY: new Float64Array(nVacancies),
    vacDZ: new Float64Array(nVacancies),
    acc: new Float64Array(2 + nTypes),
    hopsByType: new Float64Array(lattice.hopTypeNames.length),
  };
  const single = nVacancies === 1 && rates.vvInteraction_eV === 0 && !opts.forceGeneral;
  const CHUNK = 1 << 21;
  let done = 0;
  if (single) {
    const tables = buildSingleVacancyTables(lattice, rates);
    while (done < hops) {
      const m = Math.min(CHUNK, hops - done);
      runSingleVacancyChunk(lattice, tables, st, m);
      done += m;
      onHops?.(done);
      if (done < hops) throwIfAborted(control.signal);
    }
  } else {
    const gen = createGeneralState(lattice, rates, st);
    gen.recomputeAll = opts.recomputeAllEvents === true;
    while (done < hops) {
      const m = Math.min(CHUNK, hops - done);
      runGeneralChunk(lattice, gen, st, m);
      done += m;
      onHops?.(done);
      if (done < hops) throwIfAborted(control.signal);
    }
  }
  return collectReplica(lattice, st, opts.replicaIndex, hops, single ? 'single-vacancy' : 'sum-tree');
}

function collectReplica(lattice: Lattice, st: ReplicaState, replicaIndex: number, hops: number, path: KmcReplicaResult['path']): KmcReplicaResult {
  const g = lattice.gridSpacing_A;
  let sumSq = 0;
  let cx = 0;
  let cy = 0;
  let cz = 0;
  for (let i = 0; i < st.dispX.length; i++) {
    const x = st.dispX[i];
    const y = st.dispY[i];
    const z = st.dispZ[i];
    sumSq += x * x + y * y + z * z;
    cx += x;
    cy += y;
    cz += z;
  }
  let vSq = 0;
  for (let v = 0; v < st.vacDX.length; v++) vSq += st.vacDX[v] ** 2 + st.vacDY[v] ** 2 + st.vacDZ[v] ** 2;
  const nTypes = lattice.siteTypeNames.length;
  const vacancyTimeByType_ps: number[] = [];
  for (let t = 0; t < nTypes; t++) vacancyTimeByType_ps.push(st.acc[2 + t]);
  return {
    replicaIndex,
    hops,
    time_ps: st.acc[0],
    n_li: st.dispX.length,
    n_vacancies: st.vacDX.length,
    n_tracked: st.dispX.length,
    tracerSumSq_A2: sumSq * g * g,
    collectiveSq_A2: (cx * cx + cy * cy + cz * cz) * g * g,
    vacancySumSq_A2: vSq * g * g,
    hopLengthSumSq_A2: st.acc[1],
    vacancyTimeByType_ps,
    hopsByType: Array.from(st.hopsByType),
    path,
  };
}

/** Single-vacancy hot loop: no allocation, no closures; inline xoshiro128**. */
function runSingleVacancyChunk(lattice: Lattice, tables: SingleVacancyTables, st: ReplicaState, hops: number): void {
  const nbrOffset = lattice.nbrOffset;
  const nbrIndex = lattice.nbrIndex;
  const vec = lattice.nbrVec_grid;
  const siteType = lattice.siteType;
  const cum = tables.cum_perPs;
  const total = tables.total_perPs;
  const lenSq = tables.lenSq_A2;
  const liHopType = tables.liHopType;
  const liAt = st.liAt;
  const dx = st.dispX;
  const dy = st.dispY;
  const dz = st.dispZ;
  const acc = st.acc;
  const hopsByType = st.hopsByType;
  let s0 = st.rngState[0] | 0;
  let s1 = st.rngState[1] | 0;
  let s2 = st.rngState[2] | 0;
  let s3 = st.rngState[3] | 0;
  let site = st.vacSite[0];
  let time = acc[0];
  let hopLen = acc[1];
  let vdx = 0;
  let vdy = 0;
  let vdz = 0;
  for (let h = 0; h < hops; h++) {
    // xoshiro128** step (identical to engine/core/rng.ts nextUint32)
    let t = s1 << 9;
    let r = Math.imul(s1, 5);
    r = Math.imul((r << 7) | (r >>> 25), 9);
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    const tot = total[site];
    const target = (r >>> 0) * TWO_POW_M32 * tot;
    let e = nbrOffset[site];
    const last = nbrOffset[site + 1] - 1;
    while (e < last && cum[e] <= target) e++;
    // second draw: waiting time
    t = s1 << 9;
    r = Math.imul(s1, 5);
    r = Math.imul((r << 7) | (r >>> 25), 9);
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    const dt = -Math.log(((r >>> 0) + 0.5) * TWO_POW_M32) / tot;
    time += dt;
    acc[2 + siteType[site]] += dt;
    const j = nbrIndex[e];
    const li = liAt[j];
    liAt[site] = li;
    liAt[j] = -1;
    const ex = vec[3 * e];
    const ey = vec[3 * e + 1];
    const ez = vec[3 * e + 2];
    dx[li] -= ex;
    dy[li] -= ey;
    dz[li] -= ez;
    vdx += ex;
    vdy += ey;
    vdz += ez;
    hopLen += lenSq[e];
    hopsByType[liHopType[e]]++;
    site = j;
  }
  st.rngState[0] = s0;
  st.rngState[1] = s1;
  st.rngState[2] = s2;
  st.rngState[3] = s3;
  st.vacSite[0] = site;
  st.vacAt.fill(-1);
  st.vacAt[site] = 0;
  st.vacDX[0] += vdx;
  st.vacDY[0] += vdy;
  st.vacDZ[0] += vdz;
  acc[0] = time;
  acc[1] = hopLen;
}

/** State of the general (sum-tree) path. */
interface GeneralState {
  tree: ReturnType<typeof createSumTree>;
  /** Leaves per vacancy (power of two ≥ max neighbours). */
  stride: number;
  log2Stride: number;
  /** Interaction factor exp(−V·Δn / 2kT) indexed by Δn + maxNeighbours. */
  vvFactor: Float64Array;
  hasVv: boolean;
  /** Per site: vacancy neighbour count (maintained only with the interaction). */
  vacNbrCount: Int32Array;
  /** Li hop type per neighbour entry (Li moving from the neighbour into the site). */
  liHopType: Uint8Array;
  lenSq_A2: Float64Array;
  stamp: Int32Array;
  stampValue: number;
  ratePerType: Float64Array;
  recomputeAll: boolean;
  /** Sites to check for vacancies to rewrite when a site's occupancy changes (CSR). */
  touchOffset: Int32Array;
  touchIndex: Int32Array;
}

function createGeneralState(lattice: Lattice, rates: RateTable, st: ReplicaState): GeneralState {
  const nv = st.vacSite.length;
  let stride = 1;
  let log2Stride = 0;
  while (stride < lattice.maxNeighbours) {
    stride *= 2;
    log2Stride++;
  }
  const z = lattice.maxNeighbours;
  const vvFactor = new Float64Array(2 * z + 1);
  for (let d = -z; d <= z; d++) vvFactor[d + z] = Math.exp((-rates.vvInteraction_eV * d) / (2 * rates.kT_eV));
  const tables = buildSingleVacancyTables(lattice, rates);
  const vacNbrCount = new Int32Array(lattice.n_sites);
  for (let v = 0; v < nv; v++) {
    const s = st.vacSite[v];
    for (let e = lattice.nbrOffset[s]; e < lattice.nbrOffset[s + 1]; e++) vacNbrCount[lattice.nbrIndex[e]]++;
  }
  const touch = buildTouchLists(lattice, rates.vvInteraction_eV !== 0 ? 2 : 1);
  const gen: GeneralState = {
    tree: createSumTree(nv * stride),
    stride,
    log2Stride,
    vvFactor,
    hasVv: rates.vvInteraction_eV !== 0,
    vacNbrCount,
    liHopType: tables.liHopType,
    lenSq_A2: tables.lenSq_A2,
    stamp: new Int32Array(nv),
    stampValue: 0,
    ratePerType: rates.rate_perPs,
    recomputeAll: false,
    touchOffset: touch.offset,
    touchIndex: touch.index,
  };
  for (let v = 0; v < nv; v++) writeVacancyEvents(lattice, gen, st, v);
  for (let v = 0; v < nv; v++) refreshSumTreeBlock(gen.tree, v * stride, stride);
  return gen;
}

/** Write the event rates of vacancy v into its leaf block (does not refresh the tree). */
function writeVacancyEvents(lattice: Lattice, gen: GeneralState, st: ReplicaState, v: number): void {
  const leaves = gen.tree.nodes;
  const base = gen.tree.capacity + v * gen.stride;
  const s = st.vacSite[v];
  const off = lattice.nbrOffset[s];
  const cnt = lattice.nbrOffset[s + 1] - off;
  const vacAt = st.vacAt;
  const nbrIndex = lattice.nbrIndex;
  const z = lattice.maxNeighbours;
  const nInitial = gen.hasVv ? gen.vacNbrCount[s] : 0;
  for (let k = 0; k < cnt; k++) {
    const j = nbrIndex[off + k];
    if (vacAt[j] >= 0) {
      leaves[base + k] = 0;
      continue;
    }
    let rate = gen.ratePerType[gen.liHopType[off + k]];
    if (gen.hasVv) {
      // after the hop j is the vacancy and s holds Li: j's vacancy neighbours minus s itself
      const nFinal = gen.vacNbrCount[j] - 1;
      rate *= gen.vvFactor[nFinal - nInitial + z];
    }
    leaves[base + k] = rate;
  }
  for (let k = cnt; k < gen.stride; k++) leaves[base + k] = 0;
}

/**
 * Sites whose vacancies must be rewritten when the occupancy of a site changes: its neighbours (their events
 * target it), and with the interaction also its second neighbours (their targets' vacancy counts change).
 * CSR lists of unique sites, built once per run.
 */
function buildTouchLists(lattice: Lattice, depth: number): { offset: Int32Array; index: Int32Array } {
  const n = lattice.n_sites;
  const offset = new Int32Array(n + 1);
  const index: number[] = [];
  const mark = new Int32Array(n).fill(-1);
  for (let s = 0; s < n; s++) {
    for (let e = lattice.nbrOffset[s]; e < lattice.nbrOffset[s + 1]; e++) {
      const j = lattice.nbrIndex[e];
      if (mark[j] !== s) {
        mark[j] = s;
        index.push(j);
      }
      if (depth > 1) {
        for (let q = lattice.nbrOffset[j]; q < lattice.nbrOffset[j + 1]; q++) {
          const k = lattice.nbrIndex[q];
          if (mark[k] !== s) {
            mark[k] = s;
            index.push(k);
          }
        }
      }
    }
    offset[s + 1] = index.length;
  }
  return { offset, index: Int32Array.from(index) };
}

function touchAround(lattice: Lattice, gen: GeneralState, st: ReplicaState, site: number): void {
  const list = gen.touchIndex;
  const vacAt = st.vacAt;
  const stamp = gen.stamp;
  const sv = gen.stampValue;
  for (let e = gen.touchOffset[site], end = gen.touchOffset[site + 1]; e < end; e++) {
    const w = vacAt[list[e]];
    if (w >= 0 && stamp[w] !== sv) {
      stamp[w] = sv;
      writeVacancyEvents(lattice, gen, st, w);
      refreshSumTreeBlock(gen.tree, w * gen.stride, gen.stride);
    }
  }
}

function runGeneralChunk(lattice: Lattice, gen: GeneralState, st: ReplicaState, hops: number): void {
  const nodes = gen.tree.nodes;
  const cap = gen.tree.capacity;
  const stride = gen.stride;
  const log2Stride = gen.log2Stride;
  const nbrOffset = lattice.nbrOffset;
  const nbrIndex = lattice.nbrIndex;
  const vec = lattice.nbrVec_grid;
  const siteType = lattice.siteType;
  const liAt = st.liAt;
  const vacAt = st.vacAt;
  const vacSite = st.vacSite;
  const acc = st.acc;
  const nTypes = lattice.siteTypeNames.length;
  const nv = vacSite.length;
  const vacOnType = new Float64Array(nTypes);
  for (let v = 0; v < nv; v++) vacOnType[siteType[vacSite[v]]]++;
  let s0 = st.rngState[0] | 0;
  let s1 = st.rngState[1] | 0;
  let s2 = st.rngState[2] | 0;
  let s3 = st.rngState[3] | 0;
  for (let h = 0; h < hops; h++) {
    let t = s1 << 9;
    let r = Math.imul(s1, 5);
    r = Math.imul((r << 7) | (r >>> 25), 9);
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    const total = nodes[1];
    // event selection (sum-tree search, inlined)
    let target = (r >>> 0) * TWO_POW_M32 * total;
    let k = 1;
    while (k < cap) {
      const left = nodes[2 * k];
      if (target < left) k = 2 * k;
      else {
        target -= left;
        k = 2 * k + 1;
      }
    }
    let leaf = k - cap;
    while (nodes[cap + leaf] === 0 && leaf > 0) leaf--;
    t = s1 << 9;
    r = Math.imul(s1, 5);
    r = Math.imul((r << 7) | (r >>> 25), 9);
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    const dt = -Math.log(((r >>> 0) + 0.5) * TWO_POW_M32) / total;
    acc[0] += dt;
    for (let ty = 0; ty < nTypes; ty++) acc[2 + ty] += vacOnType[ty] * dt;
    const v = leaf >> log2Stride;
    const slot = leaf & (stride - 1);
    const s = vacSite[v];
    const e = nbrOffset[s] + slot;
    const j = nbrIndex[e];
    const li = liAt[j];
    liAt[s] = li;
    liAt[j] = -1;
    vacAt[s] = -1;
    vacAt[j] = v;
    vacSite[v] = j;
    const ex = vec[3 * e];
    const ey = vec[3 * e + 1];
    const ez = vec[3 * e + 2];
    st.dispX[li] -= ex;
    st.dispY[li] -= ey;
    st.dispZ[li] -= ez;
    st.vacDX[v] += ex;
    st.vacDY[v] += ey;
    st.vacDZ[v] += ez;
    acc[1] += gen.lenSq_A2[e];
    st.hopsByType[gen.liHopType[e]]++;
    vacOnType[siteType[s]]--;
    vacOnType[siteType[j]]++;
    if (gen.hasVv) {
      for (let q = nbrOffset[s]; q < nbrOffset[s + 1]; q++) gen.vacNbrCount[nbrIndex[q]]--;
      for (let q = nbrOffset[j]; q < nbrOffset[j + 1]; q++) gen.vacNbrCount[nbrIndex[q]]++;
    }
    // local updates: the moved vacancy and every vacancy whose rates can depend on sites s or j
    gen.stampValue++;
    gen.stamp[v] = gen.stampValue;
    writeVacancyEvents(lattice, gen, st, v);
    refreshSumTreeBlock(gen.tree, v * stride, stride);
    touchAround(lattice, gen, st, s);
    touchAround(lattice, gen, st, j);
    if (gen.recomputeAll) {
      for (let w = 0; w < nv; w++) {
        writeVacancyEvents(lattice, gen, st, w);
        refreshSumTreeBlock(gen.tree, w * stride, stride);
      }
    }
  }
  st.rngState[0] = s0;
  st.rngState[1] = s1;
  st.rngState[2] = s2;
  st.rngState[3] = s3;
}
