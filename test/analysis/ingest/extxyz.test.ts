import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { looksLikeExtxyz, parseExtxyzComment, readExtxyz } from '../../../analysis/ingest/extxyz.js';
import { FS_TO_PS } from '../../../engine/core/constants.js';
import { loadGolden, maxAbsDiff, readAll, rejectionMessage, sharedData, sumPositions } from './lammps-extxyz-helpers.js';

const read = (source: string | { text: string; name?: string }, options = {}) =>
  readAll(readExtxyz, 'extxyz', source, options);
const inline = (text: string, options = {}) => read({ text, name: 'traj.extxyz' }, options);

const CUBE = 'Lattice="10 0 0 0 10 0 0 0 10"';
/** One frame: count line, comment, atom lines. */
const frame = (comment: string, rows: string[]) => [String(rows.length), comment, ...rows].join('\n');

describe('readExtxyz on the shared sample files', () => {
  const golden = loadGolden();
  const FILES = [
    { rel: 'lammps-lj/lj_li_nvt_unwrapped.extxyz', frames: 101, atoms: 256 },
    { rel: 'lammps-lj/lj_li_npt_tri.extxyz', frames: 21, atoms: 108 },
  ];
  for (const { rel, frames, atoms } of FILES) {
    it(`${rel}: ${frames} frames of ${atoms} atoms, positions, cells, steps and times equal ASE ${golden.ase_version}`, async () => {
      const { frames: got, info } = await read(sharedData(rel));
      const ref = golden.files[rel];
      expect(got.length).toBe(frames);
      expect(ref.n_frames).toBe(frames);
      expect(ref.n_atoms).toBe(atoms);
      expect(got[0].species).toEqual(ref.symbols);
      expect(got[frames - 1].species).toBe(got[0].species); // reused when unchanged
      ref.frames.forEach((fi, k) => {
        expect(maxAbsDiff(got[fi].coords, ref.positions_A[k])).toBeLessThanOrEqual(1e-6);
        expect(maxAbsDiff(got[fi].cell_A, ref.cells_A[k])).toBeLessThanOrEqual(1e-12);
      });
      got.forEach((f, fi) => {
        expect(f.coordKind).toBe('cartesian');
        expect(maxAbsDiff(sumPositions(f.coords), ref.sum_positions_A[fi])).toBeLessThanOrEqual(1e-6);
        expect(f.step ?? null).toBe(ref.steps![fi]);
        const t = ref.time_ps![fi];
        if (t === null) expect(f.time_ps).toBeUndefined();
        else expect(Math.abs(f.time_ps! - t)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(t)));
      });
      expect(info.warnings).toEqual([]);
    });
  }

  it('the unwrapped NVT file is recognised as unwrapped once atoms are far outside the cell, and stays so', async () => {
    const { frames } = await read(sharedData('lammps-lj/lj_li_nvt_unwrapped.extxyz'));
    const firstUnwrapped = frames.findIndex((f) => !f.wrapped);
    expect(firstUnwrapped).toBeGreaterThan(0); // frame 0 lies within half a cell of the box
    expect(frames.slice(firstUnwrapped).every((f) => !f.wrapped)).toBe(true);
    // The flip happens at the first frame with a fractional coordinate outside [-0.5, 1.5] (cubic 18.8 Å cell).
    const far = frames.findIndex((f) => f.coords.some((x) => x / 18.8 < -0.5 || x / 18.8 > 1.5));
    expect(firstUnwrapped).toBe(far);
  });

  it('positions equal the LAMMPS xu dump of the same run (extxyz written from it)', async () => {
    const { readLammpsDump } = await import('../../../analysis/ingest/lammps-dump.js');
    const x = (await read(sharedData('lammps-lj/lj_li_nvt_unwrapped.extxyz'))).frames;
    const d = (await readAll(readLammpsDump, 'lammps-dump', sharedData('lammps-lj/lj_li_unwrapped.lammpstrj'))).frames;
    expect(x.length).toBe(d.length);
    for (let f = 0; f < x.length; f += 25) expect(maxAbsDiff(x[f].coords, d[f].coords)).toBeLessThanOrEqual(1e-6);
  });

  it('looksLikeExtxyz recognises extxyz and rejects other formats', () => {
    for (const rel of ['lammps-lj/lj_li_nvt_unwrapped.extxyz', 'lammps-lj/lj_li_npt_tri.extxyz']) {
      expect(looksLikeExtxyz(readFileSync(sharedData(rel), 'utf8').split('\n').slice(0, 5))).toBe(true);
    }
    expect(looksLikeExtxyz(['', '3', 'properties=species:S:1:pos:R:3'])).toBe(true);
    expect(looksLikeExtxyz(['3', 'just a comment'])).toBe(false);
    expect(looksLikeExtxyz(['ITEM: TIMESTEP', '0'])).toBe(false);
    expect(looksLikeExtxyz(['0', 'Lattice="1 0 0 0 1 0 0 0 1"'])).toBe(false);
    expect(looksLikeExtxyz(['3'])).toBe(false);
  });
});

