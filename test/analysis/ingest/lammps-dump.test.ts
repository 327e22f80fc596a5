import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { looksLikeLammpsDump, readLammpsDump } from '../../../analysis/ingest/lammps-dump.js';
import { createRng } from '../../../engine/core/rng.js';
import {
  loadGolden,
  maxAbsDiff,
  readAll,
  rejectionMessage,
  sharedData,
  sumPositions,
} from './lammps-extxyz-helpers.js';

const read = (source: string | { text: string; name?: string }, options = {}) =>
  readAll(readLammpsDump, 'lammps-dump', source, options);
const inline = (text: string, options = {}) => read({ text, name: 'dump.lammpstrj' }, options);

/** Every LAMMPS dump in the shared data, with its frame and atom counts (counted by hand from the files). */
const DUMPS: Array<{ rel: string; frames: number; atoms: number }> = [
  { rel: 'lammps-lj/lj_li_wrapped.lammpstrj', frames: 101, atoms: 256 },
  { rel: 'lammps-lj/lj_li_unwrapped.lammpstrj', frames: 101, atoms: 256 },
  { rel: 'lammps-lj/lj_li_scaled.lammpstrj', frames: 101, atoms: 256 },
  { rel: 'lammps-lj/lj_li_npt_tri.lammpstrj', frames: 21, atoms: 108 },
  { rel: 'dpdata/conf_s_su.dump', frames: 2, atoms: 2 },
  { rel: 'dpdata/conf_unfold.dump', frames: 2, atoms: 2 },
  { rel: 'dpdata/shift_origin.dump', frames: 2, atoms: 4 },
  { rel: 'mdanalysis/albite_triclinic.dump', frames: 1, atoms: 17 },
  { rel: 'kinisi/example_LAMMPS_drift.traj', frames: 4, atoms: 9 },
];

/** A small orthogonal dump: header + atom lines (`id type x y z …`). */
function frameText(step: number, columns: string, rows: string[], bounds = ['0 10', '0 10', '0 10'], boxFlags = 'pp pp pp'): string {
  return [
    'ITEM: TIMESTEP',
    String(step),
    'ITEM: NUMBER OF ATOMS',
    String(rows.length),
    `ITEM: BOX BOUNDS ${boxFlags}`,
    ...bounds,
    `ITEM: ATOMS ${columns}`,
    ...rows,
  ].join('\n');
}

