/**
 * Current at the bottom face: the hot-spot focusing map g(x, y) and the current programs (constant, the paper's
 * CCD staircase). The local current density is j(x, y, t) = j̄(t)·g(x, y), with the mean of g over the
 * bottom-face sites exactly 1, so the total current is j̄ × area whatever M and w are.
 */
import { InputError } from '../core/errors.js';

/**
 * g_i = (1 + (M − 1)·exp(−r_i²/2w²)) / mean, r_i the minimum-image lateral distance of face site i from the
 * hot-spot centre (the box centre). M = 1 gives a uniform current.
 */
export function computeFocusingMap(
  x_A: Float64Array,
  y_A: Float64Array,
  boxX_A: number,
  boxY_A: number,
  focusing_M: number,
  width_A: number,
): Float64Array {
  if (!(focusing_M >= 1) || !Number.isFinite(focusing_M)) throw new InputError(`--focusing-M: expected a focusing factor ≥ 1, found ${focusing_M}`);
  if (!(width_A > 0) || !Number.isFinite(width_A)) throw new InputError(`--width-nm: expected a positive hot-spot width, found ${width_A / 10} nm`);
  const n = x_A.length;
  const g = new Float64Array(n);
  const cx = boxX_A / 2;
  const cy = boxY_A / 2;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const r2 = computeMinImage(x_A[i] - cx, boxX_A) ** 2 + computeMinImage(y_A[i] - cy, boxY_A) ** 2;
    g[i] = 1 + (focusing_M - 1) * Math.exp(-r2 / (2 * width_A * width_A));
    sum += g[i];
  }
  const mean = sum / n;
  for (let i = 0; i < n; i++) g[i] /= mean;
  return g;
}

/** Minimum-image component of a periodic displacement. */
export function computeMinImage(d: number, box: number): number {
  return d - box * Math.round(d / box);
}

/** One step of a current program: mean current density for a duration (Infinity for the last step). */
export interface CurrentStep {
  current_mAPerCm2: number;
  duration_ps: number;
  /** Hop-rate scale during this step (overrides the run's; set by `--hop-rate-scale auto` for CCD steps). */
  hopRateScale?: number;
}

/** The paper's CCD staircase, mA/cm² (physics.md): 0.1→2.0 by 0.1; 2.0→5.0 by 0.2; 5→15 by 0.5; 15→20 by 1; 20→100 by 10. */
export function listCcdCurrents(): number[] {
  const out: number[] = [];
  const push = (from: number, to: number, step: number, skipFirst: boolean) => {
    const n = Math.round((to - from) / step);
    for (let k = skipFirst ? 1 : 0; k <= n; k++) out.push(Number((from + k * step).toFixed(6)));
  };
  push(0.1, 2.0, 0.1, false);
  push(2.0, 5.0, 0.2, true);
  push(5.0, 15.0, 0.5, true);
  push(15.0, 20.0, 1, true);
  push(20.0, 100.0, 10, true);
  return out;
}

/** Capacity per CCD half-cycle, mAh/cm² (paper). */
export const CCD_HALF_CYCLE_mAhPerCm2 = 0.1;

/** mAh/cm² at j mA/cm² lasts 3600·q/j seconds. */
export function computeDurationForCapacity_ps(capacity_mAhPerCm2: number, current_mAPerCm2: number): number {
  return ((3600 * capacity_mAhPerCm2) / current_mAPerCm2) * 1e12;
}

/**
 * The CCD program as steps. A step lasts the paper's 0.1 mAh/cm² or `maxStepCapacity_mAhPerCm2`, whichever is
 * less (the KMC slab reaches its steady state within about one turnover of its Li content, so a cap of a few
 * turnovers gives the same void/no-void answer per step at a tiny fraction of the cost; the cap is reported).
 * Steps start at `startCurrent_mAPerCm2` (the first staircase value ≥ it); the last step has no end.
 */
export function createCcdProgram(maxStepCapacity_mAhPerCm2: number, startCurrent_mAPerCm2 = 0): CurrentStep[] {
  if (!(maxStepCapacity_mAhPerCm2 > 0)) throw new InputError(`CCD step capacity: expected a positive number of mAh/cm², found ${maxStepCapacity_mAhPerCm2}`);
  const q = Math.min(CCD_HALF_CYCLE_mAhPerCm2, maxStepCapacity_mAhPerCm2);
  const currents = listCcdCurrents().filter((j) => j >= startCurrent_mAPerCm2 - 1e-9);
  if (currents.length === 0) throw new InputError(`--ccd-start: expected at most 100 mA/cm² (the staircase's last step), found ${startCurrent_mAPerCm2}`);
  return currents.map((j, k) => ({ current_mAPerCm2: j, duration_ps: k === currents.length - 1 ? Infinity : computeDurationForCapacity_ps(q, j) }));
}

/** Constant current, optionally switched off after `onDuration_ps` (to watch a depleted patch recover). */
export function createConstantProgram(current_mAPerCm2: number, onDuration_ps = Infinity): CurrentStep[] {
  if (!(current_mAPerCm2 >= 0) || !Number.isFinite(current_mAPerCm2)) throw new InputError(`--current: expected a current density ≥ 0 mA/cm², found ${current_mAPerCm2}`);
  if (onDuration_ps === Infinity) return [{ current_mAPerCm2, duration_ps: Infinity }];
  return [
    { current_mAPerCm2, duration_ps: onDuration_ps },
    { current_mAPerCm2: 0, duration_ps: Infinity },
  ];
}
