/**
 * Generic periodic (or partly periodic) lattice on an integer grid: sites with types and integer coordinates,
 * and a CSR neighbour list whose entries carry the hop vector (grid units) and the hop type.
 *
 * The grid spacing converts grid units to Å. Periodicity is per axis, so the same builder serves bulk cells
 * (periodic in x, y, z) and slabs (periodic in x, y only: hops across the z faces are dropped).
 * Hop types are named by (from site type, to site type); `hopTypeMatrix[from * nTypes + to]` gives the index.
 */
import { InputError } from '../core/errors.js';

/** A lattice with neighbour lists. All arrays are struct-of-arrays, indexed by site or by neighbour entry. */
export interface Lattice {
  /** Short name, e.g. `li3sb`, `sc`, `bcc`, `fcc`. */
  name: string;
  /** Number of sites. */
  n_sites: number;
  /** Site type names, e.g. ['T', 'O'] for Li3Sb. */
  siteTypeNames: string[];
  /** Site type index per site. */
  siteType: Uint8Array;
  /** Integer grid coordinates, 3 per site (x, y, z). */
  coord_grid: Int32Array;
  /** Length of one grid unit, Å. */
  gridSpacing_A: number;
  /** Box edge in grid units per axis. */
  box_grid: [number, number, number];
  /** Periodicity per axis. */
  periodic: [boolean, boolean, boolean];
  /** Cell volume, Å³. */
  volume_A3: number;
  /** Hop type names, e.g. ['TT', 'TO', 'OT']. */
  hopTypeNames: string[];
  /** Hop type index for a hop from site type `a` to site type `b`: `hopTypeMatrix[a * nTypes + b]`, −1 if none. */
  hopTypeMatrix: Int8Array;
  /** CSR offsets into the neighbour arrays, length n_sites + 1. */
  nbrOffset: Int32Array;
  /** Neighbour site index per entry. */
  nbrIndex: Int32Array;
  /** Hop type of a particle moving from the site to this neighbour. */
  nbrHopType: Uint8Array;
  /** Hop vector (neighbour − site, minimum image) in grid units, 3 per entry. */
  nbrVec_grid: Int32Array;
  /** Largest neighbour count of any site. */
  maxNeighbours: number;
}

/** One allowed hop: from site type to site type along a grid vector. */
export interface HopRule {
  fromType: number;
  toType: number;
  vec_grid: [number, number, number];
}

export interface LatticeSpec {
  name: string;
  siteTypeNames: string[];
  hopTypeNames: string[];
  /** Hop type index for (from, to), row-major nTypes × nTypes, −1 where no hop exists. */
  hopTypeMatrix: number[];
  /** Site coordinates (grid units) and types. */
  coords: number[];
  types: number[];
  box_grid: [number, number, number];
  periodic: [boolean, boolean, boolean];
  gridSpacing_A: number;
  rules: HopRule[];
}

