import { describe, expect, it } from 'vitest';
import { computeDftDirect, createFftPlan, nextPowerOfTwo, transformComplex, transformForwardBitReversed } from '../../analysis/fft.js';
import { createRng } from '../../engine/core/rng.js';

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

describe('transformComplex', () => {
  for (const n of [1, 2, 4, 8, 16, 32, 64, 256, 512]) {
    it(`matches the direct DFT for n = ${n} (random complex data, seed 11)`, () => {
      const rng = createRng(11 + n);
      const re = new Float64Array(n).map(() => rng.nextNormal());
      const im = new Float64Array(n).map(() => rng.nextNormal());
      const ref = computeDftDirect(re, im);
      const plan = createFftPlan(n);
      const r = re.slice();
      const i = im.slice();
      transformComplex(plan, r, i);
      const scale = maxAbs(ref.re) + maxAbs(ref.im);
      for (let k = 0; k < n; k++) {
        expect(Math.abs(r[k] - ref.re[k])).toBeLessThan(1e-12 * scale);
        expect(Math.abs(i[k] - ref.im[k])).toBeLessThan(1e-12 * scale);
      }
      // Inverse (unnormalised) brings back n·x.
      transformComplex(plan, r, i, true);
      for (let k = 0; k < n; k++) {
        expect(Math.abs(r[k] / n - re[k])).toBeLessThan(1e-12 * (1 + Math.abs(re[k])) * Math.log2(2 * n));
        expect(Math.abs(i[k] / n - im[k])).toBeLessThan(1e-12 * (1 + Math.abs(im[k])) * Math.log2(2 * n));
      }
    });
  }

  it('forward transform with upperHalfZero ignores whatever lies in the upper half (zero padding not read)', () => {
    for (const n of [4, 8, 32, 1024]) {
      const rng = createRng(n);
      const re = new Float64Array(n);
      const im = new Float64Array(n);
      for (let i = 0; i < n / 2; i++) { re[i] = rng.nextNormal(); im[i] = rng.nextNormal(); }
      const ref = computeDftDirect(re, im);
      const plan = createFftPlan(n);
      for (let i = n / 2; i < n; i++) { re[i] = 1e6; im[i] = -1e6; } // garbage that must be ignored
      transformForwardBitReversed(plan, re, im, true);
      const scale = maxAbs(ref.re) + maxAbs(ref.im);
      for (let p = 0; p < n; p++) {
        expect(Math.abs(re[p] - ref.re[plan.rev[p]])).toBeLessThan(1e-12 * scale);
        expect(Math.abs(im[p] - ref.im[plan.rev[p]])).toBeLessThan(1e-12 * scale);
      }
    }
  });

  it('Parseval: Σ|x|² = Σ|X|²/n for n = 2^14', () => {
    const n = 1 << 14;
    const rng = createRng(3);
    const re = new Float64Array(n).map(() => rng.nextNormal());
    const im = new Float64Array(n);
    let e = 0;
    for (const v of re) e += v * v;
    transformComplex(createFftPlan(n), re, im);
    let E = 0;
    for (let k = 0; k < n; k++) E += re[k] * re[k] + im[k] * im[k];
    expect(Math.abs(E / n / e - 1)).toBeLessThan(1e-12);
  });

  it('nextPowerOfTwo and plan size validation', () => {
    expect(nextPowerOfTwo(1)).toBe(1);
    expect(nextPowerOfTwo(5)).toBe(8);
    expect(nextPowerOfTwo(1024)).toBe(1024);
    expect(() => createFftPlan(12)).toThrow('createFftPlan: size must be a power of two, got 12');
  });
});
