/**
 * The liflux trajectory Arrow schema (version 1), documented in analysis/ingest/README.md.
 *
 * Wide layout, one row per stored frame:
 *   step         int64                           MD step (null when the file does not give it)
 *   time_ps      float64                         time of the frame, ps
 *   cell_A       FixedSizeList<float64, 9>       cell rows a, b, c (Cartesian Å), row-major
 *   positions_A  FixedSizeList<float64, 3·N>     unwrapped Cartesian positions, Å, atom-major (x0 y0 z0 x1 …)
 * Every column carries `unit` in its field metadata. Per-atom data and provenance are schema metadata
 * (string values; numbers as JSON, `null` when unknown).
 */
import { Field, FixedSizeList, Float64, Int64, Schema } from 'apache-arrow';

export const TRAJECTORY_SCHEMA_VERSION = '1';

/** Schema metadata keys. */
export const META_KEYS = {
  schemaVersion: 'liflux.schema_version',
  species: 'liflux.species',
  atomIndex: 'liflux.atom_index',
  units: 'liflux.units',
  sourceFormat: 'liflux.source_format',
  sourceFile: 'liflux.source_file',
  timestep_fs: 'liflux.timestep_fs',
  frameStride: 'liflux.frame_stride',
  dt_ps: 'liflux.dt_ps',
  temperature_K: 'liflux.temperature_K',
} as const;

/** Column names. */
export const COLUMNS = {
  step: 'step',
  time_ps: 'time_ps',
  cell_A: 'cell_A',
  positions_A: 'positions_A',
} as const;

/** Everything the schema metadata records. */
export interface TrajectorySchemaInfo {
  nAtoms: number;
  /** Species per stored atom. */
  species: string[];
  /** Index of each stored atom in the source file (differs from 0…N−1 after --species filtering). */
  atomIndex: number[];
  sourceFormat: string;
  sourceFile: string | null;
  timestep_fs: number | null;
  frameStride: number | null;
  dt_ps: number | null;
  temperature_K: number | null;
}

/** Build the Arrow schema for a trajectory of `info.nAtoms` atoms. */
export function createTrajectorySchema(info: TrajectorySchemaInfo): Schema {
  const unit = (u: string) => new Map([['unit', u]]);
  const fields = [
    new Field(COLUMNS.step, new Int64(), true, unit('MD step')),
    new Field(COLUMNS.time_ps, new Float64(), false, unit('ps')),
    new Field(COLUMNS.cell_A, new FixedSizeList(9, new Field('item', new Float64(), false)), false, unit('Å')),
    new Field(
      COLUMNS.positions_A,
      new FixedSizeList(3 * info.nAtoms, new Field('item', new Float64(), false)),
      false,
      unit('Å'),
    ),
  ];
  const num = (x: number | null) => (x === null || !Number.isFinite(x) ? 'null' : JSON.stringify(x));
  const meta = new Map<string, string>([
    [META_KEYS.schemaVersion, TRAJECTORY_SCHEMA_VERSION],
    [META_KEYS.species, JSON.stringify(info.species)],
    [META_KEYS.atomIndex, JSON.stringify(info.atomIndex)],
    [
      META_KEYS.units,
      JSON.stringify({ length: 'Å', time: 'ps', timestep: 'fs', temperature: 'K', positions: 'unwrapped Cartesian' }),
    ],
    [META_KEYS.sourceFormat, info.sourceFormat],
    [META_KEYS.sourceFile, info.sourceFile ?? ''],
    [META_KEYS.timestep_fs, num(info.timestep_fs)],
    [META_KEYS.frameStride, num(info.frameStride)],
    [META_KEYS.dt_ps, num(info.dt_ps)],
    [META_KEYS.temperature_K, num(info.temperature_K)],
  ]);
  return new Schema(fields, meta);
}
