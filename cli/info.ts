/**
 * `liflux info <file>`: atoms per species, frames, time span, time step, cell and volume range, and a warning when a
 * stored frame-to-frame step exceeds a safe fraction of the cell. Reads Arrow files and every text format.
 */
import type { Argv, CommandModule } from 'yargs';
import { readArrowTrajectory } from '../analysis/ingest/arrow-reader.js';
import { detectFormat } from '../analysis/ingest/detect.js';
import { createNullSink, ingestTrajectory, type IngestResult } from '../analysis/ingest/ingest.js';
import { SAFE_JUMP_FRACTION, Unwrapper } from '../analysis/ingest/unwrap.js';
import { cellVolume_A3, countSpecies, type Trajectory } from '../analysis/trajectory.js';
import { addReadOptions, toIngestOptions, type ConvertArgs } from './convert.js';
import { createProgress, fmt, printJson, warn, type GlobalOptions } from './output.js';

/** The `info` result (also printed by `convert`). */
export interface InfoResult {
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
export function summarizeIngest(r: IngestResult): InfoResult {
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
export function summarizeTrajectory(t: Trajectory, file: string): InfoResult {
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

/** Human-readable summary. */
export function formatSummary(s: InfoResult): string {
  const lines = [
    `file            ${s.file} (${s.format})`,
    `atoms           ${s.n_atoms}  (${Object.entries(s.species).map(([k, v]) => `${k} ${v}`).join(', ')})`,
    `frames          ${s.n_frames}`,
    `time step       ${s.timestep_fs === null ? 'unknown (pass --timestep-fs)' : `${fmt(s.timestep_fs)} fs`}` +
      `${s.frame_stride === null ? '' : `, ${fmt(s.frame_stride)} steps between frames`}`,
    `dt              ${s.dt_ps === null ? 'unknown' : `${fmt(s.dt_ps)} ps`} between stored frames`,
    `time span       ${s.time_span_ps === null ? 'unknown' : `${fmt(s.time_span_ps)} ps`}`,
    `temperature     ${s.temperature_K === null ? 'unknown' : `${fmt(s.temperature_K)} K`}`,
    `cell (Å)        ${s.cell_A.map((r) => r.map((x) => fmt(x, 6)).join(' ')).join(' | ')}`,
    `volume (Å³)     ${s.volume_A3[0] === s.volume_A3[1] ? fmt(s.volume_A3[0], 6) : `${fmt(s.volume_A3[0], 6)} … ${fmt(s.volume_A3[1], 6)} (variable cell)`}`,
    `max jump        ${fmt(s.max_jump_fraction, 3)} of the cell between stored frames (safe below ${SAFE_JUMP_FRACTION})`,
  ];
  return lines.join('\n');
}

type InfoArgs = Omit<ConvertArgs, 'output'>;

export const infoCommand: CommandModule<GlobalOptions, InfoArgs> = {
  command: 'info <input>',
  describe: 'Summarize a trajectory: atoms per species, frames, time step and span, cell and volume range, jumps',
  builder: (y) =>
    addReadOptions(y.positional('input', { type: 'string', demandOption: true, description: 'Trajectory or Arrow file (path)' })) as Argv<InfoArgs>,
  handler: async (args) => {
    const options = toIngestOptions(args);
    let summary: InfoResult;
    const format = options.format ?? (await detectFormat(args.input));
    if (format === 'arrow') {
      const { trajectory } = await readArrowTrajectory(args.input);
      summary = summarizeTrajectory(trajectory, args.input);
    } else {
      const progress = createProgress('info', args);
      try {
        const r = await ingestTrajectory(args.input, createNullSink(), {
          ...options,
          format,
          allowMissingTime: true,
          onProgress: progress.onProgress,
        });
        summary = summarizeIngest(r);
      } finally {
        progress.stop();
      }
    }
    for (const w of summary.warnings) warn(w);
    if (args.json) printJson(summary);
    else process.stdout.write(`${formatSummary(summary)}\n`);
  },
};
