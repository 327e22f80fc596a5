import { describe, expect, it } from 'vitest';
import { restoreStripRun, serializeStripRun } from '../../../engine/strip/checkpoint.js';
import { advanceStripRun, createStripRun, summarizeStripRun, type StripConfig } from '../../../engine/strip/strip-kmc.js';
import { createCcdProgram } from '../../../engine/strip/current.js';

function ilConfig(): StripConfig {
  return {
    preset: 'custom',
    material: 'li3sb',
    cells: [4, 4, 2],
    T_K: 348.15,
    hopRates_perPs: [2e-8, 1e-8, 4e-8],
    hopRateScale: 1,
    vvBinding_eV: 0.03,
    focusing_M: 8,
    width_A: 6,
    program: createCcdProgram(5e-5, 40).map((s, k) => ({ ...s, hopRateScale: k % 2 === 0 ? 1 : 0.5 })),
    supplyRate_perPs: 2e-9,
    redoxPatchRates_perPs: [1e-7, 1.2e-7],
    voidMinSites: 30,
    voidPersistSamples: 2,
    samplesPerTurnover: 10,
    stopTime_ps: null,
    stopStrippedSites: 900,
    stopAtVoid: false,
    imageTimes_ps: [1e6, 3e7],
    seed: 'ckpt',
  };
}

describe('strip checkpoints', () => {
  it('a run stopped after N events, serialised through JSON text and restored, ends exactly like the uninterrupted run', () => {
    const full = createStripRun(ilConfig());
    expect(advanceStripRun(full)).toBe('capacity');
    const ref = summarizeStripRun(full);
    expect(ref.events).toBeGreaterThan(100000);
    expect(ref.redox_events).toBeGreaterThan(0);
    expect(ref.void_nucleated).toBe(true);

    let run = createStripRun(ilConfig());
    for (const n of [5000, 54321, 100000]) {
      expect(advanceStripRun(run, { maxEvents: n })).toBe('events');
      run = restoreStripRun(JSON.parse(JSON.stringify(serializeStripRun(run))), 'mem');
    }
    expect(advanceStripRun(run)).toBe('capacity');
    expect(summarizeStripRun(run)).toEqual(ref);
    expect(run.series).toEqual(full.series);
    expect(Array.from(run.occ)).toEqual(Array.from(full.occ));
    expect(run.images.map((im) => im.t_ps)).toEqual(full.images.map((im) => im.t_ps));
    expect(run.t_ps).toBe(full.t_ps);
  }, 30000);

  it('rejects a file that is not a checkpoint, and a truncated occupancy', () => {
    expect(() => restoreStripRun({ schema: 'other' }, 'x.json')).toThrow(/x.json: expected a checkpoint with schema "liflux-strip-checkpoint\/1", found "other"/);
    const run = createStripRun(ilConfig());
    const data = serializeStripRun(run) as { state: { occ: string } };
    data.state.occ = Buffer.from([1, 1, 1]).toString('base64');
    expect(() => restoreStripRun(JSON.parse(JSON.stringify(data)), 'c.json')).toThrow(/c.json: state.occ: expected 384 sites, found 3/);
  });
});
