/**
 * Golden: every trajectory file under ../shared/data converts with the right atom and frame counts (written here,
 * checked by hand against each file's provenance), and VASP positions agree with ASE / pymatgen
 * (test/golden/ingest/vasp_golden.py → vasp_golden.json: unwrapped positions computed there independently).
 * Tolerance 1e-6 Å per atom coordinate (both sides parse the same decimal text; differences are rounding,
 * ~1e-12 Å), 1e-6 Å × N for sums over N atoms.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTrajectory } from '../../../analysis/ingest/arrow-reader.js';
import { cellVolume_A3, countSpecies } from '../../../analysis/trajectory.js';
import { dataPath, repoRoot } from './vasp-helpers.js';

/** [file, atoms, frames, format] for every trajectory in ../shared/data. */
const EXPECTED: [string, number, number, string][] = [
  ['dpdata/OUTCAR.ch4.ml', 5, 10, 'outcar'], // 14 position tables, 10 ionic steps
  ['dpdata/OUTCAR.h2o.md', 6, 3, 'outcar'],
  ['dpdata/Ti-aimd-nwrite0.vasprun.xml', 32, 10, 'vasprun'],
  ['dpdata/vasprun.h2o.md.xml', 6, 3, 'vasprun'],
  ['dpdata/vasprun.h2o.md.tribox.xml', 6, 3, 'vasprun'],
  ['dpdata/conf_s_su.dump', 2, 2, 'lammps-dump'],
  ['dpdata/conf_unfold.dump', 2, 2, 'lammps-dump'],
  ['dpdata/shift_origin.dump', 4, 2, 'lammps-dump'],
  ['kinisi/example_XDATCAR.gz', 416, 140, 'xdatcar'],
  ['kinisi/example_drift.XDATCAR', 9, 4, 'xdatcar'],
  ['kinisi/example_center.XDATCAR', 3, 4, 'xdatcar'],
  ['kinisi/example_LAMMPS_drift.traj', 9, 4, 'lammps-dump'],
  ['lgps-aimd/XDATCAR_LGPS_600K.gz', 50, 1000, 'xdatcar'],
  ['pymatgen/XDATCAR_4', 3, 4, 'xdatcar'],
  ['pymatgen/XDATCAR_6', 7, 4, 'xdatcar'],
  ['lammps-lj/XDATCAR_lj_li_nvt', 256, 101, 'xdatcar'],
  ['lammps-lj/XDATCAR_lj_li_nvt_labelled', 256, 101, 'xdatcar'],
  ['lammps-lj/XDATCAR_lj_li_npt_tri', 108, 21, 'xdatcar'],
  ['lammps-lj/lj_li_npt_tri.extxyz', 108, 21, 'extxyz'],
  ['lammps-lj/lj_li_npt_tri.lammpstrj', 108, 21, 'lammps-dump'],
  ['lammps-lj/lj_li_nvt_unwrapped.extxyz', 256, 101, 'extxyz'],
  ['lammps-lj/lj_li_wrapped.lammpstrj', 256, 101, 'lammps-dump'],
  ['lammps-lj/lj_li_unwrapped.lammpstrj', 256, 101, 'lammps-dump'],
  ['lammps-lj/lj_li_scaled.lammpstrj', 256, 101, 'lammps-dump'],
  ['mdanalysis/albite_triclinic.dump', 17, 1, 'lammps-dump'],
];

interface GoldenEntry {
  reader: string | null;
  n_atoms: number;
  n_frames: number;
  species: Record<string, number>;
  first_sum_A: number[];
  last_sum_A: number[];
  last_atom0_A: number[];
  last_atomN_A: number[];
  volume_first_A3: number;
  volume_last_A3: number;
}
const golden = JSON.parse(readFileSync(path.join(repoRoot, 'test/golden/ingest/vasp_golden.json'), 'utf8')) as {
  files: Record<string, GoldenEntry>;
};

// LAMMPS types → species for the dumps (types are numbers in the files; the LJ runs are all type 1 = Li).
const TYPES = ['Li', 'Sb', 'O', 'H', 'C', 'Na', 'Al', 'Si'];