describe('readLammpsDump on the shared sample dumps', () => {
  const golden = loadGolden();

  for (const { rel, frames, atoms } of DUMPS) {
    it(`${rel}: ${frames} frames of ${atoms} atoms, positions and cells equal ASE ${golden.ase_version} to 1e-6 Å`, async () => {
      const { frames: got } = await read(sharedData(rel));
      expect(got.length).toBe(frames);
      const ref = golden.files[rel];
      expect(ref.n_frames).toBe(frames);
      expect(ref.n_atoms).toBe(atoms);
      for (const f of got) {
        expect(f.coords.length).toBe(3 * atoms);
        expect(f.species.length).toBe(atoms);
        expect(f.coordKind).toBe('cartesian');
      }
      // No element column in these files: species are type<N>, with N the type ASE reads after sorting by id.
      expect(got[0].species).toEqual(ref.types!.map((t) => `type${t}`));
      ref.frames.forEach((fi, k) => {
        expect(maxAbsDiff(got[fi].coords, ref.positions_A[k])).toBeLessThanOrEqual(1e-6);
        expect(maxAbsDiff(got[fi].cell_A, ref.cells_A[k])).toBeLessThanOrEqual(1e-9);
      });
      got.forEach((f, fi) => {
        expect(maxAbsDiff(sumPositions(f.coords), ref.sum_positions_A[fi])).toBeLessThanOrEqual(1e-6);
      });
    });
  }

  it('x + image·L (wrapped dump) equals the same run’s xu yu zu dump in every frame, within print precision', async () => {
    const w = (await read(sharedData('lammps-lj/lj_li_wrapped.lammpstrj'))).frames;
    const u = (await read(sharedData('lammps-lj/lj_li_unwrapped.lammpstrj'))).frames;
    expect(w.length).toBe(u.length);
    let worstRatio = 0;
    for (let f = 0; f < w.length; f++) {
      expect(w[f].wrapped).toBe(false);
      expect(u[f].wrapped).toBe(false);
      expect(w[f].step).toBe(u[f].step);
      for (let i = 0; i < u[f].coords.length; i++) {
        // x is printed %.6f (±5e-7), xu with %g (6 significant digits: ±0.5 in the 6th digit).
        const xu = u[f].coords[i];
        const tol = 5e-7 + 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(xu) || 1)) - 5) + 1e-12;
        worstRatio = Math.max(worstRatio, Math.abs(w[f].coords[i] - xu) / tol);
      }
    }
    expect(worstRatio).toBeLessThanOrEqual(1);
  });

  it('the scaled dump (xs ys zs) gives the wrapped dump’s x y z up to a lattice translation, within print precision', async () => {
    const s = (await read(sharedData('lammps-lj/lj_li_scaled.lammpstrj'))).frames;
    const w = (await read(sharedData('lammps-lj/lj_li_wrapped.lammpstrj'))).frames;
    const L = 18.8;
    let worstRatio = 0;
    for (let f = 0; f < s.length; f++) {
      expect(s[f].wrapped).toBe(true);
      for (let i = 0; i < s[f].coords.length; i++) {
        const d = s[f].coords[i] - w[f].coords[i];
        // xs is printed with %g (6 significant digits: ±0.5 in the 6th digit of xs, times L), x with %.6f (±5e-7).
        const xs = s[f].coords[i] / L;
        const tol = 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(xs) || 1)) - 5) * L + 5e-7 + 1e-12;
        worstRatio = Math.max(worstRatio, Math.abs(d - L * Math.round(d / L)) / tol);
      }
    }
    expect(worstRatio).toBeLessThanOrEqual(1);
  });

  it('a column set that changes between frames (xs, then xsu) is read frame by frame', async () => {
    const { frames } = await read(sharedData('dpdata/conf_s_su.dump'));
    expect(frames.map((f) => f.wrapped)).toEqual([true, false]);
    expect(frames.map((f) => f.step)).toEqual([0, 1]);
  });

  it('the triclinic NpT dump has a changing cell whose rows match the extxyz written from the same run', async () => {
    const { frames } = await read(sharedData('lammps-lj/lj_li_npt_tri.lammpstrj'));
    const golden = loadGolden().files['lammps-lj/lj_li_npt_tri.extxyz'];
    expect(maxAbsDiff(frames[20].cell_A, golden.cells_A[3])).toBeLessThanOrEqual(1e-9);
    expect(maxAbsDiff(frames[0].cell_A, frames[20].cell_A)).toBeGreaterThan(0.1);
  });

  it('without type names, species are type1, type2, … and a warning says how to name them', async () => {
    const { frames, info } = await read(sharedData('kinisi/example_LAMMPS_drift.traj'));
    expect(frames[0].species.slice(0, 3)).toEqual(['type1', 'type2', 'type2']);
    expect(info.warnings).toEqual([
      `${sharedData('kinisi/example_LAMMPS_drift.traj')}:9: no element column and no type names: species are named type1, type2, … (pass --types Li,Sb to name them)`,
    ]);
  });

  it('typeNames map types to species; the species array is shared between frames', async () => {
    const { frames, info } = await read(sharedData('kinisi/example_LAMMPS_drift.traj'), { typeNames: ['Li', 'Sb'] });
    expect(frames[0].species).toEqual(['Li', ...Array(8).fill('Sb')]);
    expect(frames[3].species).toBe(frames[0].species);
    expect(info.warnings).toEqual([]);
  });

  it('reads a gzip-compressed dump (detected by the reader from its magic bytes)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'liflux-lammps-'));
    const gz = path.join(dir, 'drift.traj.gz');
    writeFileSync(gz, gzipSync(readFileSync(sharedData('kinisi/example_LAMMPS_drift.traj'))));
    const plain = await read(sharedData('kinisi/example_LAMMPS_drift.traj'));
    const zipped = await read(gz);
    expect(zipped.frames.length).toBe(4);
    expect(Array.from(zipped.frames[3].coords)).toEqual(Array.from(plain.frames[3].coords));
  });
});

