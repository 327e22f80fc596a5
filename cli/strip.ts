/**
 * `liflux strip`: Li stripping at a focused hot-spot (engine/strip) — void nucleation with and without the
 * Li3Sb interlayer; `liflux strip sweep`: t_void over current × focusing factor and a simulated CCD per preset.
 * Parses options, wires the redox closure (analysis/flux/redox-closure.ts) into the engine, writes outputs
 * (series CSV/JSON/Arrow, SVG maps, checkpoints). No physics here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Field, Float64, RecordBatch, Schema, Struct, Table, makeData, tableToIPC } from 'apache-arrow';
import type { Argv, CommandModule } from 'yargs';
import { createRedoxClosure } from '../analysis/flux/redox-closure.js';
import { CancelledError, InputError } from '../engine/core/errors.js';
import { readRatesFile, selectRateModel } from '../engine/rates/rates-file.js';
import { restoreStripRun, serializeStripRun } from '../engine/strip/checkpoint.js';
import { createStripConfig, DEFAULT_AUTO_RATE_RATIO, DEFAULT_STRIP_T_K, type StripPresetOptions } from '../engine/strip/presets.js';
import { advanceStripRun, createStripRun, summarizeStripRun, type StripResult, type StripRun } from '../engine/strip/strip-kmc.js';
import { advanceStripRunParallel, createStripGpuRunner, type StripGpuRunner } from '../engine/strip/strip-gpu.js';
import { detectWebGpu } from '../engine/backends/select-backend.js';
import { createProgress, fmt, formatTable, printJson, writeAtomically, writeFileAtomically, type GlobalOptions } from './output.js';
import { renderSvg, type PlotSpec } from './plot.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The bundled example Li3Sb rates (repo data/, two levels up from dist/cli). */
const DEFAULT_RATES_PATH = resolve(here, '..', '..', 'data', 'rates', 'li3sb-example.json');
/** Where Ctrl-C / --stop-after-* write a checkpoint when --checkpoint is not given. */
const DEFAULT_CHECKPOINT = 'strip-checkpoint.json';
/** Wall-clock slice of one engine call, s. */
const SLICE_s = 0.25;
export const PRESETS = ['no-il', 'il-diffusion', 'il-redox'] as const;
export type Preset = (typeof PRESETS)[number];

export interface StripArgs extends GlobalOptions {
  action?: string;
  preset?: string;
  presets?: string;
  current?: number;
  currents?: string;
  'focusing-M'?: number;
  M?: string;
  'width-nm'?: number;
  T?: number;
  cells?: string;
  program?: string;
  'ccd-start'?: number;
  'ccd-step-turnovers'?: number;
  'off-after-s'?: number;
  'stop-time-s'?: number;
  'stop-capacity-mAhPerCm2'?: number;
  'stop-at-void'?: boolean;
  'hop-rate-scale'?: string;
  'auto-rate-ratio'?: number;
  'vv-binding'?: number;
  supply?: string;
  'supply-depth-um'?: number;
  redox?: boolean;
  rates?: string;
  seed?: string;
  'void-sites'?: number;
  'void-persist'?: number;
  checkpoint?: string;
  every?: string;
  resume?: string;
  'stop-after-events'?: number;
  'stop-after-s'?: number;
  'series-out'?: string;
  images?: string;
  'image-times'?: string;
  table?: string;
  plot?: string;
  ccd?: boolean;
  backend?: string;
  epsilon?: number;
}

function parseNumberList(text: string | undefined, what: string, unit: string): number[] {
  if (text === undefined) return [];
  const list = String(text).split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (list.length === 0 || list.some((v) => !Number.isFinite(v) || v < 0)) throw new InputError(`${what}: expected numbers ≥ 0 (${unit}) separated by commas, found ${JSON.stringify(text)}`);
  return list;
}

function parseCells(text: string | undefined): [number, number, number] | undefined {
  if (text === undefined) return undefined;
  const parts = String(text).split(/[,x×]/).map((s) => Number(s.trim()));
  if (parts.length !== 3 || parts.some((v) => !Number.isInteger(v) || v < 1)) throw new InputError(`--cells: expected three positive integers x,y,z (conventional cells), found ${JSON.stringify(text)}`);
  return parts as [number, number, number];
}

