/** XDATCAR reader: layouts seen in the wild (analytic inline cases) and every error path. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTrajectory } from '../../../analysis/ingest/arrow-reader.js';
import { readXdatcar } from '../../../analysis/ingest/xdatcar.js';
import { makeTempDir, readFrames, repoRoot } from './vasp-helpers.js';

const HEADER = ['Li2 O', '1.0', '4.0 0.0 0.0', '0.0 5.0 0.0', '0.0 0.0 6.0', 'Li O', '2 1'];
const FRAME = (n: number, shift: number) => [
  `Direct configuration=     ${n}`,
  `0.10 0.20 ${(0.3 + shift).toFixed(2)}`,
  '0.50 0.50 0.50',
  '0.90 0.90 0.90',
];
const read = (lines: string[], strict = false) =>
  readFrames(readXdatcar, 'xdatcar', { text: lines.join('\n') + '\n', name: 'XDATCAR' }, { strict });

describe('readXdatcar layouts', () => {
  it('fixed cell: species expanded, fractional coordinates, the cell from the header', async () => {
    const { frames } = await read([...HEADER, ...FRAME(1, 0), ...FRAME(2, 0.1)]);
    expect(frames.length).toBe(2);
    expect(frames[0].species).toEqual(['Li', 'Li', 'O']);
    expect(frames[0].coordKind).toBe('fractional');
    expect(frames[0].wrapped).toBe(true);
    expect(Array.from(frames[1].coords.slice(0, 3))).toEqual([0.1, 0.2, 0.4]);
    expect(Array.from(frames[0].cell_A)).toEqual([4, 0, 0, 0, 5, 0, 0, 0, 6]);
    expect(frames[0].step).toBeUndefined(); // the frame counter is not a step index
  });

  it('variable cell: each frame gets the cell of the header before it; a restart (counter back to 1) continues', async () => {
    const h2 = [...HEADER];
    h2[2] = '4.4 0.0 0.0';
    const { frames } = await read([...HEADER, ...FRAME(1, 0), ...h2, ...FRAME(1, 0.05)]);
    expect(frames.length).toBe(2);
    expect(frames[0].cell_A[0]).toBe(4);
    expect(frames[1].cell_A[0]).toBeCloseTo(4.4, 12);
  });

  it('blank-line separated frames without configuration lines, and trailing labels', async () => {
    const body = ['0.1 0.2 0.3 Li', '0.5 0.5 0.5 Li', '0.9 0.9 0.9 O'];
    const { frames } = await read([...HEADER, ' ', ...body, '', ...body, '', ...body, '', '']);
    expect(frames.length).toBe(3);
    expect(frames[2].coords[8]).toBe(0.9);
  });

  it('scale factor: one number multiplies, a negative one is the volume, three scale the axes', async () => {
    const one = [...HEADER];
    one[1] = '2.0';
    expect((await read([...one, ...FRAME(1, 0)])).frames[0].cell_A[8]).toBe(12);
    const vol = [...HEADER];
    vol[1] = '-960'; // 8 × 120 Å³ → every vector doubled
    expect((await read([...vol, ...FRAME(1, 0)])).frames[0].cell_A[4]).toBeCloseTo(10, 10);
    const three = [...HEADER];
    three[1] = '1 2 3';
    expect(Array.from((await read([...three, ...FRAME(1, 0)])).frames[0].cell_A)).toEqual([4, 0, 0, 0, 10, 0, 0, 0, 18]);
  });

  it('VASP 4 header (no species line) takes the species from the comment', async () => {
    const v4 = ['Li O', ...HEADER.slice(1, 5), '2 1'];
    const { frames } = await read([...v4, ...FRAME(1, 0)]);
    expect(frames[0].species).toEqual(['Li', 'Li', 'O']);
  });
});

describe('readXdatcar errors and truncation', () => {
  it('a non-numeric coordinate: file:line: expected …, found …', async () => {
    const f = FRAME(2, 0);
    f[2] = '0.50 abc 0.50';
    await expect(read([...HEADER, ...FRAME(1, 0), ...f])).rejects.toThrow(
      'XDATCAR:14: expected 3 fractional coordinates (frame 1, atom 2), found "0.50 abc 0.50"',
    );
  });

  it('a wrong count mid-file names the frame and the counts', async () => {
    const short = FRAME(1, 0).slice(0, 3);
    await expect(read([...HEADER, ...short, ...FRAME(2, 0)])).rejects.toThrow(
      'XDATCAR:11: frame 0: expected 3 coordinate lines, found 2',
    );
  });

  it('a frame with too many coordinate lines is an error, not a header', async () => {
    await expect(read([...HEADER, ...FRAME(1, 0), '0.3 0.3 0.3', ...FRAME(2, 0)])).rejects.toThrow(
      `XDATCAR:12: frame 0: expected 3 coordinate lines then 'Direct configuration=' or a header, found another coordinate line "0.3 0.3 0.3"`,
    );
  });

  it('a truncated final frame keeps the complete frames and warns with the line; --strict makes it an error', async () => {
    const lines = [...HEADER, ...FRAME(1, 0), ...FRAME(2, 0).slice(0, 2)];
    const { frames, info } = await read(lines);
    expect(frames.length).toBe(1);
    expect(info.warnings).toEqual([
      'XDATCAR:14: frame 1: expected 3 coordinate lines, found 1 (file truncated?); kept the 1 complete frame before it',
    ]);
    await expect(read(lines, true)).rejects.toThrow('XDATCAR:14: frame 1: expected 3 coordinate lines, found 1 (file truncated?)');
  });

  it('a last line cut mid-number counts as truncation', async () => {
    const lines = [...HEADER, ...FRAME(1, 0), ...FRAME(2, 0).slice(0, 3), '0.9 0.'];
    const { frames, info } = await read(lines);
    expect(frames.length).toBe(1);
    expect(info.warnings[0]).toContain('XDATCAR:15: frame 1: expected 3 coordinate lines, found 2 complete (file truncated?)');
  });

  it('a last line cut right after its leading blanks counts as truncation (found by the killed-run property test)', async () => {
    const lines = [...HEADER, ...FRAME(1, 0), ...FRAME(2, 0).slice(0, 3), '  '];
    const { frames, info } = await read(lines);
    expect(frames.length).toBe(1);
    expect(info.warnings).toEqual([
      'XDATCAR:15: frame 1: expected 3 coordinate lines, found 2 complete (file truncated?); kept the 1 complete frame before it',
    ]);
  });

  it('header errors: scale, lattice, counts, empty file, changed atom count', async () => {
    const bad = (i: number, v: string) => {
      const h = [...HEADER];
      h[i] = v;
      return read([...h, ...FRAME(1, 0)]);
    };
    await expect(bad(1, 'x')).rejects.toThrow('XDATCAR:2: expected scale factor (1 or 3 numbers), found "x"');
    await expect(bad(3, '0.0 5.0')).rejects.toThrow('XDATCAR:4: expected lattice vector 2 (3 numbers), found "0.0 5.0"');
    await expect(bad(6, '2 one')).rejects.toThrow('XDATCAR:7: expected 2 atom counts, found "2 one"');
    await expect(readFrames(readXdatcar, 'xdatcar', { text: '', name: 'XDATCAR' })).rejects.toThrow(
      'XDATCAR:1: expected an XDATCAR header, found an empty file',
    );
    await expect(read(HEADER.slice(0, 1))).rejects.toThrow('XDATCAR:2: expected scale factor line, found end of file');
    const h2 = [...HEADER];
    h2[6] = '3 1';
    await expect(read([...HEADER, ...FRAME(1, 0), ...h2, ...FRAME(1, 0)])).rejects.toThrow(
      'XDATCAR:12: expected 3 atoms in repeated header (as in the first header), found 4',
    );
    const h3 = [...HEADER];
    h3[5] = 'Na O';
    await expect(read([...HEADER, ...FRAME(1, 0), ...h3, ...FRAME(1, 0)])).rejects.toThrow(
      'XDATCAR:12: expected species Li O in repeated header, found Na O',
    );
    const v4bad = ['comment', ...HEADER.slice(1, 5), '2 1'];
    await expect(read([...v4bad, ...FRAME(1, 0)])).rejects.toThrow(
      'XDATCAR:6: expected a species-name line (VASP 5+) before the counts, found "2 1"',
    );
  });
});

describe('readXdatcar truncation inside a repeated header (variable cell)', () => {
  const h2 = [...HEADER];
  h2[2] = '4.4 0.0 0.0';
  const full = [...HEADER, ...FRAME(1, 0), ...h2, ...FRAME(2, 0.05)];
  // Lines 1-7 header, 8-11 frame 0, 12-18 repeated header, 19-22 frame 1.
  it.each([
    [13, 'lattice vector 1', 13],
    [15, 'lattice vector 3', 15],
    [17, 'atom counts', 17],
  ])('cut after line %i: keeps frame 0 and warns at the missing %s; --strict is an error', async (keep, what, line) => {
    const lines = full.slice(0, keep);
    const { frames, info } = await read(lines);
    expect(frames.length).toBe(1);
    const msg = `XDATCAR:${line + 1}: expected ${what} of the header starting at line 12, found end of file (file truncated?)`;
    expect(info.warnings).toEqual([`${msg}; kept the 1 complete frame before it`]);
    await expect(read(lines, true)).rejects.toThrow(msg);
  });

  it('a header line cut mid-write (last line of the file) is truncation, not garbled', async () => {
    const lines = [...full.slice(0, 13), '0.0 5.'];
    const { frames, info } = await read(lines);
    expect(frames.length).toBe(1);
    expect(info.warnings).toEqual([
      'XDATCAR:14: expected lattice vector 1 of the header starting at line 12, found end of file (file truncated?); kept the 1 complete frame before it',
    ]);
  });
});

describe('readXdatcar Cartesian configurations (VASP: positions × scale factor)', () => {
  // Reference: test/golden/ingest/xdatcar_cartesian.py (each frame read as a Cartesian POSCAR by ASE 3.22.1;
  // for the negative scale the volume-derived factor is passed to ASE, see the script).
  const golden = JSON.parse(readFileSync(path.join(repoRoot, 'test/golden/ingest/xdatcar_cartesian.json'), 'utf8')) as {
    frames: number;
    cases: Record<string, { text: string; positions_A: number[][][]; cell_A: number[][] }>;
  };
  const tmp = makeTempDir();
  afterAll(() => tmp.cleanup());
  it.each(Object.keys(golden.cases))('%s: unwrapped positions and cell agree with ASE to 1e-9 Å', async (name) => {
    const g = golden.cases[name];
    const f = path.join(tmp.dir, `XDATCAR_${name}`);
    writeFileSync(f, g.text);
    const { trajectory: t } = await loadTrajectory(f, { timestep_fs: 1, nblock: 1 });
    expect(t.nFrames).toBe(golden.frames);
    // Values are O(1-10) Å; double rounding through fractional and back is ~1e-15 relative.
    for (let k = 0; k < t.nFrames; k++) {
      for (let i = 0; i < 3; i++) {
        for (let d = 0; d < 3; d++) {
          expect(Math.abs(t.positions_A[k * 9 + 3 * i + d] - g.positions_A[k][i][d])).toBeLessThan(1e-9);
          expect(Math.abs(t.cells_A[k * 9 + 3 * i + d] - g.cell_A[i][d])).toBeLessThan(1e-9);
        }
      }
    }
  });
});
