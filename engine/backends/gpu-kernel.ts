/**
 * gpu.js replica ensembles for the single-vacancy, non-interacting model: one replica per thread, each thread
 * runs a chunk of hops of its own replica; the state (vacancy site, tagged-Li site, RNG state) goes in and out
 * as arrays between kernel calls, so long runs are chunked under loop caps and the host accumulates time and
 * displacements in float64 (per-chunk partial sums, exact integers for displacements).
 *
 * Tracer: each replica tracks one tagged Li (chosen at random), so D* on this path is the average over replicas
 * of one Li's ⟨Δr²⟩ — the same expectation as the all-Li average of the TS path, with more noise per replica.
 * The collective displacement is −(vacancy displacement) for one vacancy (exact identity), which gives D_σ.
 *
 * Numerics under gpu.js (webasm/webgpu locals are float32):
 * - RNG: xorshift32 with a multiplicative output scrambler, whose 32-bit state is kept as two 16-bit halves in
 *   float locals (exact) and stepped inside Integer-typed helper functions (real i32 arithmetic);
 *   a uniform is the top 24 output bits / 2^24 (exact in float32);
 * - site indices and per-chunk displacements (grid units) are integers < 2^24: exact in float32;
 * - the per-chunk time is a float32 sum of ≤ `chunkHops` exponential waiting times (relative rounding ~1e-7 per
 *   add, unbiased), accumulated in float64 on the host.
 * Output: a [replicas × 3] grid of vec4: group 0 = [vacancy, tag, rngHi, rngLo], group 1 = [Δt, vacancy Δx, Δy, Δz],
 * group 2 = [tag Δx, Δy, Δz, Σ l² (grid units²)]. Each group's thread runs the same deterministic chunk (gpu.js
 * kernels return at most 4 numbers per thread and kernel maps are not supported on webasm/webgpu), so the work
 * is done three times; the TS twin `runKmcChunkTwin` reproduces one thread bit for bit.
 */
import { createRequire } from 'node:module';
import type { RunControl } from '../core/progress.js';
import { throwIfAborted } from '../core/progress.js';
import { forkRng, type Seed } from '../core/rng.js';
import { InputError } from '../core/errors.js';
import type { Lattice } from '../lattice/lattice.js';
import type { RateTable } from '../rates/rate-model.js';
import { buildSingleVacancyTables, placeVacancies, type KmcReplicaResult } from '../kmc/kmc-ts.js';

/** Padded per-site tables in float32 for the kernel. */
export interface GpuKmcTables {
  z: number;
  nbr: Float32Array;
  cumProb: Float32Array;
  invTotal_ps: Float32Array;
  vx: Float32Array;
  vy: Float32Array;
  vz: Float32Array;
  lenSq_grid: Float32Array;
}

/** Build the padded float32 tables (cumulative probabilities, padded slots at 2 so they are never chosen). */
export function buildGpuKmcTables(lattice: Lattice, rates: RateTable): GpuKmcTables {
  const t = buildSingleVacancyTables(lattice, rates);
  const z = lattice.maxNeighbours;
  const n = lattice.n_sites;
  const nbr = new Float32Array(n * z);
  const cumProb = new Float32Array(n * z).fill(2);
  const invTotal_ps = new Float32Array(n);
  const vx = new Float32Array(n * z);
  const vy = new Float32Array(n * z);
  const vz = new Float32Array(n * z);
  const lenSq_grid = new Float32Array(n * z);
  for (let s = 0; s < n; s++) {
    const off = lattice.nbrOffset[s];
    const cnt = lattice.nbrOffset[s + 1] - off;
    invTotal_ps[s] = 1 / t.total_perPs[s];
    for (let k = 0; k < cnt; k++) {
      const e = off + k;
      nbr[s * z + k] = lattice.nbrIndex[e];
      cumProb[s * z + k] = k === cnt - 1 ? 1 : t.cum_perPs[e] / t.total_perPs[s];
      const x = lattice.nbrVec_grid[3 * e];
      const y = lattice.nbrVec_grid[3 * e + 1];
      const w = lattice.nbrVec_grid[3 * e + 2];
      vx[s * z + k] = x;
      vy[s * z + k] = y;
      vz[s * z + k] = w;
      lenSq_grid[s * z + k] = x * x + y * y + w * w;
    }
  }
  return { z, nbr, cumProb, invTotal_ps, vx, vy, vz, lenSq_grid };
}

