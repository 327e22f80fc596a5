/**
 * LAMMPS text dump reader (`dump custom` / `dump atom`): `ITEM: TIMESTEP`, `NUMBER OF ATOMS`,
 * `BOX BOUNDS [xy xz yz] <flags>` (or LAMMPS ≥ 2024 `BOX BOUNDS abc origin`), `ATOMS <columns>`, optionally
 * preceded by `ITEM: UNITS` / `ITEM: TIME` (`dump_modify units yes / time yes`).
 *
 * Coordinates are returned Cartesian, in the LAMMPS (absolute) frame, Å:
 * - `xu yu zu` (preferred), `xsu ysu zsu` (origin + s·cell): unwrapped (`wrapped: false`);
 * - `x y z` or `xs ys zs` with image flags `ix iy iz`: unwrapped as x + ix·a + iy·b + iz·c (`wrapped: false`);
 * - `x y z` or `xs ys zs` alone: wrapped (`wrapped: true`; the pipeline unwraps by minimum image).
 * The preference order is xu > xsu > x+image > xs+image > x > xs; the column set may change between frames.
 *
 * Triclinic bounds are bounding-box values (LAMMPS docs, Howto triclinic):
 * xlo = xlo_bound − min(0, xy, xz, xy+xz), xhi = xhi_bound − max(0, xy, xz, xy+xz),
 * ylo = ylo_bound − min(0, yz), yhi = yhi_bound − max(0, yz); a = (xhi−xlo, 0, 0), b = (xy, yhi−ylo, 0),
 * c = (xz, yz, zhi−zlo), origin (xlo, ylo, zlo).
 *
 * Atoms are sorted by `id` (ids may be unsorted and sparse); the id set must stay the same in every frame.
 * Species come from an `element` column, else `type` mapped through `options.typeNames`, else `type1`, `type2`, …
 * (with a warning). The step comes from `ITEM: TIMESTEP`; time only from `ITEM: TIME` when `ITEM: UNITS` says
 * which unit it is in (metal: ps, real: fs) — otherwise the pipeline takes it from the user's time step.
 * Lengths are taken as Å (units metal/real, or no UNITS item); other declared unit styles are rejected, except
 * `lj`, which is taken as is with a warning.
 */
import { FS_TO_PS } from '../../engine/core/constants.js';
import { failExpected, quoteFound } from '../../engine/core/errors.js';
import { createWarnOnce, reportIncompleteFrame, type FrameReader, type RawFrame, type ReaderOptions, type SourceInfo } from './frame-source.js';
import type { LineReader } from './line-reader.js';
import { isBlank, parseToken, skipBlanks, splitTokens } from './number-scan.js';

/** How the coordinates of one ATOMS block are turned into Cartesian Å. */
type CoordMode = 'xu' | 'xsu' | 'x+image' | 'xs+image' | 'x' | 'xs';

/** Column layout of one `ITEM: ATOMS` header. */
interface AtomsLayout {
  header: string;
  columns: string[];
  mode: CoordMode;
  idCol: number;
  typeCol: number;
  elementCol: number;
  /** Columns of the three coordinates. */
  posCol: [number, number, number];
  /** Image-flag columns, or -1. */
  imageCol: [number, number, number];
  /** Number of leading tokens that must be read from each atom line. */
  need: number;
}

/** First lines look like a LAMMPS text dump: the first non-blank line is an `ITEM:` header LAMMPS writes first. */
export function looksLikeLammpsDump(firstLines: string[]): boolean {
  for (const raw of firstLines) {
    const l = raw.trim();
    if (l.length === 0) continue;
    return l === 'ITEM: TIMESTEP' || l === 'ITEM: UNITS' || l === 'ITEM: TIME';
  }
  return false;
}

const COORD_SETS: Array<{ mode: CoordMode; names: [string, string, string]; image: boolean }> = [
  { mode: 'xu', names: ['xu', 'yu', 'zu'], image: false },
  { mode: 'xsu', names: ['xsu', 'ysu', 'zsu'], image: false },
  { mode: 'x+image', names: ['x', 'y', 'z'], image: true },
  { mode: 'xs+image', names: ['xs', 'ys', 'zs'], image: true },
  { mode: 'x', names: ['x', 'y', 'z'], image: false },
  { mode: 'xs', names: ['xs', 'ys', 'zs'], image: false },
];

