/**
 * `liflux run <config>`: the whole chain from trajectories to a self-contained HTML report — ingest → diffusion
 * at each T → Arrhenius → hop analysis and rates → KMC (MD rates; vacancy models) → flux model (fronts, hot
 * spot) → strip presets. Everything is written into a temporary folder renamed to the output at the end; a failed
 * stage stops the run, the report keeps the finished stages, and the exit code is 2 (bad input) or 1 (internal).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { cpus, platform, release } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Argv, CommandModule } from 'yargs';
import { CancelledError, InputError } from '../engine/core/errors.js';
import { formatTable, printJson, writeFileAtomically, type GlobalOptions } from './output.js';
import { renderHtmlReport, type ReportSection } from './report/html-report.js';
import { readRunConfig, type RunConfig } from './run/config.js';
import { stringifyJson, type RunState, type Stage, type StageContext, type StageOutcome } from './run/context.js';
import { arrheniusStage, diffusionStage, hopsStage, ingestStage } from './run/stages-md.js';
import { frontStage, hotspotStage, kmcStage, stripStage } from './run/stages-model.js';

export interface RunArgs extends GlobalOptions {
  config: string;
  output: string;
}

/** The pipeline, in order. */
export const RUN_STAGES: Stage[] = [ingestStage, diffusionStage, arrheniusStage, hopsStage, kmcStage, frontStage, hotspotStage, stripStage];

/** One stage's record in run.json and the report. */
export interface StageRecord {
  id: string;
  title: string;
  status: 'ok' | 'failed' | 'skipped';
  time_s: number | null;
  reason: string | null;
  error: string | null;
  files: string[];
}

const here = dirname(fileURLToPath(import.meta.url));
/** Repository (package) root: dist/cli → two levels up. */
const PACKAGE_ROOT = resolve(here, '..', '..');