// ---- RNG helpers: plain functions so that gpu.js can transpile them (Integer arguments and returns). ----
/** xorshift32 sub-step a. */
export function xsA(s: number): number {
  return s ^ (s << 13);
}
/** xorshift32 sub-step b. */
export function xsB(s: number): number {
  return s ^ (s >>> 17);
}
/** xorshift32 sub-step c. */
export function xsC(s: number): number {
  return s ^ (s << 5);
}
/** High 16 bits of the next xorshift32 state. */
export function xsNextHi(hi: number, lo: number): number {
  return (xsC(xsB(xsA((hi << 16) | lo))) >>> 16) & 65535;
}
/** Low 16 bits of the next xorshift32 state. */
export function xsNextLo(hi: number, lo: number): number {
  return xsC(xsB(xsA((hi << 16) | lo))) & 65535;
}
/**
 * 24 scrambled output bits of a state: the state times the odd constant 0x5F356A95, top 24 bits. The constant is
 * built from two 16-bit literals because gpu.js passes integer literals ≥ 2^24 through float32 (inexact).
 */
export function xsOut24(hi: number, lo: number): number {
  return Math.imul((hi << 16) | lo, (24373 << 16) | 27285) >>> 8;
}
/**
 * The kernel's spelling of xsOut24: gpu.js lowers `*` of two Integer operands to a wrapping i32 multiply,
 * while its Math.imul goes through float32. (In plain JS this spelling would be a float multiply: TS uses xsOut24.)
 */
export function xsOut24Kernel(hi: number, lo: number): number {
  return (((hi << 16) | lo) * ((24373 << 16) | 27285)) >>> 8;
}

/** The kernel body (one thread = one replica × one output group). Written in the gpu.js kernel subset. */
function kmcChunkKernel(
  this: { thread: { x: number; y: number }; constants: { z: number } },
  nbr: number[], cumProb: number[], invTotal: number[], vx: number[], vy: number[], vz: number[], lenSq: number[],
  vac0: number[], tag0: number[], hi0: number[], lo0: number[], nHops: number,
): number[] {
  const r = this.thread.x;
  let vac = vac0[r];
  let tag = tag0[r];
  let hi = hi0[r];
  let lo = lo0[r];
  let time = 0.0;
  let vdx = 0.0;
  let vdy = 0.0;
  let vdz = 0.0;
  let tdx = 0.0;
  let tdy = 0.0;
  let tdz = 0.0;
  let l2 = 0.0;
  for (let h = 0; h < nHops; h++) {
    let nh = xsNextHi(hi, lo);
    let nl = xsNextLo(hi, lo);
    hi = nh;
    lo = nl;
    const u = xsOut24Kernel(hi, lo) / 16777216.0;
    const base = vac * this.constants.z;
    let k = 0;
    for (let q = 0; q < this.constants.z - 1; q++) {
      if (cumProb[base + q] <= u) k = q + 1;
    }
    const e = base + k;
    const j = nbr[e];
    nh = xsNextHi(hi, lo);
    nl = xsNextLo(hi, lo);
    hi = nh;
    lo = nl;
    const u2 = (xsOut24Kernel(hi, lo) + 1.0) / 16777216.0;
    time += -Math.log(u2) * invTotal[vac];
    if (j === tag) {
      tag = vac;
      tdx -= vx[e];
      tdy -= vy[e];
      tdz -= vz[e];
    }
    vdx += vx[e];
    vdy += vy[e];
    vdz += vz[e];
    l2 += lenSq[e];
    vac = j;
  }
  if (this.thread.y === 0) return [vac, tag, hi, lo];
  if (this.thread.y === 1) return [time, vdx, vdy, vdz];
  return [tdx, tdy, tdz, l2];
}

