/** Golden: the Li3Sb Li sublattice against pymatgen (test/golden/kmc/li3sb_lattice.py → li3sb_lattice.json). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLi3SbLattice } from '../../../engine/lattice/li3sb.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const golden = JSON.parse(readFileSync(path.resolve(here, '../../golden/kmc/li3sb_lattice.json'), 'utf8')) as {
  parameters: { a_A: number; cells: number };
  n_li: number;
  n_T: number;
  n_O: number;
  li_grid_sorted: number[][];
  sb_grid_sorted: number[][];
  li_li_shells: Record<string, { distance_A: number; count_per_site: number }[]>;
};

describe('Li3Sb lattice vs pymatgen (golden)', () => {
  const lat = createLi3SbLattice({ cells: golden.parameters.cells, a_A: golden.parameters.a_A });
  it('has the same Li sites (grid units of a/4) and T/O counts', () => {
    const ours: number[][] = [];
    for (let i = 0; i < lat.n_sites; i++) ours.push([lat.coord_grid[3 * i], lat.coord_grid[3 * i + 1], lat.coord_grid[3 * i + 2]]);
    ours.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
    expect(ours).toEqual(golden.li_grid_sorted);
    expect([lat.n_sites, lat.siteType.filter((t) => t === 0).length, lat.siteType.filter((t) => t === 1).length]).toEqual([golden.n_li, golden.n_T, golden.n_O]);
    // Sb sites: all-even with x + y + z ≡ 0 (mod 4), none shared with Li
    for (const [x, y, z] of golden.sb_grid_sorted) expect([x % 2, y % 2, z % 2, (x + y + z) % 4]).toEqual([0, 0, 0, 0]);
  });
  it('has the Li–Li shells within 3.4 Å as its hop neighbours: same distances (1e-6 relative) and counts', () => {
    for (const [name, shells] of Object.entries(golden.li_li_shells)) {
      expect(shells).toHaveLength(1);
      const t = lat.hopTypeNames.indexOf(name);
      const from = name[0] === 'T' ? 0 : 1;
      let count = 0;
      let nFrom = 0;
      for (let s = 0; s < lat.n_sites; s++) {
        if (lat.siteType[s] !== from) continue;
        nFrom++;
        for (let e = lat.nbrOffset[s]; e < lat.nbrOffset[s + 1]; e++) {
          if (lat.nbrHopType[e] !== t) continue;
          count++;
          const d = Math.hypot(lat.nbrVec_grid[3 * e], lat.nbrVec_grid[3 * e + 1], lat.nbrVec_grid[3 * e + 2]) * lat.gridSpacing_A;
          expect(Math.abs(d - shells[0].distance_A) / shells[0].distance_A).toBeLessThan(1e-6);
        }
      }
      expect(count / nFrom).toBe(shells[0].count_per_site);
    }
  });
});
