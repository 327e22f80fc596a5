/**
 * VASP OUTCAR reader: one frame per ionic step from the `POSITION … TOTAL-FORCE (eV/Angst)` tables (Cartesian Å),
 * with the latest `direct lattice vectors` block as the cell.
 *
 * MLFF on-the-fly runs print an `(ML)` table for every step and, on learning steps, a second ab-initio table of the
 * same structure after the electronic iterations: that second table is skipped (one table per step).
 * Species come from the `POTCAR:` lines and `ions per type`; POTIM, NBLOCK, TEBEG/TEEND from the parameter echo.
 * With NWRITE = 0 VASP prints position tables only for some steps: the error says so and points to XDATCAR.
 */
import { InputError, failExpected, quoteFound } from '../../engine/core/errors.js';
import type { FrameReader, RawFrame, ReaderOptions, SourceInfo } from './frame-source.js';
import type { LineReader } from './line-reader.js';
import { scanNumbers, splitTokens } from './number-scan.js';

const scratch6 = new Float64Array(6);

export const readOutcar: FrameReader = async function* (
  input: LineReader,
  info: SourceInfo,
  options: ReaderOptions,
): AsyncGenerator<RawFrame, void, void> {
  const file = input.file;
  const potcars: string[] = [];
  let counts: number[] | null = null;
  let species: string[] | null = null;
  let cell: Float64Array | null = null;
  let nwrite: number | null = null;
  let lastWasMl = false;
  let scfSinceMl = false;
  let frames = 0;
  let tebeg: number | undefined;
  let teend: number | undefined;
  let tebegLine = 0;
  let temperatureApplied = false;

  for (;;) {
    const line = await input.next();
    if (line === null) break;
    // Cheap first-character dispatch: most OUTCAR lines are irrelevant.
    if (line.includes('POTCAR:') && species === null) {
      const t = splitTokens(line.slice(line.indexOf('POTCAR:') + 7));
      if (t.length >= 2) potcars.push(t[1].split(/[_.]/)[0]);
    } else if (line.includes('ions per type =')) {
      counts = splitTokens(line.slice(line.indexOf('=') + 1)).map(Number);
      if (counts.length === 0 || counts.some((c) => !Number.isInteger(c) || c < 0)) {
        failExpected('ion counts after "ions per type ="', quoteFound(line.trim()), { file, line: input.lineNumber });
      }
      if (potcars.length < counts.length) {
        failExpected(`${counts.length} POTCAR: lines naming the species`, `${potcars.length}`, { file, line: input.lineNumber });
      }
      species = [];
      for (let t = 0; t < counts.length; t++) for (let k = 0; k < counts[t]; k++) species.push(potcars[t]);
    } else if (line.includes('NWRITE =') && nwrite === null) {
      nwrite = Number(splitTokens(line.slice(line.indexOf('=') + 1))[0]);
    } else if (info.timestep_fs === undefined && line.includes('POTIM') && /^\s+POTIM\s+=/.test(line)) {
      const v = Number(splitTokens(line.slice(line.indexOf('=') + 1))[0]);
      if (Number.isFinite(v) && v > 0) info.timestep_fs = v;
    } else if (info.nblock === undefined && line.includes('NBLOCK') && /^\s+NBLOCK\s+=/.test(line)) {
      // Every ionic step prints a table; NBLOCK only thins XDATCAR.
      info.nblock = 1;
    } else if (teend === undefined && line.includes('TEBEG') && /^\s+TEBEG\s+=/.test(line)) {
      // The INCAR echo may give TEBEG alone; the parameter echo `TEBEG = …; TEEND = …` gives both (and wins).
      const m = /TEBEG\s*=\s*([-+0-9.Ee]+);?\s*(?:TEEND\s*=\s*([-+0-9.Ee]+))?/.exec(line);
      if (m && (tebeg === undefined || m[2] !== undefined)) {
        tebeg = Number(m[1]);
        tebegLine = input.lineNumber;
        if (m[2] !== undefined) teend = Number(m[2]);
      }
    } else if (line.includes('direct lattice vectors')) {
      const c = new Float64Array(9);
      for (let r = 0; r < 3; r++) {
        const l = await input.next();
        if (l === null) return truncated(`lattice vector ${r + 1}`);
        if (scanNumbers(l, c, 3 * r, 3) < 0) {
          if ((await input.peek()) === null) return truncated(`lattice vector ${r + 1}`, input.lineNumber);
          failExpected(`lattice vector ${r + 1} (3 numbers)`, quoteFound(l), { file, line: input.lineNumber });
        }
      }
      cell = c;
    } else if (line.includes('Iteration') && line.includes('---')) {
      if (lastWasMl) scfSinceMl = true;
    } else if (line.startsWith(' POSITION') || line.startsWith('  POSITION')) {
      if (!line.includes('TOTAL-FORCE')) continue;
      const isMl = line.includes('(ML)');
      const tableLine = input.lineNumber;
      if (nwrite === 0) {
        // NWRITE = 0 prints tables only for some steps (first and last): a time axis from them would be wrong.
        throw new InputError(
          'expected a POSITION table for every ionic step, found a run with NWRITE = 0 (tables for the first and last steps only); convert the XDATCAR (or vasprun.xml) of the same run instead',
          { file, line: tableLine },
        );
      }
      if (species === null || counts === null) {
        failExpected('"ions per type =" before the first POSITION table', 'a POSITION table', { file, line: tableLine });
      }
      if (cell === null) failExpected('a "direct lattice vectors" block before the first POSITION table', 'a POSITION table', { file, line: tableLine });
      const sep = await input.next();
      if (sep === null) return truncated('the table separator');
      const n = species.length;
      const coords = new Float64Array(3 * n);
      let lastRow = '';
      for (let i = 0; i < n; i++) {
        const l = await input.next();
        if (l === null) return truncated(`${n} position lines, found ${i}`);
        if (scanNumbers(l, coords, 3 * i, 3) < 0) {
          // Only the last line of the input can be half-written (killed run): that is truncation, not garbage.
          if ((await input.peek()) === null) return truncated(`${n} position lines, found ${i} complete`, input.lineNumber);
          failExpected(`${n} position lines (x y z fx fy fz); line ${i + 1} of the table`, quoteFound(l), { file, line: input.lineNumber });
        }
        lastRow = l;
      }
      // The table's last line may be cut inside the forces (positions parse, but the line is incomplete).
      if ((await input.peek()) === null && scanNumbers(lastRow, scratch6, 0, 6) < 0) {
        return truncated(`${n} position lines, found ${n - 1} complete`, input.lineNumber);
      }
      // A learning step's ab-initio table repeats the structure of the (ML) table printed before its iterations.
      const duplicate = !isMl && lastWasMl && scfSinceMl;
      lastWasMl = isMl;
      scfSinceMl = false;
      if (duplicate) continue;
      if (frames === 0) applyTemperature();
      frames++;
      yield { cell_A: cell, coords, coordKind: 'cartesian', wrapped: true, species, line: tableLine };
    }
  }
  applyTemperature();
  if (frames === 0) {
    if (nwrite === 0) {
      throw new InputError(
        'expected POSITION tables, found none: this run has NWRITE = 0, which suppresses them; convert the XDATCAR of the same run instead',
        { file, line: input.lineNumber },
      );
    }
    throw new InputError('expected at least one "POSITION … TOTAL-FORCE" table, found none', { file, line: input.lineNumber });
  }

  function applyTemperature(): void {
    if (tebeg === undefined || info.temperature_K !== undefined || temperatureApplied) return;
    temperatureApplied = true;
    if (teend === undefined || teend === tebeg) info.temperature_K = tebeg;
    else info.warnings.push(`${file}:${tebegLine}: TEBEG = ${tebeg} K and TEEND = ${teend} K differ (a ramp); no temperature recorded`);
  }

  /** `line`: the missing line (default) or the half-written last line. */
  function truncated(what: string, line = input.lineNumber + 1): void {
    const msg = `expected ${what}, found end of file (truncated run?)`;
    if (options.strict) throw new InputError(msg, { file, line });
    info.warnings.push(`${file}:${line}: ${msg}; kept the ${frames} complete frame${frames === 1 ? '' : 's'} before it`);
  }
};
