import { describe, expect, it } from 'vitest';
import { createRng, forkRng } from '../../../engine/core/rng.js';

describe('rng', () => {
  it('same seed gives the same stream, different seeds differ', () => {
    const a = createRng(42), b = createRng(42), c = createRng(43);
    const sa = Array.from({ length: 8 }, () => a.nextUint32());
    const sb = Array.from({ length: 8 }, () => b.nextUint32());
    const sc = Array.from({ length: 8 }, () => c.nextUint32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('state round-trips through getState/setState', () => {
    const a = createRng('x');
    for (let i = 0; i < 10; i++) a.nextFloat();
    const st = a.getState();
    const next = [a.nextFloat(), a.nextFloat()];
    const b = createRng('other');
    b.setState(st);
    expect([b.nextFloat(), b.nextFloat()]).toEqual(next);
  });

  it('uniform floats in (0,1) with the right mean and variance (4σ)', () => {
    const r = forkRng(7, 3);
    const n = 200_000;
    let s = 0, s2 = 0, min = 1, max = 0;
    for (let i = 0; i < n; i++) {
      const u = r.nextFloat();
      s += u; s2 += u * u;
      if (u < min) min = u;
      if (u > max) max = u;
    }
    const mean = s / n;
    expect(min).toBeGreaterThan(0);
    expect(max).toBeLessThan(1);
    // mean of U(0,1): 1/2 with standard error sqrt(1/12/n)
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    const variance = s2 / n - mean * mean;
    // variance 1/12; standard error of the sample variance ≈ sqrt((1/80 - 1/144)/n)
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(4 * Math.sqrt((1 / 80 - 1 / 144) / n));
  });

  it('normal deviates have mean 0 and variance 1 (4σ)', () => {
    const r = createRng(1);
    const n = 100_000;
    let s = 0, s2 = 0;
    for (let i = 0; i < n; i++) { const z = r.nextNormal(); s += z; s2 += z * z; }
    expect(Math.abs(s / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(s2 / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
  });

  it('nextInt is unbiased over a small range (chi-square, 6 bins)', () => {
    const r = createRng(5);
    const counts = new Array(6).fill(0);
    const n = 60_000;
    for (let i = 0; i < n; i++) counts[r.nextInt(6)]++;
    const chi2 = counts.reduce((acc, c) => acc + (c - n / 6) ** 2 / (n / 6), 0);
    // 5 dof: P(chi2 > 20.5) ≈ 0.001
    expect(chi2).toBeLessThan(20.5);
  });
});