describe('readLammpsDump conventions (analytic cases)', () => {
  it('restricted triclinic bounding-box bounds with negative tilts and origin give the documented cell and origin', async () => {
    // Cell a = (4, 0, 0), b = (-1.5, 5, 0), c = (0.7, -0.8, 6), origin (-3, -2, -1).
    const xlo = -3, xhi = 1, ylo = -2, yhi = 3, zlo = -1, zhi = 5, xy = -1.5, xz = 0.7, yz = -0.8;
    const bounds = [
      `${xlo + Math.min(0, xy, xz, xy + xz)} ${xhi + Math.max(0, xy, xz, xy + xz)} ${xy}`,
      `${ylo + Math.min(0, yz)} ${yhi + Math.max(0, yz)} ${xz}`,
      `${zlo} ${zhi} ${yz}`,
    ];
    const text = frameText(7, 'id type xs ys zs', ['1 1 0 0 0', '2 1 0.5 0.25 0.5', '3 1 1 1 1'], bounds, 'xy xz yz pp pp pp');
    const { frames } = await inline(text);
    const cell = [4, 0, 0, -1.5, 5, 0, 0.7, -0.8, 6];
    expect(maxAbsDiff(frames[0].cell_A, cell)).toBeLessThanOrEqual(1e-12);
    const expected = [0, 0.5, 1].map((u, k) => {
      const v = [0, 0.25, 1][k], w = [0, 0.5, 1][k];
      return [xlo + u * 4 + v * -1.5 + w * 0.7, ylo + v * 5 + w * -0.8, zlo + w * 6];
    });
    expect(maxAbsDiff(frames[0].coords, expected.flat())).toBeLessThanOrEqual(1e-12);
    expect(frames[0].step).toBe(7);
    expect(frames[0].wrapped).toBe(true);
  });

  it('image flags unwrap with the triclinic cell: x + ix·a + iy·b + iz·c', async () => {
    const bounds = ['-1.5 4.7 -1.5', '-0.8 5 0.7', '0 6 -0.8']; // xlo=0 xhi=4, ylo=0 yhi=5 after tilt correction
    const text = frameText(0, 'id type x y z ix iy iz', ['1 1 1 2 3 1 -2 3'], bounds, 'xy xz yz pp pp pp');
    const { frames } = await inline(text);
    const a = [4, 0, 0], b = [-1.5, 5, 0], c = [0.7, -0.8, 6];
    const want = [0, 1, 2].map((k) => [1, 2, 3][k] + 1 * a[k] - 2 * b[k] + 3 * c[k]);
    expect(maxAbsDiff(frames[0].cell_A, [...a, ...b, ...c])).toBeLessThanOrEqual(1e-12);
    expect(maxAbsDiff(frames[0].coords, want)).toBeLessThanOrEqual(1e-12);
    expect(frames[0].wrapped).toBe(false);
  });

  it('general triclinic "BOX BOUNDS abc origin" gives the rows as cell and shifts scaled coordinates by the origin', async () => {
    const bounds = ['3 1 0 -1', '0 4 1 -2', '0.5 0 5 -3'];
    const text = frameText(0, 'id type xs ys zs', ['1 1 0.5 0.5 0.5'], bounds, 'abc origin pp pp pp');
    const { frames } = await inline(text);
    expect(Array.from(frames[0].cell_A)).toEqual([3, 1, 0, 0, 4, 1, 0.5, 0, 5]);
    expect(maxAbsDiff(frames[0].coords, [-1 + 1.75, -2 + 2.5, -3 + 3])).toBeLessThanOrEqual(1e-12);
  });

  it('prefers xu over x and image flags when both are present', async () => {
    const text = frameText(0, 'id type x y z ix iy iz xu yu zu', ['1 1 1 1 1 1 0 0 99 1 1']);
    const { frames } = await inline(text);
    expect(Array.from(frames[0].coords)).toEqual([99, 1, 1]);
  });

  it('sorts atoms by sparse, unsorted ids, the same way in every frame', async () => {
    const rows0 = ['30 2 3 0 0', '10 1 1 0 0', '20 1 2 0 0'];
    const rows1 = ['20 1 2.5 0 0', '30 2 3.5 0 0', '10 1 1.5 0 0'];
    const text = `${frameText(0, 'id type x y z', rows0)}\n${frameText(10, 'id type x y z', rows1)}\n`;
    const { frames } = await inline(text, { typeNames: ['Li', 'Sb'] });
    expect(frames.map((f) => Array.from(f.coords).filter((_, i) => i % 3 === 0))).toEqual([
      [1, 2, 3],
      [1.5, 2.5, 3.5],
    ]);
    expect(frames[0].species).toEqual(['Li', 'Li', 'Sb']);
  });

  it('property: shuffling atom lines within frames does not change the result (fixed seed)', async () => {
    const rng = createRng(2024);
    const n = 50;
    const rowsFor = (f: number) =>
      Array.from({ length: n }, (_, i) => `${3 * i + 7} ${1 + (i % 2)} ${i * 0.1 + f} ${i * 0.2} ${-i * 0.3} ${f} 0 ${-f}`);
    const shuffle = (rows: string[]) => {
      const r = rows.slice();
      for (let i = r.length - 1; i > 0; i--) {
        const j = Math.floor(rng.nextFloat() * (i + 1));
        [r[i], r[j]] = [r[j], r[i]];
      }
      return r;
    };
    const cols = 'id type x y z ix iy iz';
    const sorted = [0, 1, 2].map((f) => frameText(f, cols, rowsFor(f))).join('\n');
    const shuffled = [0, 1, 2].map((f) => frameText(f, cols, shuffle(rowsFor(f)))).join('\n');
    const a = await inline(sorted, { typeNames: ['Li', 'Sb'] });
    const b = await inline(shuffled, { typeNames: ['Li', 'Sb'] });
    for (let f = 0; f < 3; f++) {
      expect(Array.from(b.frames[f].coords)).toEqual(Array.from(a.frames[f].coords));
      expect(b.frames[f].species).toEqual(a.frames[f].species);
    }
  });

  it('uses an element column when present, and tolerates tabs and trailing whitespace', async () => {
    const text = frameText(3, 'id element xu yu zu \t', ['2\tSb\t1\t2\t3\t ', '1\tLi\t4\t5\t6  ']);
    const { frames, info } = await inline(text);
    expect(frames[0].species).toEqual(['Li', 'Sb']);
    expect(Array.from(frames[0].coords)).toEqual([4, 5, 6, 1, 2, 3]);
    expect(info.warnings).toEqual([]);
  });

  it('takes ITEM: TIME as ps with units metal and as fs with units real', async () => {
    const body = frameText(100, 'id type x y z', ['1 1 1 1 1']);
    const metal = await inline(`ITEM: UNITS\nmetal\nITEM: TIME\n0.2\n${body}`);
    expect(metal.frames[0].time_ps).toBe(0.2);
    const real = await inline(`ITEM: UNITS\nreal\nITEM: TIME\n200\n${body}`);
    expect(real.frames[0].time_ps).toBeCloseTo(0.2, 12);
    expect(real.frames[0].step).toBe(100);
  });

  it('ignores ITEM: TIME without ITEM: UNITS, with a warning', async () => {
    const { frames, info } = await inline(`ITEM: TIME\n0.2\n${frameText(1, 'id type x y z', ['1 1 1 1 1'])}`);
    expect(frames[0].time_ps).toBeUndefined();
    expect(info.warnings).toContain(
      'dump.lammpstrj:1: ITEM: TIME without ITEM: UNITS metal/real: its unit is unknown, so it is ignored (give the time step instead)',
    );
  });

  it('warns once about non-periodic boundaries and a missing id column', async () => {
    const text = frameText(0, 'type x y z', ['1 1 1 1'], undefined, 'pp pp fs');
    const { info } = await inline(text, { typeNames: ['Li'] });
    expect(info.warnings).toEqual([
      'dump.lammpstrj:5: boundary "pp pp fs" is not periodic in every direction; coordinates are used as given and the cell is still used for unwrapping',
      'dump.lammpstrj:9: no id column: atoms are taken in file order (LAMMPS keeps that order only with dump_modify sort id)',
    ]);
  });

  it('looksLikeLammpsDump recognises dumps and rejects other formats', () => {
    for (const { rel } of DUMPS) {
      const head = readFileSync(sharedData(rel), 'utf8').split('\n').slice(0, 10);
      expect(looksLikeLammpsDump(head)).toBe(true);
    }
    expect(looksLikeLammpsDump(['ITEM: UNITS', 'metal'])).toBe(true);
    expect(looksLikeLammpsDump(['256', 'Lattice="1 0 0 0 1 0 0 0 1"'])).toBe(false);
    expect(looksLikeLammpsDump(['Li6PS5Cl', '1.0'])).toBe(false);
    expect(looksLikeLammpsDump([])).toBe(false);
  });
});

