import { describe, expect, it } from 'vitest';
import { createRng } from '../../../engine/core/rng.js';
import { createSumTree, getSumTreeLeaf, getSumTreeTotal, rebuildSumTree, refreshSumTreeBlock, searchSumTree, updateSumTree } from '../../../engine/kmc/sum-tree.js';

describe('sum tree (property tests against brute force)', () => {
  it('total, search and block refresh agree with a linear scan under random updates', () => {
    const rng = createRng(11);
    const n = 37;
    const tree = createSumTree(n);
    const ref = new Float64Array(n);
    for (let step = 0; step < 2000; step++) {
      const i = rng.nextInt(n);
      const v = rng.nextFloat() < 0.2 ? 0 : rng.nextFloat() * 10;
      updateSumTree(tree, i, v);
      ref[i] = v;
      if (step % 50 === 0) {
        // block write: 4 leaves aligned to 4
        const b = 4 * rng.nextInt(Math.floor(n / 4));
        for (let k = 0; k < 4; k++) {
          const w = rng.nextFloat();
          tree.nodes[tree.capacity + b + k] = w;
          ref[b + k] = w;
        }
        refreshSumTreeBlock(tree, b, 4);
      }
      const total = ref.reduce((s, x) => s + x, 0);
      expect(Math.abs(getSumTreeTotal(tree) - total)).toBeLessThanOrEqual(1e-12 * total);
      const target = rng.nextFloat() * getSumTreeTotal(tree);
      let acc = 0;
      let expected = -1;
      for (let k = 0; k < n; k++) {
        acc += ref[k];
        if (acc > target) {
          expected = k;
          break;
        }
      }
      const got = searchSumTree(tree, target);
      // rounding near an interval edge may pick the neighbour; never an empty leaf
      expect(getSumTreeLeaf(tree, got)).toBeGreaterThan(0);
      if (expected >= 0) expect(Math.abs(got - expected)).toBeLessThanOrEqual(1);
    }
  });
  it('selects leaves with frequencies proportional to their values (χ² within 4σ)', () => {
    const tree = createSumTree(5);
    const w = [1, 2, 3, 4, 0];
    w.forEach((v, i) => (tree.nodes[tree.capacity + i] = v));
    rebuildSumTree(tree);
    const rng = createRng(3);
    const counts = [0, 0, 0, 0, 0];
    const draws = 100000;
    for (let d = 0; d < draws; d++) counts[searchSumTree(tree, rng.nextFloat() * 10)]++;
    expect(counts[4]).toBe(0);
    let chi2 = 0;
    for (let i = 0; i < 4; i++) chi2 += (counts[i] - (draws * w[i]) / 10) ** 2 / ((draws * w[i]) / 10);
    // χ² with 3 degrees of freedom: mean 3, sd √6; 3 + 4√6 ≈ 12.8
    expect(chi2).toBeLessThan(3 + 4 * Math.sqrt(6));
  });
});
