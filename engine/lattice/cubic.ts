/**
 * Validation lattices with one site type: simple cubic, bcc and fcc, periodic.
 * Grid units: a for sc, a/2 for bcc and fcc. Nearest-neighbour hops: ⟨100⟩ (sc, z = 6), ⟨111⟩/2 (bcc, z = 8),
 * ⟨110⟩/2 (fcc, z = 12). Exact single-vacancy tracer correlation factors: 0.65311, 0.72719, 0.78145.
 */
import { InputError } from '../core/errors.js';
import { buildLattice, checkCells, expandCubicVectors, type HopRule, type Lattice } from './lattice.js';

export type CubicKind = 'sc' | 'bcc' | 'fcc';

/** Exact tracer correlation factors for a single vacancy in the infinite lattice (Compaan & Haven; Montet 1973). */
export const EXACT_CORRELATION_FACTOR: Record<CubicKind, number> = { sc: 0.65311, bcc: 0.72719, fcc: 0.78145 };

/**
 * Build an sc, bcc or fcc lattice of `cells` conventional cubic cells per edge, lattice constant a_A.
 * Periodic in every axis by default; slabs pass e.g. [true, true, false] (hops across the z faces are dropped).
 */
export function createCubicLattice(
  kind: CubicKind,
  cells: number | [number, number, number],
  a_A = 1,
  periodic: [boolean, boolean, boolean] = [true, true, true],
): Lattice {
  const c = checkCells(cells);
  if (!(a_A > 0)) throw new InputError(`lattice constant: expected a positive number of Å, found ${a_A}`);
  const perCell = kind === 'sc' ? 1 : 2;
  const box: [number, number, number] = [c[0] * perCell, c[1] * perCell, c[2] * perCell];
  const coords: number[] = [];
  for (let x = 0; x < box[0]; x++) {
    for (let y = 0; y < box[1]; y++) {
      for (let z = 0; z < box[2]; z++) {
        let keep = true;
        if (kind === 'bcc') keep = (x & 1) === (y & 1) && (y & 1) === (z & 1);
        if (kind === 'fcc') keep = ((x + y + z) & 1) === 0;
        if (keep) coords.push(x, y, z);
      }
    }
  }
  const base: [number, number, number] = kind === 'sc' ? [1, 0, 0] : kind === 'bcc' ? [1, 1, 1] : [1, 1, 0];
  const rules: HopRule[] = expandCubicVectors(base).map((v) => ({ fromType: 0, toType: 0, vec_grid: v }));
  return buildLattice({
    name: kind,
    siteTypeNames: ['A'],
    hopTypeNames: ['AA'],
    hopTypeMatrix: [0],
    coords,
    types: new Array<number>(coords.length / 3).fill(0),
    box_grid: box,
    periodic,
    gridSpacing_A: a_A / perCell,
    rules,
  });
}
