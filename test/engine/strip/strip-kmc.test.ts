/**
 * Stripping KMC validation. Statistical checks use fixed seeds and tolerances of 4 standard errors (replica
 * spread), as stated per test. Reference solutions: for ε_vv = 0 and no redox channel the mean vacancy fraction
 * per layer obeys exactly the linear lattice diffusion equation (the occupancy products cancel in the mean), which
 * is integrated here; its continuum limits are the linear steady-state profile and 2J√(t/πD).
 */
import { describe, expect, it } from 'vitest';
import { computeLayerVacancyProfile, advanceStripRun, createStripRun, summarizeStripRun, type StripConfig } from '../../../engine/strip/strip-kmc.js';

const W_PER_PS = 1e-6; // bcc hop rate used by the analytic tests, 1/ps

function makeConfig(over: Partial<StripConfig>): StripConfig {
  return {
    preset: 'custom',
    material: 'bcc',
    cells: [4, 4, 8],
    T_K: 300,
    hopRates_perPs: [W_PER_PS],
    hopRateScale: 1,
    vvBinding_eV: 0,
    focusing_M: 1,
    width_A: 10,
    program: [{ current_mAPerCm2: 1, duration_ps: Infinity }],
    supplyRate_perPs: null,
    redoxPatchRates_perPs: null,
    voidMinSites: 1_000_000,
    voidPersistSamples: 3,
    samplesPerTurnover: 20,
    stopTime_ps: null,
    stopStrippedSites: null,
    stopAtVoid: false,
    imageTimes_ps: [],
    seed: '1',
    ...over,
  };
}

/** Current (mA/cm²) that gives stripping rate k_s (1/ps) per bottom site with a uniform map. */
function currentFor(k_s_perPs: number, cells: [number, number, number]): number {
  const probe = createStripRun(makeConfig({ cells }));
  return k_s_perPs / probe.stripBase_perPs[probe.slab.bottomSites[0]];
}

/**
 * Mean vacancy fraction per bcc layer: dc0/dt = ks(1−c0) − 4w(c0−c1), dck/dt = 4w(c_{k−1} − 2ck + c_{k+1}),
 * top layer: supply at rate kSup per vacant site (Infinity: c_top = 0). RK4.
 */