function parseDuration_s(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^\s*([0-9.eE+-]+)\s*(s|min|h)?\s*$/.exec(String(text));
  const v = m ? Number(m[1]) * (m[2] === 'min' ? 60 : m[2] === 'h' ? 3600 : 1) : NaN;
  if (!(v > 0) || !Number.isFinite(v)) throw new InputError(`--every: expected a wall-clock interval such as 60s, 5min or 1h, found ${JSON.stringify(text)}`);
  return v;
}

function parsePreset(p: string | undefined): Preset {
  if (p === undefined) throw new InputError('--preset: expected no-il, il-diffusion or il-redox, found none');
  if (!(PRESETS as readonly string[]).includes(p)) throw new InputError(`--preset: expected no-il, il-diffusion or il-redox, found ${JSON.stringify(p)}`);
  return p as Preset;
}

/** Engine preset options from command-line style arguments (rates file, redox closure, stops, supply). */
export function buildOptions(args: StripArgs, preset: Preset, current_mAPerCm2: number, focusing_M: number | undefined): StripPresetOptions {
  const T_K = args.T ?? DEFAULT_STRIP_T_K;
  let scale: number | 'auto' = 'auto';
  if (args['hop-rate-scale'] !== undefined && args['hop-rate-scale'] !== 'auto') {
    scale = Number(args['hop-rate-scale']);
    if (!(scale > 0 && scale <= 1)) throw new InputError(`--hop-rate-scale: expected auto or a scale s with 0 < s ≤ 1, found ${JSON.stringify(args['hop-rate-scale'])}`);
  }
  let supply: 'limit' | 'inf' | number = 'limit';
  if (args.supply !== undefined && args.supply !== 'limit') {
    if (args.supply === 'inf') supply = 'inf';
    else {
      supply = Number(args.supply);
      if (!(supply > 0) || !Number.isFinite(supply)) throw new InputError(`--supply: expected inf, limit or a positive supply current density in mA/cm², found ${JSON.stringify(args.supply)}`);
    }
  }
  const program = args.program ?? 'constant';
  if (program !== 'constant' && program !== 'ccd') throw new InputError(`--program: expected constant or ccd, found ${JSON.stringify(program)}`);
  const ratesPath = args.rates ?? DEFAULT_RATES_PATH;
  const ilRateModel = preset === 'no-il' ? undefined : selectRateModel(readRatesFile(ratesPath, ['TT', 'TO', 'OT']), T_K, ratesPath);
  return {
    preset,
    current_mAPerCm2,
    focusing_M,
    width_nm: args['width-nm'],
    T_K,
    cells: parseCells(args.cells),
    program,
    ccdStart_mAPerCm2: args['ccd-start'],
    ccdStepTurnovers: args['ccd-step-turnovers'],
    offAfter_s: args['off-after-s'],
    ilRateModel,
    redoxClosure: createRedoxClosure(),
    hopRateScale: scale,
    autoRateRatio: args['auto-rate-ratio'],
    vvBinding_eV: args['vv-binding'],
    supply,
    supplyDepth_um: args['supply-depth-um'],
    redox: args.redox,
    stopTime_s: args['stop-time-s'],
    stopCapacity_mAhPerCm2: args['stop-capacity-mAhPerCm2'],
    stopAtVoid: args['stop-at-void'],
    voidMinSites: args['void-sites'],
    voidPersistSamples: args['void-persist'],
    imageTimes_s: parseNumberList(args['image-times'], '--image-times', 's'),
    seed: args.seed,
  };
}

interface RunMeta {
  notes: string[];
  supply_limit_mAPerCm2: number;
  rates: string;
}

function checkpointText(run: StripRun, meta: RunMeta): string {
  return JSON.stringify({ ...serializeStripRun(run), meta });
}

