/** Shared helpers for the ingestion-core tests (VASP readers, pipeline, Arrow I/O, CLI). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FrameReader, RawFrame, ReaderOptions, SourceInfo, TrajectoryFormat } from '../../../analysis/ingest/frame-source.js';
import { LineReader } from '../../../analysis/ingest/line-reader.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Path of a file in the shared sample data (beside the repository). */
export function dataPath(rel: string): string {
  return path.resolve(repoRoot, '../shared/data', rel);
}

/** Read every frame with one reader, from a path or inline text. */
export async function readFrames(
  reader: FrameReader,
  format: TrajectoryFormat,
  source: string | { text: string; name?: string },
  options: ReaderOptions = {},
): Promise<{ frames: RawFrame[]; info: SourceInfo }> {
  const input = typeof source === 'string' ? await LineReader.open(source) : LineReader.fromString(source.text, source.name ?? 'inline');
  const info: SourceInfo = { format, file: input.file, warnings: [] };
  const frames: RawFrame[] = [];
  try {
    for await (const f of reader(input, info, options)) frames.push({ ...f, coords: f.coords.slice(), cell_A: f.cell_A.slice() });
  } finally {
    input.close();
  }
  return { frames, info };
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function makeTempDir(prefix = 'liflux-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Relative difference |a−b| / max(|b|, floor). */
export function relDiff(a: number, b: number, floor = 1): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), floor);
}
