/**
 * Parallel (synchronous-sublattice) stripping path: the gpu.js kernel (webasm) against its TS twin, and the twin
 * against the exact lattice steady state and the BKL reference. Statistical tolerances: 4 standard errors over
 * replicas (fixed seeds) plus the algorithm's controlled O(ε) bias, bounded here by 0.02 in vacancy fraction at ε = 0.1.
 */
import { describe, expect, it } from 'vitest';
import { advanceStripRun, computeLayerVacancyProfile, createStripRun, type StripConfig } from '../../../engine/strip/strip-kmc.js';
import { buildStripGpuTables, createStripGpuRunner, hash24Ts, mixHashTs } from '../../../engine/strip/strip-gpu.js';

const W = 1e-6;

function config(seed: string, over: Partial<StripConfig> = {}): StripConfig {
  return {
    preset: 'custom', material: 'bcc', cells: [4, 4, 4], T_K: 300, hopRates_perPs: [W], hopRateScale: 1, vvBinding_eV: 0,
    focusing_M: 1, width_A: 10, program: [{ current_mAPerCm2: 1, duration_ps: Infinity }], supplyRate_perPs: null,
    redoxPatchRates_perPs: null, voidMinSites: 1e6, voidPersistSamples: 3, samplesPerTurnover: 20, stopTime_ps: null,
    stopStrippedSites: null, stopAtVoid: false, imageTimes_ps: [], seed, ...over,
  };
}

/** A run whose bottom sites strip at ks (1/ps). */
function makeRun(seed: string, ks: number, over: Partial<StripConfig> = {}) {
  const probe = createStripRun(config('p', over));
  const current = ks / probe.stripBase_perPs[probe.slab.bottomSites[0]];
  return createStripRun(config(seed, { ...over, program: [{ current_mAPerCm2: current, duration_ps: Infinity }] }));
}

function meanSe(xs: number[]): [number, number] {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return [m, Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1) / xs.length)];
}

describe('strip: synchronous-sublattice parallel path', () => {
  it('the hash is the murmur3 finaliser and its 24-bit uniforms have mean 1/2', () => {
    expect(mixHashTs(0)).toBe(0);
    let s = 0;
    for (let i = 0; i < 20000; i++) s += hash24Ts(i, 7, 99) / 16777216;
    // mean of 20000 uniforms: SE = 1/√(12·20000) = 0.002
    expect(Math.abs(s / 20000 - 0.5)).toBeLessThan(4 * 0.00204);
  });

  it('colouring: 16 colours on bcc, no two sites of a colour share a neighbour', () => {
    const run = makeRun('c', 0.5 * W);
    const t = buildStripGpuTables(run);
    expect(t.nColors).toBe(16);
    const lat = run.slab.lattice;
    for (let i = 0; i < lat.n_sites; i++) {
      const seen = new Set<number>();
      for (let e = lat.nbrOffset[i]; e < lat.nbrOffset[i + 1]; e++) {
        const j = lat.nbrIndex[e];
        expect(t.color[j]).not.toBe(t.color[i]);
        expect(seen.has(t.color[j])).toBe(false);
        seen.add(t.color[j]);
      }
    }
  });

  it('gpu.js (webasm) kernel reproduces its TS twin', async () => {
    const a = makeRun('k', 0.5 * W);
    const b = makeRun('k', 0.5 * W);
    const twin = createStripGpuRunner(a, { mode: 'twin' });
    const gpu = createStripGpuRunner(b, { mode: 'webasm' });
    try {
      for (let k = 0; k < 5; k++) {
        const ra = await twin.advance(40);
        const rb = await gpu.advance(40);
        expect(rb).toEqual(ra);
      }
      let diff = 0;
      for (let i = 0; i < a.occ.length; i++) if (a.occ[i] !== b.occ[i]) diff++;
      expect(diff).toBe(0);
      expect(b.t_ps).toBe(a.t_ps);
    } finally {
      gpu.destroy();
    }
  }, 60000);

  it('steady profile (uniform current, instant sink on top) matches the exact lattice solution and the BKL reference', async () => {
    const L = 8;
    const ks = 0.5 * W;
    const beta = ((L - 1) * ks) / (4 * W);
    const c0 = beta / (1 + beta);
    const reps = 6;
    const par: number[][] = [];
    const ref: number[][] = [];
    for (let r = 0; r < reps; r++) {
      const run = makeRun(`gpu${r}`, ks);
      const g = createStripGpuRunner(run, { mode: 'twin', epsilon: 0.1 });
      const cyc = (t: number) => Math.max(1, Math.round(t / g.tau_ps));
      await g.advance(cyc(20 / W));
      const acc = new Float64Array(L);
      for (let s = 0; s < 120; s++) {
        await g.advance(cyc(1 / W));
        computeLayerVacancyProfile(run).forEach((v, k) => (acc[k] += v / 120));
      }
      par.push(Array.from(acc));
      const bkl = makeRun(`bkl${r}`, ks);
      const acc2 = new Float64Array(L);
      for (let s = 0; s < 120; s++) {
        bkl.config.stopTime_ps = (20 + s + 1) / W;
        advanceStripRun(bkl);
        computeLayerVacancyProfile(bkl).forEach((v, k) => (acc2[k] += v / 120));
      }
      ref.push(Array.from(acc2));
    }
    for (let k = 0; k < L - 1; k++) {
      const [mp, sp] = meanSe(par.map((p) => p[k]));
      const [mr, sr] = meanSe(ref.map((p) => p[k]));
      const exact = c0 * (1 - k / (L - 1));
      expect(Math.abs(mp - exact)).toBeLessThan(4 * sp + 0.02);
      expect(Math.abs(mp - mr)).toBeLessThan(4 * Math.hypot(sp, sr) + 0.02);
    }
  }, 120000);

  it('refuses models the parallel path does not cover', () => {
    expect(() => buildStripGpuTables(makeRun('e', W, { vvBinding_eV: 0.1 }))).toThrow(/gpu strip path: expected --vv-binding 0/);
    expect(() => buildStripGpuTables(makeRun('e', W, { cells: [3, 4, 4] }))).toThrow(/gpu strip path: expected --cells x and y to be multiples of 2/);
    const il = createStripRun(config('e', { material: 'li3sb', cells: [2, 2, 2], hopRates_perPs: [W, W, W], redoxPatchRates_perPs: [1, 1] }));
    expect(() => buildStripGpuTables(il)).toThrow(/expected the redox channel off/);
  });
});