describe('every shared trajectory converts with the right counts', () => {
  for (const [rel, nAtoms, nFrames, format] of EXPECTED) {
    it(`${rel}: ${nAtoms} atoms, ${nFrames} frames (${format})`, async () => {
      const r = await loadTrajectory(dataPath(rel), { allowMissingTime: true, typeNames: TYPES });
      expect(r.ingest?.format).toBe(format);
      expect(r.trajectory.nAtoms).toBe(nAtoms);
      expect(r.trajectory.nFrames).toBe(nFrames);
      expect(r.trajectory.positions_A.length).toBe(nAtoms * nFrames * 3);
      expect(r.trajectory.positions_A.every(Number.isFinite)).toBe(true);
    });
  }
});

describe('VASP positions agree with ASE / pymatgen (vasp_golden.json)', () => {
  for (const [rel, g] of Object.entries(golden.files)) {
    it(`${rel} (${g.reader})`, async () => {
      expect(g.reader).not.toBeNull();
      const { trajectory: t } = await loadTrajectory(dataPath(rel), { allowMissingTime: true });
      expect(t.nAtoms).toBe(g.n_atoms);
      expect(t.nFrames).toBe(g.n_frames);
      expect(countSpecies(t.species)).toEqual(g.species);
      const n = t.nAtoms;
      const sum = (f: number) => {
        const s = [0, 0, 0];
        for (let j = 0; j < n; j++) for (let k = 0; k < 3; k++) s[k] += t.positions_A[(f * n + j) * 3 + k];
        return s;
      };
      const last = t.nFrames - 1;
      const atom = (f: number, j: number) => [0, 1, 2].map((k) => t.positions_A[(f * n + j) * 3 + k]);
      const close = (a: number[], b: number[], tol: number) => a.forEach((x, k) => expect(Math.abs(x - b[k])).toBeLessThan(tol));
      close(sum(0), g.first_sum_A, 1e-6 * n);
      close(sum(last), g.last_sum_A, 1e-6 * n);
      close(atom(last, 0), g.last_atom0_A, 1e-6);
      close(atom(last, n - 1), g.last_atomN_A, 1e-6);
      expect(Math.abs(cellVolume_A3(t.cells_A, 0) - g.volume_first_A3) / g.volume_first_A3).toBeLessThan(1e-9);
      expect(Math.abs(cellVolume_A3(t.cells_A, 9 * last) - g.volume_last_A3) / g.volume_last_A3).toBeLessThan(1e-9);
    });
  }
});

describe('LAMMPS: x + image·L and minimum-image unwrapping of xs agree with the same run\'s xu yu zu', () => {
  it('displacements from frame 0 agree to 1e-3 Å (dumps print 6 significant digits)', async () => {
    const opts = { allowMissingTime: true, typeNames: ['Li'] };
    const u = (await loadTrajectory(dataPath('lammps-lj/lj_li_unwrapped.lammpstrj'), opts)).trajectory;
    for (const rel of ['lammps-lj/lj_li_wrapped.lammpstrj', 'lammps-lj/lj_li_scaled.lammpstrj', 'lammps-lj/XDATCAR_lj_li_nvt']) {
      const w = (await loadTrajectory(dataPath(rel), opts)).trajectory;
      expect(w.nFrames).toBe(u.nFrames);
      const m = 3 * u.nAtoms;
      let maxErr = 0;
      let maxDisp = 0;
      for (let f = 0; f < u.nFrames; f++) {
        for (let i = 0; i < m; i++) {
          const du = u.positions_A[f * m + i] - u.positions_A[i];
          const dw = w.positions_A[f * m + i] - w.positions_A[i];
          maxErr = Math.max(maxErr, Math.abs(du - dw));
          maxDisp = Math.max(maxDisp, Math.abs(du));
        }
      }
      expect(maxDisp).toBeGreaterThan(18.8 / 2); // atoms did cross the box: the check is not vacuous
      expect(maxErr).toBeLessThan(1e-3);
    }
  });
});
