/**
 * Trajectory summaries for `liflux info` / `convert`: atoms per species, frames, time step and span, cell and volume
 * range, the largest frame-to-frame step as a fraction of the cell (with a warning above the safe fraction).
 * `describeTrajectory` reads any supported file: Arrow in memory, text formats streamed (bounded memory).
 */
import { cellVolume_A3, countSpecies, type Trajectory } from '../trajectory.js';
import { readArrowTrajectory } from './arrow-reader.js';
import { detectFormat } from './detect.js';
import { createNullSink, ingestTrajectory, type IngestOptions, type IngestResult } from './ingest.js';
import { SAFE_JUMP_FRACTION, Unwrapper } from './unwrap.js';

/** What `liflux info` reports (also printed by `convert`); JSON keys as printed. */
export interface TrajectoryInfoResult {
  file: string;
  format: string;
  n_atoms: number;
  n_frames: number;
  species: Record<string, number>;
  dt_ps: number | null;
  time_span_ps: number | null;
  timestep_fs: number | null;
  frame_stride: number | null;
  temperature_K: number | null;
  volume_A3: [number, number];
  cell_A: number[][];
  max_jump_fraction: number;
  warnings: string[];
}

const orNull = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? null : x);

function rows(cell: ArrayLike<number>): number[][] {
  return [0, 1, 2].map((r) => [cell[3 * r], cell[3 * r + 1], cell[3 * r + 2]]);
}

/** Summary of an ingestion run. */
export function summarizeIngest(r: IngestResult): TrajectoryInfoResult {
  return {
    file: r.file,
    format: r.format,
    n_atoms: r.nAtoms,
    n_frames: r.nFrames,
    species: r.species,
    dt_ps: orNull(r.dt_ps),
    time_span_ps: orNull(r.timeLast_ps - r.timeFirst_ps),
    timestep_fs: orNull(r.timestep_fs),
    frame_stride: orNull(r.frameStride),
    temperature_K: orNull(r.temperature_K),
    volume_A3: [r.volumeMin_A3, r.volumeMax_A3],
    cell_A: rows(r.firstCell_A),
    max_jump_fraction: r.maxJumpFraction,
    warnings: r.warnings,
  };
}

/** Summary of an in-memory trajectory (Arrow input). */
export function summarizeTrajectory(t: Trajectory, file: string): TrajectoryInfoResult {
  let vMin = Infinity;
  let vMax = -Infinity;
  const u = new Unwrapper(t.nAtoms);
  const out = new Float64Array(3 * t.nAtoms);
  const m = 3 * t.nAtoms;
  for (let f = 0; f < t.nFrames; f++) {
    const v = cellVolume_A3(t.cells_A, 9 * f);
    vMin = Math.min(vMin, v);
    vMax = Math.max(vMax, v);
    u.push(t.positions_A.subarray(f * m, (f + 1) * m), 'cartesian', false, t.cells_A.subarray(9 * f, 9 * f + 9), out);
  }
  const warnings: string[] = [];
  if (u.maxJumpFraction > SAFE_JUMP_FRACTION) {
    warnings.push(
      `${file}: frame ${u.maxJumpFrame}: atom ${u.maxJumpAtom} moved ${u.maxJumpFraction.toFixed(3)} of the cell between stored frames (more than ${SAFE_JUMP_FRACTION})`,
    );
  }
  return {
    file,
    format: 'arrow',
    n_atoms: t.nAtoms,
    n_frames: t.nFrames,
    species: countSpecies(t.species),
    dt_ps: orNull(t.meta.dt_ps),
    time_span_ps: t.nFrames > 0 ? orNull(t.time_ps[t.nFrames - 1] - t.time_ps[0]) : null,
    timestep_fs: orNull(t.meta.timestep_fs),
    frame_stride: orNull(t.meta.frameStride),
    temperature_K: orNull(t.meta.temperature_K),
    volume_A3: [vMin, vMax],
    cell_A: t.nFrames > 0 ? rows(t.cells_A) : [],
    max_jump_fraction: u.maxJumpFraction,
    warnings,
  };
}

/** Summarise any supported trajectory file (text formats need no time step here: unknown values are null). */
export async function describeTrajectory(path: string, options: IngestOptions = {}): Promise<TrajectoryInfoResult> {
  const format = options.format ?? (await detectFormat(path));
  if (format === 'arrow') {
    const { trajectory } = await readArrowTrajectory(path);
    return summarizeTrajectory(trajectory, path);
  }
  const r = await ingestTrajectory(path, createNullSink(), { ...options, format, allowMissingTime: true });
  return summarizeIngest(r);
}
