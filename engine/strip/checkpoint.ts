/**
 * Checkpoints of a stripping run (schema `liflux-strip-checkpoint/1`): the configuration, the occupancy
 * (base64), the RNG state, clock, counters, program position, sample schedule, series, void tracking and
 * images. Restoring rebuilds the slab and the sum tree from the occupancy; since every leaf is a pure function
 * of the occupancy and the current, the restored run continues exactly as the uninterrupted one would.
 */
import { InputError } from '../core/errors.js';
import { createStripRun, recomputeDerivedState, type StripConfig, type StripRun } from './strip-kmc.js';

export const STRIP_CHECKPOINT_SCHEMA = 'liflux-strip-checkpoint/1';

function encodeBytes(a: Uint8Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function decodeBytes(s: string, n: number, what: string, file: string): Uint8Array {
  const b = Buffer.from(s, 'base64');
  if (b.length !== n) throw new InputError(`${file}: ${what}: expected ${n} sites, found ${b.length}`);
  return new Uint8Array(b);
}

/** Infinity-safe JSON number. */
function encodeNumber(x: number | null): number | string | null {
  if (x === null) return null;
  if (x === Infinity) return 'Infinity';
  return x;
}

function decodeNumber(x: unknown): number {
  if (x === 'Infinity') return Infinity;
  return x as number;
}

/** A JSON-serialisable snapshot of a run. */
export function serializeStripRun(run: StripRun): Record<string, unknown> {
  const c = run.config;
  return {
    schema: STRIP_CHECKPOINT_SCHEMA,
    config: { ...c, program: c.program.map((s) => ({ ...s, duration_ps: encodeNumber(s.duration_ps) })) },
    state: {
      occ: encodeBytes(run.occ),
      rng: Array.from(run.rng.getState()),
      t_ps: run.t_ps,
      events: run.events,
      hops: run.hops,
      stripped: run.stripped,
      supplied: run.supplied,
      redoxEvents: run.redoxEvents,
      stepIndex: run.stepIndex,
      stepEnd_ps: encodeNumber(run.stepEnd_ps),
      current_mAPerCm2: run.current_mAPerCm2,
      sampleInterval_ps: run.sampleInterval_ps,
      nextSample_ps: run.nextSample_ps,
      nextImage: run.nextImage,
      series: run.series,
      voidStreak: run.voidStreak,
      voidStreakStart: run.voidStreakStart,
      voidEvent: run.voidEvent,
      recovery: run.recovery,
      images: run.images.map((im) => ({ t_ps: im.t_ps, occ: encodeBytes(im.occ) })),
      lastClusters: run.lastClusters,
    },
  };
}

/** Rebuild a run from `serializeStripRun` output (parsed JSON). `file` names the source in errors. */
export function restoreStripRun(data: unknown, file = 'checkpoint'): StripRun {
  const d = data as { schema?: unknown; config?: Record<string, unknown>; state?: Record<string, unknown> };
  if (typeof d !== 'object' || d === null || d.schema !== STRIP_CHECKPOINT_SCHEMA) {
    throw new InputError(`${file}: expected a checkpoint with schema "${STRIP_CHECKPOINT_SCHEMA}", found ${JSON.stringify((d as { schema?: unknown })?.schema ?? null)}`);
  }
  if (!d.config || !d.state) throw new InputError(`${file}: expected "config" and "state" objects, found ${d.config ? 'no state' : 'no config'}`);
  const cfgIn = d.config as unknown as StripConfig & { program: { current_mAPerCm2: number; duration_ps: unknown }[] };
  const config: StripConfig = { ...cfgIn, program: cfgIn.program.map((s) => ({ ...s, duration_ps: decodeNumber(s.duration_ps) })) };
  const run = createStripRun(config);
  const s = d.state as Record<string, unknown>;
  const n = run.slab.lattice.n_sites;
  run.occ = decodeBytes(String(s.occ), n, 'state.occ', file);
  const rng = s.rng as number[];
  if (!Array.isArray(rng) || rng.length !== 4) throw new InputError(`${file}: state.rng: expected 4 integers, found ${JSON.stringify(rng)}`);
  run.rng.setState(rng);
  run.t_ps = s.t_ps as number;
  run.events = s.events as number;
  run.hops = s.hops as number;
  run.stripped = s.stripped as number;
  run.supplied = s.supplied as number;
  run.redoxEvents = s.redoxEvents as number;
  run.stepIndex = s.stepIndex as number;
  run.stepEnd_ps = decodeNumber(s.stepEnd_ps);
  run.current_mAPerCm2 = s.current_mAPerCm2 as number;
  run.sampleInterval_ps = s.sampleInterval_ps as number;
  run.nextSample_ps = s.nextSample_ps as number;
  run.nextImage = s.nextImage as number;
  run.series = s.series as StripRun['series'];
  run.voidStreak = s.voidStreak as number;
  run.voidStreakStart = s.voidStreakStart as StripRun['voidStreakStart'];
  run.voidEvent = s.voidEvent as StripRun['voidEvent'];
  run.recovery = s.recovery as StripRun['recovery'];
  run.images = (s.images as { t_ps: number; occ: string }[]).map((im) => ({ t_ps: im.t_ps, occ: decodeBytes(im.occ, n, 'state.images', file) }));
  run.lastClusters = s.lastClusters as StripRun['lastClusters'];
  recomputeDerivedState(run);
  return run;
}
