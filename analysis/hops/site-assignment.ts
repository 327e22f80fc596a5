/**
 * Site assignment: which crystallographic site each mobile atom occupies in each frame.
 *
 * Reference sites come from the built-in Fm-3m Li3Sb Li sublattice (8c tetrahedral T, 4b octahedral O; the engine's
 * `createLi3SbLattice`, so hop types and neighbour lists are exactly the ones `liflux kmc` uses) or from a POSCAR
 * whose atoms of the mobile species are the sites, labelled with `--site-labels`. The reference cell is replicated
 * n₁×n₂×n₃ to the trajectory's cell, n_i = round(|trajectory edge i| / |reference edge i|); every frame must
 * have |edge i| within `cellTolerance` (relative) of n_i·|reference edge i| (else: wrong lattice constant).
 *
 * Matching: each frame's positions are converted to fractional coordinates with the frame's own cell (NpT is
 * fine), wrapped, and matched to the nearest site by minimum-image distance measured in that cell.
 *
 * Residence / transition-state rule ("last visited site" with a core radius): an atom starts on its nearest site
 * in frame 0 and changes site only when it has stayed within r_core of one new site for N consecutive frames
 * (N = `minResidenceFrames`); the change is then dated back to the first of those frames. Frames outside every
 * core (in transit) keep the previous site. Vibrations never leave the core, and a crossing that returns before N
 * frames (an immediate recrossing of the transition state) is not a hop.
 *
 * Failures (InputError): the mobile species missing, more atoms than sites, species the structure does not know,
 * a cell that is not n·a, framework atoms off their reference sites, more than `maxFarFraction` of positions
 * farther than r_far from every site, or most positions outside every core (wrong structure or origin).
 */
import { InputError } from '../../engine/core/errors.js';
import { createLi3SbLattice, LI3SB_LATTICE_CONSTANT_A } from '../../engine/lattice/li3sb.js';
import type { Trajectory } from '../trajectory.js';
import { invertMatrix3, type PoscarStructure } from './poscar.js';

/** Reference sites replicated to a trajectory's supercell, with the hop neighbour list. */
export interface ReferenceSites {
  /** 'li3sb' for the built-in structure, else the POSCAR's name. */
  name: string;
  /** Species that occupies the sites (e.g. 'Li'). */
  species: string;
  n_sites: number;
  /** Fractional coordinates in the supercell, 3 per site, in [0, 1). */
  frac: Float64Array;
  siteType: Uint8Array;
  siteTypeNames: string[];
  hopTypeNames: string[];
  /** Hop type for (from type, to type): hopTypeMatrix[from * nTypes + to], −1 when those types are not neighbours. */
  hopTypeMatrix: Int8Array;
  /** CSR neighbour list (sites one hop apart). */
  nbrOffset: Int32Array;
  nbrIndex: Int32Array;
  /** Ideal supercell rows a, b, c, Å. */
  cell_A: Float64Array;
  /** Replication of the reference cell. */
  multiples: [number, number, number];
  /** Lattice constant of the cubic reference, Å (null for a POSCAR). */
  lattice_constant_A: number | null;
  /** Framework atoms used to check the structure's origin (e.g. Sb at 4a), fractional in the supercell. */
  framework: { species: string; frac: Float64Array } | null;
  /** Shortest distance between two sites in the ideal supercell, Å. */
  minSiteDistance_A: number;
}

/** What the user named as the reference structure. */
export type StructureSpec =
  | { kind: 'li3sb'; a_A?: number; species?: string; frameworkSpecies?: string }
  | { kind: 'poscar'; structure: PoscarStructure; source: string; species: string; siteLabels: string[]; hopCutoff_A?: number };

export interface SiteAssignmentOptions {
  /** Core radius of a site, Å (default 1.0). */
  rCore_A?: number;
  /** Consecutive frames inside a new site's core before the atom counts as moved (default 2). */
  minResidenceFrames?: number;
  /** Distance beyond which a position matches no site, Å (default 2.0). */
  rFar_A?: number;
  /** Largest tolerated fraction of positions beyond r_far (default 0.01). */
  maxFarFraction?: number;
  /** Relative tolerance of the cell edges against n·a (default 0.03). */
  cellTolerance?: number;
}

