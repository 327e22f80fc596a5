import { describe, expect, it } from 'vitest';
import { chooseFitWindow, computeOverlapSum, fitMsdLine } from '../../analysis/diffusion-fit.js';
import { computeTracerMsd, sumMsdComponents } from '../../analysis/msd.js';
import { createRng, forkRng } from '../../engine/core/rng.js';

const rel = (a: number, b: number) => Math.abs(a / b - 1);

/** Gaussian random walks: nAtoms × nFrames, per-direction step SD sqrt(2·D·dt), D in Å²/ps. */
function makeWalks(seed: number | string, nAtoms: number, nFrames: number, D_A2PerPs: number, dt_ps: number) {
  const rng = createRng(seed);
  const sd = Math.sqrt(2 * D_A2PerPs * dt_ps);
  const positions_A = new Float64Array(nAtoms * nFrames * 3);
  for (let a = 0; a < nAtoms; a++) {
    for (let k = 0; k < 3; k++) {
      let x = 0;
      for (let f = 0; f < nFrames; f++) {
        if (f > 0) x += sd * rng.nextNormal();
        positions_A[(f * nAtoms + a) * 3 + k] = x;
      }
    }
  }
  return { nAtoms, nFrames, positions_A };
}

describe('computeOverlapSum', () => {
  it('equals the brute-force double sum over origins', () => {
    for (const [T, n, m] of [[10, 1, 1], [10, 2, 5], [10, 5, 2], [31, 7, 13], [31, 15, 15], [8, 1, 7], [50, 3, 40]]) {
      let s = 0;
      for (let k = 0; k < T - n; k++) for (let l = 0; l < T - m; l++) {
        const ov = Math.max(0, Math.min(k + n, l + m) - Math.max(k, l));
        s += ov * ov;
      }
      expect(computeOverlapSum(T, n, m)).toBe(s);
    }
  });
});

describe('fitMsdLine', () => {
  it('recovers slope and intercept exactly from a noise-free line', () => {
    const msd = Float64Array.from({ length: 101 }, (_, m) => (m === 0 ? 0 : 0.7 + 0.3 * m * 0.5));
    const fit = fitMsdLine({ msd_A2: msd, dt_ps: 0.5, dims: 3, nParticles: 10, startFrame: 5, endFrame: 50 });
    expect(rel(fit.slope_A2PerPs, 0.3)).toBeLessThan(1e-9);
    expect(rel(fit.intercept_A2, 0.7)).toBeLessThan(1e-9);
    expect(rel(fit.D_cm2PerS, (0.3 / 6) * 1e-4)).toBeLessThan(1e-9);
    expect(fit.fitWindow_ps).toEqual([2.5, 25]);
  });

  it('calibration: 95% intervals cover the true D in 90–98% of 240 independent random-walk data sets', () => {
    // Generated: 240 independent systems (seeds forkRng('calib', i)), each 8 atoms × 150 frames of 3D Gaussian
    // steps with per-direction SD sqrt(2·D·dt), D = 0.05 Å²/ps, dt = 0.1 ps; automatic fit window; tracer MSD.
    // With p = 0.95 the binomial SE over 240 sets is 0.014, so 90–98% is about ±3.5 SE.
    const D = 0.05, dt = 0.1, nSets = 240;
    let covered = 0;
    let sumZ2 = 0;
    for (let s = 0; s < nSets; s++) {
      const seed = forkRng('calib', s).nextUint32();
      const traj = makeWalks(seed, 8, 150, D, dt);
      const msd = computeTracerMsd(traj, [0, 1, 2, 3, 4, 5, 6, 7]);
      const total = sumMsdComponents(msd.msdComponents_A2, [0, 1, 2]);
      const w = chooseFitWindow(total);
      const fit = fitMsdLine({ msd_A2: total, dt_ps: dt, dims: 3, nParticles: 8, startFrame: w.startFrame, endFrame: w.endFrame });
      const trueD = D * 1e-4;
      if (trueD >= fit.D_ci95_cm2PerS[0] && trueD <= fit.D_ci95_cm2PerS[1]) covered++;
      sumZ2 += ((fit.D_cm2PerS - trueD) / (fit.relative_err * trueD)) ** 2;
    }
    const frac = covered / nSets;
    // z = (D̂ − D)/σ(D) is N(0, 1) under a calibrated model: mean z² has SE sqrt(2/240) ≈ 0.091; allow 4 SE.
    expect(Math.abs(sumZ2 / nSets - 1)).toBeLessThan(4 * Math.sqrt(2 / nSets));
    expect(frac).toBeGreaterThanOrEqual(0.9);
    expect(frac).toBeLessThanOrEqual(0.98);
  });

  it('rejects a window that is too short or outside the run', () => {
    const msd = new Float64Array(20).map((_, i) => i);
    expect(() => fitMsdLine({ msd_A2: msd, dt_ps: 1, dims: 3, nParticles: 1, startFrame: 5, endFrame: 6 })).toThrow(
      'diffusion: expected a fit window of at least 3 lags within 1…19 frames (1 … 19 ps), found frames 5…6 (5 … 6 ps)',
    );
    expect(() => fitMsdLine({ msd_A2: msd, dt_ps: 0, dims: 3, nParticles: 1, startFrame: 1, endFrame: 6 })).toThrow(
      'diffusion: expected a positive time between frames in ps, found 0',
    );
    expect(() => chooseFitWindow([0, 1, 2])).toThrow('diffusion: expected at least 4 frames to fit an MSD, found 3');
  });
});

describe('chooseFitWindow', () => {
  it('does not take the ballistic-to-caged crossover for diffusion (α passes through 1 then drops)', () => {
    // MSD = m² (ballistic) up to 10 frames, then a plateau 100 + 0.5·(m − 10) (caged, α ≪ 1) to the end.
    const msd = Float64Array.from({ length: 801 }, (_, m) => (m <= 10 ? m * m : 100 + 0.5 * (m - 10)));
    const w = chooseFitWindow(msd);
    expect(w.fallback).toBe(true);
    expect(w.startFrame).toBeGreaterThanOrEqual(80);
  });

  it('skips a ballistic start: MSD = v²t² up to t0 then linear', () => {
    // crossover at 20 frames: MSD = m² for m ≤ 20, then 400 + 40·(m − 20) (continuous slope)
    const msd = Float64Array.from({ length: 1001 }, (_, m) => (m <= 20 ? m * m : 400 + 40 * (m - 20)));
    const w = chooseFitWindow(msd);
    expect(w.endFrame).toBe(500);
    expect(w.fallback).toBe(false);
    expect(w.startFrame).toBeGreaterThan(20);
    // α over [m, 4m] ≤ 1.2 first happens after the crossover; check the rule directly at the start.
    const alpha = Math.log(msd[4 * w.startFrame] / msd[w.startFrame]) / Math.log(4);
    expect(alpha).toBeLessThanOrEqual(1.2);
  });

  it('falls back (flagged) when no diffusive regime exists (pure ballistic)', () => {
    const msd = Float64Array.from({ length: 101 }, (_, m) => m * m);
    const w = chooseFitWindow(msd);
    expect(w.fallback).toBe(true);
    // α = 2 everywhere: no ballistic end, start = max(4·1, 20% of 50) = 10 frames.
    expect(w.startFrame).toBe(10);
    expect(w.endFrame).toBe(50);
    expect(w.rule).toContain('fallback');
  });
});