describe('parseExtxyzComment', () => {
  it('follows ASE: quotes, brackets, escapes, bare keys', () => {
    const kv = parseExtxyzComment(
      ' Lattice="1 0 0 0 2 0 0 0 3"  Properties=species:S:1:pos:R:3 name=\'a b\' v={1 2} w=[3,4] flag msg="say \\"hi\\"" e=a=b',
    );
    expect(Object.fromEntries(kv)).toEqual({
      Lattice: '1 0 0 0 2 0 0 0 3',
      Properties: 'species:S:1:pos:R:3',
      name: 'a b',
      v: '1 2',
      w: '3,4',
      flag: 'T',
      msg: 'say "hi"',
      e: 'a=b',
    });
  });
});

describe('readExtxyz conventions (analytic cases)', () => {
  it('reads Properties in any order, with other properties, and the documented scalar keys', async () => {
    const comment =
      'pbc="T T T" Properties=forces:R:3:pos:R:3:id:I:1:species:S:1 Lattice="5 0 0 1 6 0 0.5 0.5 7" ' +
      'step=40 time_fs=80 temperature=600.5';
    const text = frame(comment, ['0.1 0.2 0.3 1 2 3 7 Li extra', '-1 -1 -1 4 5 6 8 Sb']);
    const { frames, info } = await inline(text);
    const f = frames[0];
    expect(f.species).toEqual(['Li', 'Sb']);
    expect(Array.from(f.coords)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(f.cell_A)).toEqual([5, 0, 0, 1, 6, 0, 0.5, 0.5, 7]);
    expect(f.step).toBe(40);
    expect(Math.abs(f.time_ps! - 80 * FS_TO_PS)).toBeLessThanOrEqual(1e-15);
    expect(f.temperature_K).toBe(600.5);
    expect(f.wrapped).toBe(true);
    expect(info.warnings).toEqual([]);
  });

  it('defaults to species:S:1:pos:R:3 without Properties and reads time_ps, time_ns, Step and T', async () => {
    const a = await inline(frame(`${CUBE} time_ps=1.5 Step=3 T=300`, ['Li 1 2 3']));
    expect(a.frames[0].time_ps).toBe(1.5);
    expect(a.frames[0].step).toBe(3);
    expect(a.frames[0].temperature_K).toBe(300);
    const b = await inline(frame(`${CUBE} time_ns=0.002`, ['Li 1 2 3']));
    expect(Math.abs(b.frames[0].time_ps! - 2)).toBeLessThanOrEqual(1e-12);
  });

  it('takes a bare time key as fs with one warning; an explicit unit key wins', async () => {
    const text = [frame(`${CUBE} time=10`, ['Li 1 2 3']), frame(`${CUBE} Time=20`, ['Li 1 2 3'])].join('\n');
    const { frames, info } = await inline(text);
    expect(frames.map((f) => f.time_ps)).toEqual([10 * FS_TO_PS, 20 * FS_TO_PS]);
    expect(info.warnings).toEqual([
      'traj.extxyz:2: key "time" has no unit: taken as fs (write time_fs= or time_ps= to be explicit)',
    ]);
    const both = await inline(frame(`${CUBE} time_ps=3 time=10`, ['Li 1 2 3']));
    expect(both.frames[0].time_ps).toBe(3);
  });

  it('unwrapped=T / wrapped=F mark continuous positions; wrapped=T forces minimum-image unwrapping', async () => {
    expect((await inline(frame(`${CUBE} unwrapped=T`, ['Li 1 2 3']))).frames[0].wrapped).toBe(false);
    expect((await inline(frame(`${CUBE} wrapped=F`, ['Li 1 2 3']))).frames[0].wrapped).toBe(false);
    expect((await inline(frame(`${CUBE} wrapped=T`, ['Li 100 2 3']))).frames[0].wrapped).toBe(true);
  });

  it('positions slightly outside the cell stay "possibly wrapped"; more than half a cell outside means unwrapped', async () => {
    const text = [
      frame(CUBE, ['Li 10.4 -4.9 3']), // fractional 1.04, -0.49: a wrapping writer can produce this
      frame(CUBE, ['Li 15.1 2 3']), // 1.51: cannot come from a wrapped trajectory
      frame(CUBE, ['Li 1 2 3']), // back inside: the file is known to be unwrapped
    ].join('\n');
    const { frames } = await inline(text);
    expect(frames.map((f) => f.wrapped)).toEqual([true, false, false]);
  });

  it('the outside test uses the triclinic cell', async () => {
    // Cell a=(10,0,0), b=(8,10,0): the point (17, 9.5, 0) has fractional (0.94, 0.95, 0): inside.
    const tri = 'Lattice="10 0 0 8 10 0 0 0 10"';
    expect((await inline(frame(tri, ['Li 17 9.5 0']))).frames[0].wrapped).toBe(true);
    // (-9, 9.5, 0) has fractional a = -0.9 − 0.76 = -1.66: far outside.
    expect((await inline(frame(tri, ['Li -9 9.5 0']))).frames[0].wrapped).toBe(false);
  });

  it('warns once when pbc is not periodic in every direction', async () => {
    const text = [frame(`${CUBE} pbc="T T F"`, ['Li 1 2 3']), frame(`${CUBE} pbc="T T F"`, ['Li 1 2 3'])].join('\n');
    const { info } = await inline(text);
    expect(info.warnings).toEqual([
      'traj.extxyz:2: pbc="T T F" is not periodic in every direction; the Lattice is still used for unwrapping',
    ]);
  });

  it('species may change between frames (a new array is returned) and blank lines between frames are skipped', async () => {
    const text = `${frame(CUBE, ['Li 1 2 3', 'Sb 0 0 0'])}\n\n${frame(CUBE, ['Li 1 2 3', 'Li 0 0 0'])}\n\n`;
    const { frames } = await inline(text);
    expect(frames[0].species).toEqual(['Li', 'Sb']);
    expect(frames[1].species).toEqual(['Li', 'Li']);
  });

  it('accepts tabs, CRLF line ends and comma-separated Lattice values', async () => {
    const text = ['1', 'Lattice="10,0,0,0,10,0,0,0,10"\tpbc="T T T"', 'Li\t1.5\t2\t3\t'].join('\r\n');
    const { frames } = await inline(text);
    expect(Array.from(frames[0].coords)).toEqual([1.5, 2, 3]);
    expect(frames[0].cell_A[8]).toBe(10);
  });
});