export interface SiteAssignmentResult {
  ref: ReferenceSites;
  /** Trajectory atom index of each mobile atom. */
  atoms: number[];
  nFrames: number;
  /** Site of each mobile atom per frame after the residence rule (frame-major: f·nAtoms + i). */
  site: Int32Array;
  /** Fraction of (atom, frame) positions outside every site's core. */
  unassigned_fraction: number;
  /** Fraction of positions farther than r_far from every site. */
  far_fraction: number;
  mean_nearest_distance_A: number;
  max_nearest_distance_A: number;
  /** Frames in which two atoms were assigned the same site. */
  double_occupancy_frames: number;
  rCore_A: number;
  minResidenceFrames: number;
  rFar_A: number;
  warnings: string[];
}

/** Parse `T*64,O*32` (or `T:64,O:32`, or one label per site `T,T,…,O`) into one label per site. */
export function parseSiteLabels(text: string, nSites: number, source = '--site-labels'): string[] {
  const out: string[] = [];
  for (const part of text.split(',').map((s) => s.trim()).filter((s) => s.length > 0)) {
    const m = /^([A-Za-z][A-Za-z0-9]*)(?:\s*[*:x]\s*(\d+))?$/.exec(part);
    if (!m) throw new InputError(`${source}: expected LABEL or LABEL*count entries separated by commas (e.g. T*64,O*32), found ${JSON.stringify(part)}`);
    const n = m[2] === undefined ? 1 : Number(m[2]);
    for (let k = 0; k < n; k++) out.push(m[1]);
  }
  if (out.length !== nSites) throw new InputError(`${source}: expected ${nSites} labels (one per site of the mobile species in the structure), found ${out.length}`);
  return out;
}

function rowLength(c: ArrayLike<number>, r: number, off = 0): number {
  return Math.hypot(c[off + 3 * r], c[off + 3 * r + 1], c[off + 3 * r + 2]);
}

/** Minimum-image distance between two fractional points in a cell, Å. */
function fracDistance(fa: ArrayLike<number>, ia: number, fb: ArrayLike<number>, ib: number, cell: ArrayLike<number>, coff = 0): number {
  let dx = fa[ia] - fb[ib];
  let dy = fa[ia + 1] - fb[ib + 1];
  let dz = fa[ia + 2] - fb[ib + 2];
  dx -= Math.round(dx);
  dy -= Math.round(dy);
  dz -= Math.round(dz);
  const x = dx * cell[coff] + dy * cell[coff + 3] + dz * cell[coff + 6];
  const y = dx * cell[coff + 1] + dy * cell[coff + 4] + dz * cell[coff + 7];
  const z = dx * cell[coff + 2] + dy * cell[coff + 5] + dz * cell[coff + 8];
  return Math.sqrt(x * x + y * y + z * z);
}

/** Replication of `unitCell` that matches the trajectory's cells; throws when any frame is not n·a. */
export function matchCellMultiples(traj: Trajectory, unitCell: ArrayLike<number>, tolerance: number, what: string, file?: string): [number, number, number] {
  const m: [number, number, number] = [0, 0, 0];
  const axes = ['a', 'b', 'c'];
  for (let r = 0; r < 3; r++) {
    const a = rowLength(unitCell, r);
    const L0 = rowLength(traj.cells_A, r, 0);
    m[r] = Math.max(1, Math.round(L0 / a));
  }
  for (let f = 0; f < traj.nFrames; f++) {
    for (let r = 0; r < 3; r++) {
      const a = rowLength(unitCell, r);
      const L = rowLength(traj.cells_A, r, 9 * f);
      if (Math.abs(L - m[r] * a) > tolerance * m[r] * a) {
        throw new InputError(
          `expected cell edge ${axes[r]} ≈ n·a = ${m[r]}·${a.toFixed(4)} Å = ${(m[r] * a).toFixed(4)} Å (${what}, tolerance ${(100 * tolerance).toFixed(1)}%), found ${L.toFixed(4)} Å = ${(L / a).toFixed(3)}·a (wrong lattice constant or structure?)`,
          { file, frame: f },
        );
      }
    }
  }
  return m;
}

