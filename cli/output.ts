/**
 * Output plumbing shared by every command: atomic file writes (no partial output on failure, no silent
 * overwrite), JSON on stdout, tables, and the stderr progress bar.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import cliProgress from 'cli-progress';
import { InputError } from '../engine/core/errors.js';
import type { ProgressCallback } from '../engine/core/progress.js';

/** Options every command accepts. */
export interface GlobalOptions {
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  overwrite?: boolean;
}

/** Refuse to replace an existing file unless --overwrite was given. */
export function assertWritable(path: string, overwrite: boolean | undefined): void {
  if (!overwrite && existsSync(path)) {
    throw new InputError(`output ${path} already exists; pass --overwrite to replace it`);
  }
}

/** Temporary sibling path used while an output is being written. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now().toString(36)}`);
}

/**
 * Write a file atomically: `produce(tmpPath)` writes to a temporary sibling, which is renamed over `path`
 * only when it succeeds; on failure the temporary file is removed and nothing is left behind.
 */
export async function writeAtomically(
  path: string,
  produce: (tmpPath: string) => Promise<void>,
  overwrite?: boolean,
): Promise<void> {
  assertWritable(path, overwrite);
  await mkdir(dirname(path) || '.', { recursive: true });
  const tmp = tempPathFor(path);
  try {
    await produce(tmp);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Atomic write of text or bytes. */
export async function writeFileAtomically(path: string, data: string | Uint8Array, overwrite?: boolean): Promise<void> {
  await writeAtomically(path, (tmp) => writeFile(tmp, data), overwrite);
}

/** Print a machine-readable result on stdout (one JSON document). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

/** Print a warning on stderr (always, even with --quiet: warnings are not progress). */
export function warn(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}

/** Plain aligned table for human output. */
export function formatTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => String(c)))];
  const widths = header.map((_, j) => Math.max(...cells.map((r) => (r[j] ?? '').length)));
  const line = (r: string[]) => r.map((c, j) => c.padStart(widths[j])).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** Format a number with `digits` significant digits (exponential when very small or large). */
export function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || Number.isNaN(x)) return 'n/a';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(digits - 1);
  return Number(x.toPrecision(digits)).toString();
}

/**
 * A progress callback that draws a bar on stderr, or does nothing when stderr is not a terminal or with
 * --quiet. Call `stop()` when done.
 */
export function createProgress(label: string, opts: GlobalOptions): { onProgress: ProgressCallback; stop: () => void } {
  if (opts.quiet || !process.stderr.isTTY) return { onProgress: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const t0 = Date.now();
  return {
    onProgress: (done, total) => {
      // Only show for work that lasts more than a second.
      if (!started) {
        if (Date.now() - t0 < 1000) return;
        bar.start(total, done);
        started = true;
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

/** Remove a path if it exists (cleanup of partial directories). */
export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}
