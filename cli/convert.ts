/**
 * `liflux convert <input> -o <out.arrow>`: any supported trajectory → liflux Arrow IPC file (unwrapped positions).
 */
import type { Argv, CommandModule } from 'yargs';
import { InputError } from '../engine/core/errors.js';
import { convertToArrow } from '../analysis/ingest/arrow-writer.js';
import { TRAJECTORY_FORMATS } from '../analysis/ingest/detect.js';
import type { TrajectoryFormat } from '../analysis/ingest/frame-source.js';
import type { IngestOptions, IngestResult } from '../analysis/ingest/ingest.js';
import { createProgress, printJson, warn, writeAtomically, type GlobalOptions } from './output.js';
import { summarizeIngest } from '../analysis/ingest/summary.js';
import { formatSummary } from './info.js';

export interface ConvertArgs extends GlobalOptions {
  input: string;
  output: string;
  format?: string;
  'timestep-fs'?: number;
  nblock?: number;
  temperature?: number;
  every?: number;
  first?: number;
  last?: number;
  species?: string;
  types?: string;
  strict?: boolean;
}

/** Shared trajectory-reading options (convert and info). */
export function addReadOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('format', { type: 'string', choices: [...TRAJECTORY_FORMATS], description: 'Input format (unitless; default: detected from content)' })
    .option('timestep-fs', { type: 'number', description: 'MD time step (POTIM), fs; overrides the file' })
    .option('nblock', { type: 'number', description: 'MD steps between stored frames (VASP NBLOCK), steps' })
    .option('temperature', { type: 'number', description: 'Temperature of the run, K (recorded in the metadata)' })
    .option('every', { type: 'number', description: 'Keep every N-th stored frame, frames (unwrapping still uses all)' })
    .option('first', { type: 'number', description: 'First stored frame to keep, 0-based frame index' })
    .option('last', { type: 'number', description: 'Last stored frame to keep, 0-based frame index (inclusive)' })
    .option('species', { type: 'string', description: 'Keep only these species, comma-separated element symbols (e.g. Li,Sb)' })
    .option('types', { type: 'string', description: 'LAMMPS: species of atom types 1, 2, …, comma-separated element symbols' })
    .option('strict', { type: 'boolean', default: false, description: 'Treat a truncated final frame as an error (unitless flag)' });
}

/** Map CLI arguments to library options. */
export function buildIngestOptions(a: Omit<ConvertArgs, 'input' | 'output'>): IngestOptions {
  const list = (s: string | undefined) =>
    s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter((x) => x.length > 0);
  return {
    format: a.format as TrajectoryFormat | undefined,
    timestep_fs: a['timestep-fs'],
    nblock: a.nblock,
    temperature_K: a.temperature,
    every: a.every,
    first: a.first,
    last: a.last,
    species: list(a.species),
    typeNames: list(a.types),
    strict: a.strict,
  };
}

export const convertCommand: CommandModule<GlobalOptions, ConvertArgs> = {
  command: 'convert <input>',
  describe: 'Convert a trajectory (XDATCAR, vasprun.xml, OUTCAR, extxyz, LAMMPS dump; .gz too) to an Arrow file of unwrapped positions',
  builder: (y) =>
    addReadOptions(
      y
        .positional('input', { type: 'string', demandOption: true, description: 'Trajectory file (path)' })
        .option('output', { alias: 'o', type: 'string', demandOption: true, description: 'Output Arrow IPC file (path)' })
        .option('overwrite', { type: 'boolean', default: false, description: 'Replace an existing output file (unitless flag)' }),
    ) as Argv<ConvertArgs>,
  handler: async (args) => {
    const options = buildIngestOptions(args);
    const progress = createProgress('convert', args);
    let result: IngestResult | null = null;
    const ac = new AbortController();
    const onSigint = () => ac.abort();
    process.once('SIGINT', onSigint);
    try {
      await writeAtomically(
        args.output,
        async (tmp) => {
          result = await convertToArrow(args.input, tmp, { ...options, onProgress: progress.onProgress, signal: ac.signal });
        },
        args.overwrite,
      );
    } finally {
      progress.stop();
      process.off('SIGINT', onSigint);
    }
    if (result === null) throw new InputError('conversion produced no result');
    const summary = summarizeIngest(result as IngestResult);
    for (const w of summary.warnings) warn(w);
    if (args.json) {
      printJson({ output: args.output, ...summary });
    } else if (args.quiet) {
      // --quiet: one line (`liflux info <output>` prints the full summary; npm start relies on this).
      process.stdout.write(`wrote ${args.output}\n`);
    } else {
      process.stdout.write(`wrote ${args.output}\n${formatSummary(summary)}\n`);
    }
  },
};
