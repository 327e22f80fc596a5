/**
 * Parallel stripping KMC for large slabs on gpu.js: synchronous sublattice (Shim & Amar, PRB 71, 125432 (2005))
 * with one site per sector, and a TS twin.
 *
 * The slab's sites are coloured by (x mod P, y mod P, z mod P) (P = 4 grid units for bcc, 8 for Li3Sb), so two sites
 * of one colour are at least 3 hops apart: their neighbourhoods are disjoint and their events cannot conflict. A
 * cycle visits the colours in a random order (host RNG); in each colour step every active site runs its own
 * events for a time τ with its rates frozen, at most one event: a vacant site is filled (a neighbour's Li hops in,
 * or supply) with probability 1 − exp(−R τ), the neighbour chosen ∝ its hop-in rate; an occupied bottom-face site
 * is stripped with probability 1 − exp(−k_s τ). Time advances by τ per cycle. The error is controlled by ε = τ·R_max
 * (R_max = the largest total rate a site can have): it vanishes as ε → 0 (at most one event per site per step and
 * rates frozen within a step are O(ε) effects); default ε = 0.1. Validated statistically against the exact lattice
 * diffusion equation and the BKL reference in test/engine/strip/strip-gpu.test.ts.
 *
 * One kernel thread per site computes the site's new occupancy: an active site decides its own event; an inactive
 * occupied site recomputes the decision of its (unique) active vacant neighbour, if any, to learn whether its Li was
 * pulled. Both use the same counter-based random number (hash of site, step and seed), so they agree. Scope: ε_vv = 0,
 * no redox channel (both need second-neighbour or face-wide information); supply finite or instant.
 * Numerics: gpu.js computes in float32; the hash runs in Integer helpers (wrapping i32 multiply spelled `*` in the
 * kernel, Math.imul in the twin), uniforms are 24-bit; occupancies are 0/1; the host keeps time in float64.
 */
import { createRng } from '../core/rng.js';
import { InputError } from '../core/errors.js';
import { loadGpuJs, type GpuMode } from '../backends/gpu-kernel.js';
import { recordStripSample, recomputeDerivedState, type StripControl, type StripRun } from './strip-kmc.js';

export interface StripGpuTables {
  n: number;
  z: number;
  nColors: number;
  /** Neighbour per (site, slot), −1 padded. */
  nbr: Float32Array;
  /** Scaled hop-in rate (from the neighbour into the site) per slot, 1/ps. */
  rateIn: Float32Array;
  /** Stripping rate per site at the current mean current, 1/ps (0 off the bottom face). */
  strip: Float32Array;
  /** Finite supply rate per vacant top-face site, 1/ps. */
  supply: Float32Array;
  /** 1 where a top-face site is refilled instantly (`--supply inf`). */
  topInf: Float32Array;
  color: Float32Array;
  /** Largest total rate any site can have, 1/ps. */
  maxRate_perPs: number;
}

/** Build the kernel tables from a run (its lattice, scaled rates and current). */
export function buildStripGpuTables(run: StripRun): StripGpuTables {
  const c = run.config;
  if (c.vvBinding_eV !== 0) throw new InputError(`gpu strip path: expected --vv-binding 0 (the parallel path has no binding), found ${c.vvBinding_eV}`);
  if (c.redoxPatchRates_perPs !== null) throw new InputError('gpu strip path: expected the redox channel off (use the ts backend for il-redox), found it on');
  const lat = run.slab.lattice;
  const P = c.material === 'bcc' ? 4 : 8;
  const [Lx, Ly] = lat.box_grid;
  if (Lx % P !== 0 || Ly % P !== 0) throw new InputError(`gpu strip path: expected --cells x and y to be multiples of ${P / (c.material === 'bcc' ? 2 : 4)} (sublattice colouring), found ${c.cells[0]}×${c.cells[1]}`);
  const n = lat.n_sites;
  const z = lat.maxNeighbours;
  const nbr = new Float32Array(n * z).fill(-1);
  const rateIn = new Float32Array(n * z);
  const strip = new Float32Array(n);
  const supply = new Float32Array(n);
  const topInf = new Float32Array(n);
  const color = new Float32Array(n);
  const colorIds = new Map<number, number>();
  let maxRate = 0;
  for (let i = 0; i < n; i++) {
    const off = lat.nbrOffset[i];
    let sum = 0;
    for (let k = 0; k < lat.nbrOffset[i + 1] - off; k++) {
      nbr[i * z + k] = lat.nbrIndex[off + k];
      rateIn[i * z + k] = run.hopIn_perPs[off + k];
      sum += run.hopIn_perPs[off + k];
    }
    strip[i] = run.stripBase_perPs[i] * run.current_mAPerCm2;
    if (run.slab.isTop[i]) {
      if (c.supplyRate_perPs === null) topInf[i] = 1;
      else supply[i] = c.supplyRate_perPs;
    }
    maxRate = Math.max(maxRate, sum + supply[i], strip[i]);
    const key = ((lat.coord_grid[3 * i] % P) * P + (lat.coord_grid[3 * i + 1] % P)) * P + (lat.coord_grid[3 * i + 2] % P);
    if (!colorIds.has(key)) colorIds.set(key, colorIds.size);
    color[i] = colorIds.get(key)!;
  }
  return { n, z, nColors: colorIds.size, nbr, rateIn, strip, supply, topInf, color, maxRate_perPs: maxRate };
}

