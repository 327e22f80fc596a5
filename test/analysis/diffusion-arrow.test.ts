import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeDiffusion, computeDiffusionFromArrow, type DiffusionOptions, type DiffusionResult } from '../../analysis/diffusion.js';
import { readArrowTrajectory } from '../../analysis/ingest/arrow-reader.js';
import { ArrowTrajectoryWriter } from '../../analysis/ingest/arrow-writer.js';
import type { Trajectory } from '../../analysis/trajectory.js';
import { createRng } from '../../engine/core/rng.js';

const dir = mkdtempSync(path.join(tmpdir(), 'liflux-diffusion-arrow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Li random walkers (D = 0.1 Å²/ps) plus an S framework, everything drifting along x; NpT-like breathing cell. */
function makeSystem(seed: number, nLi: number, nFw: number, nFrames: number, dt_ps: number): Trajectory {
  const rng = createRng(seed);
  const nAtoms = nLi + nFw;
  const positions_A = new Float64Array(nAtoms * nFrames * 3);
  const sd = Math.sqrt(2 * 0.1 * dt_ps);
  for (let a = 0; a < nAtoms; a++) {
    const r = [rng.nextFloat() * 12, rng.nextFloat() * 12, rng.nextFloat() * 12];
    for (let f = 0; f < nFrames; f++) {
      if (f > 0) for (let k = 0; k < 3; k++) r[k] += (a < nLi ? sd : 0.05 * sd) * rng.nextNormal();
      for (let k = 0; k < 3; k++) positions_A[(f * nAtoms + a) * 3 + k] = r[k] + (k === 0 ? 1.5 * f * dt_ps : 0);
    }
  }
  const cells_A = new Float64Array(nFrames * 9);
  for (let f = 0; f < nFrames; f++) { const L = 12 + 0.01 * Math.sin(f); cells_A[f * 9] = L; cells_A[f * 9 + 4] = L; cells_A[f * 9 + 8] = L; }
  return {
    nAtoms, nFrames,
    species: [...Array(nLi).fill('Li'), ...Array(nFw).fill('S')],
    positions_A, cells_A,
    time_ps: Float64Array.from({ length: nFrames }, (_, f) => f * dt_ps),
    step: Float64Array.from({ length: nFrames }, (_, f) => 10 * f),
    meta: { sourceFormat: 'synthetic', dt_ps, timestep_fs: null, frameStride: null, temperature_K: 700 },
  };
}

async function writeArrow(file: string, t: Trajectory, framesPerBatch: number): Promise<void> {
  const w = ArrowTrajectoryWriter.open(file, {
    nAtoms: t.nAtoms, species: t.species, atomIndex: t.species.map((_, i) => i), sourceFormat: 'synthetic', sourceFile: null,
    timestep_fs: null, frameStride: null, dt_ps: t.meta.dt_ps, temperature_K: t.meta.temperature_K,
  }, { framesPerBatch });
  const m = 3 * t.nAtoms;
  for (let f = 0; f < t.nFrames; f++) await w.writeFrame(t.step[f], t.time_ps[f], t.cells_A.subarray(9 * f, 9 * f + 9), t.positions_A.subarray(f * m, (f + 1) * m));
  await w.close();
}

/** Every number in the result (scalars, tuples, MSD arrays, fit results), flattened with its key path. */
function collectNumbers(v: unknown, key: string, out: Map<string, number>): void {
  if (typeof v === 'number') out.set(key, v);
  else if (v instanceof Float64Array || Array.isArray(v)) Array.from(v as ArrayLike<unknown>).forEach((x, i) => collectNumbers(x, `${key}[${i}]`, out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) collectNumbers(x, `${key}.${k}`, out);
}

/** Same numbers to 1e-9 relative (absolute 1e-12 of the largest MSD for values that are rounding noise around 0). */
function expectSameResult(a: DiffusionResult, b: DiffusionResult): number {
  const na = new Map<string, number>(), nb = new Map<string, number>();
  collectNumbers(a, 'r', na);
  collectNumbers(b, 'r', nb);
  expect([...nb.keys()]).toEqual([...na.keys()]);
  const scale = Math.max(...a.msd.msd_A2);
  let worst = 0;
  for (const [k, x] of na) {
    const y = nb.get(k)!;
    if (Number.isNaN(x) || !Number.isFinite(x)) { expect(y, k).toBe(x); continue; }
    const err = Math.abs(x - y) / Math.max(Math.abs(x), 1e-3 * scale);
    worst = Math.max(worst, err);
    expect(err, `${k}: ${x} vs ${y}`).toBeLessThan(1e-9);
  }
  expect(b.warnings).toEqual(a.warnings);
  expect(b.fit_window_rule).toEqual(a.fit_window_rule);
  expect(b.drift_correction).toEqual(a.drift_correction);
  return worst;
}

describe('computeDiffusionFromArrow (bounded memory, atom blocks)', () => {
  const traj = makeSystem(11, 21, 9, 300, 0.02);
  const file = path.join(dir, 'walk.arrow');

  it('matches the in-memory path to 1e-9 with several record batches and several atom blocks', async () => {
    await writeArrow(file, traj, 37);
    const loaded = (await readArrowTrajectory(file)).trajectory;
    const cases: DiffusionOptions[] = [
      { species: 'Li' },
      { species: 'Li', drift: 'com', collective: 'all', dimensions: 'xy' },
      { species: 'Li', drift: 'none', fitStart_ps: 0.5, fitEnd_ps: 2 },
      { species: 'S' },
    ];
    for (const options of cases) {
      const mem = computeDiffusion(loaded, options);
      // 0.001 MB budget: one atom per pass; 0.57 MB (8 MSD accumulators, FFT plan, per-frame arrays ≈ 0.544 MB for the 21 Li; 7.2 kB per
      // atom): 3 Li per pass, i.e. 7 blocks.
      const sizes: number[] = [];
      for (const maxMemory_MB of [0.001, 0.57]) {
        const progress: number[] = [];
        const s = await computeDiffusionFromArrow(file, { ...options, maxMemory_MB, onProgress: (done) => progress.push(done) });
        expect(s.recordBatches).toBe(Math.ceil(300 / 37));
        expect(s.atomBlocks).toBe(Math.ceil(mem.n_atoms / s.blockAtoms));
        expect(progress[progress.length - 1]).toBe(mem.n_atoms);
        expect(expectSameResult(mem, s.diffusion)).toBeLessThan(1e-9);
        sizes.push(s.blockAtoms);
      }
      expect(sizes[0]).toBe(1);
      expect(sizes[1]).toBeGreaterThan(1);
      if (options.species === 'Li') expect(sizes[1]).toBe(3);
    }
  });

  it('uses one pass when the budget holds every mobile atom', async () => {
    const s = await computeDiffusionFromArrow(file, { species: 'Li', maxMemory_MB: 1024 });
    expect(s.atomBlocks).toBe(1);
    expect(s.blockAtoms).toBe(21);
  });

  it('reports bad input with the same messages as the in-memory path', async () => {
    await expect(computeDiffusionFromArrow(file, { species: 'Na' })).rejects.toThrow('--species: expected a species present in the trajectory (Li, S), found Na');
    const short = path.join(dir, 'short.arrow');
    await writeArrow(short, { ...makeSystem(2, 3, 1, 3, 0.02) }, 2);
    await expect(computeDiffusionFromArrow(short, { species: 'Li' })).rejects.toThrow('diffusion: expected at least 4 frames, found 3');
    await expect(computeDiffusionFromArrow(path.join(dir, 'missing.arrow'), { species: 'Li' })).rejects.toThrow('missing.arrow');
  });
});