/** Run to a stop; handles Ctrl-C, periodic checkpoints, --stop-after-*. */
async function executeRun(run: StripRun, meta: RunMeta, args: StripArgs, label: string, runner: StripGpuRunner | null): Promise<{ wall_s: number; interrupted: boolean; checkpointWritten: string | null }> {
  const ckptPath = args.checkpoint;
  const every_s = parseDuration_s(args.every);
  if (every_s !== undefined && ckptPath === undefined) throw new InputError('--every: expected --checkpoint <file> to say where to write, found none');
  if (args['stop-after-events'] !== undefined && !(Number.isInteger(args['stop-after-events']) && args['stop-after-events'] > 0)) {
    throw new InputError(`--stop-after-events: expected a positive integer number of events, found ${args['stop-after-events']}`);
  }
  if (args['stop-after-s'] !== undefined && !(args['stop-after-s'] > 0)) throw new InputError(`--stop-after-s: expected a positive wall-clock time in s, found ${args['stop-after-s']}`);
  const progress = createProgress(label, args);
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  const t0 = performance.now();
  let lastCheckpoint = t0;
  const maxEvents = args['stop-after-events'] !== undefined ? run.events + args['stop-after-events'] : undefined;
  let reason: string;
  try {
    // The engine runs in wall-clock slices (a pause at a loop top changes nothing: no random draw is made), so
    // Ctrl-C, the progress bar and periodic checkpoints get the event loop between slices.
    for (;;) {
      const control = { onProgress: progress.onProgress, signal: ac.signal, maxEvents, maxWall_s: SLICE_s };
      reason = runner ? await advanceStripRunParallel(run, runner, control) : advanceStripRun(run, control);
      const now = performance.now();
      if (reason === 'wall') {
        if (args['stop-after-s'] !== undefined && now - t0 >= args['stop-after-s'] * 1000) break;
        if (ckptPath && every_s !== undefined && now - lastCheckpoint >= every_s * 1000) {
          await writeFileAtomically(ckptPath, checkpointText(run, meta), true);
          lastCheckpoint = now;
        }
        await new Promise((r) => setImmediate(r));
        if (ac.signal.aborted) {
          reason = 'interrupted';
          break;
        }
        continue;
      }
      break;
    }
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
  }
  const wall_s = (performance.now() - t0) / 1000;
  let written: string | null = null;
  if (reason === 'interrupted' || reason === 'events' || reason === 'wall') {
    written = ckptPath ?? DEFAULT_CHECKPOINT;
    await writeFileAtomically(written, checkpointText(run, meta), true);
  } else if (ckptPath) {
    await writeFileAtomically(ckptPath, checkpointText(run, meta), true);
    written = ckptPath;
  }
  return { wall_s, interrupted: reason === 'interrupted', checkpointWritten: written };
}

const SERIES_COLUMNS: [keyof StripRun['series'][number], string][] = [
  ['t_s', 's'],
  ['current_mAPerCm2', 'mA/cm²'],
  ['stripped_charge_CPerCm2', 'C/cm²'],
  ['vacancies', 'sites'],
  ['largest_cluster_sites', 'sites'],
  ['largest_face_cluster_sites', 'sites'],
  ['bottom_vacancy_fraction', '1'],
  ['delithiated_area_fraction', '1'],
];

async function writeSeries(path: string, run: StripRun, result: StripResult, overwrite: boolean | undefined): Promise<void> {
  const s = run.series;
  if (path.endsWith('.csv')) {
    const lines = [`# liflux strip series: preset ${result.preset}; units ${SERIES_COLUMNS.map(([k, u]) => `${k} [${u}]`).join(', ')}`];
    lines.push(SERIES_COLUMNS.map(([k]) => k).join(','));
    for (const row of s) lines.push(SERIES_COLUMNS.map(([k]) => String(row[k])).join(','));
    await writeFileAtomically(path, `${lines.join('\n')}\n`, overwrite);
  } else if (path.endsWith('.json')) {
    const units = Object.fromEntries(SERIES_COLUMNS);
    await writeFileAtomically(path, `${JSON.stringify({ schema: 'liflux-strip-series/1', units, result, series: s }, null, 1)}\n`, overwrite);
  } else if (path.endsWith('.arrow')) {
    const n = s.length;
    const fields = SERIES_COLUMNS.map(([k, u]) => new Field(k, new Float64(), false, new Map([['unit', u]])));
    const schema = new Schema(fields, new Map([['liflux.kind', 'strip-series'], ['liflux.preset', result.preset]]));
    const children = SERIES_COLUMNS.map(([k], j) => makeData({ type: fields[j].type, length: n, nullCount: 0, data: Float64Array.from(s, (row) => row[k] as number) }));
    const struct = makeData({ type: new Struct(fields), length: n, nullCount: 0, children });
    const table = new Table(schema, [new RecordBatch(schema, struct)]);
    await writeAtomically(path, (tmp) => writeFile(tmp, tableToIPC(table, 'file')), overwrite);
  } else {
    throw new InputError(`--series-out: expected a file name ending in .csv, .json or .arrow, found ${path}`);
  }
}