// ---- counter-based hash (Integer helpers that gpu.js transpiles) ----
/** Murmur3 finaliser, TS spelling (Math.imul). */
export function mixHashTs(x: number): number {
  let h = x ^ (x >>> 16);
  h = Math.imul(h, (34283 << 16) | 51819); // 0x85EBCA6B
  h = h ^ (h >>> 13);
  h = Math.imul(h, (49842 << 16) | 44597); // 0xC2B2AE35
  return h ^ (h >>> 16);
}
/** Kernel helpers: one Integer expression each (gpu.js types a helper's locals from its return). */
export function hashShift16(x: number): number {
  return x ^ (x >>> 16);
}
export function hashShift13(x: number): number {
  return x ^ (x >>> 13);
}
/** `*` of two Integers is a wrapping i32 multiply in gpu.js (Math.imul would go through float32). */
export function hashMul1(x: number): number {
  return x * ((34283 << 16) | 51819);
}
export function hashMul2(x: number): number {
  return x * ((49842 << 16) | 44597);
}
/** Murmur3 finaliser, kernel spelling. */
export function mixHashKernel(x: number): number {
  return hashShift16(hashMul2(hashShift13(hashMul1(hashShift16(x)))));
}
/** 24 random bits for (site, step, seed), TS spelling. */
export function hash24Ts(site: number, step: number, seed: number): number {
  return mixHashTs(mixHashTs(site ^ seed) ^ step) >>> 8;
}
/** Kernel spelling of hash24Ts. */
export function hash24Kernel(site: number, step: number, seed: number): number {
  return mixHashKernel(mixHashKernel(site ^ seed) ^ step) >>> 8;
}

const f = Math.fround;

/** Total fill rate of a vacant site (hop-ins from occupied neighbours + supply), float32 as in the kernel. */
function fillRateTwin(t: StripGpuTables, occ: Float32Array, v: number): number {
  let R = t.supply[v];
  for (let q = 0; q < t.z; q++) {
    const j = t.nbr[v * t.z + q];
    if (j >= 0 && occ[j] > 0.5) R = f(R + t.rateIn[v * t.z + q]);
  }
  return R;
}

/** TS twin of one colour step: new occupancy (float32 emulated where it decides). */
export function runStripColorStepTwin(t: StripGpuTables, occ: Float32Array, activeColor: number, tau_ps: number, step: number, seed: number): Float32Array {
  const out = new Float32Array(t.n);
  const z = t.z;
  const tau = f(tau_ps);
  for (let i = 0; i < t.n; i++) {
    const o = occ[i];
    if (t.color[i] === activeColor) {
      if (o > 0.5) {
        const R = t.strip[i];
        out[i] = 1;
        if (R > 0) {
          const p = f(1 - f(Math.exp(f(-f(R * tau)))));
          const u = f(hash24Ts(i, step, seed) / 16777216);
          if (u < p && t.topInf[i] < 0.5) out[i] = 0;
        }
      } else {
        const R = fillRateTwin(t, occ, i);
        out[i] = 0;
        if (R > 0) {
          const p = f(1 - f(Math.exp(f(-f(R * tau)))));
          const u = f(hash24Ts(i, step, seed) / 16777216);
          if (u < p) out[i] = 1;
        }
      }
      continue;
    }
    if (o < 0.5) {
      out[i] = 0;
      continue;
    }
    out[i] = 1;
    for (let q = 0; q < z; q++) {
      const v = t.nbr[i * z + q];
      if (v < 0 || t.color[v] !== activeColor || occ[v] > 0.5) continue;
      const R = fillRateTwin(t, occ, v);
      if (!(R > 0)) continue;
      const p = f(1 - f(Math.exp(f(-f(R * tau)))));
      const u = f(hash24Ts(v, step, seed) / 16777216);
      if (!(u < p)) continue;
      let target = f(f(u / p) * R);
      let chosen = -1;
      for (let s = 0; s < z; s++) {
        const j = t.nbr[v * z + s];
        if (j >= 0 && occ[j] > 0.5 && chosen < 0) {
          target = f(target - t.rateIn[v * z + s]);
          if (target < 0) chosen = j;
        }
      }
      if (chosen === i && t.topInf[i] < 0.5) out[i] = 0;
    }
  }
  return out;
}