/** Per-replica state between chunks. */
export interface GpuReplicaState {
  vac: Float32Array;
  tag: Float32Array;
  hi: Float32Array;
  lo: Float32Array;
}

/** One chunk's outputs per replica (float32 values as numbers). */
export interface GpuChunkResult {
  state: GpuReplicaState;
  time_ps: Float64Array;
  vacD: Float64Array;
  tagD: Float64Array;
  lenSq_grid: Float64Array;
}

const f = Math.fround;

/** TS twin of the kernel: the same chunk for every replica, with float32 rounding emulated (Math.fround). */
export function runKmcChunkTwin(tables: GpuKmcTables, state: GpuReplicaState, nHops: number): GpuChunkResult {
  const R = state.vac.length;
  const out = allocChunk(R);
  const z = tables.z;
  for (let r = 0; r < R; r++) {
    let vac = state.vac[r];
    let tag = state.tag[r];
    let hi = state.hi[r];
    let lo = state.lo[r];
    let time = 0;
    let vdx = 0, vdy = 0, vdz = 0, tdx = 0, tdy = 0, tdz = 0, l2 = 0;
    for (let h = 0; h < nHops; h++) {
      let nh = xsNextHi(hi, lo);
      let nl = xsNextLo(hi, lo);
      hi = nh;
      lo = nl;
      const u = f(xsOut24(hi, lo) / 16777216);
      const base = vac * z;
      let k = 0;
      for (let q = 0; q < z - 1; q++) if (tables.cumProb[base + q] <= u) k = q + 1;
      const e = base + k;
      const j = tables.nbr[e];
      nh = xsNextHi(hi, lo);
      nl = xsNextLo(hi, lo);
      hi = nh;
      lo = nl;
      const u2 = f(f(xsOut24(hi, lo) + 1) / 16777216);
      time = f(time + f(f(-f(Math.log(u2))) * tables.invTotal_ps[vac]));
      if (j === tag) {
        tag = vac;
        tdx -= tables.vx[e];
        tdy -= tables.vy[e];
        tdz -= tables.vz[e];
      }
      vdx += tables.vx[e];
      vdy += tables.vy[e];
      vdz += tables.vz[e];
      l2 += tables.lenSq_grid[e];
      vac = j;
    }
    out.state.vac[r] = vac;
    out.state.tag[r] = tag;
    out.state.hi[r] = hi;
    out.state.lo[r] = lo;
    out.time_ps[r] = time;
    out.vacD.set([vdx, vdy, vdz], 3 * r);
    out.tagD.set([tdx, tdy, tdz], 3 * r);
    out.lenSq_grid[r] = l2;
  }
  return out;
}

function allocChunk(R: number): GpuChunkResult {
  return {
    state: { vac: new Float32Array(R), tag: new Float32Array(R), hi: new Float32Array(R), lo: new Float32Array(R) },
    time_ps: new Float64Array(R),
    vacD: new Float64Array(3 * R),
    tagD: new Float64Array(3 * R),
    lenSq_grid: new Float64Array(R),
  };
}

export type GpuMode = 'webasm' | 'webgpu';

/* eslint-disable @typescript-eslint/no-explicit-any */
interface GpuJsModule {
  GPU: any;
}
const requireCjs = createRequire(import.meta.url);
let gpuModule: GpuJsModule | null = null;

/** Load gpu.js lazily (it is CommonJS and heavy). */
export function loadGpuJs(): GpuJsModule {
  if (!gpuModule) gpuModule = requireCjs('gpu.js') as GpuJsModule;
  return gpuModule;
}

/** A compiled chunk kernel for a given lattice size and replica count. */
export interface GpuKmcKernel {
  mode: GpuMode;
  run(tables: GpuKmcTables, state: GpuReplicaState, nHops: number): Promise<GpuChunkResult>;
  destroy(): void;
}

