/**
 * Slabs for the stripping model: a Li sublattice periodic in x and y, finite in z. The bottom face (z = 0 side)
 * touches the electrolyte, the top face touches bulk Li metal.
 *
 * Two materials:
 *   - `li3sb`: the Li3Sb interlayer (T 8c + O 4b sites, hops from the Li3Sb rate model), thickness in conventional
 *     cells. Bottom face = the first two grid layers (O at z = 0, T at z = 1: 6 sites per a², A_site = a²/6);
 *     top face = the last two (z = Lz − 2, Lz − 1).
 *   - `bcc`: Li metal, one nearest-neighbour hop type `AA`. Bottom face = the layer z = 0 (1 site per a²,
 *     A_site = a²); top face = the layer z = Lz − 1.
 * Redox patches (for the electrolyte redox channel): the bottom face is tiled by columns of 2 × 2 conventional
 * cells (24 Li3Sb bottom-face sites each); the local phase is read from a patch's vacancy fraction.
 */
import { InputError } from '../core/errors.js';
import { checkCells, type Lattice } from '../lattice/lattice.js';
import { createCubicLattice } from '../lattice/cubic.js';
import { createLi3SbLattice, LI3SB_LATTICE_CONSTANT_A } from '../lattice/li3sb.js';

/** bcc Li lattice constant, Å (physics.md). */
export const LI_METAL_LATTICE_CONSTANT_A = 3.51;

export type SlabMaterial = 'li3sb' | 'bcc';

export interface StripSlabOptions {
  material: SlabMaterial;
  /** Conventional cells [x, y, z]. */
  cells: [number, number, number];
  /** Lattice constant, Å (default 6.5445 for li3sb, 3.51 for bcc). */
  a_A?: number;
  /** Redox patch edge in conventional cells (default 2). */
  patchCells?: number;
}

export interface StripSlab {
  material: SlabMaterial;
  cells: [number, number, number];
  lattice: Lattice;
  a_A: number;
  /** 1 for bottom-face sites. */
  isBottom: Uint8Array;
  /** 1 for top-face sites. */
  isTop: Uint8Array;
  /** Indices of the bottom-face sites. */
  bottomSites: Int32Array;
  /** Indices of the top-face sites. */
  topSites: Int32Array;
  /** Face area per face site, Å² (box area / number of bottom-face sites). */
  faceSiteArea_A2: number;
  /** Lateral box edges, Å. */
  boxX_A: number;
  boxY_A: number;
  /** Slab thickness, Å (grid extent in z). */
  thickness_A: number;
  /** Redox patch of each site (−1 for non-bottom sites). */
  patchOfSite: Int32Array;
  /** Bottom-face sites per patch. */
  patchSize: Int32Array;
  /** Equivalent disk radius of one patch (area of the patch = π r²), Å. */
  patchRadius_A: number;
  /** Number of grid layers in z. */
  layers: number;
}

/** Build the bcc Li metal slab (periodic in x, y). Grid unit a/2. */
export function createBccSlabLattice(cells: [number, number, number], a_A: number): Lattice {
  return createCubicLattice('bcc', cells, a_A, [true, true, false]);
}

/** Build a stripping slab with its faces and redox patches. */
export function createStripSlab(options: StripSlabOptions): StripSlab {
  const cells = checkCells(options.cells, '--cells');
  const material = options.material;
  if (material !== 'li3sb' && material !== 'bcc') throw new InputError(`slab material: expected li3sb or bcc, found ${JSON.stringify(material)}`);
  if (cells[0] < 2 || cells[1] < 2) throw new InputError(`--cells: expected at least 2 cells in x and y (periodic images), found ${cells[0]}×${cells[1]}`);
  const a_A = options.a_A ?? (material === 'li3sb' ? LI3SB_LATTICE_CONSTANT_A : LI_METAL_LATTICE_CONSTANT_A);
  if (!(a_A > 0) || !Number.isFinite(a_A)) throw new InputError(`lattice constant: expected a positive number of Å, found ${a_A}`);
  const lattice = material === 'li3sb' ? createLi3SbLattice({ cells, a_A, periodic: [true, true, false] }) : createBccSlabLattice(cells, a_A);
  const n = lattice.n_sites;
  const Lz = lattice.box_grid[2];
  const faceLayers = material === 'li3sb' ? 2 : 1;
  const isBottom = new Uint8Array(n);
  const isTop = new Uint8Array(n);
  const bottom: number[] = [];
  const top: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = lattice.coord_grid[3 * i + 2];
    if (z < faceLayers) {
      isBottom[i] = 1;
      bottom.push(i);
    }
    if (z >= Lz - faceLayers) {
      isTop[i] = 1;
      top.push(i);
    }
  }
  const perCellGrid = material === 'li3sb' ? 4 : 2;
  const patchCells = options.patchCells ?? 2;
  if (!Number.isInteger(patchCells) || patchCells < 1) throw new InputError(`patch cells: expected a positive integer, found ${patchCells}`);
  const npx = Math.ceil(cells[0] / patchCells);
  const npy = Math.ceil(cells[1] / patchCells);
  const patchOfSite = new Int32Array(n).fill(-1);
  const patchSize = new Int32Array(npx * npy);
  for (const i of bottom) {
    const px = Math.floor(lattice.coord_grid[3 * i] / (perCellGrid * patchCells));
    const py = Math.floor(lattice.coord_grid[3 * i + 1] / (perCellGrid * patchCells));
    const p = px * npy + py;
    patchOfSite[i] = p;
    patchSize[p]++;
  }
  const boxX_A = cells[0] * a_A;
  const boxY_A = cells[1] * a_A;
  return {
    material,
    cells,
    lattice,
    a_A,
    isBottom,
    isTop,
    bottomSites: Int32Array.from(bottom),
    topSites: Int32Array.from(top),
    faceSiteArea_A2: (boxX_A * boxY_A) / bottom.length,
    boxX_A,
    boxY_A,
    thickness_A: cells[2] * a_A,
    patchOfSite,
    patchSize,
    patchRadius_A: Math.sqrt((patchCells * a_A) ** 2 / Math.PI),
    layers: Lz,
  };
}
