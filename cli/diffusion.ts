/**
 * `liflux diffusion <trajectory> --species Li`: tracer and charge diffusion coefficients with uncertainties,
 * Nernst–Einstein conductivities and the Haven ratio (analysis/diffusion.ts). Reads Arrow files and every text
 * format `liflux convert` reads. Optional MSD table (--msd-out .csv|.arrow) and plot (--plot .svg).
 */
import { stat, writeFile } from 'node:fs/promises';
import { Field, Float64, RecordBatch, Schema, Struct, Table, makeData, tableToIPC } from 'apache-arrow';
import type { Argv, CommandModule } from 'yargs';
import {
  computeDiffusion,
  computeDiffusionFromArrow,
  parseCharges,
  type CollectiveMode,
  type DiffusionResult,
  type DriftMode,
} from '../analysis/diffusion.js';
import { loadTrajectory } from '../analysis/ingest/arrow-reader.js';
import { detectFormat } from '../analysis/ingest/detect.js';
import { TRAJECTORY_FORMATS } from '../analysis/ingest/detect.js';
import type { TrajectoryFormat } from '../analysis/ingest/frame-source.js';
import { InputError } from '../engine/core/errors.js';
import { createProgress, fmt, formatTable, printJson, warn, writeAtomically, writeFileAtomically, assertWritable, type GlobalOptions } from './output.js';
import { renderSvg, type PlotSpec } from './plot.js';

export interface DiffusionArgs extends GlobalOptions {
  trajectory: string;
  species: string;
  charge?: string;
  temperature?: number;
  'fit-start-ps'?: number;
  'fit-end-ps'?: number;
  'drift-correction': boolean;
  'drift-reference': string;
  dimensions: string;
  collective: string;
  'msd-out'?: string;
  plot?: string;
  'max-fit-points': number;
  format?: string;
  'timestep-fs'?: number;
  nblock?: number;
  every?: number;
  first?: number;
  last?: number;
  types?: string;
  'max-memory-mb': number;
}

/** The JSON document of `liflux diffusion --json` (the result without the MSD arrays). */
export function toDiffusionJson(file: string, r: DiffusionResult): Record<string, unknown> {
  const { msd: _msd, tracerFit, sigmaFit, ...rest } = r;
  return {
    file,
    ...rest,
    fit: {
      lags_used: tracerFit.fitLags_frames.length,
      slope_A2PerPs: tracerFit.slope_A2PerPs,
      slope_err_A2PerPs: tracerFit.slope_err_A2PerPs,
      intercept_A2: tracerFit.intercept_A2,
      intercept_err_A2: tracerFit.intercept_err_A2,
      covariance_intercept_slope: tracerFit.covariance,
      relative_err: tracerFit.relative_err,
      sigma_relative_err: sigmaFit.relative_err,
      sigma_chi2_reduced: sigmaFit.chi2_reduced,
    },
  };
}