/** Build the neighbour lists of a lattice from site coordinates and hop rules. */
export function buildLattice(spec: LatticeSpec): Lattice {
  const n = spec.types.length;
  const [Lx, Ly, Lz] = spec.box_grid;
  const key = (x: number, y: number, z: number): number => (x * Ly + y) * Lz + z;
  const siteAt = new Int32Array(Lx * Ly * Lz).fill(-1);
  for (let i = 0; i < n; i++) siteAt[key(spec.coords[3 * i], spec.coords[3 * i + 1], spec.coords[3 * i + 2])] = i;
  const offsets = new Int32Array(n + 1);
  const idx: number[] = [];
  const hopType: number[] = [];
  const vecs: number[] = [];
  const nTypes = spec.siteTypeNames.length;
  let maxNeighbours = 0;
  for (let i = 0; i < n; i++) {
    const t = spec.types[i];
    let count = 0;
    for (const rule of spec.rules) {
      if (rule.fromType !== t) continue;
      let x = spec.coords[3 * i] + rule.vec_grid[0];
      let y = spec.coords[3 * i + 1] + rule.vec_grid[1];
      let z = spec.coords[3 * i + 2] + rule.vec_grid[2];
      const inside = [x >= 0 && x < Lx, y >= 0 && y < Ly, z >= 0 && z < Lz];
      if ((!inside[0] && !spec.periodic[0]) || (!inside[1] && !spec.periodic[1]) || (!inside[2] && !spec.periodic[2])) continue;
      x = ((x % Lx) + Lx) % Lx;
      y = ((y % Ly) + Ly) % Ly;
      z = ((z % Lz) + Lz) % Lz;
      const j = siteAt[key(x, y, z)];
      if (j < 0 || spec.types[j] !== rule.toType) continue;
      if (j === i) throw new InputError(`lattice ${spec.name}: expected a cell larger than the hop range, found a site that is its own neighbour (increase the cell count)`);
      idx.push(j);
      hopType.push(spec.hopTypeMatrix[t * nTypes + rule.toType]);
      vecs.push(rule.vec_grid[0], rule.vec_grid[1], rule.vec_grid[2]);
      count++;
    }
    offsets[i + 1] = offsets[i] + count;
    if (count > maxNeighbours) maxNeighbours = count;
  }
  // Periodic images: a neighbour reached twice through different images would double count hops.
  for (let i = 0; i < n; i++) {
    for (let a = offsets[i]; a < offsets[i + 1]; a++) {
      for (let b = a + 1; b < offsets[i + 1]; b++) {
        if (idx[a] === idx[b]) {
          throw new InputError(`lattice ${spec.name}: expected a cell larger than twice the hop range, found site ${i} reaching site ${idx[a]} through two periodic images (increase the cell count)`);
        }
      }
    }
  }
  const coord_grid = Int32Array.from(spec.coords);
  const volume_A3 = Lx * Ly * Lz * spec.gridSpacing_A ** 3;
  return {
    name: spec.name,
    n_sites: n,
    siteTypeNames: spec.siteTypeNames,
    siteType: Uint8Array.from(spec.types),
    coord_grid,
    gridSpacing_A: spec.gridSpacing_A,
    box_grid: spec.box_grid,
    periodic: spec.periodic,
    volume_A3,
    hopTypeNames: spec.hopTypeNames,
    hopTypeMatrix: Int8Array.from(spec.hopTypeMatrix),
    nbrOffset: offsets,
    nbrIndex: Int32Array.from(idx),
    nbrHopType: Uint8Array.from(hopType),
    nbrVec_grid: Int32Array.from(vecs),
    maxNeighbours,
  };
}

/** Count the sites of each type. */
export function countSitesByType(lattice: Lattice): number[] {
  const counts = new Array<number>(lattice.siteTypeNames.length).fill(0);
  for (let i = 0; i < lattice.n_sites; i++) counts[lattice.siteType[i]]++;
  return counts;
}

/** All sign/permutation variants of a vector, deduplicated. */
export function expandCubicVectors(base: [number, number, number]): [number, number, number][] {
  const out = new Map<string, [number, number, number]>();
  const perms = [
    [0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0],
  ];
  for (const p of perms) {
    for (let s = 0; s < 8; s++) {
      const v: [number, number, number] = [
        base[p[0]] * (s & 1 ? -1 : 1),
        base[p[1]] * (s & 2 ? -1 : 1),
        base[p[2]] * (s & 4 ? -1 : 1),
      ];
      out.set(v.join(','), v);
    }
  }
  return [...out.values()];
}

/** Validate a cell count option: a positive integer per axis. */
export function checkCells(cells: number | [number, number, number], what = 'cells'): [number, number, number] {
  const c: [number, number, number] = typeof cells === 'number' ? [cells, cells, cells] : cells;
  for (const v of c) {
    if (!Number.isInteger(v) || v < 1) throw new InputError(`${what}: expected a positive integer, found ${v}`);
  }
  return c;
}
