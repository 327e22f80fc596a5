/**
 * VASP XDATCAR reader (VASP 5/6; VASP 4 when the comment line names the species).
 *
 * Handles fixed and variable cells (the header repeated before every frame), concatenated restarts (header
 * repeated, counter restarting), frames separated by a blank line with no `Direct configuration=` line,
 * a species label after each coordinate, negative lattice components, one or three scale factors and a
 * negative scale (target volume). The frame counter is not a step index and is ignored.
 * Coordinates are parsed without regex or split (this is the hot loop for GB-sized files), into one buffer
 * reused for every frame: a consumer that keeps frames must copy `coords`.
 */
import { InputError, failExpected, quoteFound } from '../../engine/core/errors.js';
import type { FrameReader, RawFrame, ReaderOptions, SourceInfo } from './frame-source.js';
import type { LineReader } from './line-reader.js';
import { isBlank, isNumberToken, scanNumbers, splitTokens } from './number-scan.js';

interface XdatcarHeader {
  cell_A: Float64Array;
  species: string[];
  counts: number[];
  nAtoms: number;
  /** Factors for Cartesian coordinates along x, y, z (VASP: the same scaling as the lattice). */
  coordScale: Float64Array;
}

/** Thrown by readHeader when the input ends inside a header (caught where a repeated header is read). */
class HeaderTruncated extends Error {
  constructor(readonly what: string, readonly line: number) {
    super(what);
  }
}

/** Read one header (comment already consumed); `line` is the comment line's number. */
async function readHeader(input: LineReader, comment: string): Promise<XdatcarHeader> {
  const file = input.file;
  const need = async (what: string): Promise<string> => {
    const l = await input.next();
    if (l === null) throw new HeaderTruncated(what, input.lineNumber + 1);
    return l;
  };
  // A header line that does not parse and is the last line of the input was cut mid-write.
  const cutOff = async (what: string): Promise<void> => {
    if ((await input.peek()) === null) throw new HeaderTruncated(what, input.lineNumber);
  };
  const scaleLine = await need('scale factor line');
  const scaleTok = splitTokens(scaleLine);
  if (!(scaleTok.length === 1 || scaleTok.length === 3) || !scaleTok.every(isNumberToken)) {
    await cutOff('scale factor line');
    failExpected('scale factor (1 or 3 numbers)', quoteFound(scaleLine), { file, line: input.lineNumber });
  }
  const scale = scaleTok.map(Number);
  const cell = new Float64Array(9);
  const coordScale = new Float64Array(3);
  for (let r = 0; r < 3; r++) {
    const l = await need(`lattice vector ${r + 1}`);
    if (scanNumbers(l, cell, 3 * r, 3) < 0) {
      await cutOff(`lattice vector ${r + 1}`);
      failExpected(`lattice vector ${r + 1} (3 numbers)`, quoteFound(l), { file, line: input.lineNumber });
    }
  }
  if (scale.length === 3) {
    for (let r = 0; r < 3; r++) for (let k = 0; k < 3; k++) cell[3 * r + k] *= scale[k];
    coordScale.set(scale);
  } else if (scale[0] < 0) {
    const v = Math.abs(det3(cell));
    const f = Math.cbrt(-scale[0] / v);
    for (let i = 0; i < 9; i++) cell[i] *= f;
    coordScale.fill(f);
  } else {
    for (let i = 0; i < 9; i++) cell[i] *= scale[0];
    coordScale.fill(scale[0]);
  }
  let l = await need('species names or counts');
  let tokens = splitTokens(l);
  let species: string[];
  let counts: number[];
  if (tokens.length > 0 && tokens.every(isNumberToken)) {
    // VASP 4: no species line; try the comment.
    counts = tokens.map(Number);
    const fromComment = splitTokens(comment);
    if (fromComment.length !== counts.length || fromComment.some(isNumberToken)) {
      failExpected('a species-name line (VASP 5+) before the counts', quoteFound(l), { file, line: input.lineNumber });
    }
    species = fromComment;
  } else {
    // Some writers append '/hash' or '_pv' to names: keep the element part.
    species = tokens.map((t) => t.split(/[/_]/)[0]);
    const countLine = input.lineNumber + 1;
    l = await need('atom counts');
    tokens = splitTokens(l);
    if (tokens.length !== species.length || !tokens.every((t) => /^\d+$/.test(t))) {
      await cutOff('atom counts');
      failExpected(`${species.length} atom counts`, quoteFound(l), { file, line: countLine });
    }
    counts = tokens.map(Number);
  }
  const nAtoms = counts.reduce((a, b) => a + b, 0);
  if (nAtoms <= 0) failExpected('a positive number of atoms', String(nAtoms), { file, line: input.lineNumber });
  return { cell_A: cell, species, counts, nAtoms, coordScale };
}

