#!/usr/bin/env /usr/bin/python3
"""NumPy reference for `npm run bench -- msd`: all-origins FFT MSD of N atoms x T frames of float64 3D random walks,
generated in blocks of atoms (generation excluded from the timing), summed over atoms and directions.
Uses the same algorithm as liflux (power spectra summed over atoms in frequency space, one inverse FFT at the end,
S1 by running sums) with numpy.fft.rfft on 2T-padded data (NumPy picks its own padding: n = 2T).
Usage: /usr/bin/python3 test/bench/msd_numpy.py [N_ATOMS] [N_FRAMES] [BLOCK]
"""
import resource, sys, time
import numpy as np

n_atoms = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
T = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
block = int(sys.argv[3]) if len(sys.argv) > 3 else 10
rng = np.random.default_rng(1)
nfft = 2 * T
power = np.zeros(nfft // 2 + 1)
sumsq = np.zeros(T)
t_msd = 0.0
t0 = time.perf_counter()
for start in range(0, n_atoms, block):
    b = min(block, n_atoms - start)
    x = np.cumsum(rng.standard_normal((b * 3, T)), axis=1)  # (series, T)
    s = time.perf_counter()
    x -= x.mean(axis=1, keepdims=True)
    F = np.fft.rfft(x, n=nfft, axis=1)
    power += (F.real ** 2 + F.imag ** 2).sum(axis=0)
    sumsq += (x * x).sum(axis=0)
    t_msd += time.perf_counter() - s
s = time.perf_counter()
S2 = np.fft.irfft(power, n=nfft)[:T]
q = 2 * sumsq.sum()
S1 = np.empty(T)
# running sums (vectorised): S1(m) = [Σ_k x(k)^2 + x(k+m)^2] over k < T - m
cs = np.concatenate([[0.0], np.cumsum(sumsq)])
m = np.arange(T)
S1 = (cs[T - m] - cs[0]) + (cs[T] - cs[m])
msd = (S1 - 2 * S2) / (T - m)
t_msd += time.perf_counter() - s
wall = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f'numpy {np.__version__} fft msd: {n_atoms} atoms x {T} frames, block {block}')
print(f'  MSD time {t_msd:.2f} s (wall incl. generation {wall:.2f} s)')
print(f'  throughput {n_atoms * T / t_msd:.3e} atom-frames/s')
print(f'  peak RSS {rss:.0f} MiB; check: MSD(100)/100/3 per direction = {msd[100] / n_atoms / 300:.3f} (expect ~1)')