function buildLi3SbSites(multiples: [number, number, number], a_A: number, species: string, frameworkSpecies: string): ReferenceSites {
  const lat = createLi3SbLattice({ cells: multiples, a_A });
  const [Lx, Ly, Lz] = lat.box_grid;
  const frac = new Float64Array(3 * lat.n_sites);
  for (let i = 0; i < lat.n_sites; i++) {
    frac[3 * i] = lat.coord_grid[3 * i] / Lx;
    frac[3 * i + 1] = lat.coord_grid[3 * i + 1] / Ly;
    frac[3 * i + 2] = lat.coord_grid[3 * i + 2] / Lz;
  }
  const fw: number[] = [];
  for (let x = 0; x < Lx; x += 2) for (let y = 0; y < Ly; y += 2) for (let z = 0; z < Lz; z += 2) if ((x + y + z) % 4 === 0) fw.push(x / Lx, y / Ly, z / Lz);
  const cell = Float64Array.of(Lx * lat.gridSpacing_A, 0, 0, 0, Ly * lat.gridSpacing_A, 0, 0, 0, Lz * lat.gridSpacing_A);
  return {
    name: 'li3sb',
    species,
    n_sites: lat.n_sites,
    frac,
    siteType: lat.siteType,
    siteTypeNames: lat.siteTypeNames,
    hopTypeNames: lat.hopTypeNames,
    hopTypeMatrix: lat.hopTypeMatrix,
    nbrOffset: lat.nbrOffset,
    nbrIndex: lat.nbrIndex,
    cell_A: cell,
    multiples,
    lattice_constant_A: a_A,
    framework: { species: frameworkSpecies, frac: Float64Array.from(fw) },
    minSiteDistance_A: (a_A * Math.sqrt(3)) / 4,
  };
}

function buildPoscarSites(spec: Extract<StructureSpec, { kind: 'poscar' }>, multiples: [number, number, number]): ReferenceSites {
  const p = spec.structure;
  const idx: number[] = [];
  p.species.forEach((s, i) => {
    if (s === spec.species) idx.push(i);
  });
  if (idx.length === 0) throw new InputError(`expected sites of species ${spec.species} in the structure, found only ${[...new Set(p.species)].join(', ')}`, { file: spec.source });
  if (spec.siteLabels.length !== idx.length) throw new InputError(`--site-labels: expected ${idx.length} labels (the ${spec.species} sites of the structure), found ${spec.siteLabels.length}`, { file: spec.source });
  const typeNames = [...new Set(spec.siteLabels)];
  const [m0, m1, m2] = multiples;
  const nUnit = idx.length;
  const n = nUnit * m0 * m1 * m2;
  const frac = new Float64Array(3 * n);
  const types = new Uint8Array(n);
  let s = 0;
  const fwSpecies = [...new Set(p.species.filter((x) => x !== spec.species))];
  const fw: number[] = [];
  for (let i = 0; i < m0; i++) {
    for (let j = 0; j < m1; j++) {
      for (let k = 0; k < m2; k++) {
        idx.forEach((a, q) => {
          frac[3 * s] = (p.frac[3 * a] + i) / m0;
          frac[3 * s + 1] = (p.frac[3 * a + 1] + j) / m1;
          frac[3 * s + 2] = (p.frac[3 * a + 2] + k) / m2;
          types[s] = typeNames.indexOf(spec.siteLabels[q]);
          s++;
        });
        if (fwSpecies.length === 1) {
          p.species.forEach((sp, a) => {
            if (sp === fwSpecies[0]) fw.push((p.frac[3 * a] + i) / m0, (p.frac[3 * a + 1] + j) / m1, (p.frac[3 * a + 2] + k) / m2);
          });
        }
      }
    }
  }
  const cell = new Float64Array(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) cell[3 * r + c] = p.cell_A[3 * r + c] * multiples[r];
  // Neighbours: pairs within the hop cutoff (default 1.2 × the shortest site–site distance).
  let dmin = Infinity;
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) dmin = Math.min(dmin, fracDistance(frac, 3 * a, frac, 3 * b, cell));
  if (!(dmin > 0.1)) throw new InputError(`expected distinct ${spec.species} sites, found two closer than 0.1 Å`, { file: spec.source });
  const cutoff = spec.hopCutoff_A ?? 1.2 * dmin;
  const nT = typeNames.length;
  const hopTypeMatrix = new Int8Array(nT * nT).fill(-1);
  const lists: number[][] = Array.from({ length: n }, () => []);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      if (a !== b && fracDistance(frac, 3 * a, frac, 3 * b, cell) <= cutoff) lists[a].push(b);
    }
  }
  const hopTypeNames: string[] = [];
  for (let ta = 0; ta < nT; ta++) {
    for (let tb = 0; tb < nT; tb++) {
      const used = lists.some((l, a) => types[a] === ta && l.some((b) => types[b] === tb));
      if (used) {
        hopTypeMatrix[ta * nT + tb] = hopTypeNames.length;
        hopTypeNames.push(typeNames[ta] + typeNames[tb]);
      }
    }
  }
  const nbrOffset = new Int32Array(n + 1);
  lists.forEach((l, a) => (nbrOffset[a + 1] = nbrOffset[a] + l.length));
  return {
    name: spec.source,
    species: spec.species,
    n_sites: n,
    frac,
    siteType: types,
    siteTypeNames: typeNames,
    hopTypeNames,
    hopTypeMatrix,
    nbrOffset,
    nbrIndex: Int32Array.from(lists.flat()),
    cell_A: cell,
    multiples,
    lattice_constant_A: null,
    framework: fwSpecies.length === 1 && fw.length > 0 ? { species: fwSpecies[0], frac: Float64Array.from(fw) } : null,
    minSiteDistance_A: dmin,
  };
}