/** Compile the chunk kernel on gpu.js in the given mode. */
export function createGpuKmcKernel(mode: GpuMode, replicas: number, z: number, maxChunkHops: number): GpuKmcKernel {
  const { GPU } = loadGpuJs();
  const gpu = new GPU({ mode });
  const I = 'Integer';
  for (const fn of [xsA, xsB, xsC]) gpu.addFunction(fn, { argumentTypes: { s: I }, returnType: I });
  for (const fn of [xsNextHi, xsNextLo, xsOut24Kernel]) gpu.addFunction(fn, { argumentTypes: { hi: I, lo: I }, returnType: I });
  const kernel = gpu.createKernel(kmcChunkKernel, {
    output: [replicas, 3],
    returnType: 'Array(4)',
    constants: { z },
    loopMaxIterations: Math.max(maxChunkHops, z) + 1,
    tactic: 'precision',
    // async contract: webgpu needs it; on webasm it lets kernels with ≥ 4096 output cells use worker threads
    asyncMode: true,
  });
  return {
    mode,
    async run(tables, state, nHops) {
      const res = (await kernel(tables.nbr, tables.cumProb, tables.invTotal_ps, tables.vx, tables.vy, tables.vz, tables.lenSq_grid,
        state.vac, state.tag, state.hi, state.lo, nHops)) as Float32Array[][];
      const out = allocChunk(replicas);
      for (let r = 0; r < replicas; r++) {
        const g0 = res[0][r];
        const g1 = res[1][r];
        const g2 = res[2][r];
        out.state.vac[r] = g0[0];
        out.state.tag[r] = g0[1];
        out.state.hi[r] = g0[2];
        out.state.lo[r] = g0[3];
        out.time_ps[r] = g1[0];
        out.vacD[3 * r] = g1[1];
        out.vacD[3 * r + 1] = g1[2];
        out.vacD[3 * r + 2] = g1[3];
        out.tagD[3 * r] = g2[0];
        out.tagD[3 * r + 1] = g2[1];
        out.tagD[3 * r + 2] = g2[2];
        out.lenSq_grid[r] = g2[3];
      }
      return out;
    },
    destroy() {
      gpu.destroy();
    },
  };
}

/** Initial state: vacancy and tagged Li placed with forkRng(seed, r); the xorshift state drawn from the same stream. */
export function createGpuReplicaState(lattice: Lattice, replicas: number, seed: Seed): GpuReplicaState {
  const st: GpuReplicaState = { vac: new Float32Array(replicas), tag: new Float32Array(replicas), hi: new Float32Array(replicas), lo: new Float32Array(replicas) };
  for (let r = 0; r < replicas; r++) {
    const rng = forkRng(seed, r);
    const two = placeVacancies(lattice, 2, 'random', rng);
    st.vac[r] = two[0];
    st.tag[r] = two[1];
    let x = 0;
    while (x === 0) x = rng.nextUint32();
    st.hi[r] = x >>> 16;
    st.lo[r] = x & 65535;
  }
  return st;
}

export interface GpuEnsembleOptions {
  lattice: Lattice;
  rates: RateTable;
  hops: number;
  replicas: number;
  seed: Seed;
  mode: GpuMode;
  /** Hops per kernel call (default 4096). */
  chunkHops?: number;
}

/**
 * Run `checkHops` hops from `state` on the kernel and on the TS twin; null when states and displacements agree
 * exactly, else a description of the first difference (a backend that miscompiles the kernel is not used).
 */
export async function checkGpuKernelAgainstTwin(kernel: GpuKmcKernel, tables: GpuKmcTables, state: GpuReplicaState, checkHops = 64): Promise<string | null> {
  const a = await kernel.run(tables, state, checkHops);
  const b = runKmcChunkTwin(tables, state, checkHops);
  const pairs: [string, ArrayLike<number>, ArrayLike<number>][] = [
    ['vacancy site', a.state.vac, b.state.vac], ['tagged site', a.state.tag, b.state.tag], ['rng hi', a.state.hi, b.state.hi],
    ['rng lo', a.state.lo, b.state.lo], ['vacancy displacement', a.vacD, b.vacD], ['tag displacement', a.tagD, b.tagD],
  ];
  for (const [name, x, y] of pairs) {
    for (let i = 0; i < x.length; i++) {
      if (x[i] !== y[i]) return `${kernel.mode} kernel differs from its TS twin after ${checkHops} hops: ${name}[${i}] = ${x[i]}, expected ${y[i]}`;
    }
  }
  return null;
}

