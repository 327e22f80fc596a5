/**
 * Stripping KMC throughput (events per second of wall-clock time, TS reference engine, one core):
 * 1. default no-il and il-redox slabs at 60 mA/cm² (the CLI defaults otherwise);
 * 2. slabs of ≥ 10⁶ sites: bcc 80×80×80 cells (1,024,000 sites) and Li3Sb 40×40×53 cells (1,017,600 sites),
 *    no-il / il-redox presets at 60 mA/cm², 2×10⁶ events each after the fill-up (setup time printed separately).
 * No gpu.js stripping path exists yet (see engine/strip/README.md), so no gpu.js line is printed.
 */
import { createRedoxClosure } from '../../analysis/flux/redox-closure.js';
import { readRatesFile, selectRateModel } from '../../engine/rates/rates-file.js';
import { createStripConfig, type StripPresetOptions } from '../../engine/strip/presets.js';
import { advanceStripRun, createStripRun } from '../../engine/strip/strip-kmc.js';
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
    advanceStripRun(run, { maxEvents: 2e5 }); // warm-up, vacancies appear at the bottom face
    const e0 = run.events;
    const t0 = performance.now();
    advanceStripRun(run, { maxEvents: e0 + 2e6 });
    line(`ts  ${preset} ${cells.join('×')} cells (${run.slab.lattice.n_sites} sites), 60 mA/cm²`, run.events - e0, (performance.now() - t0) / 1000, `, setup ${setup_s.toFixed(1)} s`);
  }
}
