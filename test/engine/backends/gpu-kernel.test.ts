/**
 * gpu.js kernel vs its TS twin (bit for bit) and vs the TS reference engine (statistically: within 4 combined
 * standard errors from the spread over replicas). Runs on the webasm backend (CPU); webgpu where an adapter exists.
 */
import { describe, expect, it } from 'vitest';
import { createLi3SbLattice } from '../../../engine/lattice/li3sb.js';
import { createCubicLattice } from '../../../engine/lattice/cubic.js';
import { createUniformRateModel, evaluateRates, parseHopRates } from '../../../engine/rates/rate-model.js';
import { buildGpuKmcTables, checkGpuKernelAgainstTwin, createGpuKmcKernel, createGpuReplicaState, runKmcChunkTwin, runKmcEnsembleGpu, type GpuKmcKernel } from '../../../engine/backends/gpu-kernel.js';
import { runKmcEnsembleOnBackend, selectKmcBackend } from '../../../engine/backends/select-backend.js';
import { runKmcEnsemble } from '../../../engine/kmc/ensemble.js';
import { summarizeKmcReplicas } from '../../../engine/kmc/observables.js';

const lattice = createLi3SbLattice({ cells: 2 });
const rates = evaluateRates(parseHopRates('TT=1e12,TO=3e12,OT=1e12', lattice.hopTypeNames), 300);

describe('gpu.js kernel (webasm) and its TS twin', () => {
  it('give identical states, displacements and hop lengths, and float32-equal times for a chunk', async () => {
    const tables = buildGpuKmcTables(lattice, rates);
    const state = createGpuReplicaState(lattice, 8, 'twin');
    const kernel = createGpuKmcKernel('webasm', 8, tables.z, 3000);
    const a = await kernel.run(tables, state, 3000);
    kernel.destroy();
    const b = runKmcChunkTwin(tables, state, 3000);
    expect(Array.from(a.state.vac)).toEqual(Array.from(b.state.vac));
    expect(Array.from(a.state.tag)).toEqual(Array.from(b.state.tag));
    expect(Array.from(a.state.hi)).toEqual(Array.from(b.state.hi));
    expect(Array.from(a.state.lo)).toEqual(Array.from(b.state.lo));
    expect(Array.from(a.vacD)).toEqual(Array.from(b.vacD));
    expect(Array.from(a.tagD)).toEqual(Array.from(b.tagD));
    expect(Array.from(a.lenSq_grid)).toEqual(Array.from(b.lenSq_grid));
    // log is evaluated in float64 and rounded to float32 on both sides; allow float32 round-off of the sum
    for (let r = 0; r < 8; r++) expect(Math.abs(a.time_ps[r] - b.time_ps[r]) / b.time_ps[r]).toBeLessThan(1e-5);
  });
});

describe('kernel self-check before a gpu.js run', () => {
  it('passes for webasm and names the first difference for a kernel that miscomputes', async () => {
    const tables = buildGpuKmcTables(lattice, rates);
    const state = createGpuReplicaState(lattice, 4, 'chk');
    const kernel = createGpuKmcKernel('webasm', 4, tables.z, 64);
    expect(await checkGpuKernelAgainstTwin(kernel, tables, state)).toBeNull();
    kernel.destroy();
    const broken: GpuKmcKernel = {
      mode: 'webgpu',
      run: async (t, st, n) => {
        const r = runKmcChunkTwin(t, st, n);
        r.state.hi[2] += 1;
        return r;
      },
      destroy: () => {},
    };
    expect(await checkGpuKernelAgainstTwin(broken, tables, state)).toMatch(/^webgpu kernel differs from its TS twin after 64 hops: rng hi\[2\] = \d+, expected \d+$/);
  });
});

describe('gpu.js ensemble vs TS reference (statistical, 4 combined standard errors)', () => {
  it('Li3Sb single vacancy: D*, D_v (random walk) and f agree', async () => {
    const hops = 100_000;
    const ts = runKmcEnsemble({ lattice, rates, nVacancies: 1, hops, replicas: 32, seed: 'cmp' });
    const gpuReps = await runKmcEnsembleGpu({ lattice, rates, hops, replicas: 128, seed: 'cmp', mode: 'webasm', chunkHops: 5000 });
    const g = summarizeKmcReplicas(lattice, 300, gpuReps);
    const t = ts.observables;
    const within = (x: number, ex: number, y: number, ey: number) => Math.abs(x - y) < 4 * Math.hypot(ex, ey);
    expect(within(g.D_tracer_cm2PerS, g.D_tracer_err_cm2PerS, t.D_tracer_cm2PerS, t.D_tracer_err_cm2PerS)).toBe(true);
    expect(within(g.D_vacancy_randomwalk_cm2PerS, g.D_vacancy_randomwalk_err_cm2PerS, t.D_vacancy_randomwalk_cm2PerS, t.D_vacancy_randomwalk_err_cm2PerS)).toBe(true);
    expect(within(g.D_vacancy_cm2PerS, g.D_vacancy_err_cm2PerS, t.D_vacancy_cm2PerS, t.D_vacancy_err_cm2PerS)).toBe(true);
    expect(within(g.correlation_factor, g.correlation_factor_err, t.correlation_factor, t.correlation_factor_err)).toBe(true);
    expect(g.correlation_factor_err).toBeLessThan(0.1);
  }, 60_000);

  it('fcc single vacancy: gpu.js f within 4 standard errors of the exact 0.78145', async () => {
    const fcc = createCubicLattice('fcc', 6, 1);
    const r = evaluateRates(createUniformRateModel(fcc.hopTypeNames, 1e12), 300);
    const reps = await runKmcEnsembleGpu({ lattice: fcc, rates: r, hops: 60_000, replicas: 192, seed: 'fcc', mode: 'webasm', chunkHops: 10000 });
    const g = summarizeKmcReplicas(fcc, 300, reps);
    // 864 sites: finite-size term O(1/N) ~ 1e-3, below the error of ~1e-2 of one tagged Li per replica
    expect(Math.abs(g.correlation_factor - 0.78145)).toBeLessThan(4 * g.correlation_factor_err);
  }, 60_000);

  it('backend selection falls back cleanly and names the backend that ran', async () => {
    const choice = await selectKmcBackend('gpu', true);
    expect(['webasm', 'webgpu']).toContain(choice.backend);
    expect((await selectKmcBackend('gpu', false)).backend).toBe('ts');
    expect((await selectKmcBackend('ts', true)).backend).toBe('ts');
    const res = await runKmcEnsembleOnBackend({ lattice, rates, nVacancies: 1, hops: 1000, replicas: 4, seed: 1 }, choice.backend);
    expect(res.backend).toBe(choice.backend);
    await expect(runKmcEnsembleGpu({ lattice, rates: { ...rates, vvInteraction_eV: 0.1 }, hops: 10, replicas: 1, seed: 1, mode: 'webasm' }))
      .rejects.toThrow('--backend gpu: expected the non-interacting single-vacancy model, found a vacancy–vacancy interaction (use --backend ts)');
  });
});
