import { describe, expect, it } from 'vitest';
import { createLi3SbLattice, LI3SB_SITE_O, LI3SB_SITE_T } from '../../../engine/lattice/li3sb.js';
import { createCubicLattice } from '../../../engine/lattice/cubic.js';
import { countSitesByType, type Lattice } from '../../../engine/lattice/lattice.js';

function neighbourCounts(lat: Lattice, site: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let e = lat.nbrOffset[site]; e < lat.nbrOffset[site + 1]; e++) {
    const name = lat.hopTypeNames[lat.nbrHopType[e]];
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
}

function hopLength_A(lat: Lattice, e: number): number {
  const v = lat.nbrVec_grid;
  return Math.hypot(v[3 * e], v[3 * e + 1], v[3 * e + 2]) * lat.gridSpacing_A;
}

describe('Li3Sb lattice (analytic geometry)', () => {
  const lat = createLi3SbLattice({ cells: 2 });
  it('has 96 Li sites, 64 T + 32 O, in a 13.089 Å cube', () => {
    expect(lat.n_sites).toBe(96);
    expect(countSitesByType(lat)).toEqual([64, 32]);
    expect(Math.cbrt(lat.volume_A3)).toBeCloseTo(13.089, 3);
  });
  it('T has 6 TT + 4 TO neighbours, O has 8 OT; hop lengths a/2 and a√3/4', () => {
    const a = 6.5445;
    for (let s = 0; s < lat.n_sites; s++) {
      if (lat.siteType[s] === LI3SB_SITE_T) expect(neighbourCounts(lat, s)).toEqual({ TT: 6, TO: 4 });
      if (lat.siteType[s] === LI3SB_SITE_O) expect(neighbourCounts(lat, s)).toEqual({ OT: 8 });
      for (let e = lat.nbrOffset[s]; e < lat.nbrOffset[s + 1]; e++) {
        const expected = lat.hopTypeNames[lat.nbrHopType[e]] === 'TT' ? a / 2 : (a * Math.sqrt(3)) / 4;
        expect(Math.abs(hopLength_A(lat, e) - expected) / expected).toBeLessThan(1e-12);
      }
    }
  });
  it('neighbour lists are symmetric with opposite hop vectors (property)', () => {
    for (let s = 0; s < lat.n_sites; s++) {
      for (let e = lat.nbrOffset[s]; e < lat.nbrOffset[s + 1]; e++) {
        const j = lat.nbrIndex[e];
        let found = false;
        for (let b = lat.nbrOffset[j]; b < lat.nbrOffset[j + 1]; b++) {
          if (lat.nbrIndex[b] === s && lat.nbrVec_grid[3 * b] === -lat.nbrVec_grid[3 * e] && lat.nbrVec_grid[3 * b + 1] === -lat.nbrVec_grid[3 * e + 1] && lat.nbrVec_grid[3 * b + 2] === -lat.nbrVec_grid[3 * e + 2]) found = true;
        }
        expect(found).toBe(true);
      }
    }
  });
  it('a slab (periodic in x, y only) drops the hops across the z faces', () => {
    const slab = createLi3SbLattice({ cells: [2, 2, 3], periodic: [true, true, false] });
    const bulk = createLi3SbLattice({ cells: [2, 2, 3] });
    expect(slab.n_sites).toBe(bulk.n_sites);
    expect(slab.nbrIndex.length).toBeLessThan(bulk.nbrIndex.length);
    for (let e = 0; e < slab.nbrIndex.length; e++) expect(Math.abs(slab.nbrVec_grid[3 * e + 2])).toBeLessThanOrEqual(2);
    const zOf = (i: number) => slab.coord_grid[3 * i + 2];
    for (let s = 0; s < slab.n_sites; s++) {
      for (let e = slab.nbrOffset[s]; e < slab.nbrOffset[s + 1]; e++) expect(zOf(slab.nbrIndex[e]) - zOf(s)).toBe(slab.nbrVec_grid[3 * e + 2]);
    }
  });
  it('rejects a cell too small for the hop range', () => {
    expect(() => createLi3SbLattice({ cells: 1 })).toThrow(/expected a cell larger than twice the hop range, found site \d+ reaching site \d+ through two periodic images/);
    expect(() => createLi3SbLattice({ cells: 0 })).toThrow('cells: expected a positive integer, found 0');
    expect(() => createLi3SbLattice({ a_A: -1 })).toThrow('lattice constant: expected a positive number of Å, found -1');
  });
});

describe('cubic validation lattices', () => {
  it.each([
    ['sc', 4, 64, 6],
    ['bcc', 3, 54, 8],
    ['fcc', 3, 108, 12],
  ] as const)('%s with %i cells has %i sites and coordination %i', (kind, cells, n, z) => {
    const lat = createCubicLattice(kind, cells, 2);
    expect(lat.n_sites).toBe(n);
    for (let s = 0; s < n; s++) expect(lat.nbrOffset[s + 1] - lat.nbrOffset[s]).toBe(z);
    const expectedLength = kind === 'sc' ? 2 : kind === 'bcc' ? Math.sqrt(3) : Math.SQRT2;
    expect(Math.abs(hopLength_A(lat, 0) - expectedLength)).toBeLessThan(1e-12);
  });
});
