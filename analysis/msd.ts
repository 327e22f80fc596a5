/**
 * Mean squared displacement over all time origins by FFT, accumulated in float64.
 *
 * For one series x(t), t = 0…T−1, the all-origins MSD at lag m is
 *   MSD(m) = 1/(T−m) Σ_{k=0}^{T−1−m} (x(k+m) − x(k))²
 *          = S1(m) − 2·S2(m)/(T−m),
 *   S1(m) = 1/(T−m) Σ_k [x(k)² + x(k+m)²]  (running sums, O(T)),
 *   S2(m) = Σ_k x(k)·x(k+m)  (autocorrelation, by FFT with zero padding to ≥ 2T: O(T log T)).
 * Because MSDs of many series are summed (over atoms of a species, per Cartesian direction), the power spectra
 * are summed in the frequency domain and only one inverse FFT per direction is done at the end. Two real series
 * share one complex transform (x + i·y): |X_k|² + |Y_k|² = (|Z_k|² + |Z_{n−k}|²)/2.
 * Each series is centred on its own time mean first (the MSD is translation invariant) to limit cancellation.
 *
 * Memory: the accumulator holds 3 power spectra of size ≥ 2T plus two scratch buffers; atoms are fed one series
 * at a time, so memory does not grow with the number of atoms (callers can feed atoms in blocks).
 */
import { InputError } from '../engine/core/errors.js';
import type { ProgressCallback } from '../engine/core/progress.js';
import type { Trajectory } from './trajectory.js';
import { createFftPlan, nextPowerOfTwo, transformForwardBitReversed, transformInverseFromBitReversed, type FftPlan } from './fft.js';

/** Accumulates Σ over series of the all-origins MSD, per Cartesian direction. */
export interface MsdAccumulator {
  nFrames: number;
  fftSize: number;
  plan: FftPlan;
  re: Float64Array;
  im: Float64Array;
  /** Summed power spectra per direction. */
  power: [Float64Array, Float64Array, Float64Array];
  /** Σ x(t)² per frame per direction. */
  sumSq: [Float64Array, Float64Array, Float64Array];
  /** A centred series waiting for a partner to share a transform, per direction. */
  pending: [Float64Array, Float64Array, Float64Array];
  hasPending: [boolean, boolean, boolean];
  nSeries: [number, number, number];
}

export interface MsdResult {
  nFrames: number;
  /** Number of series averaged per direction (atoms; 1 for a collective MSD). */
  nAtoms: number;
  /** MSD per direction x, y, z, Å², index = lag in frames (0…nFrames−1), averaged over atoms. */
  msdComponents_A2: [Float64Array, Float64Array, Float64Array];
}

/** A fresh accumulator for series of `nFrames` samples. */
export function createMsdAccumulator(nFrames: number): MsdAccumulator {
  if (!(Number.isInteger(nFrames) && nFrames >= 1)) throw new RangeError(`createMsdAccumulator: bad nFrames ${nFrames}`);
  const fftSize = nextPowerOfTwo(2 * nFrames);
  return {
    nFrames,
    fftSize,
    plan: createFftPlan(fftSize),
    re: new Float64Array(fftSize),
    im: new Float64Array(fftSize),
    power: [new Float64Array(fftSize), new Float64Array(fftSize), new Float64Array(fftSize)],
    sumSq: [new Float64Array(nFrames), new Float64Array(nFrames), new Float64Array(nFrames)],
    pending: [new Float64Array(nFrames), new Float64Array(nFrames), new Float64Array(nFrames)],
    hasPending: [false, false, false],
    nSeries: [0, 0, 0],
  };
}

/**
 * Add one series (length nFrames, read as series[offset + t·stride]) in direction `dim` (0, 1, 2).
 * Kernel: no allocation.
 */
export function addMsdSeries(acc: MsdAccumulator, dim: number, series: ArrayLike<number>, offset = 0, stride = 1): void {
  const T = acc.nFrames;
  let mean = 0;
  for (let t = 0; t < T; t++) mean += series[offset + t * stride];
  mean /= T;
  const sq = acc.sumSq[dim];
  acc.nSeries[dim]++;
  if (!acc.hasPending[dim]) {
    const p = acc.pending[dim];
    for (let t = 0; t < T; t++) {
      const v = series[offset + t * stride] - mean;
      p[t] = v;
      sq[t] += v * v;
    }
    acc.hasPending[dim] = true;
    return;
  }
  const re = acc.re;
  const im = acc.im;
  const p = acc.pending[dim];
  for (let t = 0; t < T; t++) {
    const v = series[offset + t * stride] - mean;
    re[t] = p[t];
    im[t] = v;
    sq[t] += v * v;
  }
  // fftSize ≥ 2T: entries ≥ fftSize/2 are padding the FFT does not read; zero only [T, fftSize/2).
  const pruned = acc.fftSize >= 4;
  const zeroEnd = pruned ? acc.fftSize >> 1 : acc.fftSize;
  re.fill(0, T, zeroEnd);
  im.fill(0, T, zeroEnd);
  acc.hasPending[dim] = false;
  transformForwardBitReversed(acc.plan, re, im, pruned);
  accumulatePairPower(acc.fftSize, acc.plan.mirror, re, im, acc.power[dim]);
}

