/**
 * The in-memory trajectory every analysis works on: unwrapped Cartesian positions in Å, one cell per frame,
 * time in ps. Struct-of-arrays, float64, frame-major.
 */

export interface TrajectoryMeta {
  /** Format the data came from ('xdatcar', 'vasprun', …, or 'arrow' when re-read without provenance). */
  sourceFormat: string;
  /** Input file name, when known. */
  sourceFile?: string;
  /** Time between stored frames, ps (null when unknown). */
  dt_ps: number | null;
  /** MD time step, fs (null when unknown). */
  timestep_fs: number | null;
  /** MD steps between stored frames, including any --every subsampling (null when unknown). */
  frameStride: number | null;
  /** Temperature, K (null when unknown). */
  temperature_K: number | null;
}

export interface Trajectory {
  nAtoms: number;
  nFrames: number;
  /** Species per atom. */
  species: string[];
  /** Unwrapped Cartesian positions, Å: index (frame·nAtoms + atom)·3 + k. */
  positions_A: Float64Array;
  /** Cell rows a, b, c per frame, Å: index frame·9 + 3·row + k. */
  cells_A: Float64Array;
  /** Time of each frame, ps (frame 0 at its own time; not necessarily 0). */
  time_ps: Float64Array;
  /** MD step of each frame (NaN when unknown). */
  step: Float64Array;
  meta: TrajectoryMeta;
}

/** Atom indices of the given species (in atom order). */
export function atomsOfSpecies(traj: Pick<Trajectory, 'species'>, species: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < traj.species.length; i++) if (traj.species[i] === species) out.push(i);
  return out;
}

/** species → count, in first-appearance order. */
export function countSpecies(species: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of species) out[s] = (out[s] ?? 0) + 1;
  return out;
}

/** Volume of a cell given as 9 row-major values (a, b, c rows), Å³. */
export function cellVolume_A3(cell: ArrayLike<number>, offset = 0): number {
  const a0 = cell[offset], a1 = cell[offset + 1], a2 = cell[offset + 2];
  const b0 = cell[offset + 3], b1 = cell[offset + 4], b2 = cell[offset + 5];
  const c0 = cell[offset + 6], c1 = cell[offset + 7], c2 = cell[offset + 8];
  return Math.abs(a0 * (b1 * c2 - b2 * c1) - a1 * (b0 * c2 - b2 * c0) + a2 * (b0 * c1 - b1 * c0));
}