/** Check the trajectory's species and cells against the structure and build the supercell's reference sites. */
export function matchReferenceSites(traj: Trajectory, spec: StructureSpec, cellTolerance = 0.03, file?: string): { ref: ReferenceSites; atoms: number[] } {
  const species = spec.kind === 'li3sb' ? spec.species ?? 'Li' : spec.species;
  const present = [...new Set(traj.species)];
  const known = spec.kind === 'li3sb' ? [species, spec.frameworkSpecies ?? 'Sb'] : [...new Set(spec.structure.species)];
  const structName = spec.kind === 'li3sb' ? 'li3sb' : spec.source;
  if (!present.includes(species)) {
    throw new InputError(`expected species ${species} (the sites of structure ${structName}) in the trajectory, found ${present.join(', ') || 'no atoms'} (missing species)`, { file });
  }
  const unknown = present.filter((s) => !known.includes(s));
  if (unknown.length > 0) {
    throw new InputError(`expected only the species of structure ${structName} (${known.join(', ')}), found also ${unknown.join(', ')}`, { file });
  }
  let ref: ReferenceSites;
  if (spec.kind === 'li3sb') {
    const a = spec.a_A ?? LI3SB_LATTICE_CONSTANT_A;
    if (!(a > 0) || !Number.isFinite(a)) throw new InputError(`--a: expected a positive lattice constant in Å, found ${a}`);
    const m = matchCellMultiples(traj, [a, 0, 0, 0, a, 0, 0, 0, a], cellTolerance, `li3sb, a = ${a} Å`, file);
    ref = buildLi3SbSites(m, a, species, spec.frameworkSpecies ?? 'Sb');
  } else {
    const m = matchCellMultiples(traj, spec.structure.cell_A, cellTolerance, `structure ${spec.source}`, file);
    ref = buildPoscarSites(spec, m);
  }
  const atoms: number[] = [];
  traj.species.forEach((s, i) => {
    if (s === species) atoms.push(i);
  });
  if (atoms.length > ref.n_sites) {
    throw new InputError(`expected at most ${ref.n_sites} ${species} (the sites of ${structName} ×${ref.multiples.join('×')}), found ${atoms.length}`, { file });
  }
  return { ref, atoms };
}

