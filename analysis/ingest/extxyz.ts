/**
 * Extended XYZ reader (ASE / MACE / NequIP style): per frame an atom-count line, a comment line of
 * `key=value` pairs, and one line per atom.
 *
 * Comment-line keys (names as written; values may be quoted with "…" or '…', or bracketed with {…} or […]):
 * - `Lattice="ax ay az bx by bz cx cy cz"`: cell rows a, b, c in Å (required: diffusion needs a periodic cell);
 * - `Properties=name:type:ncols:…` (default `species:S:1:pos:R:3`): columns in any order, other properties
 *   skipped; `species` (S, 1) and `pos` (R, 3; also `positions`) are used;
 * - `pbc="T T T"`: a non-periodic direction gives a warning (the cell is still used for unwrapping);
 * - time, assumed unit in brackets: `time_fs` (fs), `time_ps` (ps), `time_ns` (ns), and bare `time` / `Time` /
 *   `TIME` (fs, with a warning once: write `time_fs=` or `time_ps=` to be explicit);
 * - step: `step`, `Step`, `STEP`, `md_step`, `MD_step`; temperature (K): `temperature`, `Temperature`,
 *   `temperature_K`, `temp`, `Temp`, `T`;
 * - `unwrapped=T|F` or `wrapped=T|F`: says whether positions are continuous.
 * Positions are Cartesian Å. Without a wrapped/unwrapped key, frames are reported as possibly wrapped
 * (`wrapped: true`, the pipeline unwraps by minimum image, harmless for continuous data with small steps)
 * until an atom is found more than half a cell outside the cell (fractional coordinate < −0.5 or > 1.5), which
 * no wrapped writer produces; from that frame on the file is treated as unwrapped (`wrapped: false`).
 */
import { FS_TO_PS } from '../../engine/core/constants.js';
import { failExpected, quoteFound } from '../../engine/core/errors.js';
import { createWarnOnce, reportIncompleteFrame, type FrameReader, type RawFrame, type ReaderOptions, type SourceInfo } from './frame-source.js';
import type { LineReader } from './line-reader.js';
import { isBlank, parseToken, skipBlanks } from './number-scan.js';

/** Fractional distance outside [0, 1] beyond which a position cannot come from a wrapping writer. */
const UNWRAPPED_MARGIN = 0.5;

const TIME_KEYS_TO_PS = new Map<string, number>([
  ['time_fs', FS_TO_PS],
  ['time_ps', 1],
  ['time_ns', 1000],
]);
const BARE_TIME_KEYS = new Set(['time', 'Time', 'TIME']);
const STEP_KEYS = new Set(['step', 'Step', 'STEP', 'md_step', 'MD_step']);
const TEMPERATURE_KEYS = new Set(['temperature', 'Temperature', 'temperature_K', 'temp', 'Temp', 'T']);

/** First lines look like extended XYZ: an integer atom count, then a comment with Lattice= or Properties=. */
export function looksLikeExtxyz(firstLines: string[]): boolean {
  let i = 0;
  while (i < firstLines.length && isBlank(firstLines[i])) i++;
  if (i + 1 >= firstLines.length) return false;
  const count = firstLines[i].trim();
  if (!/^\d+$/.test(count) || Number(count) <= 0) return false;
  return /(^|\s)(lattice|properties)\s*=/i.test(firstLines[i + 1]);
}

/**
 * Split an extxyz comment line into key → value (ASE's rules: whitespace-separated `key=value`, values
 * delimited by quotes or brackets, backslash escapes, a bare key means `T`).
 */
