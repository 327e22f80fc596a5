/** Unwrapping (analytic walkers across boundaries, NpT cells) and the fast number scanner (property vs Number()). */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../engine/core/rng.js';
import { parseToken, scanNumbers } from '../../../analysis/ingest/number-scan.js';
import { Unwrapper, convertFractionalToCartesian, invertCell, unwrapFractional } from '../../../analysis/ingest/unwrap.js';

describe('Unwrapper', () => {
  it('a walker moving +0.3 of the cell per frame through the periodic boundary is unwrapped exactly', () => {
    const nFrames = 10;
    const frac = new Float64Array(nFrames * 3);
    const cells = new Float64Array(nFrames * 9);
    for (let t = 0; t < nFrames; t++) {
      const x = 0.1 + 0.3 * t;
      frac[3 * t] = x - Math.floor(x); // wrapped into [0, 1)
      frac[3 * t + 1] = 0.5;
      frac[3 * t + 2] = 0.5;
      cells.set([10, 0, 0, 0, 10, 0, 0, 0, 10], 9 * t);
    }
    const pos = unwrapFractional(1, nFrames, frac, cells);
    for (let t = 0; t < nFrames; t++) expect(Math.abs(pos[3 * t] - 10 * (0.1 + 0.3 * t))).toBeLessThan(1e-12);
  });

  it('NpT: (f + n)·h with each frame\'s own triclinic cell', () => {
    const u = new Unwrapper(1);
    const out = new Float64Array(3);
    const h0 = [10, 0, 0, 1, 10, 0, 0.5, 0.5, 10];
    const h1 = [11, 0, 0, 1.1, 11, 0, 0.55, 0.55, 11];
    u.push([0.95, 0.5, 0.5], 'fractional', true, h0, out);
    u.push([0.05, 0.5, 0.5], 'fractional', true, h1, out); // crossed +x
    const f = [1.05, 0.5, 0.5];
    const expected = [0, 1, 2].map((k) => f[0] * h1[k] + f[1] * h1[3 + k] + f[2] * h1[6 + k]);
    out.forEach((x, k) => expect(Math.abs(x - expected[k])).toBeLessThan(1e-12));
    expect(u.maxJumpFraction).toBeCloseTo(0.1, 12);
  });

  it('Cartesian wrapped input is converted with the inverse cell; continuous input passes through but is measured', () => {
    const u = new Unwrapper(1);
    const out = new Float64Array(3);
    const h = [4, 0, 0, 0, 4, 0, 0, 0, 4];
    u.push([3.9, 1, 1], 'cartesian', true, h, out);
    u.push([0.1, 1, 1], 'cartesian', true, h, out);
    expect(out[0]).toBeCloseTo(4.1, 12);
    const c = new Unwrapper(1);
    c.push([3.9, 1, 1], 'cartesian', false, h, out);
    c.push([6.3, 1, 1], 'cartesian', false, h, out);
    expect(out[0]).toBe(6.3);
    expect(c.maxJumpFraction).toBeCloseTo(0.4, 12);
  });

  it('flags a frame-to-frame step near half a cell (ambiguous) and rejects a singular cell', () => {
    const u = new Unwrapper(2);
    const out = new Float64Array(6);
    const h = [5, 0, 0, 0, 5, 0, 0, 0, 5];
    u.push([0.1, 0.1, 0.1, 0.5, 0.5, 0.5], 'fractional', true, h, out);
    u.push([0.1, 0.1, 0.1, 0.5, 0.95, 0.5], 'fractional', true, h, out);
    expect(u.maxJumpFraction).toBeCloseTo(0.45, 12);
    expect(u.maxJumpAtom).toBe(1);
    expect(u.maxJumpFrame).toBe(1);
    expect(() => u.push([0, 0, 0, 0, 0, 0], 'fractional', true, [1, 0, 0, 2, 0, 0, 0, 0, 1], out)).toThrow(
      'frame 2: expected a cell with non-zero volume, found volume 0 Å³',
    );
  });

  it('property: random walks in a fluctuating triclinic cell are recovered exactly after wrapping (seed 5, 20 atoms × 200 frames)', () => {
    const rng = createRng(5);
    const nA = 20, nF = 200;
    const trueFrac = new Float64Array(nF * nA * 3);
    const frac = new Float64Array(nF * nA * 3);
    const cells = new Float64Array(nF * 9);
    for (let i = 0; i < 3 * nA; i++) trueFrac[i] = rng.nextFloat();
    for (let t = 0; t < nF; t++) {
      if (t > 0) for (let i = 0; i < 3 * nA; i++) trueFrac[t * 3 * nA + i] = trueFrac[(t - 1) * 3 * nA + i] + 0.4 * (rng.nextFloat() - 0.5);
      for (let i = 0; i < 3 * nA; i++) {
        const x = trueFrac[t * 3 * nA + i];
        frac[t * 3 * nA + i] = x - Math.floor(x);
      }
      const s = 1 + 0.05 * Math.sin(t / 7);
      cells.set([10 * s, 0, 0, 1.5 * s, 9 * s, 0, -0.7 * s, 0.4 * s, 11 * s], 9 * t);
    }
    const pos = unwrapFractional(nA, nF, frac, cells);
    const expected = new Float64Array(3 * nA);
    for (let t = 0; t < nF; t++) {
      convertFractionalToCartesian(nA, trueFrac.subarray(t * 3 * nA), cells.subarray(9 * t), expected);
      for (let i = 0; i < 3 * nA; i++) expect(Math.abs(pos[t * 3 * nA + i] - expected[i])).toBeLessThan(1e-9);
    }
  });

  it('invertCell gives the inverse (property: h·h⁻¹ = I for random cells, seed 7)', () => {
    const rng = createRng(7);
    const inv = new Float64Array(9);
    for (let trial = 0; trial < 50; trial++) {
      const h = Array.from({ length: 9 }, (_, i) => (i % 4 === 0 ? 5 + 10 * rng.nextFloat() : rng.nextFloat() - 0.5));
      invertCell(h, inv);
      for (let r = 0; r < 3; r++)
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (let k = 0; k < 3; k++) s += h[3 * r + k] * inv[3 * k + c];
          expect(Math.abs(s - (r === c ? 1 : 0))).toBeLessThan(1e-12);
        }
    }
  });
});