function formatHuman(file: string, r: DiffusionResult): string {
  const ci = (c: [number, number] | null) => (c === null ? 'n/a' : `[${fmt(c[0])}, ${fmt(c[1])}]`);
  const rows: (string | number)[][] = [
    ['D* (tracer)', fmt(r.D_cm2PerS), fmt(r.D_err_cm2PerS), ci(r.D_ci95_cm2PerS), 'cm²/s'],
    ['D* x', fmt(r.D_components_cm2PerS[0]), fmt(r.D_components_err_cm2PerS[0]), '', 'cm²/s'],
    ['D* y', fmt(r.D_components_cm2PerS[1]), fmt(r.D_components_err_cm2PerS[1]), '', 'cm²/s'],
    ['D* z', fmt(r.D_components_cm2PerS[2]), fmt(r.D_components_err_cm2PerS[2]), '', 'cm²/s'],
    ['D_sigma (charge)', fmt(r.D_sigma_cm2PerS), fmt(r.D_sigma_err_cm2PerS), ci(r.D_sigma_ci95_cm2PerS), 'cm²/s'],
    ['σ_NE (from D*)', fmt(r.conductivity_mSPerCm), fmt(r.conductivity_err_mSPerCm), ci(r.conductivity_ci95_mSPerCm), 'mS/cm'],
    ['σ (charge MSD)', fmt(r.conductivity_sigma_mSPerCm), fmt(r.conductivity_sigma_err_mSPerCm), ci(r.conductivity_sigma_ci95_mSPerCm), 'mS/cm'],
    ['Haven ratio D*/D_sigma', fmt(r.haven_ratio), fmt(r.haven_ratio_err), ci(r.haven_ratio_ci95), ''],
  ];
  const head = [
    `file          ${file}`,
    `species       ${r.species} (${r.n_atoms} atoms, charge ${r.charge_e} e), ${r.n_frames} frames, dt ${fmt(r.dt_ps)} ps, T ${r.temperature_K === null ? 'unknown' : `${fmt(r.temperature_K)} K`}`,
    `dimensions    ${r.dimensions}; drift: ${r.drift_correction}`,
    `fit window    ${fmt(r.fit_window_ps[0])} … ${fmt(r.fit_window_ps[1])} ps (${r.n_fit_points} lags; ${r.fit_window_rule})`,
    `fit quality   generalised χ²/dof ${fmt(r.fit_chi2_reduced, 3)} (diagnostic); model SE ${fmt(r.D_model_err_cm2PerS)}, atom-block SE ${fmt(r.D_block_err_cm2PerS)} cm²/s${r.fit_error_scale > 1 ? `; errors scaled ×${fmt(r.fit_error_scale, 3)}` : ''}`,
    '',
  ];
  return head.join('\n') + formatTable(['quantity', 'value', '1σ', '95% interval', 'unit'], rows);
}

/** MSD table columns (name, unit, values). */
function msdColumns(r: DiffusionResult): { name: string; unit: string; values: Float64Array }[] {
  const m = r.msd;
  const fit = Float64Array.from(m.time_ps, (t) => r.tracerFit.intercept_A2 + r.tracerFit.slope_A2PerPs * t);
  return [
    { name: 'time_ps', unit: 'ps', values: m.time_ps },
    { name: 'msd_A2', unit: 'Å²', values: m.msd_A2 },
    { name: 'msd_x_A2', unit: 'Å²', values: m.msdComponents_A2[0] },
    { name: 'msd_y_A2', unit: 'Å²', values: m.msdComponents_A2[1] },
    { name: 'msd_z_A2', unit: 'Å²', values: m.msdComponents_A2[2] },
    { name: 'msd_model_sd_A2', unit: 'Å²', values: m.msdSd_A2 },
    { name: 'msd_fit_A2', unit: 'Å²', values: fit },
    { name: 'msd_sigma_per_ion_A2', unit: 'Å²', values: m.msdSigma_A2 },
  ];
}

/** Write the MSD table (lags in ps, MSDs in Å²) to .csv or .arrow. */
export async function writeMsd(path: string, r: DiffusionResult, overwrite: boolean | undefined): Promise<void> {
  const cols = msdColumns(r);
  const n = cols[0].values.length;
  if (path.endsWith('.csv')) {
    const lines = [`# liflux diffusion MSD: species ${r.species}, dimensions ${r.dimensions}; msd_sigma_per_ion = charge MSD/(N z²); model sd = random-walk covariance model`];
    lines.push(cols.map((c) => c.name).join(','));
    for (let i = 0; i < n; i++) lines.push(cols.map((c) => (Number.isFinite(c.values[i]) ? String(c.values[i]) : '')).join(','));
    await writeFileAtomically(path, `${lines.join('\n')}\n`, overwrite);
  } else if (path.endsWith('.arrow')) {
    const fields = cols.map((c) => new Field(c.name, new Float64(), false, new Map([['unit', c.unit]])));
    const schema = new Schema(fields, new Map([['liflux.kind', 'msd'], ['liflux.species', r.species]]));
    const children = cols.map((c) => makeData({ type: new Float64(), length: n, nullCount: 0, data: c.values }));
    const struct = makeData({ type: new Struct(fields), length: n, nullCount: 0, children });
    const table = new Table(schema, [new RecordBatch(schema, struct)]);
    await writeAtomically(path, (tmp) => writeFile(tmp, tableToIPC(table, 'file')), overwrite);
  } else {
    throw new InputError(`--msd-out: expected a file name ending in .csv or .arrow, found ${path}`);
  }
}

