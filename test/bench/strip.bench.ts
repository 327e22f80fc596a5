/**
 * Stripping KMC throughput (events per second of wall-clock time, TS reference engine, one core):
 * 1. default no-il and il-redox slabs at 60 mA/cm² (the CLI defaults otherwise);
 * 2. slabs of ≥ 10⁶ sites: bcc 80×80×80 cells (1,024,000 sites) and Li3Sb 40×40×53 cells (1,017,600 sites),
 *    no-il / il-redox presets at 60 mA/cm², started with 10 % random vacancies (so events happen everywhere, as in
 *    a depleted slab), 2×10⁶ events each (setup time printed separately; simulated time per wall second shown).
 * 3. the parallel synchronous-sublattice path (engine/strip/strip-gpu.ts) on gpu.js (webasm; webgpu too when an
 *    adapter exists) for the same 1,024,000-site bcc slab, ε = 0.1: events counted as max(filled, emptied) sites
 *    per colour step (a lower bound: a hop fills one site and empties one). Not the same algorithm as the BKL lines
 *    (discrete τ per cycle), so compare simulated time per wall second too.
 */
import { createRedoxClosure } from '../../analysis/flux/redox-closure.js';
import { readRatesFile, selectRateModel } from '../../engine/rates/rates-file.js';
import { createStripConfig, type StripPresetOptions } from '../../engine/strip/presets.js';
import { advanceStripRun, createStripRun, recomputeDerivedState, type StripRun } from '../../engine/strip/strip-kmc.js';
import { createRng } from '../../engine/core/rng.js';
import { createStripGpuRunner } from '../../engine/strip/strip-gpu.js';
import { detectWebGpu } from '../../engine/backends/select-backend.js';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const RATES = resolve(here, '..', '..', '..', 'data', 'rates', 'li3sb-example.json');

function line(label: string, events: number, seconds: number, extra = ''): void {
  process.stdout.write(`${label.padEnd(62)} ${(events / seconds).toExponential(3)} events/s  (${events.toExponential(2)} events in ${seconds.toFixed(2)} s)${extra}\n`);
}

function options(preset: StripPresetOptions['preset'], cells?: [number, number, number]): StripPresetOptions {
  const model = selectRateModel(readRatesFile(RATES, ['TT', 'TO', 'OT']), 348.15, RATES);
  return { preset, current_mAPerCm2: 60, cells, ilRateModel: model, redoxClosure: createRedoxClosure(), stopAtVoid: false, seed: 'bench' };
}

/** Start from a depleted slab: a random 10 % of the sites vacant (so both algorithms have work everywhere). */
function depleteRandomly(run: StripRun): void {
  const rng = createRng('bench-deplete');
  for (let i = 0; i < run.occ.length; i++) if (rng.nextFloat() < 0.1) run.occ[i] = 0;
  recomputeDerivedState(run);
}

export async function bench(): Promise<void> {
  for (const preset of ['no-il', 'il-redox'] as const) {
    const run = createStripRun(createStripConfig(options(preset)).config);
    const t0 = performance.now();
    advanceStripRun(run, { maxEvents: 3e6 });
    line(`ts  ${preset} default slab (${run.slab.lattice.n_sites} sites), 60 mA/cm²`, run.events, (performance.now() - t0) / 1000);
  }
  const big: [StripPresetOptions['preset'], [number, number, number]][] = [
    ['no-il', [80, 80, 80]],
    ['il-redox', [40, 40, 53]],
  ];
  for (const [preset, cells] of big) {
    const s0 = performance.now();
    const run = createStripRun(createStripConfig(options(preset, cells)).config);
    const setup_s = (performance.now() - s0) / 1000;
    depleteRandomly(run);
    advanceStripRun(run, { maxEvents: 2e5 }); // warm-up
    const e0 = run.events;
    const tsim0 = run.t_ps;
    const t0 = performance.now();
    advanceStripRun(run, { maxEvents: e0 + 2e6 });
    const wall = (performance.now() - t0) / 1000;
    const simulated = run.t_ps - tsim0;
    line(`ts  ${preset} ${cells.join('×')} cells (${run.slab.lattice.n_sites} sites), 60 mA/cm²`, run.events - e0, wall, `, setup ${setup_s.toFixed(1)} s, ${(simulated * 1e-12).toExponential(2)} s simulated`);
  }
  const modes: ('webasm' | 'webgpu')[] = ['webasm'];
  if (await detectWebGpu()) modes.push('webgpu');
  for (const mode of modes) {
    const cfg = createStripConfig(options('no-il', [80, 80, 80])).config;
    const run = createStripRun(cfg);
    depleteRandomly(run);
    const g = createStripGpuRunner(run, { mode, epsilon: 0.1 });
    try {
      await g.advance(1); // compile + warm-up
      const t0 = performance.now();
      const tsim0 = run.t_ps;
      let events = 0;
      const cycles = 5;
      for (let c = 0; c < cycles; c++) {
        const r = await g.advance(1);
        events += Math.max(r.filled, r.emptied);
      }
      const wall = (performance.now() - t0) / 1000;
      line(`gpu.js ${mode} no-il 80×80×80 cells (${run.slab.lattice.n_sites} sites), sublattice ε=0.1`, events, wall, `, ${cycles} cycles × ${g.tables.nColors} colours, ${((run.t_ps - tsim0) * 1e-12).toExponential(2)} s simulated`);
    } finally {
      g.destroy();
    }
  }
}
