/**
 * Golden cross-check: the hop analysis of the bundled demo trajectory (data/demo/li3sb-548K.XDATCAR.gz) against an
 * independent implementation — ASE reads the XDATCAR, NumPy builds the 8c/4b sites from the space-group positions
 * and applies the same residence rule — recorded by test/golden/hops/demo_hops.py (parameters in the JSON).
 * Counts must agree exactly; exposures and times to 1e-9 relative (float summation order).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeHops } from '../../../analysis/hops/hop-analysis.js';
import { loadTrajectory } from '../../../analysis/ingest/arrow-reader.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const golden = JSON.parse(readFileSync(path.join(repoRoot, 'test/golden/hops/demo_hops.json'), 'utf8'));

describe('hop analysis vs the ASE/NumPy golden on the demo trajectory', async () => {
  const { trajectory } = await loadTrajectory(path.join(repoRoot, golden.source), { timestep_fs: golden.dt_ps * 1000, nblock: 1, temperature_K: 548 });
  const r = analyzeHops(trajectory, { kind: 'li3sb', a_A: golden.a_A }, { rCore_A: golden.r_core_A, minResidenceFrames: golden.min_residence_frames });
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

  it('counts the same hops, non-adjacent changes and back-hops', () => {
    expect(r.n_frames).toBe(golden.frames);
    expect(r.n_atoms).toBe(golden.n_li);
    expect(r.n_hops).toEqual(golden.n_hops);
    expect(r.n_nonadjacent_hops).toBe(golden.n_nonadjacent_hops);
    expect(r.back_hops).toBe(golden.back_hops);
    expect(r.back_hop_candidates).toBe(golden.back_hop_candidates);
  });

  it('has the same exposures, vacancy times and largest distance to a site', () => {
    for (const t of ['TT', 'TO', 'OT']) expect(rel(r.exposure_pair_ps[t], golden.exposure_pair_ps[t])).toBeLessThan(1e-9);
    for (const s of ['T', 'O']) expect(rel(r.vacancies_by_site_type[s] * r.duration_ps, golden.vacancy_time_ps[s])).toBeLessThan(1e-9);
    expect(rel(r.max_nearest_distance_A, golden.max_nearest_distance_A)).toBeLessThan(1e-6);
  });
});
