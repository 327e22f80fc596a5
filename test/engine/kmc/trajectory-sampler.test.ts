/**
 * KMC trajectory sampler: determinism, layout (Li then Sb, frame times, cell), the realised per-event rates against
 * the input rates (Poisson, 4σ), the thermal displacement size (4 standard errors of a variance estimate), exact
 * lattice positions at σ = 0, Boltzmann occupancy of the vacancy over T/O sites (mean over independent seeds, 4σ),
 * and the error messages of every bad option.
 */
import { describe, expect, it } from 'vitest';
import { KB_eVPerK } from '../../../engine/core/constants.js';
import { createCubicLattice } from '../../../engine/lattice/cubic.js';
import { createLi3SbLattice } from '../../../engine/lattice/li3sb.js';
import { createRateModel, evaluateRates } from '../../../engine/rates/rate-model.js';
import {
  createLi3SbFrameworkSites,
  describeKmcTrajectory,
  sampleKmcTrajectory,
  type KmcTrajectoryOptions,
} from '../../../engine/kmc/trajectory-sampler.js';

const lattice = createLi3SbLattice({ cells: 2 });
const model = createRateModel({ hopTypeNames: ['TT', 'TO', 'OT'], arrhenius: [{ nu_perS: 1e13, ea_eV: 0.1 }, { nu_perS: 1e13, ea_eV: 0.12 }, { nu_perS: 1e13, ea_eV: 0.07 }] });
const T_K = 548;
const rates = evaluateRates(model, T_K);

function options(over: Partial<KmcTrajectoryOptions> = {}): KmcTrajectoryOptions {
  return { lattice, rates, nVacancies: 1, nFrames: 400, frameInterval_ps: 0.01, thermalSigma_A: 0.15, seed: 5, framework: createLi3SbFrameworkSites(lattice), ...over };
}

async function collect(o: KmcTrajectoryOptions) {
  const h = describeKmcTrajectory(o);
  const pos = new Float64Array(o.nFrames * 3 * h.nAtoms);
  const times: number[] = [];
  const res = await sampleKmcTrajectory(o, (f, t, p) => {
    pos.set(p, f * 3 * h.nAtoms);
    times.push(t);
  });
  return { pos, times, res, h };
}