/** Parse an `ITEM: ATOMS …` header into a column layout. */
function parseAtomsHeader(header: string, file: string, line: number): AtomsLayout {
  const columns = splitTokens(header).slice(2);
  const col = (name: string): number => columns.indexOf(name);
  const imageCol: [number, number, number] = [col('ix'), col('iy'), col('iz')];
  const hasImage = imageCol[0] >= 0 && imageCol[1] >= 0 && imageCol[2] >= 0;
  for (const set of COORD_SETS) {
    const posCol = set.names.map(col) as [number, number, number];
    if (posCol.some((c) => c < 0) || (set.image && !hasImage)) continue;
    const idCol = col('id');
    const typeCol = col('type');
    const elementCol = col('element');
    const used = [idCol, typeCol, elementCol, ...posCol, ...(set.image ? imageCol : [])];
    return {
      header,
      columns,
      mode: set.mode,
      idCol,
      typeCol,
      elementCol,
      posCol,
      imageCol: set.image ? imageCol : [-1, -1, -1],
      need: Math.max(...used) + 1,
    };
  }
  return failExpected(
    'coordinate columns (xu yu zu, xsu ysu zsu, x y z or xs ys zs) in ITEM: ATOMS',
    quoteFound(header),
    { file, line },
  );
}

/** Cell rows and origin from the three bound lines (orthogonal, restricted triclinic, or `abc origin`). */
function parseBoxBounds(
  kind: 'ortho' | 'tri' | 'abc',
  lines: string[],
  firstLine: number,
  file: string,
): { cell_A: Float64Array; origin_A: Float64Array } {
  const want = kind === 'ortho' ? 2 : kind === 'tri' ? 3 : 4;
  const v: number[][] = [];
  for (let r = 0; r < 3; r++) {
    const tok = splitTokens(lines[r]);
    const nums = tok.map((t) => parseToken(t, 0, t.length));
    if (tok.length !== want || nums.some((x) => !Number.isFinite(x))) {
      failExpected(`${want} numbers on box-bounds line ${r + 1}`, quoteFound(lines[r]), { file, line: firstLine + r });
    }
    v.push(nums);
  }
  const cell = new Float64Array(9);
  const origin = new Float64Array(3);
  if (kind === 'abc') {
    for (let r = 0; r < 3; r++) {
      for (let k = 0; k < 3; k++) cell[3 * r + k] = v[r][k];
      origin[r] = v[r][3];
    }
    return { cell_A: cell, origin_A: origin };
  }
  const [xloB, xhiB] = v[0];
  const [yloB, yhiB] = v[1];
  const [zlo, zhi] = v[2];
  const xy = kind === 'tri' ? v[0][2] : 0;
  const xz = kind === 'tri' ? v[1][2] : 0;
  const yz = kind === 'tri' ? v[2][2] : 0;
  const xlo = xloB - Math.min(0, xy, xz, xy + xz);
  const xhi = xhiB - Math.max(0, xy, xz, xy + xz);
  const ylo = yloB - Math.min(0, yz);
  const yhi = yhiB - Math.max(0, yz);
  const lx = xhi - xlo, ly = yhi - ylo, lz = zhi - zlo;
  if (!(lx > 0 && ly > 0 && lz > 0)) {
    failExpected('box bounds with positive lengths', `lx=${lx}, ly=${ly}, lz=${lz}`, { file, line: firstLine });
  }
  cell[0] = lx;
  cell[3] = xy;
  cell[4] = ly;
  cell[6] = xz;
  cell[7] = yz;
  cell[8] = lz;
  origin[0] = xlo;
  origin[1] = ylo;
  origin[2] = zlo;
  return { cell_A: cell, origin_A: origin };
}