/**
 * Nearest site of every listed atom in every frame: fills `nearest` and `dist_A` (frame-major). The previous
 * frame's nearest site is tried first: closer than 0.45 × the shortest site distance it is the nearest for sure
 * (triangle inequality, allowing 10% strain); otherwise all sites are scanned.
 */
export function findNearestSites(traj: Trajectory, atoms: number[], frac: Float64Array, minSiteDistance_A: number, nearest: Int32Array, dist_A: Float32Array): void {
  const nA = atoms.length;
  const nS = frac.length / 3;
  const inv = new Float64Array(9);
  const fa = new Float64Array(3);
  const prev = new Int32Array(nA).fill(-1);
  const quick = 0.45 * minSiteDistance_A;
  for (let f = 0; f < traj.nFrames; f++) {
    const co = 9 * f;
    invertMatrix3(traj.cells_A.subarray(co, co + 9), inv);
    const cell = traj.cells_A;
    for (let i = 0; i < nA; i++) {
      const p = (f * traj.nAtoms + atoms[i]) * 3;
      const x = traj.positions_A[p];
      const y = traj.positions_A[p + 1];
      const z = traj.positions_A[p + 2];
      for (let k = 0; k < 3; k++) {
        const v = x * inv[k] + y * inv[3 + k] + z * inv[6 + k];
        fa[k] = v - Math.floor(v);
      }
      let best = -1;
      let bestD = Infinity;
      if (prev[i] >= 0) {
        const d = fracDistance(fa, 0, frac, 3 * prev[i], cell, co);
        if (d < quick) {
          best = prev[i];
          bestD = d;
        }
      }
      if (best < 0) {
        for (let s = 0; s < nS; s++) {
          const d = fracDistance(fa, 0, frac, 3 * s, cell, co);
          if (d < bestD) {
            bestD = d;
            best = s;
          }
        }
      }
      prev[i] = best;
      nearest[f * nA + i] = best;
      dist_A[f * nA + i] = bestD;
    }
  }
}

/**
 * Apply the residence rule to nearest-site data of one atom (column i of frame-major arrays with stride nA):
 * writes the atom's site per frame into `site`.
 */
export function applyResidenceRule(nearest: Int32Array, dist_A: Float32Array, nFrames: number, nA: number, i: number, rCore_A: number, minFrames: number, site: Int32Array): void {
  let cur = nearest[i];
  let streakSite = -1;
  let streakStart = 0;
  let streakLen = 0;
  for (let f = 0; f < nFrames; f++) {
    const q = f * nA + i;
    const c = dist_A[q] <= rCore_A ? nearest[q] : -1;
    site[q] = cur;
    if (c < 0 || c === cur) {
      streakSite = -1;
      streakLen = 0;
      continue;
    }
    if (c === streakSite) streakLen++;
    else {
      streakSite = c;
      streakStart = f;
      streakLen = 1;
    }
    if (streakLen >= minFrames) {
      cur = c;
      for (let g = streakStart; g <= f; g++) site[g * nA + i] = cur;
      streakSite = -1;
      streakLen = 0;
    }
  }
}