async function readVersion(pkgJson: string): Promise<string> {
  try {
    return (JSON.parse(await readFile(pkgJson, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Versions of node, liflux and the libraries that shape the numbers and the figures. */
export async function collectVersions(): Promise<Record<string, string>> {
  const out: Record<string, string> = { node: process.version, liflux: await readVersion(join(PACKAGE_ROOT, 'package.json')) };
  for (const pkg of ['gpu.js', 'apache-arrow', 'vega', 'vega-lite']) out[pkg] = await readVersion(join(PACKAGE_ROOT, 'node_modules', pkg, 'package.json'));
  return out;
}

async function describeInput(path: string): Promise<Record<string, unknown>> {
  try {
    const bytes = await readFile(path);
    return { path, bytes: (await stat(path)).size, sha256: createHash('sha256').update(bytes).digest('hex') };
  } catch (err) {
    return { path, error: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
}

function inputPaths(c: RunConfig): string[] {
  return [...c.trajectories.map((t) => t.path), ...c.extraTrajectories.map((t) => t.path), ...(c.flux.front.enabled && c.flux.front.input ? [c.flux.front.input] : [])];
}

function note(opts: GlobalOptions, text: string): void {
  if (!opts.quiet) process.stderr.write(`${text}\n`);
}

export const runCommand: CommandModule<GlobalOptions, RunArgs> = {
  command: 'run <config>',
  describe: 'The whole chain from trajectories to a self-contained HTML report (diffusion, Arrhenius, hops, KMC, flux model, strip presets)',
  builder: (y) =>
    y
      .positional('config', { type: 'string', demandOption: true, description: 'Run configuration, JSON or YAML (path; see README "liflux run")' })
      .option('output', { alias: 'o', type: 'string', default: 'liflux-output', description: 'Output folder for report.html, per-stage JSON and Arrow files (path)' })
      .option('overwrite', { type: 'boolean', default: false, description: 'Replace an existing output folder (unitless flag)' }) as Argv<RunArgs>,
  handler: async (args) => {
    const t0 = performance.now();
    const config = await readRunConfig(args.config);
    const outDir = resolve(args.output);
    if (existsSync(outDir) && !args.overwrite) throw new InputError(`output ${args.output} already exists; pass --overwrite to replace it`);
    await mkdir(dirname(outDir), { recursive: true });
    const tmp = join(dirname(outDir), `.${basename(outDir)}.tmp-${process.pid}-${Date.now().toString(36)}`);
    await mkdir(tmp, { recursive: true });
    const state: RunState = { trajectories: [], diffusion: [], arrhenius: null, hops: null, ratesPath: null };
    const ctx: StageContext = { config, dir: tmp, options: args, state };
    const records: StageRecord[] = [];
    const sections: ReportSection[] = [];
    const summaryRows: [string, string, string][] = [];
    const seeds: Record<string, unknown> = { seed: config.seed };
    let failure: { stage: string; error: unknown } | null = null;
    // Ctrl-C: the running stage finishes (the KMC stage stops early on its own), the rest are not run, and the
    // report of what finished is written before exiting with 130 — never a half-written hidden folder.
    let interrupted = false;
    const onSigint = (): void => {
      interrupted = true;
      note(args, 'liflux run: interrupted; finishing the current stage, then writing the report');
    };
    process.on('SIGINT', onSigint);
    try {
      for (const stage of RUN_STAGES) {
        if (interrupted && !failure) failure = { stage: 'interrupt', error: new CancelledError('interrupted (Ctrl-C)') };
        const reason = failure
          ? failure.stage === 'interrupt' ? 'not run: interrupted (Ctrl-C)' : `not run: stage ${failure.stage} failed`
          : stage.skipReason(config, state);
        if (reason !== null) {
          records.push({ id: stage.id, title: stage.title, status: 'skipped', time_s: null, reason, error: null, files: [] });
          sections.push({ id: stage.id, title: stage.title, status: 'skipped', paragraphs: [`Skipped: ${reason}.`] });
          note(args, `liflux run: ${stage.id} skipped (${reason})`);
          continue;
        }
        note(args, `liflux run: ${stage.id} …`);
        const s0 = performance.now();
        let outcome: StageOutcome | null = null;
        try {
          outcome = await stage.run(ctx);
        } catch (error) {
          failure = { stage: stage.id, error };
        }
        const time_s = (performance.now() - s0) / 1000;
        if (outcome) {
          records.push({ id: stage.id, title: stage.title, status: 'ok', time_s, reason: null, error: null, files: outcome.files });
          sections.push({ id: stage.id, title: stage.title, status: 'ok', time_s, paragraphs: outcome.paragraphs, tables: outcome.tables, figures: outcome.figures });
          summaryRows.push(...outcome.summary);
          Object.assign(seeds, outcome.seeds ?? {});
          note(args, `liflux run: ${stage.id} done in ${time_s.toFixed(1)} s`);
        } else {
          const message = (failure!.error as Error)?.message ?? String(failure!.error);
          records.push({ id: stage.id, title: stage.title, status: 'failed', time_s, reason: null, error: message, files: [] });
          sections.push({ id: stage.id, title: stage.title, status: 'failed', time_s, error: message });
          note(args, `liflux run: ${stage.id} FAILED after ${time_s.toFixed(1)} s: ${message}`);
        }
      }
      const versions = await collectVersions();
      const total_s = (performance.now() - t0) / 1000;
      const provenance = {
        command: ['liflux', ...process.argv.slice(2)].join(' '),
        config_file: resolve(args.config),
        config,
        inputs: await Promise.all(inputPaths(config).map(describeInput)),
        versions,
        seeds,
        timings_s: Object.fromEntries(records.map((r) => [r.id, r.time_s])),
        total_s,
        host: { platform: platform(), release: release(), cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown' },
        stages: records.map(({ id, status, reason, error, files }) => ({ id, status, reason, error, files })),
      };
      const stageRows: [string, string, string][] = records.map((r) => [`stage ${r.id}`, r.status, r.time_s === null ? (r.reason ?? '') : `${r.time_s.toFixed(1)} s${r.error ? `: ${r.error}` : ''}`]);
      const generatedAt = new Date().toISOString();
      const html = renderHtmlReport({
        title: config.title,
        subtitle: `liflux ${versions.liflux} · ${failure ? `FAILED at stage ${failure.stage}` : 'all stages finished'} · ${total_s.toFixed(1)} s`,
        summary: { caption: 'Key results (1σ unless stated) and stage status', header: ['quantity', 'value', 'unit / note'], rows: [...summaryRows, ...stageRows] },
        sections,
        provenance,
        generatedAt,
      });
      await writeFileAtomically(join(tmp, 'report.html'), html, true);
      await writeFileAtomically(join(tmp, 'run.json'), stringifyJson({ schema: 'liflux-run/1', generated_at: generatedAt, status: failure ? 'failed' : 'ok', failed_stage: failure?.stage ?? null, summary: summaryRows.map(([quantity, value, unit]) => ({ quantity, value, unit })), provenance }), true);
      if (existsSync(outDir)) await rm(outDir, { recursive: true, force: true });
      await rename(tmp, outDir);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    } finally {
      process.off('SIGINT', onSigint);
    }
    const report = join(args.output, 'report.html');
    const summary = summaryRows.map(([quantity, value, unit]) => ({ quantity, value, unit }));
    if (args.json) printJson({ status: failure ? 'failed' : 'ok', failed_stage: failure?.stage ?? null, output: args.output, report, stages: records, summary });
    if (failure) {
      const what = failure.stage === 'interrupt' ? 'run' : `stage ${failure.stage} failed`;
      const message = `${what}: ${(failure.error as Error)?.message ?? String(failure.error)} (the report with the finished stages is ${report})`;
      if (failure.error instanceof InputError) throw new InputError(message);
      if (failure.error instanceof CancelledError) throw new CancelledError(message);
      throw new Error(message);
    }
    if (!args.json) {
      process.stdout.write(`${formatTable(['stage', 'status', 'time (s)'], records.map((r) => [r.id, r.status, r.time_s === null ? (r.reason ?? '') : r.time_s.toFixed(1)]))}\n\n`);
      process.stdout.write(`${formatTable(['quantity', 'value', 'unit / note'], summaryRows)}\n\nreport: ${report}\n`);
    }
  },
};