/** Length unit styles whose lengths are Å, and the time unit of `ITEM: TIME` in ps. */
const UNIT_TIME_TO_PS = new Map<string, number>([
  ['metal', 1],
  ['real', FS_TO_PS],
]);

/**
 * Read a LAMMPS text dump (see the module comment for conventions). Frames are yielded in file order;
 * a truncated last frame is dropped with a warning (`options.strict`: InputError).
 */
export const readLammpsDump: FrameReader = async function* readLammpsDump(
  input: LineReader,
  info: SourceInfo,
  options: ReaderOptions,
): AsyncGenerator<RawFrame, void, void> {
  const file = input.file;
  const typeNames = options.typeNames;
  const warnOnce = createWarnOnce(info, file);

  let nAtoms = -1;
  let frameIndex = 0;
  let layout: AtomsLayout | null = null;
  let unitStyle: string | null = null;
  // id → slot (sorted-id order), fixed by the first frame.
  let lookup: SlotLookup | null = null;
  let prevSpecies: string[] | null = null;
  let firstAtomsLine = 0;

  // Scratch (per frame, reused).
  let ids = new Float64Array(0);
  let raw = new Float64Array(0);
  let img = new Float64Array(0);
  let types = new Float64Array(0);
  let elements: string[] = [];

  /** Report a frame that ends early. Returns normally only in non-strict mode (caller then stops). */
  const truncated = (frameLine: number, expected: string, found = 'the end of the file', line = input.lineNumber + 1): void =>
    reportIncompleteFrame(info, options, { index: frameIndex, line: frameLine }, expected, found, { file, line });

  for (;;) {
    // ---- frame header: ITEM blocks up to and including ITEM: ATOMS ----
    let l = await input.next();
    while (l !== null && isBlank(l)) l = await input.next();
    if (l === null) break;
    const frameLine = input.lineNumber;
    let step: number | undefined;
    let time_ps: number | undefined;
    let count = -1;
    let box: { cell_A: Float64Array; origin_A: Float64Array } | null = null;
    let atomsHeader: string | null = null;
    let atomsLine = 0;
    while (atomsHeader === null) {
      if (l === null) {
        truncated(frameLine, 'the rest of the frame header (ITEM: ATOMS)');
        return;
      }
      const item = l.trim();
      if (!item.startsWith('ITEM:')) {
        const expected = count < 0 && step === undefined ? 'ITEM: TIMESTEP' : 'an ITEM: line';
        failExpected(expected, quoteFound(l), { file, line: input.lineNumber });
      }
      const itemLine = input.lineNumber;
      if (item.startsWith('ITEM: ATOMS')) {
        atomsHeader = item;
        atomsLine = itemLine;
        break;
      }
      if (item.startsWith('ITEM: BOX BOUNDS')) {
        const flags = splitTokens(item).slice(3);
        const kind = flags.includes('abc') ? 'abc' : flags.includes('xy') ? 'tri' : 'ortho';
        const periodic = flags.filter((f) => f !== 'xy' && f !== 'xz' && f !== 'yz' && f !== 'abc' && f !== 'origin');
        if (periodic.some((f) => f !== 'pp')) {
          warnOnce(
            'boundary',
            itemLine,
            `boundary "${periodic.join(' ')}" is not periodic in every direction; ` +
              'coordinates are used as given and the cell is still used for unwrapping',
          );
        }
        const bl: string[] = [];
        for (let r = 0; r < 3; r++) {
          const b = await input.next();
          if (b === null) {
            truncated(frameLine, 'three box-bounds lines');
            return;
          }
          bl.push(b);
        }
        box = parseBoxBounds(kind, bl, itemLine + 1, file);
      } else {
        const value = await input.next();
        if (value === null) {
          truncated(frameLine, `a value after ${item}`);
          return;
        }
        const v = value.trim();
        if (item === 'ITEM: TIMESTEP') {
          const s = Number(v);
          if (v.length === 0 || !Number.isInteger(s)) {
            failExpected('an integer time step after ITEM: TIMESTEP', quoteFound(value), {
              file,
              line: input.lineNumber,
            });
          }
          step = s;
        } else if (item === 'ITEM: NUMBER OF ATOMS') {
          const c = Number(v);
          if (v.length === 0 || !Number.isInteger(c) || c <= 0) {
            failExpected('a positive atom count after ITEM: NUMBER OF ATOMS', quoteFound(value), {
              file,
              line: input.lineNumber,
            });
          }
          if (nAtoms >= 0 && c !== nAtoms) {
            failExpected(
              `${nAtoms} atoms (as in the first frame; the atom set must not change)`,
              `${c} in frame ${frameIndex}`,
              { file, line: input.lineNumber },
            );
          }
          count = c;
        } else if (item === 'ITEM: UNITS') {
          unitStyle = v;
          if (v === 'lj') {
            warnOnce('lj', input.lineNumber, 'units lj: reduced lengths are taken as they are (not Å)');
          } else if (!UNIT_TIME_TO_PS.has(v)) {
            failExpected('LAMMPS units metal or real (lengths in Å)', quoteFound(v), { file, line: input.lineNumber });
          }
        } else if (item === 'ITEM: TIME') {
          const t = parseToken(v, 0, v.length);
          if (!Number.isFinite(t)) {
            failExpected('a number after ITEM: TIME', quoteFound(value), { file, line: input.lineNumber });
          }
          const toPs = unitStyle === null ? undefined : UNIT_TIME_TO_PS.get(unitStyle);
          if (toPs !== undefined) time_ps = t * toPs;
          else {
            warnOnce(
              'time',
              itemLine,
              'ITEM: TIME without ITEM: UNITS metal/real: its unit is unknown, ' +
                'so it is ignored (give the time step instead)',
            );
          }
        } else {
          failExpected(
            'ITEM: TIMESTEP, TIME, UNITS, NUMBER OF ATOMS, BOX BOUNDS or ATOMS',
            quoteFound(item),
            { file, line: itemLine },
          );
        }
      }
      l = await input.next();
    }
    if (step === undefined || count < 0 || box === null) {
      const missing = step === undefined ? 'ITEM: TIMESTEP' : count < 0 ? 'ITEM: NUMBER OF ATOMS' : 'ITEM: BOX BOUNDS';
      failExpected(`${missing} before ITEM: ATOMS`, quoteFound(atomsHeader), { file, line: atomsLine });
    }
    if (layout === null || layout.header !== atomsHeader) layout = parseAtomsHeader(atomsHeader, file, atomsLine);
    const lay = layout;
    if (nAtoms < 0) {
      nAtoms = count;
      firstAtomsLine = atomsLine;
      ids = new Float64Array(nAtoms);
      raw = new Float64Array(3 * nAtoms);
      img = new Float64Array(3 * nAtoms);
      types = new Float64Array(nAtoms);
      elements = new Array<string>(nAtoms);
    }
    if (lay.idCol < 0) {
      warnOnce(
        'noid',
        atomsLine,
        'no id column: atoms are taken in file order (LAMMPS keeps that order only with dump_modify sort id)',
      );
    }
    if (lay.elementCol < 0 && lay.typeCol < 0) {
      warnOnce('nospecies', atomsLine, 'no element or type column: every atom is named "X"');
    } else if (lay.elementCol < 0 && typeNames === undefined) {
      warnOnce(
        'typenames',
        atomsLine,
        'no element column and no type names: species are named type1, type2, … (pass --types Li,Sb to name them)',
      );
    }

    // ---- atom lines (hot loop) ----
    const [cx, cy, cz] = lay.posCol;
    const [ix, iy, iz] = lay.imageCol;
    const { idCol, typeCol, elementCol, need } = lay;
    const needed = new Int32Array(need).fill(-1);
    // Map each needed token position to a role: 0..2 coords, 3..5 images, 6 id, 7 type, 8 element.
    needed[cx] = 0;
    needed[cy] = 1;
    needed[cz] = 2;
    if (ix >= 0) {
      needed[ix] = 3;
      needed[iy] = 4;
      needed[iz] = 5;
    }
    if (idCol >= 0) needed[idCol] = 6;
    if (typeCol >= 0) needed[typeCol] = 7;
    if (elementCol >= 0) needed[elementCol] = 8;
    for (let a = 0; a < nAtoms; a++) {
      // Hot loop: synchronous fast path, awaiting only when the buffered chunk is used up.
      let line = input.nextSync();
      if (line === undefined) line = await input.next();
      if (line === null) {
        const expected = `${nAtoms} atom lines after ITEM: ATOMS at line ${atomsLine}`;
        truncated(frameLine, expected, `${a} before the end of the file`);
        return;
      }
      let pos = skipBlanks(line, 0);
      if (line.charCodeAt(pos) === 73 /* I */ && line.startsWith('ITEM:', pos)) {
        failExpected(
          `${nAtoms} atom lines after ITEM: ATOMS at line ${atomsLine} (NUMBER OF ATOMS)`,
          `${a} before ${quoteFound(line.trim())}`,
          { file, line: input.lineNumber },
        );
      }
      for (let t = 0; t < need; t++) {
        pos = skipBlanks(line, pos);
        if (pos >= line.length) {
          if ((await input.peek()) === null) {
            const found = `${t} on the last line of the file`;
            truncated(frameLine, `${need} columns on atom line ${a + 1}`, found, input.lineNumber);
            return;
          }
          failExpected(`${need} columns (${lay.columns.slice(0, need).join(' ')})`, `${t} in ${quoteFound(line)}`, {
            file,
            line: input.lineNumber,
          });
        }
        let end = pos;
        const n = line.length;
        while (end < n) {
          const c = line.charCodeAt(end);
          if (c === 32 || c === 9) break;
          end++;
        }
        const role = needed[t];
        if (role >= 0) {
          if (role === 8) {
            elements[a] = line.slice(pos, end);
          } else {
            const v = parseToken(line, pos, end);
            if (v - v !== 0) {
              failExpected(`a number in column ${lay.columns[t]}`, quoteFound(line.slice(pos, end)), {
                file,
                line: input.lineNumber,
              });
            }
            if (role < 3) raw[3 * a + role] = v;
            else if (role < 6) img[3 * a + role - 3] = v;
            else if (role === 6) ids[a] = v;
            else types[a] = v;
          }
        }
        pos = end;
      }
    }

    // ---- id → slot (first frame fixes the order) ----
    const slots = new Int32Array(nAtoms);
    if (idCol < 0) {
      for (let a = 0; a < nAtoms; a++) slots[a] = a;
    } else {
      lookup ??= buildSlotLookup(ids, nAtoms);
      const { dense, map, stamp } = lookup;
      for (let a = 0; a < nAtoms; a++) {
        const id = ids[a];
        let s = -1;
        if (dense !== null) {
          if (id >= 0 && id < dense.length && Number.isInteger(id)) s = dense[id];
        } else s = map!.get(id) ?? -1;
        const lineNo = atomsLine + 1 + a;
        if (s < 0) {
          failExpected(
            `atom ids of the first frame (ITEM: ATOMS at line ${firstAtomsLine})`,
            `id ${id}, which is new (the atom set must not change)`,
            { file, line: lineNo },
          );
        }
        if (stamp[s] === frameIndex + 1) {
          failExpected(`each atom id once per frame`, `id ${id} again`, { file, line: lineNo });
        }
        stamp[s] = frameIndex + 1;
        slots[a] = s;
      }
    }

    // ---- species ----
    let species: string[];
    if (elementCol >= 0) {
      species = permuteStrings(elements, slots, nAtoms);
    } else if (typeCol >= 0) {
      const names = new Array<string>(nAtoms);
      for (let a = 0; a < nAtoms; a++) {
        const t = types[a];
        let name: string;
        if (typeNames !== undefined) {
          if (!(Number.isInteger(t) && t >= 1 && t <= typeNames.length)) {
            failExpected(
              `atom type 1…${typeNames.length} (type names ${typeNames.join(',')})`,
              String(t),
              { file, line: atomsLine + 1 + a },
            );
          }
          name = typeNames[t - 1];
        } else {
          if (!(Number.isInteger(t) && t >= 1)) {
            failExpected('a positive integer atom type', String(t), { file, line: atomsLine + 1 + a });
          }
          name = `type${t}`;
        }
        names[slots[a]] = name;
      }
      species = names;
    } else {
      species = new Array<string>(nAtoms).fill('X');
    }
    if (prevSpecies !== null && sameStrings(prevSpecies, species)) species = prevSpecies;
    prevSpecies = species;

    // ---- Cartesian coordinates in the LAMMPS frame ----
    const { cell_A: cell, origin_A: origin } = box;
    const ax = cell[0], ay = cell[1], az = cell[2];
    const bx = cell[3], by = cell[4], bz = cell[5];
    const qx = cell[6], qy = cell[7], qz = cell[8];
    const coords = new Float64Array(3 * nAtoms);
    const scaled = lay.mode === 'xs' || lay.mode === 'xsu' || lay.mode === 'xs+image';
    const image = lay.mode === 'x+image' || lay.mode === 'xs+image';
    for (let a = 0; a < nAtoms; a++) {
      let u = raw[3 * a], v = raw[3 * a + 1], w = raw[3 * a + 2];
      const o = 3 * slots[a];
      if (scaled) {
        if (image) {
          u += img[3 * a];
          v += img[3 * a + 1];
          w += img[3 * a + 2];
        }
        coords[o] = origin[0] + u * ax + v * bx + w * qx;
        coords[o + 1] = origin[1] + u * ay + v * by + w * qy;
        coords[o + 2] = origin[2] + u * az + v * bz + w * qz;
      } else {
        if (image) {
          const ni = img[3 * a], nj = img[3 * a + 1], nk = img[3 * a + 2];
          u += ni * ax + nj * bx + nk * qx;
          v += ni * ay + nj * by + nk * qy;
          w += ni * az + nj * bz + nk * qz;
        }
        coords[o] = u;
        coords[o + 1] = v;
        coords[o + 2] = w;
      }
    }
    const frame: RawFrame = {
      cell_A: cell,
      coords,
      coordKind: 'cartesian',
      wrapped: lay.mode === 'x' || lay.mode === 'xs',
      species,
      step,
      line: frameLine,
    };
    if (time_ps !== undefined) frame.time_ps = time_ps;
    frameIndex++;
    yield frame;
  }

  if (frameIndex === 0) {
    failExpected('at least one frame (ITEM: TIMESTEP …)', 'no frames', { file, line: input.lineNumber });
  }

};