describe('readExtxyz truncated files', () => {
  const two = [frame(CUBE, ['Li 1 2 3', 'Li 4 5 6']), frame(CUBE, ['Li 1 2 3', 'Li 4 5 6'])].join('\n');
  const lines = two.split('\n');

  it('a missing atom line: keeps the complete frames and warns with file:line', async () => {
    const { frames, info } = await inline(lines.slice(0, -1).join('\n'));
    expect(frames.length).toBe(1);
    expect(info.warnings).toEqual([
      'traj.extxyz:8: frame 1 (starting at line 5) is incomplete: expected 2 atom lines after the comment line 6, found 1 before the end of the file (file truncated?); kept the 1 complete frame before it',
    ]);
  });

  it('a half-written last line and a missing comment line count as truncation', async () => {
    const half = await inline(`${lines.slice(0, -1).join('\n')}\nLi 4 5`);
    expect(half.frames.length).toBe(1);
    expect(half.info.warnings[0]).toBe(
      'traj.extxyz:8: frame 1 (starting at line 5) is incomplete: expected 4 columns on atom line 2, found 3 on the last line of the file (file truncated?); kept the 1 complete frame before it',
    );
    const noComment = await inline(lines.slice(0, 5).join('\n'));
    expect(noComment.frames.length).toBe(1);
    expect(noComment.info.warnings[0]).toBe(
      'traj.extxyz:6: frame 1 (starting at line 5) is incomplete: expected a comment line, found the end of the file (file truncated?); kept the 1 complete frame before it',
    );
  });

  it('strict mode turns truncation into an InputError', async () => {
    expect(await rejectionMessage(inline(lines.slice(0, -1).join('\n'), { strict: true }))).toBe(
      'InputError: traj.extxyz:8: frame 1 (starting at line 5) is incomplete: expected 2 atom lines after the comment line 6, found 1 before the end of the file (file truncated?); kept the 1 complete frame before it',
    );
  });
});

