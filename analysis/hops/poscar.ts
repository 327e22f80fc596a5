/**
 * Minimal VASP POSCAR/CONTCAR reader for reference structures (VASP 5 layout with a species line; VASP 4 when the
 * comment line names the species): comment, scale (one number, three numbers, or a negative target volume),
 * three lattice vectors, species, counts, optional `Selective dynamics`, `Direct`/`Cartesian`, coordinates.
 * Velocities and predictor blocks after the coordinates are ignored.
 */
import { readFileSync } from 'node:fs';
import { InputError, quoteFound } from '../../engine/core/errors.js';

export interface PoscarStructure {
  comment: string;
  /** Cell rows a, b, c, Å (scale applied). */
  cell_A: Float64Array;
  /** Species per atom. */
  species: string[];
  /** Fractional coordinates, 3 per atom, wrapped to [0, 1). */
  frac: Float64Array;
}

const isNum = (t: string) => t !== '' && Number.isFinite(Number(t));

/** Parse POSCAR text; `file` names it in errors. */
export function parsePoscar(text: string, file = 'POSCAR'): PoscarStructure {
  const lines = text.split(/\r?\n/);
  let ln = 0;
  const next = (what: string): string => {
    if (ln >= lines.length) throw new InputError(`expected ${what}, found end of file`, { file, line: ln + 1 });
    return lines[ln++];
  };
  const tokens = (l: string) => l.trim().split(/\s+/).filter((t) => t.length > 0);
  const comment = next('a comment line');
  const scaleTok = tokens(next('the scale factor'));
  if (!(scaleTok.length === 1 || scaleTok.length === 3) || !scaleTok.every(isNum)) {
    throw new InputError(`expected a scale factor (1 or 3 numbers), found ${quoteFound(lines[ln - 1])}`, { file, line: ln });
  }
  const cell = new Float64Array(9);
  for (let r = 0; r < 3; r++) {
    const t = tokens(next(`lattice vector ${r + 1}`));
    if (t.length < 3 || !t.slice(0, 3).every(isNum)) throw new InputError(`expected lattice vector ${r + 1} (3 numbers), found ${quoteFound(lines[ln - 1])}`, { file, line: ln });
    for (let k = 0; k < 3; k++) cell[3 * r + k] = Number(t[k]);
  }
  const scale = scaleTok.map(Number);
  if (scale.length === 3) {
    for (let r = 0; r < 3; r++) for (let k = 0; k < 3; k++) cell[3 * r + k] *= scale[k];
  } else if (scale[0] < 0) {
    const f = Math.cbrt(-scale[0] / Math.abs(computeDeterminant3(cell)));
    for (let i = 0; i < 9; i++) cell[i] *= f;
  } else {
    for (let i = 0; i < 9; i++) cell[i] *= scale[0];
  }
  if (!(Math.abs(computeDeterminant3(cell)) > 0)) throw new InputError('expected three independent lattice vectors, found a degenerate cell', { file, line: ln });
  let t = tokens(next('species names or counts'));
  let names: string[];
  if (t.length > 0 && t.every(isNum)) {
    names = tokens(comment);
    if (names.length !== t.length || names.some(isNum)) {
      throw new InputError(`expected a species line (VASP 5) or species names in the comment line (VASP 4), found counts only (${t.join(' ')})`, { file, line: ln });
    }
  } else {
    names = t.map((s) => s.split('/')[0].split('_')[0]);
    t = tokens(next('atom counts'));
    if (t.length !== names.length || !t.every((s) => /^\d+$/.test(s))) {
      throw new InputError(`expected ${names.length} atom counts, found ${quoteFound(lines[ln - 1])}`, { file, line: ln });
    }
  }
  const counts = t.map(Number);
  let mode = next('Direct or Cartesian').trim();
  if (/^s/i.test(mode)) mode = next('Direct or Cartesian').trim();
  const cartesian = /^[ck]/i.test(mode);
  if (!cartesian && !/^d/i.test(mode)) throw new InputError(`expected Direct or Cartesian, found ${quoteFound(mode)}`, { file, line: ln });
  const nAtoms = counts.reduce((a, b) => a + b, 0);
  const species: string[] = [];
  names.forEach((s, i) => {
    for (let k = 0; k < counts[i]; k++) species.push(s);
  });
  const frac = new Float64Array(3 * nAtoms);
  const inv = invertMatrix3(cell);
  for (let a = 0; a < nAtoms; a++) {
    const c = tokens(next(`coordinates of atom ${a + 1} of ${nAtoms}`));
    if (c.length < 3 || !c.slice(0, 3).every(isNum)) throw new InputError(`expected 3 coordinates for atom ${a + 1} of ${nAtoms}, found ${quoteFound(lines[ln - 1])}`, { file, line: ln });
    const x = Number(c[0]);
    const y = Number(c[1]);
    const zz = Number(c[2]);
    for (let k = 0; k < 3; k++) {
      let f: number;
      if (cartesian) {
        const sc = scale.length === 1 && scale[0] > 0 ? scale[0] : 1;
        f = (x * inv[k] + y * inv[3 + k] + zz * inv[6 + k]) * sc;
      } else {
        f = k === 0 ? x : k === 1 ? y : zz;
      }
      f -= Math.floor(f);
      frac[3 * a + k] = f >= 1 ? 0 : f;
    }
  }
  return { comment, cell_A: cell, species, frac };
}

/** Read a POSCAR file from disk. */
export function readPoscar(path: string): PoscarStructure {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(`expected a readable POSCAR file, found ${(err as NodeJS.ErrnoException).code ?? 'an unreadable path'}`, { file: path });
  }
  return parsePoscar(text, path);
}

/** Determinant of a row-major 3×3 matrix. */
export function computeDeterminant3(m: ArrayLike<number>): number {
  return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
}

/** Inverse of a row-major 3×3 matrix (fractional = Cartesian · inverse for row-vector cells). */
export function invertMatrix3(m: ArrayLike<number>, out = new Float64Array(9)): Float64Array {
  const d = computeDeterminant3(m);
  out[0] = (m[4] * m[8] - m[5] * m[7]) / d;
  out[1] = (m[2] * m[7] - m[1] * m[8]) / d;
  out[2] = (m[1] * m[5] - m[2] * m[4]) / d;
  out[3] = (m[5] * m[6] - m[3] * m[8]) / d;
  out[4] = (m[0] * m[8] - m[2] * m[6]) / d;
  out[5] = (m[2] * m[3] - m[0] * m[5]) / d;
  out[6] = (m[3] * m[7] - m[4] * m[6]) / d;
  out[7] = (m[1] * m[6] - m[0] * m[7]) / d;
  out[8] = (m[0] * m[4] - m[1] * m[3]) / d;
  return out;
}