/** Vega-Lite map of site occupancy: bottom face (x, y) or cross-section through the hot-spot centre (x, z). */
export function buildOccupancyMapSpec(run: StripRun, occ: Uint8Array, t_s: number, view: 'bottom' | 'section'): PlotSpec {
  const lat = run.slab.lattice;
  const h = lat.gridSpacing_A / 10;
  const yc = lat.box_grid[1] / 2;
  const pts: { a: number; b: number; state: string }[] = [];
  for (let i = 0; i < lat.n_sites; i++) {
    const x = lat.coord_grid[3 * i];
    const y = lat.coord_grid[3 * i + 1];
    const z = lat.coord_grid[3 * i + 2];
    if (view === 'bottom' ? run.slab.isBottom[i] === 1 : Math.abs(y - yc) <= 1) {
      pts.push({ a: x * h, b: (view === 'bottom' ? y : z) * h, state: occ[i] ? 'Li' : 'vacancy' });
    }
  }
  const title = `${run.config.preset}: ${view === 'bottom' ? 'bottom face' : 'cross-section through the hot-spot'} at t = ${fmt(t_s, 3)} s`;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 420,
    height: view === 'bottom' ? 420 : Math.max(80, Math.round((420 * lat.box_grid[2]) / lat.box_grid[0])),
    data: { values: pts },
    mark: { type: 'square', size: 30 },
    encoding: {
      x: { field: 'a', type: 'quantitative', title: 'x (nm)' },
      y: { field: 'b', type: 'quantitative', title: view === 'bottom' ? 'y (nm)' : 'z above the electrolyte (nm)' },
      color: { field: 'state', type: 'nominal', scale: { domain: ['Li', 'vacancy'], range: ['#9ecae1', '#d62728'] }, title: 'site' },
    },
  } as PlotSpec;
}

async function writeImages(dir: string, run: StripRun, overwrite: boolean | undefined): Promise<string[]> {
  const files: string[] = [];
  const frames: { t_s: number; bottom: string; section: string }[] = [];
  for (let k = 0; k < run.images.length; k++) {
    const im = run.images[k];
    const t_s = im.t_ps * 1e-12;
    const b = `bottom-${String(k).padStart(3, '0')}.svg`;
    const c = `section-${String(k).padStart(3, '0')}.svg`;
    await writeFileAtomically(join(dir, b), await renderSvg(buildOccupancyMapSpec(run, im.occ, t_s, 'bottom')), overwrite);
    await writeFileAtomically(join(dir, c), await renderSvg(buildOccupancyMapSpec(run, im.occ, t_s, 'section')), overwrite);
    files.push(join(dir, b), join(dir, c));
    frames.push({ t_s, bottom: b, section: c });
  }
  await writeFileAtomically(join(dir, 'frames.json'), `${JSON.stringify({ schema: 'liflux-strip-frames/1', preset: run.config.preset, frames }, null, 1)}\n`, overwrite);
  files.push(join(dir, 'frames.json'));
  return files;
}

function formatResult(r: StripResult, notes: string[], extra: { events_per_second: number; wall_s: number; supply_limit_mAPerCm2: number }): string {
  const rows: (string | number)[][] = [
    ['preset', r.preset],
    ['slab', `${r.material} ${r.cells.join('×')} cells, ${r.n_sites} sites`],
    ['T_K', r.T_K],
    ['current_mAPerCm2', fmt(r.current_mAPerCm2)],
    ['focusing_M / width_nm', `${fmt(r.focusing_M)} / ${fmt(r.width_nm)}`],
    ['supply limit (mA/cm²)', r.supply === 'inf' ? 'inf' : fmt(extra.supply_limit_mAPerCm2)],
    ['redox channel', r.redox ? 'on' : 'off'],
    ['hop_rate_scale', fmt(r.hop_rate_scale, 3)],
    ['void_nucleated', r.void_nucleated ? `yes at t = ${fmt(r.t_void_s, 3)} s, (${r.void_place_nm!.map((v) => fmt(v, 3)).join(', ')}) nm, ${r.void_sites} sites, ${r.void_face} face, ${fmt(r.void_current_mAPerCm2)} mA/cm²` : 'no'],
    ['time_s', fmt(r.time_s, 4)],
    ['stripped_charge_CPerCm2', fmt(r.stripped_charge_CPerCm2, 4)],
    ['largest_cluster_sites', r.largest_cluster_sites],
    ['delithiated_area_fraction', fmt(r.delithiated_area_fraction, 3)],
    ['recovery_time_s', r.recovery_time_s === null ? 'n/a' : fmt(r.recovery_time_s, 3)],
    ['events', `${r.events} (${fmt(extra.events_per_second, 3)}/s over ${fmt(extra.wall_s, 3)} s)`],
    ['stop', r.stop_reason ?? 'n/a'],
  ];
  return `${formatTable(['quantity', 'value'], rows)}\n${notes.map((n) => `note: ${n}`).join('\n')}`;
}