describe('readLammpsDump truncated files', () => {
  const two = `${frameText(0, 'id type x y z', ['1 1 1 1 1', '2 1 2 2 2'])}\n${frameText(1, 'id type x y z', ['1 1 1 1 1', '2 1 2 2 2'])}`;
  const lines = two.split('\n');

  it('a missing atom line: keeps the complete frames and warns with file:line', async () => {
    const text = lines.slice(0, -1).join('\n') + '\n';
    const { frames, info } = await inline(text, { typeNames: ['Li'] });
    expect(frames.length).toBe(1);
    expect(info.warnings).toEqual([
      'dump.lammpstrj:22: frame 1 (starting at line 12) is incomplete: expected 2 atom lines after ITEM: ATOMS at line 20, found 1 before the end of the file (file truncated?); kept the 1 complete frame before it',
    ]);
  });

  it('a half-written last atom line counts as truncation', async () => {
    const text = `${lines.slice(0, -1).join('\n')}\n2 1 2.0`;
    const { frames, info } = await inline(text, { typeNames: ['Li'] });
    expect(frames.length).toBe(1);
    expect(info.warnings[0]).toBe(
      'dump.lammpstrj:22: frame 1 (starting at line 12) is incomplete: expected 5 columns on atom line 2, found 3 on the last line of the file (file truncated?); kept the 1 complete frame before it',
    );
  });

  it('a frame cut inside its header is dropped with a warning', async () => {
    const text = lines.slice(0, 15).join('\n');
    const { frames, info } = await inline(text, { typeNames: ['Li'] });
    expect(frames.length).toBe(1);
    expect(info.warnings[0]).toBe(
      'dump.lammpstrj:16: frame 1 (starting at line 12) is incomplete: expected the rest of the frame header (ITEM: ATOMS), found the end of the file (file truncated?); kept the 1 complete frame before it',
    );
  });

  it('strict mode turns truncation into an InputError', async () => {
    const text = lines.slice(0, -1).join('\n');
    const msg = await rejectionMessage(inline(text, { strict: true, typeNames: ['Li'] }));
    expect(msg).toBe(
      'InputError: dump.lammpstrj:22: frame 1 (starting at line 12) is incomplete: expected 2 atom lines after ITEM: ATOMS at line 20, found 1 before the end of the file (file truncated?); kept the 1 complete frame before it',
    );
  });
});