/** Kernel body: one thread per site. Same logic as the twin, in the gpu.js subset. */
function stripColorKernel(
  this: { thread: { x: number }; constants: { z: number } },
  occ: number[], nbr: number[], rateIn: number[], strip: number[], supply: number[], topInf: number[], color: number[],
  activeColor: number, tau: number, step: number, seed: number,
): number {
  const i = this.thread.x;
  const z = this.constants.z;
  const o = occ[i];
  if (color[i] === activeColor) {
    if (o > 0.5) {
      const R = strip[i];
      if (R > 0.0) {
        const p = 1.0 - Math.exp(-(R * tau));
        const u = hash24Kernel(i, step, seed) / 16777216.0;
        if (u < p && topInf[i] < 0.5) return 0;
      }
      return 1;
    }
    let R = supply[i];
    for (let q = 0; q < z; q++) {
      const j = nbr[i * z + q];
      if (j >= 0.0) {
        if (occ[j] > 0.5) R += rateIn[i * z + q];
      }
    }
    if (R > 0.0) {
      const p = 1.0 - Math.exp(-(R * tau));
      const u = hash24Kernel(i, step, seed) / 16777216.0;
      if (u < p) return 1;
    }
    return 0;
  }
  if (o < 0.5) return 0;
  let result = 1;
  for (let q = 0; q < z; q++) {
    const v = nbr[i * z + q];
    if (v >= 0.0) {
      if (color[v] === activeColor && occ[v] < 0.5) {
        let R = supply[v];
        for (let s = 0; s < z; s++) {
          const j = nbr[v * z + s];
          if (j >= 0.0) {
            if (occ[j] > 0.5) R += rateIn[v * z + s];
          }
        }
        if (R > 0.0) {
          const p = 1.0 - Math.exp(-(R * tau));
          const u = hash24Kernel(v, step, seed) / 16777216.0;
          if (u < p) {
            let target = (u / p) * R;
            let chosen = -1.0;
            for (let s = 0; s < z; s++) {
              const j = nbr[v * z + s];
              if (j >= 0.0) {
                if (occ[j] > 0.5 && chosen < 0.0) {
                  target -= rateIn[v * z + s];
                  if (target < 0.0) chosen = j;
                }
              }
            }
            if (chosen === i && topInf[i] < 0.5) result = 0;
          }
        }
      }
    }
  }
  return result;
}

export interface StripGpuOptions {
  /** Controlled-error parameter ε = τ·R_max (default 0.1). */
  epsilon?: number;
  /** 'twin' runs the TS twin (CPU reference of the kernel), otherwise gpu.js in that mode. */
  mode?: GpuMode | 'twin';
}

/** A parallel run bound to a StripRun's lattice, rates and occupancy (updated in place). */
export interface StripGpuRunner {
  tau_ps: number;
  tables: StripGpuTables;
  mode: GpuMode | 'twin';
  /** Advance `cycles` cycles (all colours once each); returns the occupancy changes and the strips counted. */
  advance(cycles: number): Promise<{ changes: number; filled: number; emptied: number; strips: number }>;
  destroy(): void;
}

