import { describe, expect, it } from 'vitest';
import {
  addMsdSeries,
  computeAtomMsd,
  computeCollectiveMsd,
  computeMeanDisplacement,
  computeMsdDirect,
  computeTracerMsd,
  createMsdAccumulator,
  finishMsdSums,
} from '../../analysis/msd.js';
import { createRng } from '../../engine/core/rng.js';

const rel = (a: number, b: number) => Math.abs(a / b - 1);

/** Frame-major positions (frame·nAtoms + atom)·3 + k from a function. */
function makeTraj(nAtoms: number, nFrames: number, pos: (atom: number, frame: number, k: number) => number) {
  const positions_A = new Float64Array(nAtoms * nFrames * 3);
  for (let f = 0; f < nFrames; f++) for (let a = 0; a < nAtoms; a++) for (let k = 0; k < 3; k++) positions_A[(f * nAtoms + a) * 3 + k] = pos(a, f, k);
  return { nAtoms, nFrames, positions_A };
}

describe('FFT MSD', () => {
  for (const T of [1, 2, 3, 5, 17, 100, 257, 1000]) {
    it(`equals the direct all-origins sum to 1e-9 relative, T = ${T} (random walks with drifting offsets, seed ${T})`, () => {
      const rng = createRng(T);
      const nSeries = 5; // odd: exercises the unpaired series
      const acc = createMsdAccumulator(T);
      const ref = new Float64Array(T);
      for (let s = 0; s < nSeries; s++) {
        const x = new Float64Array(T);
        let v = 50 * rng.nextNormal(); // large absolute offset: checks the centring
        for (let t = 0; t < T; t++) { v += rng.nextNormal(); x[t] = v; }
        addMsdSeries(acc, 1, x);
        const d = computeMsdDirect(x);
        for (let m = 0; m < T; m++) ref[m] += d[m];
      }
      const [, got] = finishMsdSums(acc);
      expect(got.length).toBe(T);
      expect(got[0]).toBe(0);
      for (let m = 1; m < T; m++) expect(rel(got[m], ref[m])).toBeLessThan(1e-9);
    });
  }

  it('ballistic trajectory: MSD = v²·t² exactly (per direction and summed)', () => {
    const v = [0.3, -0.2, 0.05]; // Å per frame
    const traj = makeTraj(4, 200, (a, f, k) => 10 * a + k + v[k] * f);
    const res = computeTracerMsd(traj, [0, 1, 2, 3]);
    for (let m = 1; m < 200; m++) {
      for (let k = 0; k < 3; k++) expect(rel(res.msdComponents_A2[k][m], v[k] * v[k] * m * m)).toBeLessThan(1e-9);
    }
  });

  it('lattice random walk: all-origins MSD over many walkers matches a·a·m within 4 standard errors (seed 5)', () => {
    // 400 walkers, 300 frames, each frame one hop of a = 1.5 Å along ±x, ±y or ±z (simple cubic lattice).
    // Closed form: MSD(m) = a²·m (each direction a²·m/3). SE from the sample variance over walkers.
    const rng = createRng(5);
    const nAtoms = 400, T = 300, a = 1.5;
    const traj = makeTraj(nAtoms, T, () => 0);
    for (let i = 0; i < nAtoms; i++) {
      const r = [0, 0, 0];
      for (let f = 0; f < T; f++) {
        if (f > 0) { const h = rng.nextInt(6); r[h >> 1] += (h & 1 ? -1 : 1) * a; }
        for (let k = 0; k < 3; k++) traj.positions_A[(f * nAtoms + i) * 3 + k] = r[k];
      }
    }
    const res = computeTracerMsd(traj, Array.from({ length: nAtoms }, (_, i) => i));
    const total = (m: number) => res.msdComponents_A2[0][m] + res.msdComponents_A2[1][m] + res.msdComponents_A2[2][m];
    // Lag 1: every hop has length a exactly, so MSD(1) = a² with no noise.
    expect(rel(total(1), a * a)).toBeLessThan(1e-12);
    for (const m of [5, 20, 60]) {
      // per-walker all-origins MSD; SE of the mean over walkers
      const per: number[] = [];
      for (let i = 0; i < nAtoms; i++) {
        let s = 0;
        for (let k = 0; k < 3; k++) {
          const x = new Float64Array(T);
          for (let f = 0; f < T; f++) x[f] = traj.positions_A[(f * nAtoms + i) * 3 + k];
          s += computeMsdDirect(x)[m];
        }
        per.push(s);
      }
      const mean = per.reduce((p, c) => p + c) / nAtoms;
      const sd = Math.sqrt(per.reduce((p, c) => p + (c - mean) ** 2, 0) / (nAtoms - 1));
      expect(rel(mean, total(m))).toBeLessThan(1e-9); // FFT equals the direct per-walker average
      expect(Math.abs(total(m) - a * a * m)).toBeLessThan(4 * sd / Math.sqrt(nAtoms));
    }
  });

  it('drift: subtracting the mean displacement of a uniformly translating framework removes it', () => {
    const rng = createRng(9);
    const T = 64;
    const walk = Array.from({ length: 3 * T }, () => rng.nextNormal());
    // atom 0 walks plus a drift 0.5·f in x; atoms 1, 2 (framework) only drift.
    const traj = makeTraj(3, T, (a, f, k) => (k === 0 ? 0.5 * f : 0) + (a === 0 ? walk.slice(k * T, k * T + f + 1).reduce((p, c) => p + c) : a));
    const drift = computeMeanDisplacement(traj, [1, 2]);
    const withDrift = computeTracerMsd(traj, [0], { drift_A: drift });
    const ref = makeTraj(1, T, (_a, f, k) => walk.slice(k * T, k * T + f + 1).reduce((p, c) => p + c));
    const noDrift = computeTracerMsd(ref, [0]);
    for (let m = 1; m < T; m++) for (let k = 0; k < 3; k++) expect(rel(withDrift.msdComponents_A2[k][m], noDrift.msdComponents_A2[k][m])).toBeLessThan(1e-9);
  });

  it('collective MSD of Σ z·r equals the direct MSD of the summed series; translation and permutation invariant', () => {
    const rng = createRng(13);
    const nAtoms = 6, T = 50;
    const traj = makeTraj(nAtoms, T, () => 0);
    for (let i = 0; i < nAtoms * T * 3; i++) traj.positions_A[i] = rng.nextNormal();
    const atoms = [0, 2, 3, 5];
    const z = [1, 1, -2, 1];
    const res = computeCollectiveMsd(traj, atoms, z);
    for (let k = 0; k < 3; k++) {
      const x = new Float64Array(T);
      for (let f = 0; f < T; f++) atoms.forEach((a, j) => { x[f] += z[j] * traj.positions_A[(f * nAtoms + a) * 3 + k]; });
      const d = computeMsdDirect(x);
      for (let m = 1; m < T; m++) expect(rel(res.msdComponents_A2[k][m], d[m])).toBeLessThan(1e-9);
    }
    const shifted = { ...traj, positions_A: traj.positions_A.map((v) => v + 123.4) };
    const tr1 = computeTracerMsd(traj, atoms);
    const tr2 = computeTracerMsd(shifted, [5, 3, 2, 0]);
    for (let m = 1; m < T; m++) expect(rel(tr2.msdComponents_A2[2][m], tr1.msdComponents_A2[2][m])).toBeLessThan(1e-9);
  });

  it('per-atom MSD equals the direct sum for that atom; bad index rejected', () => {
    const rng = createRng(21);
    const traj = makeTraj(3, 40, () => 0);
    for (let i = 0; i < traj.positions_A.length; i++) traj.positions_A[i] = rng.nextNormal();
    const m = computeAtomMsd(traj, 1);
    for (let k = 0; k < 3; k++) {
      const x = Float64Array.from({ length: 40 }, (_, f) => traj.positions_A[(f * 3 + 1) * 3 + k]);
      const d = computeMsdDirect(x);
      for (let lag = 1; lag < 40; lag++) expect(rel(m[k][lag], d[lag])).toBeLessThan(1e-9);
    }
    expect(() => computeAtomMsd(traj, 3)).toThrow('msd: expected an atom index in 0…2, found 3');
  });

  it('rejects an empty atom selection with a clear message', () => {
    const traj = makeTraj(2, 3, () => 0);
    expect(() => computeTracerMsd(traj, [])).toThrow('msd: expected at least one atom of the selected species, found none');
    expect(() => computeCollectiveMsd(traj, [], [])).toThrow('expected at least one charged atom for the collective MSD, found none');
  });
});
