/**
 * Connected vacancy clusters (union–find with path halving and union by size) over the lattice's hop
 * neighbours: the largest cluster, and the largest cluster that touches the bottom or the top face (a void
 * nucleus at an interface), with the lateral centroid of its bottom-face sites.
 */
import type { Lattice } from '../lattice/lattice.js';

export interface VacancyClusterResult {
  /** Number of vacancies. */
  vacancies: number;
  /** Size of the largest connected vacancy cluster, sites. */
  largest_sites: number;
  /** Size of the largest cluster touching the bottom or top face, sites (0 if none). */
  largestFace_sites: number;
  /** Which face that cluster touches: 'bottom', 'top', 'both' or null. */
  largestFace: 'bottom' | 'top' | 'both' | null;
  /** Lateral centroid (grid units, minimum image around its first site) of that cluster's sites. */
  largestFaceCentroid_grid: [number, number] | null;
}

/** Scratch buffers reused between calls (no allocation per analysis). */
export interface ClusterScratch {
  parent: Int32Array;
  size: Int32Array;
  flags: Uint8Array;
}

export function createClusterScratch(n: number): ClusterScratch {
  return { parent: new Int32Array(n), size: new Int32Array(n), flags: new Uint8Array(n) };
}

function findRoot(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

/** Analyse the vacancy clusters of an occupancy (1 = Li, 0 = vacancy). */
export function analyzeVacancyClusters(
  lattice: Lattice,
  occ: Uint8Array,
  isBottom: Uint8Array,
  isTop: Uint8Array,
  scratch: ClusterScratch = createClusterScratch(lattice.n_sites),
): VacancyClusterResult {
  const n = lattice.n_sites;
  const { parent, size, flags } = scratch;
  let vacancies = 0;
  for (let i = 0; i < n; i++) {
    parent[i] = i;
    size[i] = 1;
    flags[i] = 0;
  }
  const off = lattice.nbrOffset;
  const nb = lattice.nbrIndex;
  for (let i = 0; i < n; i++) {
    if (occ[i] !== 0) continue;
    vacancies++;
    for (let e = off[i]; e < off[i + 1]; e++) {
      const j = nb[e];
      if (j < i || occ[j] !== 0) continue;
      let a = findRoot(parent, i);
      let b = findRoot(parent, j);
      if (a === b) continue;
      if (size[a] < size[b]) {
        const t = a;
        a = b;
        b = t;
      }
      parent[b] = a;
      size[a] += size[b];
    }
  }
  let largest = 0;
  for (let i = 0; i < n; i++) {
    if (occ[i] !== 0) continue;
    const r = findRoot(parent, i);
    flags[r] |= (isBottom[i] ? 1 : 0) | (isTop[i] ? 2 : 0);
    if (r === i && size[i] > largest) largest = size[i];
  }
  let faceRoot = -1;
  for (let i = 0; i < n; i++) {
    if (occ[i] !== 0 || parent[i] !== i || flags[i] === 0) continue;
    if (faceRoot < 0 || size[i] > size[faceRoot]) faceRoot = i;
  }
  if (faceRoot < 0) return { vacancies, largest_sites: largest, largestFace_sites: 0, largestFace: null, largestFaceCentroid_grid: null };
  const [Lx, Ly] = lattice.box_grid;
  let sx = 0;
  let sy = 0;
  let cnt = 0;
  let x0 = NaN;
  let y0 = NaN;
  for (let i = 0; i < n; i++) {
    if (occ[i] !== 0 || findRoot(parent, i) !== faceRoot) continue;
    const x = lattice.coord_grid[3 * i];
    const y = lattice.coord_grid[3 * i + 1];
    if (cnt === 0) {
      x0 = x;
      y0 = y;
    }
    sx += x - Lx * Math.round((x - x0) / Lx);
    sy += y - Ly * Math.round((y - y0) / Ly);
    cnt++;
  }
  const cx = (((sx / cnt) % Lx) + Lx) % Lx;
  const cy = (((sy / cnt) % Ly) + Ly) % Ly;
  const f = flags[faceRoot];
  return {
    vacancies,
    largest_sites: largest,
    largestFace_sites: size[faceRoot],
    largestFace: f === 3 ? 'both' : f === 1 ? 'bottom' : 'top',
    largestFaceCentroid_grid: [cx, cy],
  };
}
