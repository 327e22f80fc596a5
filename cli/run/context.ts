/**
 * What every `liflux run` stage shares: the effective config, the (temporary) output folder, the results of the
 * stages before it, and small helpers to write per-stage files and render figures. No physics here.
 */
import { join } from 'node:path';
import type { Trajectory } from '../../analysis/trajectory.js';
import type { IngestResult } from '../../analysis/ingest/ingest.js';
import type { DiffusionResult } from '../../analysis/diffusion.js';
import type { ArrheniusFitResult } from '../../analysis/arrhenius.js';
import type { HopAnalysisResult } from '../../analysis/hops/hop-analysis.js';
import type { RatesFromHopsResult } from '../../analysis/hops/rates-from-hops.js';
import type { ReportFigure, ReportTable } from '../report/html-report.js';
import { writeFileAtomically, type GlobalOptions } from '../output.js';
import { renderSvg, type PlotSpec } from '../plot.js';
import type { RunConfig, RunTrajectoryConfig } from './config.js';

/** One ingested trajectory: its config entry, label, Arrow file (relative to the output folder) and data. */
export interface RunTrajectory {
  entry: RunTrajectoryConfig;
  label: string;
  /** Part of the Arrhenius series (false: an extra trajectory analysed for D only). */
  series: boolean;
  arrowFile: string;
  ingest: IngestResult;
  trajectory: Trajectory;
}

/** Results handed from stage to stage. */
export interface RunState {
  trajectories: RunTrajectory[];
  diffusion: { label: string; series: boolean; result: DiffusionResult; jsonFile: string }[];
  arrhenius: { fit: ArrheniusFitResult; json: Record<string, unknown> } | null;
  hops: { results: HopAnalysisResult[]; rates: RatesFromHopsResult | null } | null;
  /** Absolute path of the MD-derived rates file (inside the output folder), when the hop stage wrote one. */
  ratesPath: string | null;
}

export interface StageContext {
  config: RunConfig;
  /** Folder the outputs are written into (the temporary folder renamed at the end). */
  dir: string;
  options: GlobalOptions;
  state: RunState;
}

/** What a stage hands to the report. */
export interface StageOutcome {
  paragraphs: string[];
  tables: ReportTable[];
  figures: ReportFigure[];
  /** Summary rows: quantity, value, unit / note. */
  summary: [string, string, string][];
  /** Files written (relative to the output folder). */
  files: string[];
  /** Seeds used by the stage (for provenance). */
  seeds?: Record<string, unknown>;
}

export interface Stage {
  id: string;
  title: string;
  /** null: runs; a string: skipped for this reason. */
  skipReason(config: RunConfig, state: RunState): string | null;
  run(ctx: StageContext): Promise<StageOutcome>;
}

export function createOutcome(): StageOutcome {
  return { paragraphs: [], tables: [], figures: [], summary: [], files: [] };
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

/** JSON text with non-finite numbers as null and typed arrays as lists. */
export function stringifyJson(value: unknown): string {
  return `${JSON.stringify(value, jsonReplacer, 2)}\n`;
}

/** Write a file under the output folder (atomically) and record it in the outcome. */
export async function writeStageFile(ctx: StageContext, out: StageOutcome, relPath: string, data: string | Uint8Array): Promise<string> {
  await writeFileAtomically(join(ctx.dir, relPath), data, true);
  out.files.push(relPath);
  return join(ctx.dir, relPath);
}

/** Render a figure for the report and also keep it as figures/<name>. */
export async function addFigure(ctx: StageContext, out: StageOutcome, name: string, spec: PlotSpec, caption: string): Promise<void> {
  const svg = await renderSvg(spec);
  await writeStageFile(ctx, out, join('figures', name), svg);
  out.figures.push({ caption, svg });
}
