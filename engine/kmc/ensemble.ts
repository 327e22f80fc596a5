/**
 * Replica ensembles on the TypeScript reference path: independent replicas with streams forkRng(seed, i),
 * run one after another, progress reported per chunk of hops, cancellable between chunks.
 */
import type { RunControl } from '../core/progress.js';
import type { Seed } from '../core/rng.js';
import { InputError } from '../core/errors.js';
import type { Lattice } from '../lattice/lattice.js';
import type { RateTable } from '../rates/rate-model.js';
import { checkKmcOptions, runKmcReplica, type KmcReplicaResult, type VacancyPlacement } from './kmc-ts.js';
import { summarizeKmcReplicas, type KmcObservablesResult } from './observables.js';

export interface KmcEnsembleOptions {
  lattice: Lattice;
  rates: RateTable;
  nVacancies: number;
  placement?: VacancyPlacement;
  /** Hops per replica. */
  hops: number;
  replicas: number;
  seed: Seed;
  forceGeneral?: boolean;
}

export interface KmcEnsembleResult {
  backend: 'ts' | 'webasm' | 'webgpu';
  /** Set when the requested gpu.js backend could not be used and another one ran instead. */
  fallbackReason?: string;
  observables: KmcObservablesResult;
  replicaResults: KmcReplicaResult[];
  wall_s: number;
  hops_per_second: number;
}

/** Validate the replica count. */
export function checkReplicas(replicas: number): void {
  if (!Number.isInteger(replicas) || replicas < 1) throw new InputError(`--replicas: expected a positive integer, found ${replicas}`);
}

/** Run an ensemble on the TS reference path. */
export function runKmcEnsemble(opts: KmcEnsembleOptions, control: RunControl = {}): KmcEnsembleResult {
  checkReplicas(opts.replicas);
  checkKmcOptions(opts.lattice, opts.nVacancies, opts.placement ?? 'random', opts.hops);
  const t0 = performance.now();
  const reps: KmcReplicaResult[] = [];
  const total = opts.hops * opts.replicas;
  for (let r = 0; r < opts.replicas; r++) {
    const before = r * opts.hops;
    reps.push(
      runKmcReplica(
        { lattice: opts.lattice, rates: opts.rates, nVacancies: opts.nVacancies, placement: opts.placement, hops: opts.hops, seed: opts.seed, replicaIndex: r, forceGeneral: opts.forceGeneral },
        control,
        (done) => control.onProgress?.(before + done, total, 'kmc'),
      ),
    );
  }
  const wall_s = (performance.now() - t0) / 1000;
  return {
    backend: 'ts',
    observables: summarizeKmcReplicas(opts.lattice, opts.rates.T_K, reps),
    replicaResults: reps,
    wall_s,
    hops_per_second: total / wall_s,
  };
}
