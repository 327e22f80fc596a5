import { describe, expect, it } from 'vitest';
import { computeFocusingMap, createCcdProgram, createConstantProgram, listCcdCurrents } from '../../../engine/strip/current.js';
import { createStripSlab } from '../../../engine/strip/slab.js';
import { analyzeVacancyClusters } from '../../../engine/strip/clusters.js';
import { computeLiMetalHopRate_perS, computeLiSelfDiffusion_cm2PerS, computeSupplyLimit_mAPerCm2 } from '../../../engine/strip/presets.js';

describe('current map and programs', () => {
  it('g has mean exactly 1 over the face and peaks at the centre; M = 1 is uniform', () => {
    const slab = createStripSlab({ material: 'li3sb', cells: [6, 6, 2] });
    const h = slab.lattice.gridSpacing_A;
    const xs = Float64Array.from(slab.bottomSites, (i) => slab.lattice.coord_grid[3 * i] * h);
    const ys = Float64Array.from(slab.bottomSites, (i) => slab.lattice.coord_grid[3 * i + 1] * h);
    const g = computeFocusingMap(xs, ys, slab.boxX_A, slab.boxY_A, 10, 8);
    const mean = g.reduce((a, b) => a + b, 0) / g.length;
    expect(Math.abs(mean - 1)).toBeLessThan(1e-12);
    const max = Math.max(...g);
    const k = g.indexOf(max);
    expect(Math.hypot(xs[k] - slab.boxX_A / 2, ys[k] - slab.boxY_A / 2)).toBeLessThan(2 * h);
    expect(max / Math.min(...g)).toBeGreaterThan(8);
    const u = computeFocusingMap(xs, ys, slab.boxX_A, slab.boxY_A, 1, 8);
    for (const v of u) expect(Math.abs(v - 1)).toBeLessThan(1e-12);
  });

  it('CCD staircase: the steps of physics.md, 0.1 mAh/cm² per step unless capped', () => {
    const c = listCcdCurrents();
    expect(c.slice(0, 3)).toEqual([0.1, 0.2, 0.3]);
    expect(c).toContain(2.0);
    expect(c).toContain(2.2);
    expect(c).toContain(5.5);
    expect(c).toContain(16);
    expect(c).toContain(30);
    expect(c[c.length - 1]).toBe(100);
    expect(c.length).toBe(20 + 15 + 20 + 5 + 8);
    const p = createCcdProgram(1);
    // 0.1 mAh/cm² at 0.1 mA/cm² lasts 3600 s
    expect(Math.abs(p[0].duration_ps / 3.6e15 - 1)).toBeLessThan(1e-12);
    const capped = createCcdProgram(0.001, 10);
    expect(capped[0].current_mAPerCm2).toBe(10);
    expect(Math.abs(capped[0].duration_ps / (0.36 * 1e12) - 1)).toBeLessThan(1e-12);
    expect(capped[capped.length - 1].duration_ps).toBe(Infinity);
    expect(createConstantProgram(5, 1e6)).toEqual([{ current_mAPerCm2: 5, duration_ps: 1e6 }, { current_mAPerCm2: 0, duration_ps: Infinity }]);
    expect(() => createCcdProgram(1, 200)).toThrow(/--ccd-start: expected at most 100 mA\/cm²/);
    expect(() => createConstantProgram(-1)).toThrow(/--current: expected a current density ≥ 0 mA\/cm², found -1/);
  });
});

describe('slabs', () => {
  it('faces: bcc one layer (A_site = a²), Li3Sb two layers (6 sites per a²); periodic in x, y only', () => {
    const b = createStripSlab({ material: 'bcc', cells: [4, 4, 3] });
    expect(b.bottomSites.length).toBe(16);
    expect(Math.abs(b.faceSiteArea_A2 / 3.51 ** 2 - 1)).toBeLessThan(1e-12);
    const l = createStripSlab({ material: 'li3sb', cells: [4, 4, 2] });
    expect(l.bottomSites.length).toBe(6 * 16);
    expect(l.topSites.length).toBe(6 * 16);
    expect(l.patchSize.length).toBe(4);
    expect(Array.from(l.patchSize)).toEqual([24, 24, 24, 24]);
    // a bottom-face bcc site has 4 neighbours (none below), a bulk one 8
    const i = b.bottomSites[0];
    expect(b.lattice.nbrOffset[i + 1] - b.lattice.nbrOffset[i]).toBe(4);
    expect(b.lattice.maxNeighbours).toBe(8);
    expect(() => createStripSlab({ material: 'fcc' as 'bcc', cells: [4, 4, 2] })).toThrow(/slab material: expected li3sb or bcc, found "fcc"/);
  });

  it('cluster analysis: a column of vacancies through the slab touches both faces', () => {
    const b = createStripSlab({ material: 'bcc', cells: [4, 4, 3] });
    const occ = new Uint8Array(b.lattice.n_sites).fill(1);
    // a connected chain along (1,1,1) from z = 0 to the top, plus an isolated vacancy
    for (let i = 0; i < b.lattice.n_sites; i++) {
      const [x, y, z] = [b.lattice.coord_grid[3 * i], b.lattice.coord_grid[3 * i + 1], b.lattice.coord_grid[3 * i + 2]];
      if (x === z && y === z) occ[i] = 0;
      if (x === 5 && y === 1 && z === 3) occ[i] = 0;
    }
    const r = analyzeVacancyClusters(b.lattice, occ, b.isBottom, b.isTop);
    expect(r.vacancies).toBe(7);
    expect(r.largest_sites).toBe(6);
    expect(r.largestFace_sites).toBe(6);
    expect(r.largestFace).toBe('both');
  });
});

describe('Li metal parameters', () => {
  it('D*_Li(25 °C) = 5.5e-11 cm²/s, w·a² = D*, supply limit J_max = D*·c/δ', () => {
    expect(Math.abs(computeLiSelfDiffusion_cm2PerS(298.15) / 5.5e-11 - 1)).toBeLessThan(1e-12);
    const w = computeLiMetalHopRate_perS(348.15);
    expect(Math.abs((w * (3.51e-8) ** 2) / computeLiSelfDiffusion_cm2PerS(348.15) - 1)).toBeLessThan(1e-12);
    // 25 °C: 5.5e-11 · 4.625e22 / 1e-4 Li/(cm² s) · e → mA/cm²
    const expected = ((5.5e-11 * (2 / (3.51e-8) ** 3)) / 1e-4) * 1.602176634e-19 * 1e3;
    expect(Math.abs(computeSupplyLimit_mAPerCm2(298.15) / expected - 1)).toBeLessThan(1e-12);
  });
});
