/**
 * Flux benchmarks: the hot-spot Poisson solve (MG-preconditioned CG) in 2d and axisymmetric geometry at the
 * paper's 800 × 800 resolution, as unknowns per second, next to FEniCS's time on the same problem measured on
 * this machine (recorded by test/golden/flux/hotspot_fenics.py in hotspot_fenics.json). Never fails on timing.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runHotspotModel } from '../../analysis/flux/hotspot.js';
import { createUniformNodes, solvePoisson } from '../../analysis/flux/poisson.js';

interface FenicsRun {
  dofs: number;
  solve_s_with_source: number;
  solve_s_applied: number;
  method: string;
}

function findGolden(): string | null {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let k = 0; k < 5; k++) {
    const p = path.join(dir, 'test/golden/flux/hotspot_fenics.json');
    if (existsSync(p)) return p;
    dir = path.dirname(dir);
  }
  return null;
}

export async function bench(): Promise<void> {
  for (const geometry of ['2d', 'axisymmetric'] as const) {
    for (const n of [400, 800, 1024]) {
      const x = createUniformNodes(0, 4, n);
      const y = createUniformNodes(0, 8, n);
      const top = new Float64Array(n + 1).map((_, i) => Math.cos(x[i]));
      const t0 = performance.now();
      const r = solvePoisson({ geometry, x, y, bottom: new Float64Array(n + 1), top });
      const s = (performance.now() - t0) / 1000;
      process.stdout.write(
        `poisson ${geometry.padEnd(12)} ${String(n + 1).padStart(4)}×${n + 1}: ${r.unknowns} unknowns, ${r.iterations} CG its, ${s.toFixed(2)} s, ${(r.unknowns / s / 1e6).toFixed(2)} M unknowns/s\n`,
      );
    }
    const h = runHotspotModel({ geometry, intervals: 800 });
    process.stdout.write(`hotspot ${geometry.padEnd(12)} 800 intervals: 2 solves of ${h.unknowns} unknowns in ${(h.solve_ms / 1000).toFixed(2)} s (${((2 * h.unknowns) / (h.solve_ms / 1000) / 1e6).toFixed(2)} M unknowns/s)\n`);
  }
  const golden = findGolden();
  if (!golden) {
    process.stdout.write('FEniCS reference: hotspot_fenics.json not found\n');
    return;
  }
  const doc = JSON.parse(readFileSync(golden, 'utf8')) as { runs: Record<string, FenicsRun>; cpu_count?: number };
  for (const [key, run] of Object.entries(doc.runs)) {
    if (!key.includes('uniform')) continue;
    const s = run.solve_s_with_source + run.solve_s_applied;
    process.stdout.write(
      `FEniCS ${key.padEnd(30)} 2 solves of ${run.dofs} dofs in ${s.toFixed(2)} s (${((2 * run.dofs) / s / 1e6).toFixed(2)} M dofs/s; assembly + solve, recorded by hotspot_fenics.py)\n`,
    );
  }
}