function resultJson(r: StripResult, extra: Record<string, unknown>): Record<string, unknown> {
  return { ...r, backend: 'ts', ...extra };
}


async function handleRun(args: StripArgs): Promise<void> {
  let run: StripRun;
  let meta: RunMeta;
  if (args.resume !== undefined) {
    if (!existsSync(args.resume)) throw new InputError(`--resume: expected an existing checkpoint file, found no file at ${args.resume}`);
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(args.resume, 'utf8'));
    } catch (err) {
      throw new InputError(`${args.resume}: expected a JSON checkpoint, found invalid JSON (${(err as Error).message})`);
    }
    run = restoreStripRun(data, args.resume);
    meta = ((data as { meta?: RunMeta }).meta ?? { notes: [], supply_limit_mAPerCm2: NaN, rates: 'unknown' }) as RunMeta;
  } else {
    const preset = parsePreset(args.preset);
    const opts = buildOptions(args, preset, args.current ?? 10, args['focusing-M']);
    const { config, notes, supplyLimit_mAPerCm2 } = createStripConfig(opts);
    run = createStripRun(config);
    meta = { notes, supply_limit_mAPerCm2: supplyLimit_mAPerCm2, rates: preset === 'no-il' ? 'bcc Li: w·a² = D*_Li(T)' : args.rates ?? DEFAULT_RATES_PATH };
  }
  if (args.checkpoint !== undefined && args.checkpoint !== args.resume && existsSync(args.checkpoint) && !args.overwrite) {
    throw new InputError(`output ${args.checkpoint} already exists; pass --overwrite to replace it`);
  }
  for (const p of [args['series-out']]) if (p !== undefined && existsSync(p) && !args.overwrite) throw new InputError(`output ${p} already exists; pass --overwrite to replace it`);
  if (args['series-out'] !== undefined && !/\.(csv|json|arrow)$/.test(args['series-out'])) throw new InputError(`--series-out: expected a file name ending in .csv, .json or .arrow, found ${args['series-out']}`);
  const startEvents = run.events;
  const backendArg = args.backend ?? 'ts';
  if (backendArg !== 'ts' && backendArg !== 'gpu') throw new InputError(`--backend: expected ts or gpu, found ${JSON.stringify(backendArg)}`);
  let runner: StripGpuRunner | null = null;
  let backend = 'ts';
  if (backendArg === 'gpu') {
    const mode = (await detectWebGpu()) ? 'webgpu' : 'webasm';
    runner = createStripGpuRunner(run, { mode, epsilon: args.epsilon });
    backend = `gpu (gpu.js ${mode}, synchronous sublattice, ε = ${args.epsilon ?? 0.1})`;
  }
  let exec;
  try {
    exec = await executeRun(run, meta, args, `strip ${run.config.preset}`, runner);
  } finally {
    runner?.destroy();
  }
  const result = summarizeStripRun(run);
  const evps = (result.events - startEvents) / Math.max(exec.wall_s, 1e-9);
  if (args['series-out']) await writeSeries(args['series-out'], run, result, true);
  const images = args.images ? await writeImages(args.images, run, args.overwrite) : [];
  if (exec.interrupted) {
    throw new CancelledError(`interrupted at ${result.events} events (t = ${fmt(result.time_s, 4)} s); checkpoint written to ${exec.checkpointWritten} (continue with --resume ${exec.checkpointWritten})`);
  }
  const extra = { backend, events_per_second: evps, wall_s: exec.wall_s, supply_limit_mAPerCm2: meta.supply_limit_mAPerCm2, checkpoint: exec.checkpointWritten, images, notes: meta.notes, rates: meta.rates };
  if (args.json) printJson(resultJson(result, extra));
  else {
    process.stdout.write(`${formatResult(result, meta.notes, extra)}\n`);
    if (exec.checkpointWritten && (result.stop_reason === 'events' || result.stop_reason === 'wall')) process.stdout.write(`checkpoint: ${exec.checkpointWritten} (continue with --resume)\n`);
  }
}

