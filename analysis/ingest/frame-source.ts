/**
 * The contract between format readers and the ingestion pipeline.
 *
 * A reader turns one input file into a stream of `RawFrame`s (coordinates as the file stores them) and fills a
 * `SourceInfo` with whatever metadata the file carries. The pipeline (`ingest.ts`) does everything common:
 * frame selection (--first/--last/--every), species filtering, unwrapping, time axis, and Arrow output.
 *
 * Readers:
 * - never unwrap and never convert fractional ↔ Cartesian beyond what the format needs;
 * - report truncation of a killed run through `info.warnings` (with file:line) and stop after the last complete
 *   frame, unless `options.strict`, where they throw InputError instead;
 * - throw InputError (`file:line: expected …, found …`) on garbled content.
 */
import { InputError, formatLocated } from '../../engine/core/errors.js';
import type { LineReader } from './line-reader.js';

export type TrajectoryFormat = 'xdatcar' | 'vasprun' | 'outcar' | 'extxyz' | 'lammps-dump';

/** One stored frame, as read. */
export interface RawFrame {
  /** Cell vectors as rows (a, b, c), Cartesian Å, row-major 9 values. */
  cell_A: Float64Array;
  /** 3·nAtoms coordinates, atom-major (x0 y0 z0 x1 …), in the order of `species`. */
  coords: Float64Array;
  /** 'fractional' coordinates in the cell, or 'cartesian' Å. */
  coordKind: 'fractional' | 'cartesian';
  /**
   * true when coordinates may have been wrapped back into the cell (must be unwrapped by minimum image);
   * false when the file stores continuous (unwrapped) coordinates, e.g. LAMMPS xu/yu/zu or x + image·L.
   */
  wrapped: boolean;
  /** Chemical species per atom (same array object may be reused between frames). */
  species: string[];
  /** MD step index when the file gives a reliable one (not XDATCAR's frame counter). */
  step?: number;
  /** Simulation time in ps when the file gives it. */
  time_ps?: number;
  /** Temperature of this frame (K) when the file gives it. */
  temperature_K?: number;
  /** Line where this frame starts (for messages). */
  line: number;
}

/** Metadata a reader discovers; fields stay undefined when the file does not say. */
export interface SourceInfo {
  format: TrajectoryFormat;
  file: string;
  /** MD time step (POTIM), fs. */
  timestep_fs?: number;
  /** MD steps between stored frames (NBLOCK). */
  nblock?: number;
  /** Thermostat / nominal temperature, K. */
  temperature_K?: number;
  /** Non-fatal problems, each already formatted as `file:line: …`. */
  warnings: string[];
}

export interface ReaderOptions {
  /** Treat a truncated file as an error instead of a warning. */
  strict?: boolean;
  /** LAMMPS: species for types 1, 2, … (from `--types Li,Sb`). */
  typeNames?: string[];
}

/** A format reader: yields frames in file order. */
export type FrameReader = (
  input: LineReader,
  info: SourceInfo,
  options: ReaderOptions,
) => AsyncGenerator<RawFrame, void, void>;

/**
 * Report a frame cut short by a killed run: with `options.strict` throw an InputError, otherwise record the
 * warning `file:line: frame N (starting at line L) is incomplete: expected …, found … (file truncated?); kept the
 * N complete frames before it` in `info.warnings`. The caller then stops reading.
 */
export function reportIncompleteFrame(
  info: SourceInfo,
  options: ReaderOptions,
  frame: { index: number; line: number },
  expected: string,
  found: string,
  at: { file: string; line: number },
): void {
  const message =
    `frame ${frame.index} (starting at line ${frame.line}) is incomplete: expected ${expected}, found ${found} ` +
    `(file truncated?); kept the ${frame.index} complete frame${frame.index === 1 ? '' : 's'} before it`;
  if (options.strict) throw new InputError(message, at);
  info.warnings.push(formatLocated(message, at));
}

/** A warning function that records each `key` once (`file:line: message`), for readers that would repeat it per frame. */
export function createWarnOnce(info: SourceInfo, file: string): (key: string, line: number, message: string) => void {
  const warned = new Set<string>();
  return (key, line, message) => {
    if (warned.has(key)) return;
    warned.add(key);
    info.warnings.push(formatLocated(message, { file, line }));
  };
}