/** Vega-Lite spec: MSD with its model 1σ band, the fit line over the window, the window shaded. */
export function buildMsdPlotSpec(r: DiffusionResult): PlotSpec {
  const m = r.msd;
  const n = m.time_ps.length;
  const stride = Math.max(1, Math.ceil(n / 1500));
  const pts: Record<string, number>[] = [];
  for (let i = 1; i < n; i += stride) {
    const sd = Number.isFinite(m.msdSd_A2[i]) ? m.msdSd_A2[i] : 0;
    pts.push({ t: m.time_ps[i], msd: m.msd_A2[i], lo: m.msd_A2[i] - sd, hi: m.msd_A2[i] + sd });
  }
  const [t0, t1] = r.fit_window_ps;
  const fitLine = [t0, t1].map((t) => ({ t, fit: r.tracerFit.intercept_A2 + r.tracerFit.slope_A2PerPs * t }));
  const title = `${r.species} tracer MSD (${r.dimensions}): D* = ${fmt(r.D_cm2PerS, 3)} ± ${fmt(r.D_err_cm2PerS, 2)} cm²/s`;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 560,
    height: 360,
    layer: [
      {
        data: { values: [{ t0, t1 }] },
        mark: { type: 'rect', color: '#f2c14e', opacity: 0.2 },
        encoding: { x: { field: 't0', type: 'quantitative' }, x2: { field: 't1' } },
      },
      {
        data: { values: pts },
        mark: { type: 'area', color: '#4c78a8', opacity: 0.3 },
        encoding: {
          x: { field: 't', type: 'quantitative', title: 'lag time (ps)' },
          y: { field: 'lo', type: 'quantitative', title: 'MSD (Å²)' },
          y2: { field: 'hi' },
        },
      },
      {
        data: { values: pts },
        mark: { type: 'line', color: '#1f4e79', strokeWidth: 1.5 },
        encoding: { x: { field: 't', type: 'quantitative' }, y: { field: 'msd', type: 'quantitative' } },
      },
      {
        data: { values: fitLine },
        mark: { type: 'line', color: '#d62728', strokeDash: [6, 4], strokeWidth: 2 },
        encoding: { x: { field: 't', type: 'quantitative' }, y: { field: 'fit', type: 'quantitative' } },
      },
    ],
  } as PlotSpec;
}