/** id → slot lookup fixed by the first frame; `stamp` detects duplicate ids within a frame. */
interface SlotLookup {
  dense: Int32Array | null;
  map: Map<number, number> | null;
  stamp: Int32Array;
}

/** Slot of each id = its rank among the first frame's ids; a dense table when ids are compact integers. */
function buildSlotLookup(ids: Float64Array, nAtoms: number): SlotLookup {
  const order = Array.from({ length: nAtoms }, (_, i) => i).sort((p, q) => ids[p] - ids[q]);
  let maxId = -Infinity;
  let compact = true;
  for (let a = 0; a < nAtoms; a++) {
    const id = ids[a];
    if (!Number.isInteger(id) || id < 0) compact = false;
    if (id > maxId) maxId = id;
  }
  const stamp = new Int32Array(nAtoms);
  if (compact && maxId <= 8 * nAtoms + 1024) {
    const dense = new Int32Array(maxId + 1).fill(-1);
    for (let r = 0; r < nAtoms; r++) dense[ids[order[r]]] = r;
    return { dense, map: null, stamp };
  }
  const map = new Map<number, number>();
  for (let r = 0; r < nAtoms; r++) map.set(ids[order[r]], r);
  return { dense: null, map, stamp };
}

function permuteStrings(src: string[], slots: Int32Array, n: number): string[] {
  const out = new Array<string>(n);
  for (let a = 0; a < n; a++) out[slots[a]] = src[a];
  return out;
}

function sameStrings(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
