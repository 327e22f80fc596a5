/**
 * Format detection from content (never from the file name; `.gz` is looked through), and the reader registry.
 */
import { InputError } from '../../engine/core/errors.js';
import { readExtxyz } from './extxyz.js';
import type { FrameReader, TrajectoryFormat } from './frame-source.js';
import { readLammpsDump } from './lammps-dump.js';
import { LineReader, openInput } from './line-reader.js';
import { isNumberToken, splitTokens } from './number-scan.js';
import { readOutcar } from './outcar.js';
import { readVasprun } from './vasprun.js';
import { isXdatcarHead, readXdatcar } from './xdatcar.js';

/** Every input format: the text trajectory formats plus liflux's Arrow file. */
export type InputFormat = TrajectoryFormat | 'arrow';

export const TRAJECTORY_FORMATS: readonly TrajectoryFormat[] = ['xdatcar', 'vasprun', 'outcar', 'extxyz', 'lammps-dump'];

/** The reader for a text format. */
export function selectReader(format: TrajectoryFormat): FrameReader {
  switch (format) {
    case 'xdatcar':
      return readXdatcar;
    case 'vasprun':
      return readVasprun;
    case 'outcar':
      return readOutcar;
    case 'extxyz':
      return readExtxyz;
    case 'lammps-dump':
      return readLammpsDump;
    default:
      throw new InputError(`--format: expected one of ${TRAJECTORY_FORMATS.join(', ')}, found ${String(format)}`);
  }
}

/** True when the file starts with the Arrow IPC file magic `ARROW1`. */
export async function isArrowFile(path: string): Promise<boolean> {
  const handle = await openInput(path);
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new InputError('expected a regular file (pipes and devices are not supported), found another kind of file', { file: path });
    const head = Buffer.alloc(6);
    const { bytesRead } = await handle.read(head, 0, 6, 0);
    return bytesRead === 6 && head.toString('latin1') === 'ARROW1';
  } finally {
    await handle.close();
  }
}

/** Classify the first lines of a text file (exported for tests). */
export function detectFromLines(lines: string[]): TrajectoryFormat | null {
  const first = lines.find((l) => l.trim().length > 0) ?? '';
  const firstTrim = first.trim();
  if (firstTrim.startsWith('<?xml') || firstTrim.startsWith('<modeling')) return 'vasprun';
  if (firstTrim.startsWith('ITEM:')) return 'lammps-dump';
  const head = lines.slice(0, 40).join('\n');
  if (/^\s*vasp\.\d/m.test(head) || /POTCAR:/.test(head) || /running on\s+\d+\s+total cores/.test(head)) return 'outcar';
  const t0 = splitTokens(lines[0] ?? '');
  if (t0.length === 1 && /^\d+$/.test(t0[0]) && lines.length >= 2) {
    // (extended) XYZ: atom count, then a comment / key=value line, then "species x y z …" lines.
    if (/Lattice\s*=|Properties\s*=/i.test(lines[1]) || lines.length < 3) return 'extxyz';
    const t2 = splitTokens(lines[2]);
    if (t2.length >= 4 && !isNumberToken(t2[0]) && t2.slice(1, 4).every(isNumberToken)) return 'extxyz';
  }
  if (isXdatcarHead(lines)) return 'xdatcar';
  return null;
}

/** Detect the format of a file from its content (gzip looked through). */
export async function detectFormat(path: string): Promise<InputFormat> {
  if (await isArrowFile(path)) return 'arrow';
  const reader = await LineReader.open(path);
  const lines: string[] = [];
  try {
    for (let i = 0; i < 40; i++) {
      const l = await reader.next();
      if (l === null) break;
      lines.push(l);
    }
  } finally {
    reader.close();
  }
  if (lines.length === 0) throw new InputError('expected a trajectory, found an empty file', { file: path, line: 1 });
  const f = detectFromLines(lines);
  if (f === null) {
    throw new InputError(
      `cannot detect the format: expected XDATCAR, vasprun.xml, OUTCAR, extended XYZ, LAMMPS dump or Arrow, found ${JSON.stringify(
        lines[0].slice(0, 60),
      )} on the first line; pass --format`,
      { file: path, line: 1 },
    );
  }
  return f;
}
