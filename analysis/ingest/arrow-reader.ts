/**
 * Reading trajectories into memory: `readArrowTrajectory` for liflux Arrow files (the position, cell and time
 * arrays are views into the file's buffer when it holds a single record batch — no copy; several batches are
 * concatenated once), and `loadTrajectory` for any supported input (Arrow or a text format through the
 * ingestion pipeline).
 */
import { RecordBatchReader, Table, tableFromIPC, type RecordBatch } from 'apache-arrow';
import { InputError } from '../../engine/core/errors.js';
import type { Trajectory, TrajectoryMeta } from '../trajectory.js';
import { COLUMNS, META_KEYS, TRAJECTORY_SCHEMA_VERSION } from './arrow-schema.js';
import { detectFormat } from './detect.js';
import { openInput } from './line-reader.js';
import { ingestTrajectory, type IngestOptions, type IngestResult, type TrajectorySink } from './ingest.js';
import type { TrajectorySchemaInfo } from './arrow-schema.js';

/** A trajectory plus what ingestion found (warnings, jumps). */
export interface LoadTrajectoryResult {
  trajectory: Trajectory;
  /** Per-atom index in the source file. */
  atomIndex: number[];
  warnings: string[];
  /** Present when the input was a text format. */
  ingest?: IngestResult;
}