describe('KMC trajectory sampler', () => {
  it('lays out 95 Li then 32 Sb in a 13.089 Å cube, frames at k·dt, and is reproducible by seed', async () => {
    const a = await collect(options());
    expect(a.h.species.filter((s) => s === 'Li').length).toBe(95);
    expect(a.h.species.slice(95)).toEqual(new Array(32).fill('Sb'));
    expect(Array.from(a.h.cell_A)).toEqual([13.089, 0, 0, 0, 13.089, 0, 0, 0, 13.089]);
    a.times.forEach((t, k) => expect(t).toBe(k * 0.01));
    expect(a.res.duration_ps).toBeCloseTo(3.99, 12);
    const b = await collect(options());
    expect(b.pos).toEqual(a.pos);
    const c = await collect(options({ seed: 6 }));
    expect(c.pos).not.toEqual(a.pos);
  });

  it('with σ = 0 every stored position is a lattice site (Li) or a 4a site (Sb), and Li move by whole hop vectors', async () => {
    const { pos, h, res } = await collect(options({ thermalSigma_A: 0, recordSites: true }));
    const g = lattice.gridSpacing_A;
    for (let f = 0; f < 400; f += 37) {
      for (let i = 0; i < h.nAtoms; i++) {
        const x = [0, 1, 2].map((k) => pos[(f * h.nAtoms + i) * 3 + k] / g);
        x.forEach((v) => expect(Math.abs(v - Math.round(v))).toBeLessThan(1e-9));
        if (i < 95) {
          const s = res.sites![f * 95 + i];
          x.forEach((v, k) => expect((((Math.round(v) - lattice.coord_grid[3 * s + k]) % lattice.box_grid[k]) + lattice.box_grid[k]) % lattice.box_grid[k]).toBe(0));
        } else {
          const r = x.map((v) => Math.round(v));
          expect(r.every((v) => v % 2 === 0) && (r[0] + r[1] + r[2]) % 4 === 0).toBe(true);
        }
      }
    }
  });

  it('draws hops in flight along the hop vector when a transit time is set', async () => {
    const { pos, h, res } = await collect(options({ thermalSigma_A: 0, recordSites: true, transit_ps: 0.05, nFrames: 300, framework: null }));
    const g = lattice.gridSpacing_A;
    let inFlight = 0;
    for (let f = 0; f < 300; f++) {
      for (let i = 0; i < h.nAtoms; i++) {
        const s = res.sites![f * h.nAtoms + i];
        const d = [0, 1, 2].map((k) => {
          const L = lattice.box_grid[k] * g;
          const v = pos[(f * h.nAtoms + i) * 3 + k] - lattice.coord_grid[3 * s + k] * g;
          return Math.abs(v - L * Math.round(v / L));
        });
        const nz = d.filter((x) => x > 1e-9);
        if (nz.length === 0) continue;
        inFlight++;
        // short of the destination along a ⟨100⟩ (TT) or ⟨111⟩ (TO/OT) hop vector, by less than one hop
        expect(nz.length === 1 || nz.length === 3).toBe(true);
        nz.forEach((x) => expect(Math.abs(x - nz[0])).toBeLessThan(1e-9));
        expect(Math.hypot(...d)).toBeLessThan(2 * g + 1e-9);
      }
    }
    expect(inFlight).toBeGreaterThan(0);
    await expect(sampleKmcTrajectory(options({ transit_ps: -1 }), () => {})).rejects.toThrow('--transit-ps: expected a non-negative number of ps, found -1');
  });

  it('thermal displacements have the requested σ (within 4 standard errors of the variance estimate)', async () => {
    const sigma = 0.15;
    const { pos, h, res } = await collect(options({ recordSites: true, nFrames: 200 }));
    const g = lattice.gridSpacing_A;
    let sum2 = 0;
    let n = 0;
    for (let f = 0; f < 200; f++) {
      for (let i = 0; i < 95; i++) {
        const s = res.sites![f * 95 + i];
        for (let k = 0; k < 3; k++) {
          let d = pos[(f * h.nAtoms + i) * 3 + k] - lattice.coord_grid[3 * s + k] * g;
          const L = lattice.box_grid[k] * g;
          d -= L * Math.round(d / L);
          sum2 += d * d;
          n++;
        }
      }
    }
    const variance = sum2 / n;
    // var of the sample variance of a Gaussian: 2σ⁴/n
    expect(Math.abs(variance - sigma ** 2)).toBeLessThan(4 * Math.sqrt((2 * sigma ** 4) / n));
  });

  it('realises the input per-event rates: hops / (pair · time) within 4 Poisson standard errors', async () => {
    const { res } = await collect(options({ nFrames: 2000, frameInterval_ps: 0.05, thermalSigma_A: 0, framework: null }));
    res.hopsByType.forEach((n, t) => {
      expect(n).toBeGreaterThan(200);
      const k = n / res.pairTimeByType_ps[t];
      expect(Math.abs(k - rates.rate_perPs[t])).toBeLessThan((4 * Math.sqrt(n)) / res.pairTimeByType_ps[t]);
    });
  });

  it('puts the vacancy on O sites with the Boltzmann weight of ΔE = 0.05 eV and the 64:32 degeneracy (8 seeds, 4σ)', async () => {
    const w = 32 * Math.exp(0.05 / (KB_eVPerK * T_K));
    const expected = w / (64 + w);
    const fr: number[] = [];
    for (let seed = 1; seed <= 8; seed++) {
      const { res } = await collect(options({ seed, nFrames: 1000, frameInterval_ps: 0.2, thermalSigma_A: 0, framework: null }));
      fr.push(res.vacancyTimeByType_ps[1] / res.duration_ps);
    }
    const m = fr.reduce((a, b) => a + b, 0) / fr.length;
    const se = Math.sqrt(fr.reduce((a, b) => a + (b - m) ** 2, 0) / (fr.length - 1) / fr.length);
    expect(Math.abs(m - expected)).toBeLessThan(4 * se);
  });

  it('runs several vacancies with a vacancy–vacancy interaction', async () => {
    const vv = createRateModel({ hopTypeNames: ['TT', 'TO', 'OT'], arrhenius: model.arrhenius!, vvInteraction_eV: -0.05 });
    const { res } = await collect(options({ rates: evaluateRates(vv, T_K), nVacancies: 4, nFrames: 100 }));
    expect(res.n_li).toBe(92);
    expect(res.hopsByType.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('rejects bad options with clear messages', async () => {
    const noop = () => {};
    await expect(sampleKmcTrajectory(options({ nFrames: 1 }), noop)).rejects.toThrow('--frames: expected an integer ≥ 2, found 1');
    await expect(sampleKmcTrajectory(options({ frameInterval_ps: -1 }), noop)).rejects.toThrow('--frame-interval-ps: expected a positive number of ps, found -1');
    await expect(sampleKmcTrajectory(options({ nVacancies: 96 }), noop)).rejects.toThrow('--vacancies: expected an integer between 1 and 95, found 96');
    await expect(sampleKmcTrajectory(options({ thermalSigma_A: -0.1 }), noop)).rejects.toThrow('--thermal-sigma-A: expected a non-negative number of Å, found -0.1');
    await expect(sampleKmcTrajectory(options({ equilibrationHops: 1.5 }), noop)).rejects.toThrow('--equilibration-hops: expected a non-negative integer, found 1.5');
    expect(() => createLi3SbFrameworkSites(createCubicLattice('fcc', 3, 1))).toThrow('--with-sb: expected the li3sb lattice, found fcc');
  });
});