/** Create a runner that advances `run.occ` and `run.t_ps` with the synchronous-sublattice algorithm. */
export function createStripGpuRunner(run: StripRun, options: StripGpuOptions = {}): StripGpuRunner {
  const eps = options.epsilon ?? 0.1;
  if (!(eps > 0 && eps <= 1)) throw new InputError(`gpu strip path: expected ε = τ·R_max in (0, 1], found ${eps}`);
  const mode = options.mode ?? 'webasm';
  const tables = buildStripGpuTables(run);
  const tau_ps = eps / tables.maxRate_perPs;
  const hostRng = createRng(`${run.config.seed}/gpu`);
  // seed and step stay below 2^24: kernel arguments pass through float32
  const seed = hostRng.nextUint32() & 0xffffff;
  let step = 0;
  let occ = Float32Array.from(run.occ);
  let gpu: { destroy(): void } | null = null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let kernel: any = null;
  if (mode !== 'twin') {
    const { GPU } = loadGpuJs();
    const g = new GPU({ mode });
    const I = 'Integer';
    for (const fn of [hashShift16, hashShift13, hashMul1, hashMul2, mixHashKernel]) g.addFunction(fn, { argumentTypes: { x: I }, returnType: I });
    g.addFunction(hash24Kernel, { argumentTypes: { site: I, step: I, seed: I }, returnType: I });
    kernel = g.createKernel(stripColorKernel, { output: [tables.n], constants: { z: tables.z }, tactic: 'precision', loopMaxIterations: tables.z + 1 });
    gpu = g;
  }
  const order = Array.from({ length: tables.nColors }, (_, k) => k);
  return {
    tau_ps,
    tables,
    mode,
    async advance(cycles) {
      let changes = 0;
      let filled = 0;
      let emptied = 0;
      let strips = 0;
      const isBottom = run.slab.isBottom;
      for (let c = 0; c < cycles; c++) {
        for (let k = order.length - 1; k > 0; k--) {
          const r = hostRng.nextInt(k + 1);
          const tmp = order[k];
          order[k] = order[r];
          order[r] = tmp;
        }
        for (const color of order) {
          const next: Float32Array = mode === 'twin'
            ? runStripColorStepTwin(tables, occ, color, tau_ps, step, seed)
            : (kernel(occ, tables.nbr, tables.rateIn, tables.strip, tables.supply, tables.topInf, tables.color, color, tau_ps, step, seed) as Float32Array);
          step = (step + 1) & 0xffffff;
          for (let i = 0; i < next.length; i++) {
            if (next[i] !== occ[i]) {
              changes++;
              if (next[i] > 0.5) filled++;
              else {
                emptied++;
                if (isBottom[i] && tables.color[i] === color) strips++;
              }
            }
          }
          occ = Float32Array.from(next);
        }
        run.t_ps += tau_ps;
      }
      for (let i = 0; i < occ.length; i++) run.occ[i] = occ[i] > 0.5 ? 1 : 0;
      run.stripped += strips;
      run.supplied += filled - emptied + strips;
      run.events += Math.max(filled, emptied);
      return { changes, filled, emptied, strips };
    },
    destroy() {
      gpu?.destroy();
    },
  };
}

/**
 * Advance a run with the parallel path until a stop: 'void' (stopAtVoid), 'capacity', 'time', 'wall',
 * 'interrupted', 'events'. Constant-current programs only (the rates are frozen in the tables). Samples as the
 * BKL engine does (same void criterion), at cycle granularity; `events` counts max(filled, emptied) per colour step.
 */
export async function advanceStripRunParallel(run: StripRun, runner: StripGpuRunner, control: StripControl = {}): Promise<string> {
  const cfg = run.config;
  if (cfg.program.length !== 1) throw new InputError('gpu strip path: expected a constant-current program (use the ts backend for --program ccd or --off-after-s), found a multi-step program');
  const t0 = Date.now();
  const stopStripped = cfg.stopStrippedSites ?? Infinity;
  const stopTime = cfg.stopTime_ps ?? Infinity;
  const maxEvents = control.maxEvents ?? Infinity;
  for (;;) {
    if (run.voidEvent !== null && cfg.stopAtVoid) return (run.stopReason = 'void');
    if (run.stripped >= stopStripped) return (run.stopReason = 'capacity');
    if (run.t_ps >= stopTime) return (run.stopReason = 'time');
    if (run.events >= maxEvents) return (run.stopReason = 'events');
    if (control.signal?.aborted) return (run.stopReason = 'interrupted');
    if (control.maxWall_s !== undefined && Date.now() - t0 >= control.maxWall_s * 1000) return (run.stopReason = 'wall');
    const until = Math.min(run.nextSample_ps, stopTime);
    const cycles = Math.max(1, Math.min(64, Math.ceil((until - run.t_ps) / runner.tau_ps)));
    await runner.advance(cycles);
    recomputeDerivedState(run);
    if (run.t_ps >= run.nextSample_ps) {
      recordStripSample(run);
      run.nextSample_ps = run.t_ps + run.sampleInterval_ps;
    }
    if (cfg.stopStrippedSites !== null) control.onProgress?.(Math.min(run.stripped, stopStripped), stopStripped);
  }
}