interface SweepRow {
  preset: string;
  focusing_M: number;
  current_mAPerCm2: number;
  void_nucleated: boolean;
  t_void_s: number | null;
  stripped_capacity_mAhPerCm2: number;
  largest_cluster_sites: number;
  hop_rate_scale: number;
  events: number;
}

/** Vega-Lite: t_void vs current, one line per M, one panel per preset (runs without a void are omitted). */
export function buildSweepPlotSpec(rows: SweepRow[], ccd: { preset: string; ccd_mAPerCm2: number | null }[]): PlotSpec {
  const pts = rows.filter((r) => r.t_void_s !== null).map((r) => ({ preset: r.preset, M: String(r.focusing_M), j: r.current_mAPerCm2, t: r.t_void_s }));
  const ccdText = ccd.map((c) => `${c.preset}: ${c.ccd_mAPerCm2 === null ? '> 100' : c.ccd_mAPerCm2} mA/cm²`).join('; ');
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: 'Void nucleation time vs current (runs without a void omitted)', subtitle: ccd.length ? `simulated CCD — ${ccdText}; paper: 16 (no IL) vs 70 (Li3Sb) mA/cm²` : '' },
    data: { values: pts },
    facet: { column: { field: 'preset', type: 'nominal', title: 'preset' } },
    spec: {
      width: 240,
      height: 240,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'j', type: 'quantitative', scale: { type: 'log' }, title: 'mean current density (mA/cm²)' },
        y: { field: 't', type: 'quantitative', scale: { type: 'log' }, title: 't_void (s)' },
        color: { field: 'M', type: 'nominal', title: 'focusing M' },
      },
    },
  } as PlotSpec;
}

async function handleSweep(args: StripArgs): Promise<void> {
  const presets = (args.presets ?? PRESETS.join(',')).split(',').map((s) => parsePreset(s.trim()));
  const currents = parseNumberList(args.currents ?? '10,30,100', '--currents', 'mA/cm²');
  const Ms = parseNumberList(args.M ?? '1,10', '--M', 'focusing factor');
  for (const p of [args.table, args.plot]) if (p !== undefined && existsSync(p) && !args.overwrite) throw new InputError(`output ${p} already exists; pass --overwrite to replace it`);
  if (args.plot !== undefined && !args.plot.endsWith('.svg')) throw new InputError(`--plot: expected a file name ending in .svg, found ${args.plot}`);
  const rows: SweepRow[] = [];
  const ccd: { preset: string; ccd_mAPerCm2: number | null; t_void_s: number | null; events: number }[] = [];
  const total = presets.length * (currents.length * Ms.length + (args.ccd === false ? 0 : 1));
  let done = 0;
  const progress = createProgress('strip sweep', args);
  const t0 = performance.now();
  let events = 0;
  try {
    for (const preset of presets) {
      for (const M of Ms) {
        for (const j of currents) {
          const { config } = createStripConfig(buildOptions({ ...args, 'image-times': undefined }, preset, j, M));
          const run = createStripRun(config);
          advanceStripRun(run);
          const r = summarizeStripRun(run);
          events += r.events;
          rows.push({ preset, focusing_M: M, current_mAPerCm2: j, void_nucleated: r.void_nucleated, t_void_s: r.t_void_s, stripped_capacity_mAhPerCm2: r.stripped_capacity_mAhPerCm2, largest_cluster_sites: r.largest_cluster_sites, hop_rate_scale: r.hop_rate_scale, events: r.events });
          progress.onProgress(++done, total);
        }
      }
      if (args.ccd !== false) {
        const M = args['focusing-M'];
        const { config } = createStripConfig(buildOptions({ ...args, program: 'ccd', 'image-times': undefined, 'stop-capacity-mAhPerCm2': undefined, 'stop-time-s': undefined }, preset, 1, M));
        config.stopAtVoid = true;
        const run = createStripRun(config);
        advanceStripRun(run);
        const r = summarizeStripRun(run);
        events += r.events;
        ccd.push({ preset, ccd_mAPerCm2: r.void_current_mAPerCm2, t_void_s: r.t_void_s, events: r.events });
        progress.onProgress(++done, total);
      }
    }
  } finally {
    progress.stop();
  }
  const wall_s = (performance.now() - t0) / 1000;
  if (args.table) {
    const head = ['preset', 'focusing_M', 'current_mAPerCm2', 'void_nucleated', 't_void_s', 'stripped_capacity_mAhPerCm2', 'largest_cluster_sites', 'hop_rate_scale', 'events'];
    const lines = ['# liflux strip sweep: t_void(j, M); empty t_void_s = no void before the default stop', head.join(',')];
    for (const r of rows) lines.push(head.map((k) => String((r as unknown as Record<string, unknown>)[k] ?? '')).join(','));
    for (const c of ccd) lines.push(`# simulated CCD ${c.preset}: ${c.ccd_mAPerCm2 ?? '>100'} mA/cm²`);
    await writeFileAtomically(args.table, `${lines.join('\n')}\n`, args.overwrite);
  }
  if (args.plot) await writeFileAtomically(args.plot, await renderSvg(buildSweepPlotSpec(rows, ccd)), args.overwrite);
  if (args.json) {
    printJson({ backend: 'ts', rows, ccd, paper_ccd_mAPerCm2: { 'no-il': 16, 'li3sb-il': 70 }, events, events_per_second: events / wall_s, wall_s });
    return;
  }
  const table = formatTable(
    ['preset', 'M', 'j_mAPerCm2', 'void', 't_void_s', 'stripped_mAhPerCm2', 'largest_cluster', 'hop_scale'],
    rows.map((r) => [r.preset, r.focusing_M, r.current_mAPerCm2, r.void_nucleated ? 'yes' : 'no', fmt(r.t_void_s, 3), fmt(r.stripped_capacity_mAhPerCm2, 3), r.largest_cluster_sites, fmt(r.hop_rate_scale, 3)]),
  );
  const ccdLines = ccd.map((c) => `simulated CCD ${c.preset}: ${c.ccd_mAPerCm2 === null ? '> 100' : c.ccd_mAPerCm2} mA/cm²`).join('\n');
  process.stdout.write(`${table}\n${ccdLines}${ccdLines ? '\n' : ''}paper: CCD 16 mA/cm² without interlayer, 70 mA/cm² with Li3Sb (75 °C)\n${fmt(events / wall_s, 3)} events/s over ${fmt(wall_s, 3)} s\n`);
}

