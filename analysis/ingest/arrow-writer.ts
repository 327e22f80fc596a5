/**
 * Streaming Arrow IPC file writer for trajectories: frames are buffered into record batches of K frames
 * (K chosen so a batch holds about 16 MB of positions) and each batch is handed to the file as soon as it is full,
 * so memory stays bounded whatever the trajectory length.
 */
import { createWriteStream, openSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import {
  Float64,
  Int64,
  RecordBatch,
  RecordBatchFileWriter,
  Struct,
  makeData,
  type Schema,
} from 'apache-arrow';
import { InputError } from '../../engine/core/errors.js';
import { createTrajectorySchema, type TrajectorySchemaInfo } from './arrow-schema.js';
import { ingestTrajectory, type IngestOptions, type IngestResult } from './ingest.js';

/** Default number of float64 position values per record batch (16 MB). */
const BATCH_VALUES = 2 * 1024 * 1024;

export interface ArrowWriterOptions {
  /** Frames per record batch (default: about 16 MB of positions per batch). */
  framesPerBatch?: number;
}

/** Writes one trajectory to an Arrow IPC file, frame by frame. */
export class ArrowTrajectoryWriter {
  readonly schema: Schema;
  readonly framesPerBatch: number;
  /** Frames written so far. */
  nFrames = 0;
  private readonly nAtoms: number;
  private readonly writer: RecordBatchFileWriter;
  private readonly done: Promise<void>;
  private k = 0;
  private step!: BigInt64Array;
  private stepValid!: Uint8Array;
  private stepNulls = 0;
  private time!: Float64Array;
  private cell!: Float64Array;
  private pos!: Float64Array;

  private constructor(path: string, info: TrajectorySchemaInfo, options: ArrowWriterOptions) {
    this.nAtoms = info.nAtoms;
    this.schema = createTrajectorySchema(info);
    this.framesPerBatch = Math.max(1, options.framesPerBatch ?? Math.floor(BATCH_VALUES / Math.max(1, 3 * info.nAtoms)));
    this.writer = new RecordBatchFileWriter();
    // Open synchronously so a path that cannot be written (missing folder, permissions) fails here, as an
    // InputError naming it, before any stream or Arrow queue exists that could reject with nobody listening.
    let fd: number;
    try {
      fd = openSync(path, 'w');
    } catch (err) {
      throw new InputError(`cannot write the Arrow file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { file: path });
    }
    const out = createWriteStream(path, { fd });
    this.done = pipeline(this.writer.toNodeStream(), out);
    this.writer.reset(undefined, this.schema);
    this.allocate();
  }

  /** Open `path` for writing (the caller makes it atomic by passing a temporary path). */
  static open(path: string, info: TrajectorySchemaInfo, options: ArrowWriterOptions = {}): ArrowTrajectoryWriter {
    return new ArrowTrajectoryWriter(path, info, options);
  }

  private allocate(): void {
    const K = this.framesPerBatch;
    this.step = new BigInt64Array(K);
    this.stepValid = new Uint8Array(Math.ceil(K / 8));
    this.stepNulls = 0;
    this.time = new Float64Array(K);
    this.cell = new Float64Array(9 * K);
    this.pos = new Float64Array(3 * this.nAtoms * K);
    this.k = 0;
  }

  /** Append one frame (positions: unwrapped Cartesian Å, 3·nAtoms). */
  async writeFrame(step: number, time_ps: number, cell_A: ArrayLike<number>, positions_A: ArrayLike<number>): Promise<void> {
    const k = this.k;
    if (Number.isFinite(step)) {
      this.step[k] = BigInt(Math.round(step));
      this.stepValid[k >> 3] |= 1 << (k & 7);
    } else {
      this.stepNulls++;
    }
    this.time[k] = time_ps;
    for (let i = 0; i < 9; i++) this.cell[9 * k + i] = cell_A[i];
    const m = 3 * this.nAtoms;
    if (positions_A instanceof Float64Array) this.pos.set(positions_A.subarray(0, m), m * k);
    else for (let i = 0; i < m; i++) this.pos[m * k + i] = positions_A[i];
    this.k++;
    this.nFrames++;
    if (this.k === this.framesPerBatch) await this.flush();
  }

  private async flush(): Promise<void> {
    const k = this.k;
    if (k === 0) return;
    const m = 3 * this.nAtoms;
    const fields = this.schema.fields;
    const stepData = makeData({
      type: new Int64(),
      length: k,
      nullCount: this.stepNulls,
      data: this.step.subarray(0, k),
      nullBitmap: this.stepNulls > 0 ? this.stepValid : null,
    });
    const timeData = makeData({ type: new Float64(), length: k, nullCount: 0, data: this.time.subarray(0, k) });
    const cellData = makeData({
      type: fields[2].type,
      length: k,
      nullCount: 0,
      child: makeData({ type: new Float64(), length: 9 * k, nullCount: 0, data: this.cell.subarray(0, 9 * k) }),
    });
    const posData = makeData({
      type: fields[3].type,
      length: k,
      nullCount: 0,
      child: makeData({ type: new Float64(), length: m * k, nullCount: 0, data: this.pos.subarray(0, m * k) }),
    });
    const struct = makeData({
      type: new Struct(fields),
      length: k,
      nullCount: 0,
      children: [stepData, timeData, cellData, posData],
    });
    this.writer.write(new RecordBatch(this.schema, struct));
    this.allocate();
    // Let the file stream drain what was queued before producing more.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Flush the last batch, write the footer and close the file. */
  async close(): Promise<void> {
    await this.flush();
    this.writer.finish();
    await this.done;
  }

  /** Stop writing after a failure (the caller removes the file). Ends the stream normally: aborting the Arrow
   * writer would reject its internal queue with nobody listening. */
  async abort(): Promise<void> {
    try {
      this.writer.finish();
    } catch {
      /* already closed */
    }
    await this.done.catch(() => undefined);
  }
}

/**
 * Convert a trajectory file to an Arrow file at `outputPath` (written directly: callers wanting atomic output
 * pass a temporary path and rename it, as the CLI does). Returns what ingestion found.
 */
export async function convertToArrow(
  inputPath: string,
  outputPath: string,
  options: IngestOptions = {},
  writerOptions: ArrowWriterOptions = {},
): Promise<IngestResult> {
  let writer: ArrowTrajectoryWriter | null = null;
  try {
    return await ingestTrajectory(
      inputPath,
      {
        begin: (header) => {
          writer = ArrowTrajectoryWriter.open(outputPath, header, writerOptions);
        },
        frame: (step, time, cell, pos) => writer!.writeFrame(step, time, cell, pos),
        end: () => writer!.close(),
      },
      options,
    );
  } catch (err) {
    if (writer) await (writer as ArrowTrajectoryWriter).abort();
    throw err;
  }
}
