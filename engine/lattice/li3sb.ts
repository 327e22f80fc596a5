/**
 * The Li sublattice of Fm-3m Li3Sb (BiF3 type): 8c tetrahedral (T) and 4b octahedral (O) sites.
 * Integer grid in units of a/4: T = all-odd coordinates; O = all-even with x + y + z ≡ 2 (mod 4).
 * Hops: T→T along ⟨100⟩ (2 grid units = a/2, 6 per T), T→O and O→T along ⟨111⟩ (a√3/4; 4 O per T, 8 T per O).
 * Per conventional cell 8 T + 4 O; `cells` 2 → 96 Li sites (64 T + 32 O), the paper's MD supercell.
 * `periodic` per axis: [true, true, false] gives a slab (z faces closed) for the stripping model.
 */
import { InputError } from '../core/errors.js';
import { buildLattice, checkCells, expandCubicVectors, type HopRule, type Lattice } from './lattice.js';

/** Lattice constant used by the paper's MD, Å. */
export const LI3SB_LATTICE_CONSTANT_A = 6.5445;
/** Site type indices. */
export const LI3SB_SITE_T = 0;
export const LI3SB_SITE_O = 1;
/** Hop type indices. */
export const LI3SB_HOP_TT = 0;
export const LI3SB_HOP_TO = 1;
export const LI3SB_HOP_OT = 2;

export interface Li3SbLatticeOptions {
  /** Conventional cells per edge (one number or per axis). Default 2. */
  cells?: number | [number, number, number];
  /** Lattice constant, Å. Default 6.5445. */
  a_A?: number;
  /** Periodicity per axis. Default all periodic. */
  periodic?: [boolean, boolean, boolean];
}

/** Build the Li3Sb Li sublattice. */
export function createLi3SbLattice(options: Li3SbLatticeOptions = {}): Lattice {
  const c = checkCells(options.cells ?? 2);
  const a_A = options.a_A ?? LI3SB_LATTICE_CONSTANT_A;
  if (!(a_A > 0)) throw new InputError(`lattice constant: expected a positive number of Å, found ${a_A}`);
  const box: [number, number, number] = [4 * c[0], 4 * c[1], 4 * c[2]];
  const coords: number[] = [];
  const types: number[] = [];
  for (let x = 0; x < box[0]; x++) {
    for (let y = 0; y < box[1]; y++) {
      for (let z = 0; z < box[2]; z++) {
        if ((x & 1) === 1 && (y & 1) === 1 && (z & 1) === 1) {
          coords.push(x, y, z);
          types.push(LI3SB_SITE_T);
        } else if ((x & 1) === 0 && (y & 1) === 0 && (z & 1) === 0 && (x + y + z) % 4 === 2) {
          coords.push(x, y, z);
          types.push(LI3SB_SITE_O);
        }
      }
    }
  }
  const rules: HopRule[] = [];
  for (const v of expandCubicVectors([2, 0, 0])) rules.push({ fromType: LI3SB_SITE_T, toType: LI3SB_SITE_T, vec_grid: v });
  for (const v of expandCubicVectors([1, 1, 1])) {
    rules.push({ fromType: LI3SB_SITE_T, toType: LI3SB_SITE_O, vec_grid: v });
    rules.push({ fromType: LI3SB_SITE_O, toType: LI3SB_SITE_T, vec_grid: v });
  }
  return buildLattice({
    name: 'li3sb',
    siteTypeNames: ['T', 'O'],
    hopTypeNames: ['TT', 'TO', 'OT'],
    hopTypeMatrix: [LI3SB_HOP_TT, LI3SB_HOP_TO, LI3SB_HOP_OT, -1],
    coords,
    types,
    box_grid: box,
    periodic: options.periodic ?? [true, true, true],
    gridSpacing_A: a_A / 4,
    rules,
  });
}