describe('readExtxyz garbled input errors', () => {
  const fail = (text: string) => rejectionMessage(inline(text));

  it('no Lattice (diffusion needs a cell)', async () => {
    expect(await fail(frame('Properties=species:S:1:pos:R:3 pbc="F F F"', ['Li 1 2 3']))).toBe(
      'InputError: traj.extxyz:2: expected Lattice="ax ay az bx by bz cx cy cz" in the comment line (diffusion needs a periodic cell), found no Lattice key in "Properties=species:S:1:pos:R:3 pbc=\\"F F F\\""',
    );
  });

  it('a Lattice without 9 numbers', async () => {
    expect(await fail(frame('Lattice="10 0 0 0 10 0 0 0"', ['Li 1 2 3']))).toBe(
      'InputError: traj.extxyz:2: expected 9 numbers in Lattice, found "10 0 0 0 10 0 0 0"',
    );
  });

  it('a singular Lattice', async () => {
    expect(await fail(frame('Lattice="10 0 0 20 0 0 0 0 10"', ['Li 1 2 3']))).toBe(
      'InputError: traj.extxyz:2: expected a non-singular Lattice, found "10 0 0 20 0 0 0 0 10"',
    );
  });

  it('a bad pbc value', async () => {
    expect(await fail(frame(`${CUBE} pbc="T T"`, ['Li 1 2 3']))).toBe(
      'InputError: traj.extxyz:2: expected pbc="T T T" (three T/F flags), found "T T"',
    );
  });

  it('a non-numeric position', async () => {
    expect(await fail(frame(CUBE, ['Li 1 x 3']))).toBe('InputError: traj.extxyz:3: expected a number in column 3 (pos), found "x"');
  });

  it('a count line that is not a positive integer', async () => {
    expect(await fail(frame(CUBE, ['Li 1 2 3']).replace(/^1/, 'one'))).toBe(
      'InputError: traj.extxyz:1: expected an atom count (positive integer) on the first line of frame 0, found "one"',
    );
  });

  it('more atom lines than the count', async () => {
    expect(await fail(`${frame(CUBE, ['Li 1 2 3'])}\nLi 4 5 6\n`)).toBe(
      'InputError: traj.extxyz:4: expected an atom count (positive integer) on the first line of frame 1 (does the previous frame have more atom lines than its count?), found "Li 4 5 6"',
    );
  });

  it('fewer atom lines than the count (next frame reached)', async () => {
    const text = `${frame(CUBE, ['Li 1 2 3']).replace(/^1/, '2')}\n${frame(CUBE, ['Li 1 2 3'])}`;
    expect(await fail(text)).toBe(
      'InputError: traj.extxyz:4: expected atom line 2 of 2 with at least 4 columns (species:S:1:pos:R:3), found 1 in "1"',
    );
  });

  it('Properties without species or pos, or with a bad triple', async () => {
    expect(await fail(frame(`${CUBE} Properties=Z:I:1:pos:R:3`, ['3 1 2 3']))).toBe(
      'InputError: traj.extxyz:2: expected a species:S:1 property in Properties, found "Z:I:1:pos:R:3"',
    );
    expect(await fail(frame(`${CUBE} Properties=species:S:1:velo:R:3`, ['Li 1 2 3']))).toBe(
      'InputError: traj.extxyz:2: expected a pos:R:3 property in Properties, found "species:S:1:velo:R:3"',
    );
    expect(await fail(frame(`${CUBE} Properties=species:S:1:pos:R`, ['Li 1 2 3']))).toBe(
      'InputError: traj.extxyz:2: expected Properties as name:type:count triples, found "species:S:1:pos:R"',
    );
    expect(await fail(frame(`${CUBE} Properties=species:S:1:pos:X:3`, ['Li 1 2 3']))).toBe(
      'InputError: traj.extxyz:2: expected a property type S/R/I/L and a positive count for pos, found "X:3"',
    );
  });

  it('non-numeric scalar keys', async () => {
    expect(await fail(frame(`${CUBE} step=abc`, ['Li 1 2 3']))).toBe('InputError: traj.extxyz:2: expected a number for step, found "abc"');
    expect(await fail(frame(`${CUBE} step=1.5`, ['Li 1 2 3']))).toBe('InputError: traj.extxyz:2: expected an integer for step, found "1.5"');
    expect(await fail(frame(`${CUBE} unwrapped=maybe`, ['Li 1 2 3']))).toBe(
      'InputError: traj.extxyz:2: expected T or F for unwrapped, found "maybe"',
    );
  });

  it('keys named like object-prototype members are free keys, not time keys', async () => {
    const { frames } = await inline(frame(`${CUBE} constructor=x toString=y`, ['Li 1 2 3']));
    expect(frames[0].time_ps).toBeUndefined();
  });

  it('an empty file', async () => {
    expect(await fail('\n')).toBe('InputError: traj.extxyz:1: expected at least one frame, found an empty file');
  });
});
