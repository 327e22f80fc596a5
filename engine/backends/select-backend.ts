/**
 * Backend selection for `--backend ts|gpu|auto`.
 * - `ts`: the TypeScript reference path (any model).
 * - `gpu`: gpu.js; webgpu when an adapter answers (in Node through the `webgpu` package when its native library
 *   loads), otherwise webasm (WebAssembly + SIMD on the CPU). Only the single-vacancy, non-interacting model.
 * - `auto`: webgpu when an adapter exists and the model fits the gpu.js path, else ts (on a CPU the TS path is
 *   the faster reference for one replica stream per core).
 * The result always names the backend that will actually run and why.
 */
import { loadGpuJs, type GpuMode } from './gpu-kernel.js';

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
