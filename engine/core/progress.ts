/**
 * Progress reporting and cancellation for long loops. Library code calls `onProgress(done, total)` now and then
 * and checks `signal?.aborted`; the CLI turns the callback into a progress bar on stderr and Ctrl-C into an abort.
 */
import { CancelledError } from './errors.js';

export type ProgressCallback = (done: number, total: number, label?: string) => void;

/** Options every long-running library function accepts. */
export interface RunControl {
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

/** Throw CancelledError when the signal has fired. Call between chunks of work, not inside tight loops. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError('interrupted');
}
