/**
 * Backend selection for `--backend ts|gpu|auto`.
 * - `ts`: the TypeScript reference path (any model).
 * - `gpu`: gpu.js; webgpu when an adapter answers (in Node through the `webgpu` package when its native library
 *   loads), otherwise webasm (WebAssembly + SIMD on the CPU). Only the single-vacancy, non-interacting model.
 * - `auto`: webgpu when an adapter exists and the model fits the gpu.js path, else ts (on a CPU the TS path is
 *   the faster reference for one replica stream per core).
 * The result always names the backend that will actually run and why.
 */
import { GpuKernelMismatchError, loadGpuJs, runKmcEnsembleGpu, type GpuMode } from './gpu-kernel.js';
import type { RunControl } from '../core/progress.js';
import { runKmcEnsemble, checkReplicas, type KmcEnsembleOptions, type KmcEnsembleResult } from '../kmc/ensemble.js';
import { checkKmcOptions } from '../kmc/kmc-ts.js';
import { summarizeKmcReplicas } from '../kmc/observables.js';


export type BackendRequest = 'ts' | 'gpu' | 'auto';
export type BackendName = 'ts' | GpuMode;

export interface BackendChoiceResult {
  backend: BackendName;
  reason: string;
}

/** True when gpu.js finds a WebGPU adapter (never throws). */
export async function detectWebGpu(): Promise<boolean> {
  try {
    const { GPU } = loadGpuJs();
    return Boolean(await GPU.isWebGPUAvailable());
  } catch {
    return false;
  }
}

/** Decide which backend runs. `gpuCapable`: the model is one the gpu.js kernel supports. */
export async function selectKmcBackend(request: BackendRequest, gpuCapable: boolean): Promise<BackendChoiceResult> {
  if (request === 'ts') return { backend: 'ts', reason: 'requested' };
  if (!gpuCapable) return { backend: 'ts', reason: 'the gpu.js kernel covers only one vacancy without interaction' };
  const webgpu = await detectWebGpu();
  if (webgpu) return { backend: 'webgpu', reason: 'WebGPU adapter found' };
  if (request === 'auto') return { backend: 'ts', reason: 'no WebGPU adapter; the TS path is the CPU default' };
  return { backend: 'webasm', reason: 'no WebGPU adapter; gpu.js webasm (WebAssembly SIMD) on the CPU' };
}


/** True when the gpu.js kernel can run this model (one vacancy placed at random, no interaction). */
export function isGpuCapable(opts: KmcEnsembleOptions): boolean {
  return opts.nVacancies === 1 && opts.rates.vvInteraction_eV === 0 && (opts.placement ?? 'random') === 'random';
}

/**
 * Run an ensemble on the chosen backend. gpu.js runs first check the kernel against its TS twin on a short
 * chunk; if webgpu fails that check (or fails to run), the ensemble runs on webasm and `fallbackReason` says why.
 */
export async function runKmcEnsembleOnBackend(
  opts: KmcEnsembleOptions,
  backend: BackendName,
  control: RunControl = {},
  chunkHops?: number,
): Promise<KmcEnsembleResult> {
  if (backend === 'ts') return runKmcEnsemble(opts, control);
  checkReplicas(opts.replicas);
  checkKmcOptions(opts.lattice, opts.nVacancies, opts.placement ?? 'random', opts.hops);
  const t0 = performance.now();
  const run = (mode: GpuMode) => runKmcEnsembleGpu({ lattice: opts.lattice, rates: opts.rates, hops: opts.hops, replicas: opts.replicas, seed: opts.seed, mode, chunkHops }, control);
  let ran: GpuMode = backend;
  let fallbackReason: string | undefined;
  let reps;
  try {
    reps = await run(backend);
  } catch (err) {
    if (backend !== 'webgpu' || !(err instanceof GpuKernelMismatchError)) throw err;
    fallbackReason = err.message;
    ran = 'webasm';
    reps = await run('webasm');
  }
  const wall_s = (performance.now() - t0) / 1000;
  return {
    backend: ran,
    ...(fallbackReason !== undefined ? { fallbackReason } : {}),
    observables: summarizeKmcReplicas(opts.lattice, opts.rates.T_K, reps),
    replicaResults: reps,
    wall_s,
    hops_per_second: (opts.hops * opts.replicas) / wall_s,
  };
}