/**
 * P[p] += (|Z_k|² + |Z_{n−k}|²)/2 = |X_k|² + |Y_k|², with Z, P in bit-reversed order (mirror[p] is the position
 * of Z_{n−k}). Kernel.
 */
function accumulatePairPower(n: number, mirror: Uint32Array, re: Float64Array, im: Float64Array, power: Float64Array): void {
  for (let p = 0; p < n; p++) {
    const j = mirror[p];
    power[p] += 0.5 * (re[p] * re[p] + im[p] * im[p] + re[j] * re[j] + im[j] * im[j]);
  }
}

/**
 * Finish: MSD per direction summed over all series added (not averaged), index = lag in frames.
 * The accumulator can not be used afterwards.
 */
export function finishMsdSums(acc: MsdAccumulator): [Float64Array, Float64Array, Float64Array] {
  const T = acc.nFrames;
  const n = acc.fftSize;
  const out: Float64Array[] = [];
  for (let dim = 0; dim < 3; dim++) {
    const power = acc.power[dim];
    const re = acc.re;
    const im = acc.im;
    if (acc.hasPending[dim]) {
      const p = acc.pending[dim];
      for (let t = 0; t < T; t++) { re[t] = p[t]; im[t] = 0; }
      re.fill(0, T);
      im.fill(0, T);
      transformForwardBitReversed(acc.plan, re, im);
      for (let k = 0; k < n; k++) power[k] += re[k] * re[k] + im[k] * im[k];
      acc.hasPending[dim] = false;
    }
    for (let k = 0; k < n; k++) { re[k] = power[k]; im[k] = 0; }
    transformInverseFromBitReversed(acc.plan, re, im);
    const sq = acc.sumSq[dim];
    const msd = new Float64Array(T);
    let q = 0;
    for (let t = 0; t < T; t++) q += 2 * sq[t];
    for (let m = 0; m < T; m++) {
      if (m > 0) q -= sq[m - 1] + sq[T - m];
      const count = T - m;
      const value = (q - (2 * re[m]) / n) / count;
      msd[m] = m === 0 ? 0 : Math.max(0, value);
    }
    out.push(msd);
  }
  return out as [Float64Array, Float64Array, Float64Array];
}

/**
 * Mean displacement from frame 0 of a set of reference atoms, per frame (Å, index frame·3 + k): the drift
 * that the tracer MSD subtracts. Returns zeros for an empty reference set.
 */
export function computeMeanDisplacement(traj: Pick<Trajectory, 'nAtoms' | 'nFrames' | 'positions_A'>, atoms: readonly number[]): Float64Array {
  const drift = new Float64Array(traj.nFrames * 3);
  if (atoms.length > 0) accumulateMeanDisplacement(traj.nFrames, traj.nAtoms, traj.positions_A, traj.positions_A, atoms, drift);
  return drift;
}

/**
 * Kernel: mean displacement of `atoms` relative to the reference positions `ref0_A` (frame 0, 3·nAtoms values) for
 * each of `nFrames` frames of `positions_A` (frame-major), written to `out` (frame·3 + k). Shared by the in-memory
 * path and the Arrow record-batch path, so both compute the drift in the same order. `atoms` must not be empty.
 */
export function accumulateMeanDisplacement(
  nFrames: number,
  nAtoms: number,
  positions_A: ArrayLike<number>,
  ref0_A: ArrayLike<number>,
  atoms: readonly number[],
  out: Float64Array,
): void {
  for (let f = 0; f < nFrames; f++) {
    let sx = 0, sy = 0, sz = 0;
    const base = f * nAtoms * 3;
    for (let a = 0; a < atoms.length; a++) {
      const i = base + atoms[a] * 3;
      const i0 = atoms[a] * 3;
      sx += positions_A[i] - ref0_A[i0];
      sy += positions_A[i + 1] - ref0_A[i0 + 1];
      sz += positions_A[i + 2] - ref0_A[i0 + 2];
    }
    out[f * 3] = sx / atoms.length;
    out[f * 3 + 1] = sy / atoms.length;
    out[f * 3 + 2] = sz / atoms.length;
  }
}

export interface MsdOptions {
  /** Per-frame drift to subtract (Å, index frame·3 + k), or null. */
  drift_A?: Float64Array | null;
  /** Atoms processed between progress reports (default 64). */
  blockAtoms?: number;
  onProgress?: ProgressCallback;
}