describe('number scanning', () => {
  it('parseToken equals Number() bit for bit on random decimals and exponents (seed 11, 20000 cases)', () => {
    const rng = createRng(11);
    for (let i = 0; i < 20000; i++) {
      const digits = 1 + Math.floor(rng.nextFloat() * 17);
      const v = (rng.nextFloat() - 0.5) * 10 ** Math.floor(rng.nextFloat() * 8 - 3);
      const forms = [v.toFixed(Math.min(digits, 20)), v.toExponential(Math.min(digits, 20)), v.toPrecision(digits), String(v)];
      for (const s of forms) expect(parseToken(s, 0, s.length)).toBe(Number(s));
    }
    expect(parseToken('1.5D-3', 0, 6)).toBe(1.5e-3); // Fortran exponent
  });

  it('scanNumbers: whitespace and tabs, trailing labels, missing and bad tokens', () => {
    const out = new Float64Array(3);
    expect(scanNumbers('\t 0.25  -1.5e2\t3 Li', out, 0, 3)).toBe(16);
    expect(Array.from(out)).toEqual([0.25, -150, 3]);
    expect(scanNumbers('0.1 0.2', out, 0, 3)).toBe(-1);
    expect(scanNumbers('0.1 abc 0.3', out, 0, 3)).toBe(-1);
    expect(scanNumbers('0.1 0.2 nan', out, 0, 3)).toBe(-1);
    expect(scanNumbers('0.1 0.2 1e999', out, 0, 3)).toBe(-1);
    expect(scanNumbers('0.1 0.2 0.3x', out, 0, 3)).toBe(-1);
    expect(scanNumbers('- 0.2 0.3', out, 0, 3)).toBe(-1);
  });
});