function integrateLayers(L: number, w: number, ks: number, kSup: number, t_end: number, c?: Float64Array): Float64Array {
  const y = c ? c.slice() : new Float64Array(L);
  const rhs = (u: Float64Array): Float64Array => {
    const d = new Float64Array(L);
    for (let k = 0; k < L; k++) {
      const lo = k > 0 ? u[k - 1] : NaN;
      const hi = k < L - 1 ? u[k + 1] : NaN;
      let r = 0;
      if (k > 0) r += 4 * w * (lo - u[k]);
      else r += ks * (1 - u[0]);
      if (k < L - 1) r += 4 * w * (hi - u[k]);
      if (k === L - 1) r -= Number.isFinite(kSup) ? kSup * u[k] : 0;
      d[k] = r;
    }
    if (!Number.isFinite(kSup)) d[L - 1] = 0;
    return d;
  };
  const dt = 0.02 / (4 * w);
  const steps = Math.ceil(t_end / dt);
  const h = t_end / steps;
  for (let s = 0; s < steps; s++) {
    const k1 = rhs(y);
    const a = y.map((v, i) => v + (h / 2) * k1[i]);
    const k2 = rhs(a);
    const b = y.map((v, i) => v + (h / 2) * k2[i]);
    const k3 = rhs(b);
    const e = y.map((v, i) => v + h * k3[i]);
    const k4 = rhs(e);
    for (let i = 0; i < L; i++) y[i] += (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  }
  return y;
}

function meanAndSe(xs: number[]): [number, number] {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
  return [m, Math.sqrt(v / xs.length)];
}

/** Time-averaged layer profile of one replica between t0 and t1 (samples every dt). */
function sampleProfile(config: StripConfig, t0_ps: number, t1_ps: number, dt_ps: number): Float64Array {
  const run = createStripRun(config);
  let acc: Float64Array | null = null;
  let n = 0;
  for (let t = t0_ps; t <= t1_ps + 1e-9; t += dt_ps) {
    run.config.stopTime_ps = t;
    advanceStripRun(run);
    const p = computeLayerVacancyProfile(run);
    if (!acc) acc = new Float64Array(p.length);
    for (let k = 0; k < p.length; k++) acc[k] += p[k];
    n++;
  }
  return acc!.map((v) => v / n);
}

describe('strip KMC: diffusion-equation limits (ε_vv = 0, no redox)', () => {
  it('steady state under uniform current with an instant sink on top is the linear profile c_k = c0 − kΔ', () => {
    const cells: [number, number, number] = [4, 4, 8];
    const L = 16; // grid layers
    const ks = 0.5 * W_PER_PS; // β = (L−1)ks/4w = 1.875
    const current = currentFor(ks, cells);
    const beta = ((L - 1) * ks) / (4 * W_PER_PS);
    const c0 = beta / (1 + beta);
    const delta = c0 / (L - 1);
    const replicas = 8;
    const per: number[][] = [];
    for (let r = 0; r < replicas; r++) {
      const prof = sampleProfile(makeConfig({ cells, program: [{ current_mAPerCm2: current, duration_ps: Infinity }], seed: `ss${r}` }), 40 / W_PER_PS, 240 / W_PER_PS, 1 / W_PER_PS);
      per.push(Array.from(prof));
    }
    for (let k = 0; k < L - 1; k++) {
      const [m, se] = meanAndSe(per.map((p) => p[k]));
      const exact = c0 - k * delta;
      if (process.env.LIFLUX_REPORT) console.log(`layer ${k}: KMC ${m.toFixed(4)} ± ${se.toFixed(4)}, linear ${exact.toFixed(4)}`);
      // 4 standard errors over 8 replicas (each a time average over 200 samples)
      expect(Math.abs(m - exact)).toBeLessThan(4 * se + 1e-3);
    }
    // the fitted slope equals −Δ (least squares over layers), within 4 SE of the replica slopes
    const slopes = per.map((p) => {
      const ks2 = Array.from({ length: L - 1 }, (_, k) => k);
      const mk = (L - 2) / 2;
      const mc = ks2.reduce((a, k) => a + p[k], 0) / (L - 1);
      const num = ks2.reduce((a, k) => a + (k - mk) * (p[k] - mc), 0);
      const den = ks2.reduce((a, k) => a + (k - mk) ** 2, 0);
      return num / den;
    });
    const [ms, ses] = meanAndSe(slopes);
    expect(Math.abs(ms + delta)).toBeLessThan(4 * ses);
  }, 60000);

  it('early-time bottom depletion follows the lattice diffusion equation and 2J√(t/πD)', () => {
    const cells: [number, number, number] = [8, 8, 24];
    const L = 48;
    const ks = 0.02 * W_PER_PS;
    const current = currentFor(ks, cells);
    const D = 4 * W_PER_PS; // layer spacings² per ps
    const times = [50 / W_PER_PS, 100 / W_PER_PS, 200 / W_PER_PS];
    const replicas = 48;
    const c0s: number[][] = times.map(() => []);
    for (let r = 0; r < replicas; r++) {
      const run = createStripRun(makeConfig({ cells, program: [{ current_mAPerCm2: current, duration_ps: Infinity }], seed: `early${r}` }));
      times.forEach((t, i) => {
        run.config.stopTime_ps = t;
        advanceStripRun(run);
        c0s[i].push(computeLayerVacancyProfile(run)[0]);
      });
    }
    let prev = 0;
    times.forEach((t, i) => {
      const [m, se] = meanAndSe(c0s[i]);
      const exact = integrateLayers(L, W_PER_PS, ks, Infinity, t)[0];
      const continuum = 2 * ks * Math.sqrt(t / (Math.PI * D));
      // KMC vs the exact mean (lattice equation): 4 standard errors over 48 replicas
      expect(Math.abs(m - exact)).toBeLessThan(4 * se);
      // lattice equation vs the continuum formula: the (1 − c0) factor of the stripping flux (−4…−8 %) and the
      // discrete first layer (+J/8w ≈ +6 % at t = 50/w) make them differ by ≲ 15 %; the KMC must be within
      // 4 SE plus that computed difference
      const systematic = Math.abs(exact - continuum);
      if (process.env.LIFLUX_REPORT) console.log(`t·w=${t * W_PER_PS} KMC ${m.toFixed(4)}±${se.toFixed(4)} lattice ${exact.toFixed(4)} 2J√(t/πD) ${continuum.toFixed(4)}`);
      expect(systematic / continuum).toBeLessThan(0.16);
      expect(Math.abs(m - continuum)).toBeLessThan(4 * se + systematic);
      expect(m).toBeGreaterThan(prev);
      prev = m;
    });
  }, 60000);
});

describe('strip KMC: explicit hop-rate rescaling converges as s → 1', () => {
  it('steady bottom vacancy fraction with a supply-limited top: exact for every s, |c0(s) − c0(1)| shrinks as s → 1', () => {
    const cells: [number, number, number] = [4, 4, 6];
    const L = 12;
    const ks = 0.4 * W_PER_PS;
    const kSup = 2 * W_PER_PS;
    const current = currentFor(ks, cells);
    const scales = [0.1, 0.25, 0.5, 1];
    const got: [number, number][] = [];
    const exact: number[] = [];
    for (const s of scales) {
      const vals: number[] = [];
      for (let r = 0; r < 6; r++) {
        const cfg = makeConfig({ cells, hopRateScale: s, supplyRate_perPs: kSup, program: [{ current_mAPerCm2: current, duration_ps: Infinity }], seed: `sc${s}/${r}` });
        const prof = sampleProfile(cfg, 80 / (W_PER_PS * s), 280 / (W_PER_PS * s), 2 / (W_PER_PS * s));
        vals.push(prof[0]);
      }
      got.push(meanAndSe(vals));
      exact.push(integrateLayers(L, W_PER_PS * s, ks, kSup, 400 / (W_PER_PS * s))[0]);
    }
    if (process.env.LIFLUX_REPORT) got.forEach(([m, se], i) => console.log(`s=${scales[i]}: c0 ${m.toFixed(4)} ± ${se.toFixed(4)}, exact ${exact[i].toFixed(4)}`));
    // each scale agrees with its exact steady state (4 SE over 6 replicas)
    got.forEach(([m, se], i) => expect(Math.abs(m - exact[i])).toBeLessThan(4 * se + 2e-3));
    // the error made by rescaling, |c0(s) − c0(1)|, decreases monotonically as s → 1 (beyond 2 SE of the difference)
    const ref = got[got.length - 1];
    const dev = got.slice(0, -1).map(([m, se]) => [Math.abs(m - ref[0]), Math.hypot(se, ref[1])]);
    for (let i = 0; i + 1 < dev.length; i++) expect(dev[i][0] - dev[i + 1][0]).toBeGreaterThan(2 * Math.hypot(dev[i][1], dev[i + 1][1]));
  }, 60000);
});

describe('strip KMC: bookkeeping', () => {
  it('conserves Li: sites − vacancies = sites − stripped + supplied (redox moves Li, binding on)', () => {
    const run = createStripRun(
      makeConfig({ material: 'li3sb', cells: [4, 4, 2], hopRates_perPs: [1e-5, 5e-6, 2e-5], vvBinding_eV: 0.05, supplyRate_perPs: 1e-7, redoxPatchRates_perPs: [1e-4, 1.1e-4], program: [{ current_mAPerCm2: 1e5, duration_ps: Infinity }], stopStrippedSites: 300 }),
    );
    advanceStripRun(run);
    const r = summarizeStripRun(run);
    expect(r.stop_reason).toBe('capacity');
    expect(r.stripped_sites).toBe(300);
    expect(run.vacancies).toBe(r.stripped_sites - r.supplied_sites);
    let count = 0;
    for (const o of run.occ) if (o === 0) count++;
    expect(count).toBe(run.vacancies);
    expect(r.redox_events).toBeGreaterThan(0);
  });

  it('after the current is switched off the hot-spot recovers: recovery time = first time its vacancies halve', () => {
    const cells: [number, number, number] = [4, 4, 4];
    const current = currentFor(0.5 * W_PER_PS, cells);
    const run = createStripRun(makeConfig({ cells, focusing_M: 5, width_A: 4, program: [{ current_mAPerCm2: current, duration_ps: 30 / W_PER_PS }, { current_mAPerCm2: 0, duration_ps: Infinity }], stopTime_ps: 200 / W_PER_PS }));
    advanceStripRun(run);
    const r = summarizeStripRun(run);
    expect(r.stop_reason).toBe('time');
    expect(run.recovery).not.toBeNull();
    expect(run.recovery!.vacanciesAtOff).toBeGreaterThan(0);
    expect(r.recovery_time_s).toBeGreaterThan(0);
    expect(r.recovery_time_s!).toBeLessThan(170 / W_PER_PS * 1e-12);
    expect(r.stripped_sites).toBeGreaterThan(0);
  });

  it('same seed, same run; different seed, different run', () => {
    const cfg = makeConfig({ program: [{ current_mAPerCm2: currentFor(0.3 * W_PER_PS, [4, 4, 8]), duration_ps: Infinity }], stopStrippedSites: 200 });
    const a = createStripRun(cfg);
    const b = createStripRun({ ...cfg });
    const c = createStripRun({ ...cfg, seed: '2' });
    advanceStripRun(a);
    advanceStripRun(b);
    advanceStripRun(c);
    expect(summarizeStripRun(a)).toEqual(summarizeStripRun(b));
    expect(summarizeStripRun(a).time_s).not.toBe(summarizeStripRun(c).time_s);
  });

  it('rejects bad configurations with messages', () => {
    expect(() => createStripRun(makeConfig({ hopRateScale: 2 }))).toThrow(/--hop-rate-scale: expected a scale s with 0 < s ≤ 1, found 2/);
    expect(() => createStripRun(makeConfig({ vvBinding_eV: -0.1 }))).toThrow(/--vv-binding: expected a binding energy ≥ 0 eV, found -0.1/);
    expect(() => createStripRun(makeConfig({ T_K: 0 }))).toThrow(/--T: expected a positive temperature in K, found 0/);
    expect(() => createStripRun(makeConfig({ redoxPatchRates_perPs: [1, 1] }))).toThrow(/redox channel: expected an interlayer \(li3sb\) slab, found bcc/);
    expect(() => createStripRun(makeConfig({ hopRates_perPs: [1, 2] }))).toThrow(/hop rates: expected 1 \(AA\), found 2/);
    expect(() => createStripRun(makeConfig({ cells: [1, 4, 4] }))).toThrow(/--cells: expected at least 2 cells in x and y/);
    expect(() => createStripRun(makeConfig({ focusing_M: 0.5 }))).toThrow(/--focusing-M: expected a focusing factor ≥ 1, found 0.5/);
  });
});
