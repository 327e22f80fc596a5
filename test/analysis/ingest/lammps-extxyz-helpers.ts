/** Shared helpers for the extxyz and LAMMPS-dump reader tests. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FrameReader, RawFrame, ReaderOptions, SourceInfo, TrajectoryFormat } from '../../../analysis/ingest/frame-source.js';
import { LineReader } from '../../../analysis/ingest/line-reader.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Path of a file in the shared sample data (beside the repository). */
export function sharedData(rel: string): string {
  return path.resolve(repoRoot, '../shared/data', rel);
}

export interface ReadAllResult {
  frames: RawFrame[];
  info: SourceInfo;
}

/** Read every frame of a file (path) or of inline text (`{ text }`). */
export async function readAll(
  reader: FrameReader,
  format: TrajectoryFormat,
  source: string | { text: string; name?: string },
  options: ReaderOptions = {},
): Promise<ReadAllResult> {
  const input =
    typeof source === 'string' ? await LineReader.open(source) : LineReader.fromString(source.text, source.name);
  const info: SourceInfo = { format, file: input.file, warnings: [] };
  const frames: RawFrame[] = [];
  try {
    for await (const f of reader(input, info, options)) frames.push(f);
  } finally {
    input.close();
  }
  return { frames, info };
}

/** The error message a promise rejects with (fails the test when it resolves). */
export async function rejectionMessage(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
  throw new Error('expected the promise to reject');
}

/** Largest |a[i] − b[i]| (lengths must match). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Per-frame sum of x, y, z over atoms. */
export function sumPositions(coords: Float64Array): [number, number, number] {
  const s: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < coords.length; i++) s[i % 3] += coords[i];
  return s;
}

export interface GoldenFile {
  format: string;
  n_frames: number;
  n_atoms: number;
  frames: number[];
  positions_A: number[][];
  cells_A: number[][];
  sum_positions_A: number[][];
  types?: number[];
  symbols?: string[];
  steps?: Array<number | null>;
  time_ps?: Array<number | null>;
}

/** The committed ASE reference (test/golden/ingest/lammps_extxyz_golden.py → .json). */
export function loadGolden(): { ase_version: string; files: Record<string, GoldenFile> } {
  const p = path.join(repoRoot, 'test/golden/ingest/lammps_extxyz_golden.json');
  return JSON.parse(readFileSync(p, 'utf8')) as { ase_version: string; files: Record<string, GoldenFile> };
}