function det3(m: ArrayLike<number>): number {
  return (
    m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6])
  );
}

function expandSpecies(h: XdatcarHeader): string[] {
  const out: string[] = [];
  h.species.forEach((s, i) => {
    for (let k = 0; k < h.counts[i]; k++) out.push(s);
  });
  return out;
}

function isConfigLine(line: string): 'fractional' | 'cartesian' | null {
  let i = 0;
  while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  const c = line.charCodeAt(i) | 32; // lower-case
  if (c === 100 /* d */ && /^\s*direct/i.test(line)) return 'fractional';
  if (c === 99 /* c */ && /^\s*cartesian/i.test(line)) return 'cartesian';
  if (c === 107 /* k */ && /^\s*konfig/i.test(line)) return 'fractional';
  return null;
}

/** Stream the frames of an XDATCAR. */
export const readXdatcar: FrameReader = async function* (
  input: LineReader,
  info: SourceInfo,
  options: ReaderOptions,
): AsyncGenerator<RawFrame, void, void> {
  const file = input.file;
  const first = await input.next();
  if (first === null) throw new InputError('expected an XDATCAR header, found an empty file', { file, line: 1 });
  let header: XdatcarHeader;
  try {
    header = await readHeader(input, first);
  } catch (err) {
    // No complete header: nothing to keep, so this is an error even without --strict.
    if (err instanceof HeaderTruncated) failExpected(err.what, 'end of file', { file, line: err.line });
    throw err;
  }
  const species = expandSpecies(header);
  const nAtoms = header.nAtoms;
  let frameIndex = 0;
  let coordKind: 'fractional' | 'cartesian' = 'fractional';
  let afterHeader = true;
  // One coordinate buffer for all frames (the pipeline consumes a frame before asking for the next; copy to keep).
  const coordsBuffer = new Float64Array(3 * nAtoms);
  for (;;) {
    // Find the start of the next frame: a configuration line, a blank line, or a repeated header.
    const line = await input.next();
    if (line === null) return;
    const kind = isConfigLine(line);
    let frame: RawFrame | null;
    if (kind !== null) {
      coordKind = kind;
      frame = await readCoordinates(null);
    } else if (isBlank(line)) {
      // Blank-line separated frames (no 'Direct configuration='), or trailing blank lines at the end.
      const peek = await input.peek();
      if (peek === null) return;
      if (isBlank(peek) || isConfigLine(peek) !== null || !looksLikeCoordinate(peek)) continue;
      frame = await readCoordinates(null);
    } else if (afterHeader && looksLikeCoordinate(line)) {
      // Coordinates directly after the counts line (no configuration line at all).
      frame = await readCoordinates(line);
    } else if (looksLikeCoordinate(line)) {
      // Coordinates where a frame separator or header belongs: the previous frame had too many lines.
      throw new InputError(
        `frame ${frameIndex - 1}: expected ${nAtoms} coordinate lines then 'Direct configuration=' or a header, found another coordinate line ${quoteFound(line)}`,
        { file, line: input.lineNumber },
      );
    } else {
      // A repeated header (variable cell or concatenated restart).
      const headerLine = input.lineNumber;
      let h: XdatcarHeader;
      try {
        h = await readHeader(input, line);
      } catch (err) {
        if (!(err instanceof HeaderTruncated)) throw err;
        const msg = `expected ${err.what} of the header starting at line ${headerLine}, found end of file (file truncated?)`;
        if (options.strict) throw new InputError(msg, { file, line: err.line });
        info.warnings.push(
          `${file}:${err.line}: ${msg}; kept the ${frameIndex} complete frame${frameIndex === 1 ? '' : 's'} before it`,
        );
        return;
      }
      if (h.nAtoms !== nAtoms) {
        failExpected(`${nAtoms} atoms in repeated header (as in the first header)`, `${h.nAtoms}`, {
          file,
          line: headerLine,
        });
      }
      const newSpecies = expandSpecies(h);
      if (newSpecies.some((sp, i) => sp !== species[i])) {
        failExpected(`species ${header.species.join(' ')} in repeated header`, h.species.join(' '), {
          file,
          line: headerLine,
        });
      }
      header = h;
      afterHeader = true;
      continue;
    }
    afterHeader = false;
    if (frame === null) return;
    yield frame;
  }

  async function readCoordinates(firstLine: string | null): Promise<RawFrame | null> {
    const startLine = firstLine === null ? input.lineNumber + 1 : input.lineNumber;
    const coords = coordsBuffer;
    for (let i = 0; i < nAtoms; i++) {
      // Hot loop: synchronous fast path, awaiting only when the buffered chunk is used up.
      let l = i === 0 && firstLine !== null ? firstLine : input.nextSync();
      if (l === undefined) l = await input.next();
      if (l === null) {
        const msg = `frame ${frameIndex}: expected ${nAtoms} coordinate lines, found ${i} (file truncated?)`;
        if (options.strict) throw new InputError(msg, { file, line: input.lineNumber + 1 });
        info.warnings.push(
          `${file}:${input.lineNumber + 1}: ${msg}; kept the ${frameIndex} complete frame${frameIndex === 1 ? '' : 's'} before it`,
        );
        return null;
      }
      if (scanNumbers(l, coords, 3 * i, 3) < 0) {
        if ((await input.peek()) === null && isConfigLine(l) === null) {
          // The last line was cut mid-write (possibly right after its leading blanks).
          const msg = `frame ${frameIndex}: expected ${nAtoms} coordinate lines, found ${i} complete (file truncated?)`;
          if (options.strict) throw new InputError(msg, { file, line: input.lineNumber });
          info.warnings.push(
            `${file}:${input.lineNumber}: ${msg}; kept the ${frameIndex} complete frame${frameIndex === 1 ? '' : 's'} before it`,
          );
          return null;
        }
        if (isConfigLine(l) !== null || (isBlank(l) && i > 0)) {
          throw new InputError(`frame ${frameIndex}: expected ${nAtoms} coordinate lines, found ${i}`, {
            file,
            line: input.lineNumber,
          });
        }
        failExpected(`3 fractional coordinates (frame ${frameIndex}, atom ${i + 1})`, quoteFound(l), {
          file,
          line: input.lineNumber,
        });
      }
    }
    if (coordKind === 'cartesian') {
      // VASP scales Cartesian positions like the lattice (one factor, three factors, or the volume-derived one).
      const sc = header.coordScale;
      const sx = sc[0];
      const sy = sc[1];
      const sz = sc[2];
      if (sx !== 1 || sy !== 1 || sz !== 1) {
        for (let j = 0; j < 3 * nAtoms; j += 3) {
          coords[j] *= sx;
          coords[j + 1] *= sy;
          coords[j + 2] *= sz;
        }
      }
    }
    const frame: RawFrame = {
      cell_A: header.cell_A,
      coords,
      coordKind,
      wrapped: true,
      species,
      line: startLine,
    };
    frameIndex++;
    return frame;
  }
};

/** A line that starts with three numbers (a coordinate line, maybe with a trailing label). */
const scratch3 = new Float64Array(3);
function looksLikeCoordinate(line: string): boolean {
  return scanNumbers(line, scratch3, 0, 3) >= 0;
}

/** Species list of an XDATCAR header (for format detection and `info`). */
export function isXdatcarHead(lines: string[]): boolean {
  if (lines.length < 7) return false;
  const scale = splitTokens(lines[1]);
  if (!(scale.length === 1 || scale.length === 3) || !scale.every(isNumberToken)) return false;
  for (let r = 2; r < 5; r++) if (!looksLikeCoordinate(lines[r])) return false;
  return true;
}
