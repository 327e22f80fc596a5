/**
 * Streaming line reader for trajectory files, plain or gzip (detected from the magic bytes, not the name).
 *
 * Readers pull lines with `await reader.next()`; most calls are served from the current chunk without
 * touching the stream. Hot loops use the synchronous fast path `nextSync()` (no promise, no microtask per line)
 * and fall back to `await next()` only when it returns `undefined` (the current chunk is used up):
 *
 *     let l = input.nextSync();
 *     if (l === undefined) l = await input.next();
 * `lineNumber` is the 1-based number of the line
 * last returned (for `file:line:` error messages). Memory is bounded by the chunk size plus one line.
 */
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { InputError } from '../../engine/core/errors.js';

/** Open a file for reading; a failure is an InputError naming the file and the system's reason (ENOENT, EACCES…). */
export async function openInput(file: string): Promise<FileHandle> {
  try {
    return await open(file, 'r');
  } catch (err) {
    throw new InputError(`cannot open: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { file });
  }
}

const CHUNK_BYTES = 1 << 20;

export class LineReader {
  /** Path as given (for messages). */
  readonly file: string;
  /** 1-based number of the line last returned by next(); 0 before the first. */
  lineNumber = 0;
  /** Bytes of (decompressed) text consumed so far. */
  bytesRead = 0;

  /**
   * true once the last line has been served and the input did not end with a line terminator: a killed run's
   * last, half-written line (writers terminate every line they finish).
   */
  lastLineUnterminated = false;

  private lines: string[] = [];
  private pos = 0;
  private partial = '';
  private iterator: AsyncIterator<Buffer | string> | null = null;
  private done = false;
  private readonly decoder = new TextDecoder('utf-8');

  private constructor(file: string, stream: Readable) {
    this.file = file;
    this.iterator = stream[Symbol.asyncIterator]();
  }

  /** Open a file; gzip is detected from its first two bytes. */
  static async open(file: string): Promise<LineReader> {
    let gz = false;
    const handle = await openInput(file);
    try {
      const head = Buffer.alloc(2);
      const { bytesRead } = await handle.read(head, 0, 2, 0);
      gz = bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
    } finally {
      await handle.close();
    }
    const raw = createReadStream(file, { highWaterMark: CHUNK_BYTES });
    const stream = gz ? raw.pipe(createGunzip({ chunkSize: CHUNK_BYTES })) : raw;
    if (gz) raw.on('error', (e) => stream.destroy(e));
    return new LineReader(file, stream);
  }

  /** A reader over in-memory text (tests, generated inputs). */
  static fromString(text: string, file = '<string>'): LineReader {
    return new LineReader(file, Readable.from([text]));
  }

  /** Next line without its terminator (`\r\n` handled), or null at end of input. */
  async next(): Promise<string | null> {
    if (this.pos < this.lines.length) {
      this.lineNumber++;
      return this.lines[this.pos++];
    }
    if (!(await this.fill())) return null;
    this.lineNumber++;
    return this.lines[this.pos++];
  }

  /**
   * Synchronous fast path: the next line (as `next()` would return it), `null` at the end of input, or
   * `undefined` when the buffered chunk is used up and the caller must `await next()` (which reads on).
   */
  nextSync(): string | null | undefined {
    if (this.pos < this.lines.length) {
      this.lineNumber++;
      return this.lines[this.pos++];
    }
    return this.done ? null : undefined;
  }

  /** Look at the next line without consuming it (null at end). */
  async peek(): Promise<string | null> {
    if (this.pos < this.lines.length) return this.lines[this.pos];
    if (!(await this.fill())) return null;
    return this.lines[this.pos];
  }

  /** true when every line has been returned (the end of input has been seen). */
  get atEnd(): boolean {
    return this.done && this.pos >= this.lines.length;
  }

  /** Stop reading and release the file. */
  close(): void {
    const it = this.iterator;
    this.iterator = null;
    this.done = true;
    void it?.return?.();
  }

  private async fill(): Promise<boolean> {
    while (!this.done) {
      let res: IteratorResult<Buffer | string>;
      try {
        res = await this.iterator!.next();
      } catch (err) {
        this.done = true;
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (code.startsWith('Z_') || /unexpected end of file|incorrect header/i.test(String(err))) {
          throw new InputError(`gzip stream is corrupt or truncated (${String((err as Error).message)})`, {
            file: this.file,
            line: this.lineNumber,
          });
        }
        throw new InputError(`read error: ${String((err as Error).message)}`, { file: this.file });
      }
      if (res.done) {
        this.done = true;
        const tail = this.partial + this.decoder.decode();
        this.partial = '';
        if (tail.length > 0) {
          this.lastLineUnterminated = true;
          this.lines = [stripCr(tail)];
          this.pos = 0;
          return true;
        }
        return false;
      }
      const chunk = res.value;
      this.bytesRead += chunk.length;
      const text = this.partial + (typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true }));
      const lastNl = text.lastIndexOf('\n');
      if (lastNl < 0) {
        this.partial = text;
        continue;
      }
      this.partial = text.slice(lastNl + 1);
      const body = text.slice(0, lastNl);
      const lines = body.split('\n');
      // CRLF files only: one scan of the chunk (memchr-fast) instead of a check per line.
      if (body.indexOf('\r') >= 0) {
        for (let i = 0; i < lines.length; i++) {
          const l = lines[i];
          if (l.length > 0 && l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
        }
      }
      this.lines = lines;
      this.pos = 0;
      return true;
    }
    return false;
  }
}

function stripCr(s: string): string {
  return s.length > 0 && s.charCodeAt(s.length - 1) === 13 ? s.slice(0, -1) : s;
}
