/**
 * The ingestion pipeline: open → detect → read → frame selection (--first/--last/--every) → species filter →
 * unwrap → time axis → sink.
 *
 * Unwrapping sees every stored frame between --first and --last (minimum image needs consecutive frames);
 * --every subsamples after unwrapping. The time axis comes from the file when it has one (extxyz time keys,
 * LAMMPS steps × --timestep-fs, vasprun POTIM × NBLOCK), else from --timestep-fs and --nblock; when it cannot
 * be known the error names those flags. The sink receives the header (with dt and stride measured on the first
 * two kept frames) before the first frame, then the frames in order; memory is bounded by one frame plus
 * whatever the sink keeps.
 */
import { open, stat } from 'node:fs/promises';
import { InputError, formatLocated } from '../../engine/core/errors.js';
import { throwIfAborted, type RunControl } from '../../engine/core/progress.js';
import { cellVolume_A3, countSpecies } from '../trajectory.js';
import type { TrajectorySchemaInfo } from './arrow-schema.js';
import { detectFormat, selectReader } from './detect.js';
import type { RawFrame, SourceInfo, TrajectoryFormat } from './frame-source.js';
import { LineReader } from './line-reader.js';
import { SAFE_JUMP_FRACTION, Unwrapper } from './unwrap.js';

export interface IngestOptions extends RunControl {
  /** Input format; detected from content when absent. */
  format?: TrajectoryFormat;
  /** MD time step (POTIM), fs; overrides the file. */
  timestep_fs?: number;
  /** MD steps between stored frames (NBLOCK); overrides the file. */
  nblock?: number;
  /** Temperature, K; overrides the file. */
  temperature_K?: number;
  /** Keep every N-th stored frame (after unwrapping all of them). */
  every?: number;
  /** First stored frame to keep, 0-based. */
  first?: number;
  /** Last stored frame to keep, 0-based inclusive. */
  last?: number;
  /** Keep only atoms of these species. */
  species?: string[];
  /** LAMMPS: species of types 1, 2, … */
  typeNames?: string[];
  /** A truncated file is an error instead of a warning. */
  strict?: boolean;
  /** Do not fail when the time step is unknown (time_ps is then NaN); used by `info`. */
  allowMissingTime?: boolean;
}

/** Receives the converted trajectory. */
export interface TrajectorySink {
  begin(header: TrajectorySchemaInfo): Promise<void> | void;
  /** positions_A: unwrapped Cartesian Å (3·nAtoms); the arrays are reused after the call returns. */
  frame(step: number, time_ps: number, cell_A: Float64Array, positions_A: Float64Array): Promise<void> | void;
  end(): Promise<void> | void;
}

export interface IngestResult {
  format: TrajectoryFormat;
  file: string;
  nAtoms: number;
  /** Frames kept (written to the sink). */
  nFrames: number;
  /** Stored frames read from the file. */
  nFramesRead: number;
  species: Record<string, number>;
  speciesPerAtom: string[];
  atomIndex: number[];
  /** Time between kept frames, ps (null when unknown or a single frame). */
  dt_ps: number | null;
  timestep_fs: number | null;
  frameStride: number | null;
  temperature_K: number | null;
  /** Time of the first and last kept frame, ps (NaN when unknown). */
  timeFirst_ps: number;
  timeLast_ps: number;
  /** Volume range over kept frames, Å³. */
  volumeMin_A3: number;
  volumeMax_A3: number;
  /** Cell of the first kept frame (rows a, b, c), Å. */
  firstCell_A: number[];
  /** Largest minimum-image step between consecutive stored frames, fraction of the cell, and where. */
  maxJumpFraction: number;
  maxJumpFrame: number;
  maxJumpAtom: number;
  warnings: string[];
  /** Input bytes (decompressed) read. */
  bytesRead: number;
}

function checkPositiveInt(name: string, v: number | undefined, min: number): void {
  if (v === undefined) return;
  if (!Number.isInteger(v) || v < min) throw new InputError(`${name}: expected an integer ≥ ${min}, found ${v}`);
}

function checkPositive(name: string, v: number | undefined): void {
  if (v === undefined) return;
  if (!(Number.isFinite(v) && v > 0)) throw new InputError(`${name}: expected a positive number, found ${v}`);
}