describe('readLammpsDump garbled input errors', () => {
  const ok = (rows = ['1 1 1 1 1', '2 1 2 2 2'], cols = 'id type x y z') => frameText(0, cols, rows);
  const fail = (text: string, options = {}) => rejectionMessage(inline(text, { typeNames: ['Li'], ...options }));

  it('non-numeric coordinate', async () => {
    expect(await fail(ok(['1 1 1 abc 1', '2 1 2 2 2']))).toBe(
      'InputError: dump.lammpstrj:10: expected a number in column y, found "abc"',
    );
  });

  it('fewer atom lines than NUMBER OF ATOMS before the next frame', async () => {
    const text = `${frameText(0, 'id type x y z', ['1 1 1 1 1', '2 1 2 2 2']).replace('ATOMS\n2', 'ATOMS\n3')}\n${ok()}`;
    expect(await fail(text)).toBe(
      'InputError: dump.lammpstrj:12: expected 3 atom lines after ITEM: ATOMS at line 9 (NUMBER OF ATOMS), found 2 before "ITEM: TIMESTEP"',
    );
  });

  it('an atom line with too few columns', async () => {
    expect(await fail(`${ok(['1 1 1 1', '2 1 2 2 2'])}\n`)).toBe(
      'InputError: dump.lammpstrj:10: expected 5 columns (id type x y z), found 4 in "1 1 1 1"',
    );
  });

  it('the atom count changing mid-file', async () => {
    expect(await fail(`${ok()}\n${ok(['1 1 1 1 1'])}`)).toBe(
      'InputError: dump.lammpstrj:15: expected 2 atoms (as in the first frame; the atom set must not change), found 1 in frame 1',
    );
  });

  it('the id set changing mid-file', async () => {
    expect(await fail(`${ok()}\n${ok(['1 1 1 1 1', '5 1 2 2 2'])}`)).toBe(
      'InputError: dump.lammpstrj:22: expected atom ids of the first frame (ITEM: ATOMS at line 9), found id 5, which is new (the atom set must not change)',
    );
  });

  it('a duplicate id', async () => {
    expect(await fail(ok(['1 1 1 1 1', '1 1 2 2 2']))).toBe(
      'InputError: dump.lammpstrj:11: expected each atom id once per frame, found id 1 again',
    );
  });

  it('a type outside the given type names', async () => {
    expect(await fail(ok(['1 1 1 1 1', '2 3 2 2 2']))).toBe(
      'InputError: dump.lammpstrj:11: expected atom type 1…1 (type names Li), found 3',
    );
  });

  it('a non-integer type without type names', async () => {
    expect(await fail(ok(['1 1 1 1 1', '2 1.5 2 2 2']), { typeNames: undefined })).toBe(
      'InputError: dump.lammpstrj:11: expected a positive integer atom type, found 1.5',
    );
  });

  it('units given as an object-prototype name are still rejected', async () => {
    expect(await fail(`ITEM: UNITS\ntoString\n${ok()}`)).toBe(
      'InputError: dump.lammpstrj:2: expected LAMMPS units metal or real (lengths in Å), found "toString"',
    );
  });

  it('no coordinate columns', async () => {
    expect(await fail(ok(['1 1 1 1 1', '2 1 2 2 2'], 'id type vx vy vz'))).toBe(
      'InputError: dump.lammpstrj:9: expected coordinate columns (xu yu zu, xsu ysu zsu, x y z or xs ys zs) in ITEM: ATOMS, found "ITEM: ATOMS id type vx vy vz"',
    );
  });

  it('a malformed box-bounds line', async () => {
    expect(await fail(ok().replace('0 10\n0 10\n0 10', '0 10\n0 x\n0 10'))).toBe(
      'InputError: dump.lammpstrj:7: expected 2 numbers on box-bounds line 2, found "0 x"',
    );
  });

  it('a non-integer TIMESTEP', async () => {
    expect(await fail(ok().replace('TIMESTEP\n0', 'TIMESTEP\n1.5'))).toBe(
      'InputError: dump.lammpstrj:2: expected an integer time step after ITEM: TIMESTEP, found "1.5"',
    );
  });

  it('text that is not a dump', async () => {
    expect(await fail('hello\nworld\n')).toBe('InputError: dump.lammpstrj:1: expected ITEM: TIMESTEP, found "hello"');
  });

  it('an unknown ITEM', async () => {
    expect(await fail(ok().replace('ITEM: NUMBER OF ATOMS', 'ITEM: ENERGY'))).toBe(
      'InputError: dump.lammpstrj:3: expected ITEM: TIMESTEP, TIME, UNITS, NUMBER OF ATOMS, BOX BOUNDS or ATOMS, found "ITEM: ENERGY"',
    );
  });

  it('ATOMS before BOX BOUNDS', async () => {
    const text = ['ITEM: TIMESTEP', '0', 'ITEM: NUMBER OF ATOMS', '1', 'ITEM: ATOMS id type x y z', '1 1 0 0 0'].join('\n');
    expect(await fail(text)).toBe(
      'InputError: dump.lammpstrj:5: expected ITEM: BOX BOUNDS before ITEM: ATOMS, found "ITEM: ATOMS id type x y z"',
    );
  });

  it('declared units whose lengths are not Å', async () => {
    expect(await fail(`ITEM: UNITS\nsi\n${ok()}`)).toBe(
      'InputError: dump.lammpstrj:2: expected LAMMPS units metal or real (lengths in Å), found "si"',
    );
  });

  it('an empty file', async () => {
    expect(await fail('\n\n')).toBe('InputError: dump.lammpstrj:2: expected at least one frame (ITEM: TIMESTEP …), found no frames');
  });
});