export function parseExtxyzComment(comment: string): Map<string, string> {
  const closing: Record<string, string> = { '"': '"', "'": "'", '{': '}', '[': ']' };
  const out = new Map<string, string>();
  let key = '';
  let value = '';
  let inValue = false;
  let started = false;
  let close: string | null = null;
  let escaped = false;
  const flush = (): void => {
    if (started) out.set(key, inValue ? value : 'T');
    key = '';
    value = '';
    inValue = false;
    started = false;
  };
  for (const ch of comment.trim()) {
    if (escaped) {
      if (inValue) value += ch;
      else key += ch;
      started = true;
      escaped = false;
    } else if (ch === '\\') {
      escaped = true;
    } else if (close !== null) {
      if (ch === close) close = null;
      else if (inValue) value += ch;
      else key += ch;
    } else if (ch in closing) {
      close = closing[ch];
      started = true;
    } else if (ch === ' ' || ch === '\t') {
      flush();
    } else if (ch === '=') {
      if (inValue) value += ch;
      else inValue = true;
      started = true;
    } else {
      if (inValue) value += ch;
      else key += ch;
      started = true;
    }
  }
  flush();
  return out;
}

/** Column layout from a Properties string. */
interface PropertyLayout {
  properties: string;
  speciesCol: number;
  posCol: number;
  /** Tokens to read per atom line (up to the last column we use). */
  need: number;
  /** Total columns the Properties string declares. */
  total: number;
}

function parseProperties(properties: string, file: string, line: number): PropertyLayout {
  const parts = properties.split(':');
  if (parts.length % 3 !== 0) {
    failExpected('Properties as name:type:count triples', quoteFound(properties), { file, line });
  }
  let col = 0;
  let speciesCol = -1;
  let posCol = -1;
  for (let i = 0; i < parts.length; i += 3) {
    const name = parts[i];
    const type = parts[i + 1];
    const n = Number(parts[i + 2]);
    if (!Number.isInteger(n) || n < 1 || !['S', 'R', 'I', 'L'].includes(type)) {
      failExpected(`a property type S/R/I/L and a positive count for ${name}`, quoteFound(`${type}:${parts[i + 2]}`), {
        file,
        line,
      });
    }
    if (name === 'species' && type === 'S' && n === 1) speciesCol = col;
    if ((name === 'pos' || name === 'positions') && type === 'R' && n === 3) posCol = col;
    col += n;
  }
  if (speciesCol < 0) failExpected('a species:S:1 property in Properties', quoteFound(properties), { file, line });
  if (posCol < 0) failExpected('a pos:R:3 property in Properties', quoteFound(properties), { file, line });
  return { properties, speciesCol, posCol, need: Math.max(speciesCol + 1, posCol + 3), total: col };
}

/** Parse `T`/`F`-style booleans (ASE also writes True/False). */
function parseBool(v: string): boolean | null {
  const t = v.trim();
  if (t === 'T' || t === 'True' || t === 'true') return true;
  if (t === 'F' || t === 'False' || t === 'false') return false;
  return null;
}

/** Inverse of a row-major cell (rows a, b, c) so that frac = cart · inv. Null when singular. */
function invertCell(m: Float64Array): Float64Array | null {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (!(Math.abs(det) > 0)) return null;
  const r = 1 / det;
  return Float64Array.of(
    A * r, -(b * i - c * h) * r, (b * f - c * e) * r,
    B * r, (a * i - c * g) * r, -(a * f - c * d) * r,
    C * r, -(a * h - b * g) * r, (a * e - b * d) * r,
  );
}

/**
 * Read an extended XYZ file (see the module comment for the keys understood). Frames are yielded in file
 * order; a truncated last frame is dropped with a warning (`options.strict`: InputError).
 */
