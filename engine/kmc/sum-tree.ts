/**
 * Sum tree for rejection-free event selection: leaves hold event rates, internal nodes the sums of their
 * children, the root the total rate. Update and search are O(log n); a block of 2^k consecutive leaves aligned
 * to 2^k (all events of one vacancy) is refreshed with one pass over its subtree plus one walk to the root.
 *
 * Layout: an implicit binary heap in a Float64Array of length 2·capacity (capacity a power of two);
 * node 1 is the root, node k has children 2k and 2k+1, leaf i is node capacity + i.
 * Internal nodes are always recomputed from their children (never incremented), so rounding cannot drift.
 */

export interface SumTree {
  capacity: number;
  nodes: Float64Array;
}

/** A tree with room for at least `n` leaves, all zero. */
export function createSumTree(n: number): SumTree {
  let capacity = 1;
  while (capacity < n) capacity *= 2;
  return { capacity, nodes: new Float64Array(2 * capacity) };
}

/** Total of all leaves. */
export function getSumTreeTotal(tree: SumTree): number {
  return tree.nodes[1];
}

/** Read leaf `i`. */
export function getSumTreeLeaf(tree: SumTree, i: number): number {
  return tree.nodes[tree.capacity + i];
}

/** Set leaf `i` to `value` and update its ancestors. */
export function updateSumTree(tree: SumTree, i: number, value: number): void {
  const t = tree.nodes;
  let k = tree.capacity + i;
  t[k] = value;
  k >>= 1;
  while (k >= 1) {
    t[k] = t[2 * k] + t[2 * k + 1];
    k >>= 1;
  }
}

/**
 * After writing leaves [start, start + size) directly into `nodes` (size a power of two, start a multiple of
 * size), recompute the block's subtree and the path to the root.
 */
export function refreshSumTreeBlock(tree: SumTree, start: number, size: number): void {
  const t = tree.nodes;
  let lo = (tree.capacity + start) >> 1;
  let hi = (tree.capacity + start + size - 1) >> 1;
  while (hi > lo) {
    for (let k = lo; k <= hi; k++) t[k] = t[2 * k] + t[2 * k + 1];
    lo >>= 1;
    hi >>= 1;
  }
  let k = lo;
  while (k >= 1) {
    t[k] = t[2 * k] + t[2 * k + 1];
    k >>= 1;
  }
}

/** Recompute every internal node from the leaves (after bulk initialisation). */
export function rebuildSumTree(tree: SumTree): void {
  const t = tree.nodes;
  for (let k = tree.capacity - 1; k >= 1; k--) t[k] = t[2 * k] + t[2 * k + 1];
}

/**
 * The leaf whose cumulative interval contains `target` (0 ≤ target < total): the smallest i with
 * Σ_{l ≤ i} leaf_l > target. Never returns a zero-rate leaf.
 */
export function searchSumTree(tree: SumTree, target: number): number {
  const t = tree.nodes;
  const cap = tree.capacity;
  let k = 1;
  while (k < cap) {
    const left = t[2 * k];
    if (target < left) {
      k = 2 * k;
    } else {
      target -= left;
      k = 2 * k + 1;
    }
  }
  let i = k - cap;
  // Rounding at the right edge can land on an empty leaf: step back to the last non-empty one.
  while (t[cap + i] === 0 && i > 0) i--;
  return i;
}