/** Assign every mobile atom to a site in every frame (see the module comment for the rule and the checks). */
export function assignSites(traj: Trajectory, spec: StructureSpec, options: SiteAssignmentOptions = {}, file?: string): SiteAssignmentResult {
  const rCore = options.rCore_A ?? 1.0;
  const minFrames = options.minResidenceFrames ?? 2;
  const rFar = options.rFar_A ?? 2.0;
  const maxFar = options.maxFarFraction ?? 0.01;
  if (!(rCore > 0)) throw new InputError(`--r-core-A: expected a positive radius in Å, found ${rCore}`);
  if (!(rFar >= rCore)) throw new InputError(`--r-far-A: expected a radius ≥ r_core (${rCore} Å), found ${rFar}`);
  if (!Number.isInteger(minFrames) || minFrames < 1) throw new InputError(`--min-residence-frames: expected a positive integer, found ${minFrames}`);
  if (traj.nFrames < 2) throw new InputError(`expected at least 2 frames, found ${traj.nFrames}`, { file });
  const { ref, atoms } = matchReferenceSites(traj, spec, options.cellTolerance ?? 0.03, file);
  const warnings: string[] = [];
  if (rCore >= 0.5 * ref.minSiteDistance_A) warnings.push(`r_core ${rCore} Å is not below half the shortest site distance (${(ref.minSiteDistance_A / 2).toFixed(3)} Å): cores overlap`);
  // Framework check: its atoms must sit on their reference sites (catches a shifted origin or a wrong structure).
  if (ref.framework) {
    const fwAtoms: number[] = [];
    traj.species.forEach((s, i) => {
      if (s === ref.framework!.species) fwAtoms.push(i);
    });
    if (fwAtoms.length === 0) warnings.push(`no ${ref.framework.species} atoms in the trajectory: the framework check of the structure's origin was skipped`);
    else {
      const one: Trajectory = { ...traj, nFrames: 1 };
      const near = new Int32Array(fwAtoms.length);
      const d = new Float32Array(fwAtoms.length);
      findNearestSites(one, fwAtoms, ref.framework.frac, ref.minSiteDistance_A, near, d);
      let mean = 0;
      for (let k = 0; k < d.length; k++) mean += d[k];
      mean /= d.length;
      if (mean > rCore) {
        throw new InputError(`expected the ${ref.framework.species} framework on the reference sites of ${ref.name}, found them ${mean.toFixed(3)} Å from those sites on average in frame 0 (wrong structure or origin?)`, { file });
      }
    }
  }
  const nA = atoms.length;
  const F = traj.nFrames;
  const nearest = new Int32Array(F * nA);
  const dist = new Float32Array(F * nA);
  findNearestSites(traj, atoms, ref.frac, ref.minSiteDistance_A, nearest, dist);
  let far = 0;
  let outside = 0;
  let sum = 0;
  let max = 0;
  for (let q = 0; q < dist.length; q++) {
    const d = dist[q];
    if (d > rFar) far++;
    if (d > rCore) outside++;
    sum += d;
    if (d > max) max = d;
  }
  const farFraction = far / dist.length;
  const unassigned = outside / dist.length;
  if (farFraction > maxFar) {
    throw new InputError(`expected ${ref.species} positions within r_far = ${rFar} Å of a site of ${ref.name}, found ${(100 * farFraction).toFixed(2)}% farther (wrong structure, lattice constant or origin?)`, { file });
  }
  if (unassigned > 0.5) {
    throw new InputError(`expected most ${ref.species} positions inside a site core (r_core = ${rCore} Å) of ${ref.name}, found ${(100 * unassigned).toFixed(1)}% outside every core (wrong structure or origin?)`, { file });
  }
  if (unassigned > 0.1) warnings.push(`${(100 * unassigned).toFixed(1)}% of positions are outside every site core (r_core = ${rCore} Å): consider a larger --r-core-A`);
  const site = new Int32Array(F * nA);
  for (let i = 0; i < nA; i++) applyResidenceRule(nearest, dist, F, nA, i, rCore, minFrames, site);
  let dbl = 0;
  const seen = new Int32Array(ref.n_sites).fill(-1);
  for (let f = 0; f < F; f++) {
    for (let i = 0; i < nA; i++) {
      const s = site[f * nA + i];
      if (seen[s] === f) {
        dbl++;
        break;
      }
      seen[s] = f;
    }
  }
  if (dbl > 0) warnings.push(`${dbl} frame(s) have two ${ref.species} on one site (transient; counted as one occupied site)`);
  return {
    ref,
    atoms,
    nFrames: F,
    site,
    unassigned_fraction: unassigned,
    far_fraction: farFraction,
    mean_nearest_distance_A: sum / dist.length,
    max_nearest_distance_A: max,
    double_occupancy_frames: dbl,
    rCore_A: rCore,
    minResidenceFrames: minFrames,
    rFar_A: rFar,
    warnings,
  };
}