/** Tracer MSD of the given atoms, per direction, averaged over atoms (all origins, FFT). */
export function computeTracerMsd(
  traj: Pick<Trajectory, 'nAtoms' | 'nFrames' | 'positions_A'>,
  atoms: readonly number[],
  options: MsdOptions = {},
): MsdResult {
  if (atoms.length === 0) throw new InputError('msd: expected at least one atom of the selected species, found none');
  const { nAtoms, nFrames, positions_A } = traj;
  const acc = createMsdAccumulator(nFrames);
  const drift = options.drift_A ?? null;
  const block = options.blockAtoms ?? 64;
  const series = new Float64Array(nFrames);
  for (let a = 0; a < atoms.length; a++) {
    const atom = atoms[a];
    for (let k = 0; k < 3; k++) {
      if (drift) {
        for (let f = 0; f < nFrames; f++) series[f] = positions_A[(f * nAtoms + atom) * 3 + k] - drift[f * 3 + k];
        addMsdSeries(acc, k, series);
      } else {
        addMsdSeries(acc, k, positions_A, atom * 3 + k, nAtoms * 3);
      }
    }
    if (options.onProgress && ((a + 1) % block === 0 || a + 1 === atoms.length)) options.onProgress(a + 1, atoms.length);
  }
  const sums = finishMsdSums(acc);
  for (const s of sums) for (let m = 0; m < nFrames; m++) s[m] /= atoms.length;
  return { nFrames, nAtoms: atoms.length, msdComponents_A2: sums };
}

/**
 * Collective (charge) MSD: MSD of Σ_i z_i·(r_i(t) − drift(t)) over the given atoms, per direction
 * (Å²·e², not divided by anything). `charges_e[a]` is the charge of `atoms[a]`.
 */
export function computeCollectiveMsd(
  traj: Pick<Trajectory, 'nAtoms' | 'nFrames' | 'positions_A'>,
  atoms: readonly number[],
  charges_e: ArrayLike<number>,
  options: MsdOptions = {},
): MsdResult {
  if (atoms.length === 0) throw new InputError('msd: expected at least one charged atom for the collective MSD, found none');
  const { nAtoms, nFrames, positions_A } = traj;
  const drift = options.drift_A ?? null;
  const sum = new Float64Array(nFrames * 3);
  let zTotal = 0;
  for (let a = 0; a < atoms.length; a++) zTotal += charges_e[a];
  for (let f = 0; f < nFrames; f++) {
    const base = f * nAtoms * 3;
    for (let a = 0; a < atoms.length; a++) {
      const i = base + atoms[a] * 3;
      const z = charges_e[a];
      sum[f * 3] += z * positions_A[i];
      sum[f * 3 + 1] += z * positions_A[i + 1];
      sum[f * 3 + 2] += z * positions_A[i + 2];
    }
    if (drift) for (let k = 0; k < 3; k++) sum[f * 3 + k] -= zTotal * drift[f * 3 + k];
  }
  const acc = createMsdAccumulator(nFrames);
  for (let k = 0; k < 3; k++) addMsdSeries(acc, k, sum, k, 3);
  return { nFrames, nAtoms: 1, msdComponents_A2: finishMsdSums(acc) };
}

/** All-origins MSD of one atom per direction (Å², index = lag in frames), with an optional drift removed. */
export function computeAtomMsd(
  traj: Pick<Trajectory, 'nAtoms' | 'nFrames' | 'positions_A'>,
  atom: number,
  drift_A: Float64Array | null = null,
): [Float64Array, Float64Array, Float64Array] {
  if (!(Number.isInteger(atom) && atom >= 0 && atom < traj.nAtoms)) {
    throw new InputError(`msd: expected an atom index in 0…${traj.nAtoms - 1}, found ${atom}`);
  }
  return computeTracerMsd(traj, [atom], { drift_A }).msdComponents_A2;
}

/** Sum of the selected direction components (e.g. [0, 1, 2] for xyz, [2] for z). */
export function sumMsdComponents(components: readonly Float64Array[], dims: readonly number[]): Float64Array {
  const out = new Float64Array(components[0].length);
  for (const d of dims) {
    const c = components[d];
    for (let m = 0; m < out.length; m++) out[m] += c[m];
  }
  return out;
}

/** Reference all-origins MSD of one series by the direct O(T²) sum (tests and cross-checks). */
export function computeMsdDirect(series: ArrayLike<number>): Float64Array {
  const T = series.length;
  const out = new Float64Array(T);
  for (let m = 1; m < T; m++) {
    let s = 0;
    for (let k = 0; k + m < T; k++) {
      const d = series[k + m] - series[k];
      s += d * d;
    }
    out[m] = s / (T - m);
  }
  return out;
}
