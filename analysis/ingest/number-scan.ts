/**
 * Fast whitespace-separated number scanning for trajectory text (no regex, no split per line).
 *
 * `scanNumbers(line, out, offset, count)` parses exactly `count` numbers from the start of `line` into
 * `out[offset…]` and returns the index just after the last one, or -1 when a token is missing or not a number.
 * Decimal tokens with at most 15 significant digits are parsed by integer accumulation and one exact division
 * by a power of ten (correctly rounded, identical to `Number()`); anything else falls back to `Number()`.
 */

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];

/** Position after the token that starts at `pos` (first whitespace or end). */
function tokenEnd(line: string, pos: number): number {
  const n = line.length;
  while (pos < n) {
    const c = line.charCodeAt(pos);
    if (c === 32 || c === 9) break;
    pos++;
  }
  return pos;
}

/** Skip spaces and tabs. */
export function skipBlanks(line: string, pos: number): number {
  const n = line.length;
  while (pos < n) {
    const c = line.charCodeAt(pos);
    if (c !== 32 && c !== 9) break;
    pos++;
  }
  return pos;
}

/** Parse the token line[start, end) as a number; NaN when it is not one. */
export function parseToken(line: string, start: number, end: number): number {
  let i = start;
  let neg = false;
  let c = line.charCodeAt(i);
  if (c === 45 /* - */) {
    neg = true;
    i++;
  } else if (c === 43 /* + */) i++;
  let mant = 0;
  let digits = 0;
  let fracDigits = 0;
  let any = false;
  while (i < end) {
    c = line.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (mant !== 0 || c !== 48) digits++;
      mant = mant * 10 + (c - 48);
      any = true;
      i++;
    } else break;
  }
  if (i < end && line.charCodeAt(i) === 46 /* . */) {
    i++;
    while (i < end) {
      c = line.charCodeAt(i);
      if (c >= 48 && c <= 57) {
        if (mant !== 0 || c !== 48) digits++;
        mant = mant * 10 + (c - 48);
        fracDigits++;
        any = true;
        i++;
      } else break;
    }
  }
  if (!any) return NaN;
  if (i === end && digits <= 15 && fracDigits <= 22) {
    const v = mant / POW10[fracDigits];
    return neg ? -v : v;
  }
  // Exponents, long mantissas, Fortran 'D' exponents: rare; take the slow exact path.
  if (i < end) {
    c = line.charCodeAt(i);
    if (c !== 101 && c !== 69 && c !== 100 && c !== 68) return NaN;
  }
  let tok = line.slice(start, end);
  if (c === 100 || c === 68) tok = tok.replace(/[dD]/, 'e');
  const v = Number(tok);
  return v;
}

/**
 * Parse `count` numbers from `line` starting at character `pos` into out[offset…]. Returns the position after
 * the last number, or -1 when fewer than `count` numeric tokens are there. One pass over the characters for plain
 * decimals (the hot path of XDATCAR/OUTCAR/LAMMPS coordinate lines); other tokens go through `parseToken`.
 */
export function scanNumbers(line: string, out: Float64Array, offset: number, count: number, pos = 0): number {
  const n = line.length;
  for (let k = 0; k < count; k++) {
    let c = 32;
    while (pos < n) {
      c = line.charCodeAt(pos);
      if (c !== 32 && c !== 9) break;
      pos++;
    }
    if (pos >= n) return -1;
    const start = pos;
    let neg = false;
    if (c === 45) {
      neg = true;
      pos++;
    } else if (c === 43) pos++;
    let mant = 0;
    const s0 = pos;
    while (pos < n) {
      const d = line.charCodeAt(pos) - 48;
      if (d >>> 0 > 9) break;
      mant = mant * 10 + d;
      pos++;
    }
    let nDigits = pos - s0;
    let fracDigits = 0;
    if (pos < n && line.charCodeAt(pos) === 46) {
      pos++;
      const s1 = pos;
      while (pos < n) {
        const d = line.charCodeAt(pos) - 48;
        if (d >>> 0 > 9) break;
        mant = mant * 10 + d;
        pos++;
      }
      fracDigits = pos - s1;
      nDigits += fracDigits;
    }
    c = pos < n ? line.charCodeAt(pos) : 32;
    // ≤ 15 digits: the integer mantissa is exact and one division by an exact power of ten rounds correctly.
    if (nDigits > 0 && nDigits <= 15 && (c === 32 || c === 9)) {
      const v = mant / POW10[fracDigits];
      out[offset + k] = neg ? -v : v;
      continue;
    }
    // Exponent, long mantissa or garbage: find the token end and take the exact path.
    const end = tokenEnd(line, pos);
    const v = parseToken(line, start, end);
    if (v - v !== 0) return -1; // NaN or ±Infinity
    out[offset + k] = v;
    pos = end;
  }
  return pos;
}

/** Whitespace-separated tokens of a line (for headers, not hot loops). */
export function splitTokens(line: string): string[] {
  const t = line.trim();
  return t.length === 0 ? [] : t.split(/\s+/);
}

/** True when the token is a finite number. */
export function isNumberToken(tok: string): boolean {
  return tok.length > 0 && Number.isFinite(parseToken(tok, 0, tok.length));
}

/** True when the line holds only whitespace. */
export function isBlank(line: string): boolean {
  return skipBlanks(line, 0) >= line.length;
}
