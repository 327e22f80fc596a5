/**
 * `liflux info <file>`: atoms per species, frames, time span, time step, cell and volume range, and a warning when a
 * stored frame-to-frame step exceeds a safe fraction of the cell. Reads Arrow files and every text format.
 */
import type { Argv, CommandModule } from 'yargs';
import { describeTrajectory, type TrajectoryInfoResult } from '../analysis/ingest/summary.js';
import { SAFE_JUMP_FRACTION } from '../analysis/ingest/unwrap.js';
import { addReadOptions, buildIngestOptions, type ConvertArgs } from './convert.js';
import { createProgress, fmt, printJson, warn, type GlobalOptions } from './output.js';

/** Human-readable summary. */
export function formatSummary(s: TrajectoryInfoResult): string {
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
    const progress = createProgress('info', args);
    let summary: TrajectoryInfoResult;
    try {
      summary = await describeTrajectory(args.input, { ...buildIngestOptions(args), onProgress: progress.onProgress });
    } finally {
      progress.stop();
    }
    for (const w of summary.warnings) warn(w);
    if (args.json) printJson(summary);
    else process.stdout.write(`${formatSummary(summary)}\n`);
  },
};