export const stripCommand: CommandModule<GlobalOptions, StripArgs> = {
  command: 'strip [action]',
  describe: 'Li stripping at a focused hot-spot: void nucleation with and without the Li3Sb interlayer (KMC); `strip sweep`: t_void(j, M) and simulated CCDs',
  builder: (y) =>
    (y as Argv<GlobalOptions>)
      .positional('action', { type: 'string', choices: ['run', 'sweep'], default: 'run', description: 'run (default) or sweep (current × M grid and CCD per preset; unitless)' })
      .option('preset', { type: 'string', choices: [...PRESETS], description: 'Model: no-il (bcc Li metal), il-diffusion (Li3Sb IL, redox off), il-redox (Li3Sb IL, redox on) (unitless)' })
      .option('presets', { type: 'string', description: 'sweep: presets, comma-separated (unitless; default all three)' })
      .option('current', { type: 'number', description: 'Mean stripping current density, mA/cm² (default 10)' })
      .option('currents', { type: 'string', description: 'sweep: mean current densities, mA/cm², comma-separated (default 10,30,100)' })
      .option('focusing-M', { type: 'number', description: 'Hot-spot focusing factor M at the centre before rescaling to mean 1 (unitless, default 10)' })
      .option('M', { type: 'string', description: 'sweep: focusing factors, comma-separated (unitless, default 1,10)' })
      .option('width-nm', { type: 'number', description: 'Hot-spot Gaussian width w, nm (default 1)' })
      .option('T', { type: 'number', description: 'Temperature, K (default 348.15 K = 75 °C, the paper\'s CCD temperature)' })
      .option('cells', { type: 'string', description: 'Slab size x,y,z in conventional cells (cells; default 12,12,6 bcc for no-il, 8,8,4 Li3Sb for il-*)' })
      .option('program', { type: 'string', choices: ['constant', 'ccd'], description: 'Current program: constant, or ccd (the paper\'s staircase, 0.1 mAh/cm² per step or --ccd-step-turnovers slab turnovers) (unitless)' })
      .option('ccd-start', { type: 'number', description: 'CCD: first step current, mA/cm² (default 0: the staircase from 0.1 mA/cm²)' })
      .option('ccd-step-turnovers', { type: 'number', description: 'CCD: cap on a step, in slab Li contents (turnovers; default 1)' })
      .option('off-after-s', { type: 'number', description: 'Constant program: switch the current off after this time to watch the patch recover, s' })
      .option('stop-time-s', { type: 'number', description: 'Stop at this simulated time, s' })
      .option('stop-capacity-mAhPerCm2', { type: 'number', description: 'Stop at this stripped capacity, mAh/cm² (default for a constant program: 2 slab turnovers)' })
      .option('stop-at-void', { type: 'boolean', description: 'Stop at void nucleation (boolean; default true; --no-stop-at-void to keep going)' })
      .option('hop-rate-scale', { type: 'string', description: 'Multiply every hop rate by s (unitless, 0 < s ≤ 1), or auto: s = min(1, ratio × peak stripping rate / fastest hop rate) (default auto)' })
      .option('auto-rate-ratio', { type: 'number', description: `Target fastest-hop / peak-stripping rate ratio for --hop-rate-scale auto (unitless, default ${DEFAULT_AUTO_RATE_RATIO})` })
      .option('vv-binding', { type: 'number', description: 'Nearest-neighbour vacancy–vacancy binding ε_vv ≥ 0, eV (default 0 = ideal)' })
      .option('supply', { type: 'string', description: 'Top-face supply: limit (J_max = D*_Li·c_Li/δ), inf (instant), or a supply limit in mA/cm² (default limit)' })
      .option('supply-depth-um', { type: 'number', description: 'Supply depth δ of J_max, µm (default 1)' })
      .option('redox', { type: 'boolean', description: 'Electrolyte redox channel on/off (boolean; default on for il-redox only)' })
      .option('rates', { type: 'string', description: 'Li3Sb rates JSON (path; schema liflux-rates/1; default data/rates/li3sb-example.json)' })
      .option('seed', { type: 'string', description: 'Random seed (any string; unitless; default 1)' })
      .option('void-sites', { type: 'number', description: 'Void criterion: face-touching vacancy cluster of at least this many sites (sites, default 40)' })
      .option('void-persist', { type: 'number', description: 'Void criterion: in this many consecutive samples (samples, 20 per slab turnover; default 3)' })
      .option('checkpoint', { type: 'string', description: 'Checkpoint file (path, JSON) written at the end, with --every, on Ctrl-C and on --stop-after-*' })
      .option('every', { type: 'string', description: 'Checkpoint interval, wall-clock time (e.g. 60s, 5min)' })
      .option('resume', { type: 'string', description: 'Continue exactly from a checkpoint file (path)' })
      .option('stop-after-events', { type: 'number', description: 'End this invocation after N more events, writing a checkpoint (events)' })
      .option('stop-after-s', { type: 'number', description: 'End this invocation after T seconds of wall-clock time, writing a checkpoint (s)' })
      .option('series-out', { type: 'string', description: 'Time series output (path): .csv, .json or .arrow (units in the header/metadata)' })
      .option('images', { type: 'string', description: 'Directory for bottom-face and cross-section SVG maps at --image-times, plus frames.json (path)' })
      .option('image-times', { type: 'string', description: 'Simulated times of the maps, s, comma-separated' })
      .option('table', { type: 'string', description: 'sweep: CSV table of t_void(j, M) (path)' })
      .option('plot', { type: 'string', description: 'sweep: SVG plot of t_void vs current (path)' })
      .option('ccd', { type: 'boolean', description: 'sweep: also run the CCD program per preset (boolean; default true)' })
      .option('backend', { type: 'string', choices: ['ts', 'gpu'], description: 'ts: exact BKL reference (default); gpu: synchronous-sublattice parallel path on gpu.js (webgpu if available, else webasm; ε_vv = 0, no redox, constant current; resume is exact only with ts) (unitless)' })
      .option('epsilon', { type: 'number', description: 'gpu backend: controlled-error parameter ε = τ·R_max (unitless, default 0.1)' })
      .option('overwrite', { type: 'boolean', default: false, description: 'Replace existing output files (boolean)' }) as unknown as Argv<StripArgs>,
  handler: async (args) => {
    if (args.action === 'sweep') await handleSweep(args);
    else await handleRun(args);
  },
};
