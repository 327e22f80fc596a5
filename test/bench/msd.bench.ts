/**
 * MSD throughput: all-origins FFT MSD (analysis/msd.ts) for 1,000 atoms × 100,000 frames of float64 3D random
 * walks generated in memory one atom at a time (the trajectory itself, 2.4 GB, is never held: the accumulator
 * takes atoms in blocks, which is the memory-bounded path). Reports atom-frames per second (generation excluded)
 * and peak RSS. `LIFLUX_BENCH_MSD_ATOMS` / `LIFLUX_BENCH_MSD_FRAMES` override the sizes.
 * NumPy comparison: test/bench/msd_numpy.py on the same sizes (see analysis/README-diffusion.md for the numbers).
 */
import { addMsdSeries, createMsdAccumulator, finishMsdSums } from '../../analysis/msd.js';
import { createRng } from '../../engine/core/rng.js';

export async function bench(): Promise<void> {
  const nAtoms = Number(process.env.LIFLUX_BENCH_MSD_ATOMS ?? 1000);
  const nFrames = Number(process.env.LIFLUX_BENCH_MSD_FRAMES ?? 100000);
  const rng = createRng('msd-bench');
  const acc = createMsdAccumulator(nFrames);
  const series = new Float64Array(nFrames);
  let msdSeconds = 0;
  const t0 = process.hrtime.bigint();
  for (let a = 0; a < nAtoms; a++) {
    for (let k = 0; k < 3; k++) {
      let x = 0;
      for (let f = 0; f < nFrames; f++) {
        x += rng.nextNormal();
        series[f] = x;
      }
      const s = process.hrtime.bigint();
      addMsdSeries(acc, k, series);
      msdSeconds += Number(process.hrtime.bigint() - s) / 1e9;
    }
  }
  const s = process.hrtime.bigint();
  const msd = finishMsdSums(acc);
  msdSeconds += Number(process.hrtime.bigint() - s) / 1e9;
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const total = msd[0][100] + msd[1][100] + msd[2][100];
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(
    `msd fft: ${nAtoms} atoms × ${nFrames} frames (3 directions, float64, FFT size ${acc.fftSize})\n` +
      `  MSD time ${msdSeconds.toFixed(2)} s (wall incl. generation ${wall.toFixed(2)} s)\n` +
      `  throughput ${((nAtoms * nFrames) / msdSeconds).toExponential(3)} atom-frames/s\n` +
      `  peak RSS ${rssMiB.toFixed(0)} MiB; check: MSD(100)/100/3 per direction = ${(total / nAtoms / 300).toFixed(3)} (expect ≈ 1)\n`,
  );
}