/** The gpu.js backend produced results that differ from the TS twin (the caller may fall back). */
export class GpuKernelMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpuKernelMismatchError';
  }
}

/** Run a single-vacancy ensemble on gpu.js; returns replica accumulators in the TS path's shape. */
export async function runKmcEnsembleGpu(opts: GpuEnsembleOptions, control: RunControl = {}): Promise<KmcReplicaResult[]> {
  if (opts.rates.vvInteraction_eV !== 0) throw new InputError('--backend gpu: expected the non-interacting single-vacancy model, found a vacancy–vacancy interaction (use --backend ts)');
  const { lattice, replicas, hops } = opts;
  if (lattice.n_sites >= 1 << 24) throw new InputError(`--backend gpu: expected fewer than 2^24 sites, found ${lattice.n_sites}`);
  const chunk = opts.chunkHops ?? 4096;
  const tables = buildGpuKmcTables(lattice, opts.rates);
  const kernel = createGpuKmcKernel(opts.mode, replicas, tables.z, chunk);
  let state = createGpuReplicaState(lattice, replicas, opts.seed);
  const problem = await checkGpuKernelAgainstTwin(kernel, tables, state).catch((err: Error) => `${opts.mode} kernel failed: ${err.message}`);
  if (problem !== null) {
    kernel.destroy();
    throw new GpuKernelMismatchError(problem);
  }
  const time = new Float64Array(replicas);
  const vacD = new Float64Array(3 * replicas);
  const tagD = new Float64Array(3 * replicas);
  const len2 = new Float64Array(replicas);
  let done = 0;
  try {
    while (done < hops) {
      const m = Math.min(chunk, hops - done);
      const res = await kernel.run(tables, state, m);
      state = res.state;
      for (let r = 0; r < replicas; r++) {
        time[r] += res.time_ps[r];
        len2[r] += res.lenSq_grid[r];
      }
      for (let i = 0; i < 3 * replicas; i++) {
        vacD[i] += res.vacD[i];
        tagD[i] += res.tagD[i];
      }
      done += m;
      control.onProgress?.(done * replicas, hops * replicas, 'kmc');
      throwIfAborted(control.signal);
    }
  } finally {
    kernel.destroy();
  }
  const g2 = lattice.gridSpacing_A ** 2;
  const out: KmcReplicaResult[] = [];
  for (let r = 0; r < replicas; r++) {
    out.push({
      replicaIndex: r,
      hops,
      time_ps: time[r],
      n_li: lattice.n_sites - 1,
      n_vacancies: 1,
      n_tracked: 1,
      tracerSumSq_A2: (tagD[3 * r] ** 2 + tagD[3 * r + 1] ** 2 + tagD[3 * r + 2] ** 2) * g2,
      // one vacancy: every hop moves one Li by −h and the vacancy by +h, so Σ_i Δr_i = −Δr_v exactly
      collectiveSq_A2: (vacD[3 * r] ** 2 + vacD[3 * r + 1] ** 2 + vacD[3 * r + 2] ** 2) * g2,
      vacancySumSq_A2: (vacD[3 * r] ** 2 + vacD[3 * r + 1] ** 2 + vacD[3 * r + 2] ** 2) * g2,
      hopLengthSumSq_A2: len2[r] * g2,
      vacancyTimeByType_ps: lattice.siteTypeNames.map(() => NaN),
      hopsByType: lattice.hopTypeNames.map(() => NaN),
      path: 'single-vacancy',
    });
  }
  return out;
}