export const diffusionCommand: CommandModule<GlobalOptions, DiffusionArgs> = {
  command: 'diffusion <trajectory>',
  describe: 'Tracer and charge diffusion coefficients with uncertainties, Nernst–Einstein conductivities and the Haven ratio from an MD trajectory',
  builder: (y) =>
    y
      .positional('trajectory', { type: 'string', demandOption: true, description: 'Trajectory or Arrow file (path)' })
      .option('species', { type: 'string', demandOption: true, description: 'Mobile species to analyse (element symbol, e.g. Li)' })
      .option('charge', { type: 'string', description: 'Charges per species in e, e.g. Li=1,S=-2 (defaults: formal oxidation states, Li=1)' })
      .option('temperature', { type: 'number', description: 'Temperature, K (overrides the file; needed for conductivities)' })
      .option('fit-start-ps', { type: 'number', description: 'Start of the MSD fit window, ps (default: automatic rule)' })
      .option('fit-end-ps', { type: 'number', description: 'End of the MSD fit window, ps (default: half the run)' })
      .option('drift-correction', { type: 'boolean', default: true, description: 'Subtract the drift (use --no-drift-correction to keep it; unitless flag)' })
      .option('drift-reference', { type: 'string', choices: ['framework', 'com'], default: 'framework', description: 'Drift reference: framework mean displacement (falls back to the centre of mass when every atom is the species) or centre of mass (unitless)' })
      .option('dimensions', { type: 'string', default: 'xyz', description: 'Directions to use for D: xyz, xy, z, … (unitless)' })
      .option('collective', { type: 'string', choices: ['species', 'all'], default: 'species', description: 'Charge MSD over the species only or over all atoms with a charge (unitless)' })
      .option('msd-out', { type: 'string', description: 'Write the MSD table (Å², per lag in ps) to this .csv or .arrow file (path)' })
      .option('plot', { type: 'string', description: 'Write an SVG plot of the MSD with the fit and its window (path)' })
      .option('max-fit-points', { type: 'number', default: 100, description: 'Most lags used in the GLS fit, count' })
      .option('overwrite', { type: 'boolean', default: false, description: 'Replace existing output files (unitless flag)' })
      .option('format', { type: 'string', choices: [...TRAJECTORY_FORMATS], description: 'Input format (unitless; default: detected from content)' })
      .option('timestep-fs', { type: 'number', description: 'MD time step (POTIM), fs; overrides the file' })
      .option('nblock', { type: 'number', description: 'MD steps between stored frames (VASP NBLOCK), steps' })
      .option('every', { type: 'number', description: 'Keep every N-th stored frame, frames' })
      .option('first', { type: 'number', description: 'First stored frame to keep, 0-based frame index' })
      .option('last', { type: 'number', description: 'Last stored frame to keep, 0-based frame index (inclusive)' })
      .option('max-memory-mb', { type: 'number', default: 1024, description: 'Memory budget for positions, MB: a larger Arrow file (without --first/--last/--every) is analysed in blocks of atoms, one pass over the file each' })
      .option('types', { type: 'string', description: 'LAMMPS: species of atom types 1, 2, …, comma-separated element symbols' }) as Argv<DiffusionArgs>,
  handler: async (args) => {
    const outputs = [args['msd-out'], args.plot].filter((p): p is string => typeof p === 'string');
    for (const p of outputs) assertWritable(p, args.overwrite);
    if (args['msd-out'] && !/\.(csv|arrow)$/.test(args['msd-out'])) {
      throw new InputError(`--msd-out: expected a file name ending in .csv or .arrow, found ${args['msd-out']}`);
    }
    const charges = args.charge !== undefined ? parseCharges(args.charge) : undefined;
    const maxMemory_MB = args['max-memory-mb'];
    if (!(maxMemory_MB > 0)) throw new InputError(`--max-memory-mb: expected a positive number of MB, found ${maxMemory_MB}`);
    const options = {
      species: args.species,
      charges_e: charges,
      temperature_K: args.temperature,
      fitStart_ps: args['fit-start-ps'],
      fitEnd_ps: args['fit-end-ps'],
      drift: (args['drift-correction'] ? args['drift-reference'] : 'none') as DriftMode,
      dimensions: args.dimensions,
      collective: args.collective as CollectiveMode,
      maxFitPoints: args['max-fit-points'],
    };
    const format = args.format ?? (await detectFormat(args.trajectory));
    const frameSelection = args.first !== undefined || args.last !== undefined || args.every !== undefined;
    const stream = format === 'arrow' && !frameSelection && (await stat(args.trajectory)).size > maxMemory_MB * 1024 * 1024;
    let result: DiffusionResult;
    if (stream) {
      const progress = createProgress('msd (atom blocks)', args);
      try {
        result = (await computeDiffusionFromArrow(args.trajectory, { ...options, maxMemory_MB, onProgress: progress.onProgress })).diffusion;
      } finally {
        progress.stop();
      }
    } else {
      const loaded = await loadTrajectory(args.trajectory, {
        format: args.format as TrajectoryFormat | undefined,
        timestep_fs: args['timestep-fs'],
        nblock: args.nblock,
        temperature_K: args.temperature,
        every: args.every,
        first: args.first,
        last: args.last,
        typeNames: args.types?.split(',').map((s) => s.trim()).filter((s) => s.length > 0),
      });
      for (const w of loaded.warnings) warn(w);
      const progress = createProgress('msd', args);
      try {
        result = computeDiffusion(loaded.trajectory, { ...options, onProgress: progress.onProgress });
      } finally {
        progress.stop();
      }
    }
    for (const w of result.warnings) warn(w);
    // Render the plot before writing anything, so a failure leaves no partial set of outputs.
    const svg = args.plot ? await renderSvg(buildMsdPlotSpec(result)) : null;
    if (args['msd-out']) await writeMsd(args['msd-out'], result, args.overwrite);
    if (args.plot && svg !== null) await writeFileAtomically(args.plot, svg, args.overwrite);
    if (args.json) printJson(toDiffusionJson(args.trajectory, result));
    else process.stdout.write(`${formatHuman(args.trajectory, result)}\n`);
  },
};