/** Validate options once (messages name the CLI flags). */
export function validateIngestOptions(o: IngestOptions): void {
  checkPositive('--timestep-fs', o.timestep_fs);
  checkPositiveInt('--nblock', o.nblock, 1);
  checkPositiveInt('--every', o.every, 1);
  checkPositiveInt('--first', o.first, 0);
  checkPositiveInt('--last', o.last, 0);
  if (o.temperature_K !== undefined && !(Number.isFinite(o.temperature_K) && o.temperature_K >= 0)) {
    throw new InputError(`--temperature: expected a temperature ≥ 0 K, found ${o.temperature_K}`);
  }
  if (o.first !== undefined && o.last !== undefined && o.last < o.first) {
    throw new InputError(`--last: expected a frame index ≥ --first (${o.first}), found ${o.last}`);
  }
}

type TimeMode = 'file-time' | 'step' | 'index' | 'none';

/** Run the pipeline on `path`, delivering frames to `sink`. */
export async function ingestTrajectory(path: string, sink: TrajectorySink, options: IngestOptions = {}): Promise<IngestResult> {
  validateIngestOptions(options);
  const detected = options.format ?? (await detectFormat(path));
  if (detected === 'arrow') {
    throw new InputError('expected a text trajectory, found an Arrow file (use loadTrajectory / readArrowTrajectory)', { file: path });
  }
  const format: TrajectoryFormat = detected;
  const reader = selectReader(format);
  const fileSize = await estimateTextBytes(path, (await stat(path)).size);
  const input = await LineReader.open(path);
  const info: SourceInfo = { format, file: path, warnings: [] };
  const first = options.first ?? 0;
  const last = options.last ?? Infinity;
  const every = options.every ?? 1;
  const speciesFilter = options.species && options.species.length > 0 ? options.species : null;

  let nAtomsFile = -1;
  /** Species of the first selected frame (copy) and the last species array seen (readers reuse it). */
  let firstSpecies: string[] = [];
  let lastSpeciesRef: string[] | null = null;
  /** Line of the frame where the largest minimum-image step was seen (for the warning). */
  let maxJumpLine = 0;
  let keep = null as Int32Array | null;
  let speciesKept: string[] = [];
  let unwrapper: Unwrapper | null = null;
  let coordsBuf = new Float64Array(0);
  let outBuf = new Float64Array(0);
  let timeMode = 'none' as TimeMode;
  let timestep_fs: number | null = null;
  let nblock: number | null = null;
  let r = -1; // stored frame index in the file
  let kept = 0;
  let begun = false;
  // Frames kept before the header is known (at most two).
  const pending: { step: number; time: number; cell: Float64Array; pos: Float64Array }[] = [];
  let header: TrajectorySchemaInfo | null = null;
  let vMin = Infinity;
  let vMax = -Infinity;
  let firstCell: number[] = [];
  let tFirst = NaN;
  let tLast = NaN;
  let lastFrameLine = 0;

  const result = (): IngestResult => ({
    format,
    file: path,
    nAtoms: speciesKept.length,
    nFrames: kept,
    nFramesRead: r + 1,
    species: countSpecies(speciesKept),
    speciesPerAtom: speciesKept,
    atomIndex: header?.atomIndex ?? (keep ? Array.from(keep) : []),
    dt_ps: header?.dt_ps ?? null,
    timestep_fs: header?.timestep_fs ?? timestep_fs,
    frameStride: header?.frameStride ?? null,
    temperature_K: header?.temperature_K ?? options.temperature_K ?? info.temperature_K ?? null,
    timeFirst_ps: tFirst,
    timeLast_ps: tLast,
    volumeMin_A3: vMin,
    volumeMax_A3: vMax,
    firstCell_A: firstCell,
    maxJumpFraction: unwrapper?.maxJumpFraction ?? 0,
    maxJumpFrame: unwrapper && unwrapper.maxJumpFrame >= 0 ? unwrapper.maxJumpFrame + first : -1,
    maxJumpAtom: unwrapper ? (keep ? keep[unwrapper.maxJumpAtom] ?? -1 : unwrapper.maxJumpAtom) : -1,
    warnings: info.warnings,
    bytesRead: input.bytesRead,
  });

  const makeHeader = (): TrajectorySchemaInfo => {
    let dt_ps: number | null = null;
    let frameStride: number | null = null;
    if (pending.length >= 2) {
      const d = pending[1].time - pending[0].time;
      dt_ps = Number.isFinite(d) ? d : null;
      const s = pending[1].step - pending[0].step;
      frameStride = Number.isFinite(s) ? s : null;
    }
    if (frameStride === null && nblock !== null) frameStride = nblock * every;
    if (dt_ps === null && timestep_fs !== null && frameStride !== null && pending.length >= 2) {
      dt_ps = (timestep_fs * frameStride) / 1000;
    }
    return {
      nAtoms: speciesKept.length,
      species: speciesKept,
      atomIndex: keep ? Array.from(keep) : speciesKept.map((_, i) => i),
      sourceFormat: format,
      sourceFile: path,
      timestep_fs,
      frameStride,
      dt_ps,
      temperature_K: options.temperature_K ?? info.temperature_K ?? null,
    };
  };

  const flushPending = async (): Promise<void> => {
    header = makeHeader();
    await sink.begin(header);
    begun = true;
    for (const p of pending) await sink.frame(p.step, p.time, p.cell, p.pos);
    pending.length = 0;
  };

  const setup = (frame: RawFrame): void => {
    nAtomsFile = frame.species.length;
    firstSpecies = frame.species.slice();
    lastSpeciesRef = frame.species;
    if (speciesFilter) {
      const present = new Set(frame.species);
      for (const s of speciesFilter) {
        if (!present.has(s)) {
          throw new InputError(`--species: expected species present in the file (${[...present].join(', ')}), found ${s}`);
        }
      }
      const idx: number[] = [];
      frame.species.forEach((s, i) => {
        if (speciesFilter.includes(s)) idx.push(i);
      });
      keep = Int32Array.from(idx);
      speciesKept = idx.map((i) => frame.species[i]);
    } else {
      speciesKept = frame.species.slice();
    }
    const n = speciesKept.length;
    unwrapper = new Unwrapper(n);
    coordsBuf = keep ? new Float64Array(3 * n) : coordsBuf;
    outBuf = new Float64Array(3 * n);
    timestep_fs = options.timestep_fs ?? info.timestep_fs ?? null;
    nblock = options.nblock ?? info.nblock ?? null;
    if (frame.time_ps !== undefined) timeMode = 'file-time';
    else if (frame.step !== undefined) timeMode = 'step';
    else timeMode = 'index';
    if (timeMode === 'step' && timestep_fs === null) {
      if (!options.allowMissingTime) {
        throw new InputError(
          `time step unknown: the file gives MD steps but not the time step; pass --timestep-fs <fs> (MD time step)`,
          { file: path },
        );
      }
    }
    if (timeMode === 'index' && (timestep_fs === null || nblock === null)) {
      if (!options.allowMissingTime) {
        const missing = [
          timestep_fs === null ? '--timestep-fs <fs> (MD time step, POTIM)' : null,
          nblock === null ? '--nblock <n> (MD steps between stored frames, NBLOCK)' : null,
        ].filter((x) => x !== null);
        throw new InputError(`time step unknown: ${format} does not store it; pass ${missing.join(' and ')}`, { file: path });
      }
    }
  };

  const frames = reader(input, info, { strict: options.strict, typeNames: options.typeNames });
  try {
    for (;;) {
      let next: IteratorResult<RawFrame, void>;
      try {
        next = await frames.next();
      } catch (err) {
        // A reader error on the last line of a file that ends without a line terminator: the run was killed while
        // writing that line. Same rule as a frame cut short: keep the complete frames and warn (--strict: error).
        if (!(err instanceof InputError) || !isOnCutLastLine(err, input)) throw err;
        const bare = err.message.slice(formatLocated('', err.location).length);
        const msg = `the last line is incomplete (file truncated?): ${bare}`;
        if (options.strict) throw new InputError(msg, err.location);
        const n = Math.max(r + 1, 0);
        info.warnings.push(`${formatLocated(msg, err.location)}; kept the ${n} complete frame${n === 1 ? '' : 's'} before it`);
        break;
      }
      if (next.done) break;
      const frame = next.value;
      r++;
      lastFrameLine = frame.line;
      if (r < first) continue;
      if (r > last) {
        r--; // not read as part of the selection
        break;
      }
      if (nAtomsFile < 0) setup(frame);
      if (frame.coords.length !== 3 * nAtomsFile || frame.species.length !== nAtomsFile) {
        throw new InputError(`frame ${r}: expected ${nAtomsFile} atoms (as in the first frame), found ${frame.species.length}`, {
          file: path,
          line: frame.line,
        });
      }
      if (frame.species !== lastSpeciesRef) {
        // Readers reuse one species array while it does not change: compare only when a new array arrives.
        const firstAt = firstSpecies.findIndex((s, i) => s !== frame.species[i]);
        if (firstAt >= 0) {
          throw new InputError(
            `frame ${r}: expected the species of the first frame for every atom, found atom ${firstAt} is ${frame.species[firstAt]} (was ${firstSpecies[firstAt]}); same atom count, different species order or content`,
            { file: path, line: frame.line },
          );
        }
        lastSpeciesRef = frame.species;
      }
      let coords: Float64Array = frame.coords;
      if (keep) {
        const kk = keep;
        for (let j = 0; j < kk.length; j++) {
          const s = 3 * kk[j];
          coordsBuf[3 * j] = coords[s];
          coordsBuf[3 * j + 1] = coords[s + 1];
          coordsBuf[3 * j + 2] = coords[s + 2];
        }
        coords = coordsBuf;
      }
      const jumpBefore = unwrapper!.maxJumpFraction;
      try {
        unwrapper!.push(coords, frame.coordKind, frame.wrapped, frame.cell_A, outBuf);
      } catch (err) {
        if (err instanceof InputError && err.location.file === undefined) {
          throw new InputError(err.message, { file: path, line: frame.line });
        }
        throw err;
      }
      if (unwrapper!.maxJumpFraction > jumpBefore) maxJumpLine = frame.line;
      if ((r - first) % every !== 0) continue;
      // Time axis.
      let step = frame.step ?? NaN;
      let time = NaN;
      if (timeMode === 'file-time') time = frame.time_ps ?? NaN;
      else if (timeMode === 'step') time = timestep_fs !== null ? (step * timestep_fs) / 1000 : NaN;
      else if (nblock !== null) {
        step = r * nblock;
        if (timestep_fs !== null) time = (step * timestep_fs) / 1000;
      }
      const v = cellVolume_A3(frame.cell_A);
      if (v < vMin) vMin = v;
      if (v > vMax) vMax = v;
      if (kept === 0) {
        firstCell = Array.from(frame.cell_A);
        tFirst = time;
      }
      tLast = time;
      kept++;
      if (!begun) {
        pending.push({ step, time, cell: Float64Array.from(frame.cell_A), pos: outBuf.slice() });
        if (pending.length >= 2) await flushPending();
      } else {
        await sink.frame(step, time, frame.cell_A, outBuf);
      }
      if ((kept & 63) === 0) {
        throwIfAborted(options.signal);
        options.onProgress?.(input.bytesRead, Math.max(fileSize, input.bytesRead));
      }
    }
  } finally {
    await frames.return();
    input.close();
  }
  if (r < first) {
    if (r < 0) throw new InputError(`expected at least one complete frame, found none`, { file: path, line: lastFrameLine || 1 });
    throw new InputError(`--first: expected a frame index below the ${r + 1} stored frames, found ${first}`);
  }
  if (!begun) await flushPending();
  await sink.end();
  const res = result();
  if (res.maxJumpFraction > SAFE_JUMP_FRACTION) {
    res.warnings.push(
      `${path}:${maxJumpLine}: frame ${res.maxJumpFrame}: atom ${res.maxJumpAtom} moved ${res.maxJumpFraction.toFixed(3)} of the cell between stored frames (more than ${SAFE_JUMP_FRACTION}); unwrapping by minimum image may be ambiguous`,
    );
  }
  options.onProgress?.(fileSize, fileSize);
  return res;
}

/**
 * Size of the text behind a file, for progress: the file size, or for gzip the ISIZE trailer (uncompressed size
 * mod 2³², lifted by multiples of 2³² to at least the compressed size), an estimate for multi-member files.
 */
async function estimateTextBytes(path: string, size: number): Promise<number> {
  if (size < 18) return size;
  const h = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    await h.read(head, 0, 2, 0);
    if (head[0] !== 0x1f || head[1] !== 0x8b) return size;
    const tail = Buffer.alloc(4);
    await h.read(tail, 0, 4, size - 4);
    let isize = tail.readUInt32LE(0);
    while (isize < size) isize += 2 ** 32;
    return isize;
  } finally {
    await h.close();
  }
}

/** A sink that discards frames (for `info` on text formats: statistics only, bounded memory). */
export function createNullSink(): TrajectorySink {
  return { begin: () => {}, frame: () => {}, end: () => {} };
}

/** The error points at (or after) the last line, the input is used up, and that line had no terminator. */
function isOnCutLastLine(err: InputError, input: LineReader): boolean {
  return input.lastLineUnterminated && input.atEnd && err.location.line !== undefined && err.location.line >= input.lineNumber;
}