function parseNullableNumber(s: string | undefined): number | null {
  if (s === undefined || s === '' || s === 'null') return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

/** Float64 values of a column's data chunks as one array (a view when there is one chunk). */
function concatFloat64(chunks: Float64Array[], total: number): Float64Array {
  if (chunks.length === 1 && chunks[0].length === total) return chunks[0];
  const out = new Float64Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** Convert an Arrow table in the liflux schema to a Trajectory. */
export function convertTableToTrajectory(table: Table, file = '<arrow>'): { trajectory: Trajectory; atomIndex: number[] } {
  const md = table.schema.metadata;
  const version = md.get(META_KEYS.schemaVersion);
  if (version === undefined) {
    throw new InputError(`expected a liflux trajectory (schema metadata ${META_KEYS.schemaVersion}), found none`, { file });
  }
  if (version !== TRAJECTORY_SCHEMA_VERSION) {
    throw new InputError(`expected liflux schema version ${TRAJECTORY_SCHEMA_VERSION}, found ${version}`, { file });
  }
  let species: string[];
  let atomIndex: number[];
  try {
    species = JSON.parse(md.get(META_KEYS.species) ?? '[]') as string[];
    atomIndex = JSON.parse(md.get(META_KEYS.atomIndex) ?? '[]') as number[];
  } catch {
    throw new InputError(`expected JSON in ${META_KEYS.species} / ${META_KEYS.atomIndex}, found invalid JSON`, { file });
  }
  const nAtoms = species.length;
  const nFrames = table.numRows;
  for (const c of Object.values(COLUMNS)) {
    if (!table.schema.fields.some((f) => f.name === c)) throw new InputError(`expected column ${c}, found none`, { file });
  }
  const posChunks: Float64Array[] = [];
  const cellChunks: Float64Array[] = [];
  const timeChunks: Float64Array[] = [];
  const step = new Float64Array(nFrames);
  let row = 0;
  for (const batch of table.batches) {
    const pos = batch.getChild(COLUMNS.positions_A)!.data[0];
    const cell = batch.getChild(COLUMNS.cell_A)!.data[0];
    const time = batch.getChild(COLUMNS.time_ps)!.data[0];
    const st = batch.getChild(COLUMNS.step)!;
    const posChild = pos.children[0];
    const cellChild = cell.children[0];
    if ((pos.type as { listSize: number }).listSize !== 3 * nAtoms) {
      throw new InputError(`expected positions_A of ${3 * nAtoms} values per row (${nAtoms} atoms in metadata), found ${(pos.type as { listSize: number }).listSize}`, { file });
    }
    posChunks.push((posChild.values as Float64Array).subarray(posChild.offset + pos.offset * 3 * nAtoms, posChild.offset + (pos.offset + batch.numRows) * 3 * nAtoms));
    cellChunks.push((cellChild.values as Float64Array).subarray(cellChild.offset + cell.offset * 9, cellChild.offset + (cell.offset + batch.numRows) * 9));
    timeChunks.push((time.values as Float64Array).subarray(time.offset, time.offset + batch.numRows));
    for (let i = 0; i < batch.numRows; i++) {
      const v = st.get(i) as bigint | null;
      step[row + i] = v === null ? NaN : Number(v);
    }
    row += batch.numRows;
  }
  const meta: TrajectoryMeta = {
    sourceFormat: md.get(META_KEYS.sourceFormat) || 'arrow',
    sourceFile: md.get(META_KEYS.sourceFile) || undefined,
    dt_ps: parseNullableNumber(md.get(META_KEYS.dt_ps)),
    timestep_fs: parseNullableNumber(md.get(META_KEYS.timestep_fs)),
    frameStride: parseNullableNumber(md.get(META_KEYS.frameStride)),
    temperature_K: parseNullableNumber(md.get(META_KEYS.temperature_K)),
  };
  return {
    trajectory: {
      nAtoms,
      nFrames,
      species,
      positions_A: concatFloat64(posChunks, nFrames * 3 * nAtoms),
      cells_A: concatFloat64(cellChunks, nFrames * 9),
      time_ps: concatFloat64(timeChunks, nFrames),
      step,
      meta,
    },
    atomIndex,
  };
}

/**
 * The whole file in one 8-byte-aligned buffer, read in chunks (fs.readFile stops at 2 GiB; trajectories need not).
 */
async function readWholeFile(path: string): Promise<Uint8Array> {
  const handle = await openInput(path);
  try {
    const size = (await handle.stat()).size;
    const buf = new Uint8Array(new ArrayBuffer(size));
    const CHUNK = 64 << 20;
    for (let off = 0; off < size; ) {
      const { bytesRead } = await handle.read(buf, off, Math.min(CHUNK, size - off), off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    return buf;
  } finally {
    await handle.close();
  }
}

/** Read a liflux Arrow trajectory file. */
export async function readArrowTrajectory(path: string): Promise<{ trajectory: Trajectory; atomIndex: number[] }> {
  const buf = await readWholeFile(path);
  let table: Table;
  try {
    table = tableFromIPC(buf);
  } catch (err) {
    throw new InputError(`expected an Arrow IPC file, found unreadable content (${(err as Error).message})`, { file: path });
  }
  return convertTableToTrajectory(table, path);
}

/** A sink that keeps every frame in growing typed arrays and builds a Trajectory. */
export class MemoryTrajectorySink implements TrajectorySink {
  header: TrajectorySchemaInfo | null = null;
  nFrames = 0;
  private pos = new Float64Array(0);
  private cell = new Float64Array(0);
  private time = new Float64Array(0);
  private step = new Float64Array(0);
  private capacity = 0;

  begin(header: TrajectorySchemaInfo): void {
    this.header = header;
    this.grow(16);
  }

  private grow(capacity: number): void {
    const m = 3 * (this.header?.nAtoms ?? 0);
    const g = <T extends Float64Array>(a: T, per: number) => {
      const b = new Float64Array(capacity * per);
      b.set(a.subarray(0, this.nFrames * per));
      return b;
    };
    this.pos = g(this.pos, m);
    this.cell = g(this.cell, 9);
    this.time = g(this.time, 1);
    this.step = g(this.step, 1);
    this.capacity = capacity;
  }

  frame(step: number, time_ps: number, cell_A: Float64Array, positions_A: Float64Array): void {
    if (this.nFrames === this.capacity) this.grow(this.capacity * 2);
    const m = 3 * this.header!.nAtoms;
    const k = this.nFrames;
    this.pos.set(positions_A.subarray(0, m), k * m);
    this.cell.set(cell_A.subarray(0, 9), 9 * k);
    this.time[k] = time_ps;
    this.step[k] = step;
    this.nFrames++;
  }

  end(): void {}

  /** The collected trajectory (arrays trimmed to size). */
  toTrajectory(): Trajectory {
    const h = this.header!;
    const n = this.nFrames;
    const m = 3 * h.nAtoms;
    const trim = (a: Float64Array, len: number) => (a.length === len ? a : a.slice(0, len));
    return {
      nAtoms: h.nAtoms,
      nFrames: n,
      species: h.species,
      positions_A: trim(this.pos, n * m),
      cells_A: trim(this.cell, 9 * n),
      time_ps: trim(this.time, n),
      step: trim(this.step, n),
      meta: {
        sourceFormat: h.sourceFormat,
        sourceFile: h.sourceFile ?? undefined,
        dt_ps: h.dt_ps,
        timestep_fs: h.timestep_fs,
        frameStride: h.frameStride,
        temperature_K: h.temperature_K,
      },
    };
  }
}

/**
 * Load any supported trajectory (liflux Arrow file, XDATCAR, vasprun.xml, OUTCAR, extxyz, LAMMPS dump; `.gz` too)
 * into memory. Text formats go through the full ingestion pipeline (`options` as for convert); for Arrow files
 * only `species`, `first`, `last` and `every` apply (and make a copy).
 */
export async function loadTrajectory(path: string, options: IngestOptions = {}): Promise<LoadTrajectoryResult> {
  const format = options.format ?? (await detectFormat(path));
  if (format === 'arrow') {
    const { trajectory, atomIndex } = await readArrowTrajectory(path);
    return { ...selectFromTrajectory(trajectory, atomIndex, options, path), warnings: [] };
  }
  const sink = new MemoryTrajectorySink();
  const ingest = await ingestTrajectory(path, sink, { ...options, format });
  return { trajectory: sink.toTrajectory(), atomIndex: ingest.atomIndex, warnings: ingest.warnings, ingest };
}

function selectFromTrajectory(
  t: Trajectory,
  atomIndex: number[],
  o: IngestOptions,
  file: string,
): { trajectory: Trajectory; atomIndex: number[] } {
  const first = o.first ?? 0;
  const last = Math.min(o.last ?? t.nFrames - 1, t.nFrames - 1);
  const every = o.every ?? 1;
  const species = o.species && o.species.length > 0 ? o.species : null;
  if (first === 0 && last === t.nFrames - 1 && every === 1 && !species) return { trajectory: t, atomIndex };
  if (first >= t.nFrames) throw new InputError(`--first: expected a frame index below the ${t.nFrames} stored frames, found ${first}`, { file });
  const atoms: number[] = [];
  t.species.forEach((s, i) => {
    if (!species || species.includes(s)) atoms.push(i);
  });
  if (species) {
    for (const s of species) {
      if (!t.species.includes(s)) throw new InputError(`--species: expected species present in the file (${[...new Set(t.species)].join(', ')}), found ${s}`, { file });
    }
  }
  const frames: number[] = [];
  for (let f = first; f <= last; f += every) frames.push(f);
  const n = atoms.length;
  const pos = new Float64Array(frames.length * 3 * n);
  const cells = new Float64Array(frames.length * 9);
  const time = new Float64Array(frames.length);
  const step = new Float64Array(frames.length);
  frames.forEach((f, k) => {
    for (let j = 0; j < n; j++) {
      const src = (f * t.nAtoms + atoms[j]) * 3;
      const dst = (k * n + j) * 3;
      pos[dst] = t.positions_A[src];
      pos[dst + 1] = t.positions_A[src + 1];
      pos[dst + 2] = t.positions_A[src + 2];
    }
    cells.set(t.cells_A.subarray(9 * f, 9 * f + 9), 9 * k);
    time[k] = t.time_ps[f];
    step[k] = t.step[f];
  });
  const dt_ps = frames.length >= 2 ? time[1] - time[0] : null;
  return {
    trajectory: {
      nAtoms: n,
      nFrames: frames.length,
      species: atoms.map((i) => t.species[i]),
      positions_A: pos,
      cells_A: cells,
      time_ps: time,
      step,
      meta: {
        ...t.meta,
        dt_ps: dt_ps !== null && Number.isFinite(dt_ps) ? dt_ps : null,
        frameStride: t.meta.frameStride !== null ? t.meta.frameStride * every : null,
      },
    },
    atomIndex: atoms.map((i) => atomIndex[i]),
  };
}

/** What one pass over an Arrow trajectory's record batches saw. */
export interface ArrowBatchPassResult {
  nFrames: number;
  nBatches: number;
  atomIndex: number[];
}

/**
 * Read a liflux Arrow trajectory one record batch at a time (bounded memory: one batch is held at a time) and hand
 * each to `onBatch` as a Trajectory of that batch's frames (views into the batch), with the index of its first frame.
 */
export async function forEachArrowTrajectoryBatch(
  path: string,
  onBatch: (chunk: Trajectory, firstFrame: number) => void,
): Promise<ArrowBatchPassResult> {
  // A FileHandle gives the random-access file reader (footer, then one batch at a time); a byte stream would make
  // apache-arrow buffer the whole file.
  const handle = await openInput(path);
  let nFrames = 0;
  let nBatches = 0;
  let atomIndex: number[] = [];
  let reader: RecordBatchReader;
  try {
    try {
      reader = await RecordBatchReader.from(handle);
      await reader.open();
    } catch (err) {
      throw new InputError(`expected an Arrow IPC file, found unreadable content (${(err as Error).message})`, { file: path });
    }
    for await (const batch of reader as AsyncIterable<RecordBatch>) {
      if (batch.numRows === 0) continue;
      const { trajectory, atomIndex: idx } = convertTableToTrajectory(new Table(reader.schema, [batch]), path);
      atomIndex = idx;
      onBatch(trajectory, nFrames);
      nFrames += batch.numRows;
      nBatches++;
    }
  } finally {
    await handle.close();
  }
  if (nBatches === 0) {
    // Still validate the schema of an empty file.
    convertTableToTrajectory(new Table(reader.schema, []), path);
  }
  return { nFrames, nBatches, atomIndex };
}
