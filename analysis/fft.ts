/**
 * A small complex FFT for power-of-two sizes (iterative radix-2, precomputed twiddles and bit-reversal
 * permutation), in place on separate real/imaginary Float64Arrays. Plans are cached per size.
 *
 * Written here rather than taken from npm: the MSD needs only power-of-two complex transforms in float64 with
 * split re/im storage (so two real series can be packed into one transform); the npm FFT packages either use
 * interleaved storage, float32, or allocate per call, which costs more than this ~100-line kernel.
 */

export interface FftPlan {
  n: number;
  log2n: number;
  /** cos(2πk/n), k < n/2. */
  cos: Float64Array;
  /** sin(2πk/n), k < n/2. */
  sin: Float64Array;
  /** Bit-reversal permutation. */
  rev: Uint32Array;
}

const planCache = new Map<number, FftPlan>();

/** Smallest power of two ≥ n (n ≥ 1). */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** FFT plan for a power-of-two size (cached). */
export function createFftPlan(n: number): FftPlan {
  const cached = planCache.get(n);
  if (cached) return cached;
  if (!(Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0)) {
    throw new RangeError(`createFftPlan: size must be a power of two, got ${n}`);
  }
  let log2n = 0;
  while (1 << log2n < n) log2n++;
  const half = Math.max(1, n >> 1);
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    const a = (2 * Math.PI * k) / n;
    cos[k] = Math.cos(a);
    sin[k] = Math.sin(a);
  }
  const rev = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < log2n; b++) r |= ((i >> b) & 1) << (log2n - 1 - b);
    rev[i] = r;
  }
  const plan = { n, log2n, cos, sin, rev };
  planCache.set(n, plan);
  return plan;
}

/**
 * In-place complex FFT: X_k = Σ_j x_j exp(∓2πi jk/n) (sign −1 forward, +1 for `inverse`; the inverse is NOT
 * divided by n). Kernel: no allocation; trusts that re/im have length plan.n.
 */
export function transformComplex(plan: FftPlan, re: Float64Array, im: Float64Array, inverse = false): void {
  const n = plan.n;
  const rev = plan.rev;
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (j > i) {
      const tr = re[i]; re[i] = re[j]; re[j] = tr;
      const ti = im[i]; im[i] = im[j]; im[j] = ti;
    }
  }
  const cosT = plan.cos;
  const sinT = plan.sin;
  const sgn = inverse ? 1 : -1;
  // First stage (size 2) without twiddles.
  for (let i = 0; i + 1 < n; i += 2) {
    const ar = re[i], ai = im[i], br = re[i + 1], bi = im[i + 1];
    re[i] = ar + br; im[i] = ai + bi;
    re[i + 1] = ar - br; im[i + 1] = ai - bi;
  }
  for (let size = 4; size <= n; size <<= 1) {
    const halfSize = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0, t = 0; k < halfSize; k++, t += step) {
        const wr = cosT[t];
        const wi = sgn * sinT[t];
        const p = start + k;
        const q = p + halfSize;
        const xr = re[q] * wr - im[q] * wi;
        const xi = re[q] * wi + im[q] * wr;
        re[q] = re[p] - xr; im[q] = im[p] - xi;
        re[p] += xr; im[p] += xi;
      }
    }
  }
}

/** Reference O(n²) DFT (any n), for tests. Returns new arrays. */
export function computeDftDirect(re: ArrayLike<number>, im: ArrayLike<number>, inverse = false): { re: Float64Array; im: Float64Array } {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  const sgn = inverse ? 1 : -1;
  for (let k = 0; k < n; k++) {
    let sr = 0, si = 0;
    for (let j = 0; j < n; j++) {
      const a = (sgn * 2 * Math.PI * ((j * k) % n)) / n;
      const c = Math.cos(a), s = Math.sin(a);
      sr += re[j] * c - im[j] * s;
      si += re[j] * s + im[j] * c;
    }
    outRe[k] = sr;
    outIm[k] = si;
  }
  return { re: outRe, im: outIm };
}