export const readExtxyz: FrameReader = async function* readExtxyz(
  input: LineReader,
  info: SourceInfo,
  options: ReaderOptions,
): AsyncGenerator<RawFrame, void, void> {
  const file = input.file;
  const warnOnce = createWarnOnce(info, file);
  let frameIndex = 0;
  let layout: PropertyLayout | null = null;
  let prevSpecies: string[] | null = null;
  let knownUnwrapped = false;

  const truncated = (frameLine: number, expected: string, found = 'the end of the file', line = input.lineNumber + 1): void =>
    reportIncompleteFrame(info, options, { index: frameIndex, line: frameLine }, expected, found, { file, line });

  for (;;) {
    let l = await input.next();
    while (l !== null && isBlank(l)) l = await input.next();
    if (l === null) break;
    const frameLine = input.lineNumber;
    const countText = l.trim();
    const nAtoms = Number(countText);
    if (!/^\d+$/.test(countText) || nAtoms <= 0) {
      const hint = frameIndex > 0 ? ' (does the previous frame have more atom lines than its count?)' : '';
      failExpected(`an atom count (positive integer) on the first line of frame ${frameIndex}${hint}`, quoteFound(l), {
        file,
        line: frameLine,
      });
    }
    const comment = await input.next();
    if (comment === null) {
      truncated(frameLine, 'a comment line');
      return;
    }
    const commentLine = input.lineNumber;
    const kv = parseExtxyzComment(comment);
    const get = (name: string): string | undefined => {
      const v = kv.get(name);
      if (v !== undefined) return v;
      for (const [k, val] of kv) if (k.toLowerCase() === name.toLowerCase()) return val;
      return undefined;
    };

    // Cell.
    const latticeText = get('Lattice');
    if (latticeText === undefined) {
      failExpected(
        'Lattice="ax ay az bx by bz cx cy cz" in the comment line (diffusion needs a periodic cell)',
        `no Lattice key in ${quoteFound(comment)}`,
        { file, line: commentLine },
      );
    }
    const cell = new Float64Array(9);
    {
      let pos = 0;
      let k = 0;
      for (; k < 9; k++) {
        pos = skipBlanks(latticeText, pos);
        if (pos >= latticeText.length) break;
        let end = pos;
        while (end < latticeText.length && !' \t,'.includes(latticeText[end])) end++;
        const v = parseToken(latticeText, pos, end);
        if (v - v !== 0) break;
        cell[k] = v;
        pos = end;
        while (pos < latticeText.length && latticeText[pos] === ',') pos++;
      }
      if (k < 9 || skipBlanks(latticeText, pos) < latticeText.length) {
        failExpected('9 numbers in Lattice', quoteFound(latticeText), { file, line: commentLine });
      }
    }
    const inv = invertCell(cell);
    if (inv === null) failExpected('a non-singular Lattice', quoteFound(latticeText), { file, line: commentLine });

    const pbcText = get('pbc');
    if (pbcText !== undefined) {
      const flags = pbcText.trim().split(/[\s,]+/).map(parseBool);
      if (flags.length !== 3 || flags.some((f) => f === null)) {
        failExpected('pbc="T T T" (three T/F flags)', quoteFound(pbcText), { file, line: commentLine });
      }
      if (flags.some((f) => f === false)) {
        warnOnce(
          'pbc',
          commentLine,
          `pbc="${pbcText}" is not periodic in every direction; the Lattice is still used for unwrapping`,
        );
      }
    }

    const properties = get('Properties') ?? 'species:S:1:pos:R:3';
    if (layout === null || layout.properties !== properties) layout = parseProperties(properties, file, commentLine);
    const { speciesCol, posCol, need } = layout;

    // Scalars.
    let time_ps: number | undefined;
    let step: number | undefined;
    let temperature_K: number | undefined;
    let wrappedKey: boolean | undefined;
    for (const [k, v] of kv) {
      const num = (): number => {
        const x = parseToken(v.trim(), 0, v.trim().length);
        if (!Number.isFinite(x)) failExpected(`a number for ${k}`, quoteFound(v), { file, line: commentLine });
        return x;
      };
      const toPs = TIME_KEYS_TO_PS.get(k);
      if (toPs !== undefined) time_ps = num() * toPs;
      else if (BARE_TIME_KEYS.has(k)) {
        if (time_ps === undefined) time_ps = num() * FS_TO_PS;
        warnOnce(
          'time',
          commentLine,
          `key "${k}" has no unit: taken as fs (write time_fs= or time_ps= to be explicit)`,
        );
      } else if (STEP_KEYS.has(k)) {
        const s = num();
        if (!Number.isInteger(s)) failExpected(`an integer for ${k}`, quoteFound(v), { file, line: commentLine });
        step = s;
      } else if (TEMPERATURE_KEYS.has(k)) temperature_K = num();
      else if (k === 'wrapped' || k === 'unwrapped') {
        const b = parseBool(v);
        if (b === null) failExpected(`T or F for ${k}`, quoteFound(v), { file, line: commentLine });
        wrappedKey = k === 'wrapped' ? b : !b;
      }
    }
    // Explicit time keys win over bare `time` regardless of order.
    for (const [k, toPs] of TIME_KEYS_TO_PS) {
      const v = kv.get(k);
      if (v !== undefined) time_ps = parseToken(v.trim(), 0, v.trim().length) * toPs;
    }

    // Atom lines (hot loop).
    const coords = new Float64Array(3 * nAtoms);
    // Species: reuse the previous frame's array when every name is the same (no string allocation per atom).
    const prev: string[] | null = prevSpecies !== null && prevSpecies.length === nAtoms ? prevSpecies : null;
    let same: boolean = prev !== null;
    const names = new Array<string>(nAtoms);
    const pos0 = posCol, pos2 = posCol + 2;
    for (let a = 0; a < nAtoms; a++) {
      // Hot loop: synchronous fast path, awaiting only when the buffered chunk is used up.
      let line = input.nextSync();
      if (line === undefined) line = await input.next();
      if (line === null) {
        const expected = `${nAtoms} atom lines after the comment line ${commentLine}`;
        truncated(frameLine, expected, `${a} before the end of the file`);
        return;
      }
      let p = 0;
      for (let t = 0; t < need; t++) {
        p = skipBlanks(line, p);
        if (p >= line.length) {
          if ((await input.peek()) === null) {
            const found = `${t} on the last line of the file`;
            truncated(frameLine, `${need} columns on atom line ${a + 1}`, found, input.lineNumber);
            return;
          }
          failExpected(
            `atom line ${a + 1} of ${nAtoms} with at least ${need} columns (${properties})`,
            `${t} in ${quoteFound(line)}`,
            { file, line: input.lineNumber },
          );
        }
        let end = p;
        const n = line.length;
        while (end < n) {
          const c = line.charCodeAt(end);
          if (c === 32 || c === 9) break;
          end++;
        }
        if (t === speciesCol) {
          const known = same ? prev![a] : '';
          if (same && known.length === end - p && line.startsWith(known, p)) names[a] = known;
          else {
            same = false;
            names[a] = line.slice(p, end);
          }
        } else if (t >= pos0 && t <= pos2) {
          const v = parseToken(line, p, end);
          if (v - v !== 0) {
            failExpected(`a number in column ${t + 1} (pos)`, quoteFound(line.slice(p, end)), {
              file,
              line: input.lineNumber,
            });
          }
          coords[3 * a + t - pos0] = v;
        }
        p = end;
      }
    }
    const species: string[] = same ? prev! : names;
    prevSpecies = species;

    let wrapped: boolean;
    if (wrappedKey !== undefined) wrapped = wrappedKey;
    else {
      if (!knownUnwrapped && hasAtomFarOutside(coords, nAtoms, inv)) knownUnwrapped = true;
      wrapped = !knownUnwrapped;
    }
    const frame: RawFrame = {
      cell_A: cell,
      coords,
      coordKind: 'cartesian',
      wrapped,
      species,
      line: frameLine,
    };
    if (step !== undefined) frame.step = step;
    if (time_ps !== undefined) frame.time_ps = time_ps;
    if (temperature_K !== undefined) frame.temperature_K = temperature_K;
    frameIndex++;
    yield frame;
  }
  if (frameIndex === 0) failExpected('at least one frame', 'an empty file', { file, line: 1 });
};

/** Some atom lies more than UNWRAPPED_MARGIN (fractional) outside the cell. */
function hasAtomFarOutside(coords: Float64Array, nAtoms: number, inv: Float64Array): boolean {
  const lo = -UNWRAPPED_MARGIN, hi = 1 + UNWRAPPED_MARGIN;
  for (let a = 0; a < nAtoms; a++) {
    const x = coords[3 * a], y = coords[3 * a + 1], z = coords[3 * a + 2];
    for (let k = 0; k < 3; k++) {
      const f = x * inv[k] + y * inv[3 + k] + z * inv[6 + k];
      if (f < lo || f > hi) return true;
    }
  }
  return false;
}
