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
  /** Per-stage twiddles: for butterfly span s (2, 4, …, n), cos/sin(2πk/s) for k < s/2 at offset s/2 − 1. */
  cos: Float64Array;
  sin: Float64Array;
  /** Bit-reversal permutation. */
  rev: Uint32Array;
  /** For position p of a bit-reversed spectrum (holding X_rev(p)), the position holding X_{(n − rev(p)) mod n}. */
  mirror: Uint32Array;
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
  const cos = new Float64Array(Math.max(1, n));
  const sin = new Float64Array(Math.max(1, n));
  for (let s = 2; s <= n; s <<= 1) {
    const off = s / 2 - 1;
    for (let k = 0; k < s / 2; k++) {
      const a = (2 * Math.PI * k) / s;
      cos[off + k] = Math.cos(a);
      sin[off + k] = Math.sin(a);
    }
  }
  const rev = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < log2n; b++) r |= ((i >> b) & 1) << (log2n - 1 - b);
    rev[i] = r;
  }
  const mirror = new Uint32Array(n);
  for (let p = 0; p < n; p++) mirror[p] = rev[(n - rev[p]) & (n - 1)];
  const plan = { n, log2n, cos, sin, rev, mirror };
  planCache.set(n, plan);
  return plan;
}

/**
 * Forward transform X_k = Σ_j x_j exp(−2πi jk/n), natural-order input, output in BIT-REVERSED order
 * (position p holds X_rev(p)); decimation in frequency, radix-2 stages fused in pairs (radix-2²) to halve the
 * passes over memory, no permutation pass. Kernel: no allocation.
 */
export function transformForwardBitReversed(plan: FftPlan, re: Float64Array, im: Float64Array): void {
  const n = plan.n;
  const C = plan.cos;
  const S = plan.sin;
  let size = n;
  for (; size >= 4; size >>= 2) {
    const half = size >> 1;
    const quarter = size >> 2;
    const offA = half - 1;
    const offB = quarter - 1;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < quarter; k++) {
        const p0 = start + k, p1 = p0 + quarter, p2 = p0 + half, p3 = p2 + quarter;
        const x0r = re[p0], x0i = im[p0], x1r = re[p1], x1i = im[p1];
        const x2r = re[p2], x2i = im[p2], x3r = re[p3], x3i = im[p3];
        // span `size`: (p0, p2) with w^k, (p1, p3) with w^(k + quarter), w = exp(−2πi/size)
        const a0r = x0r + x2r, a0i = x0i + x2i;
        const a1r = x1r + x3r, a1i = x1i + x3i;
        let dr = x0r - x2r, di = x0i - x2i;
        let wr = C[offA + k], wi = -S[offA + k];
        const a2r = dr * wr - di * wi, a2i = dr * wi + di * wr;
        dr = x1r - x3r; di = x1i - x3i;
        wr = C[offA + k + quarter]; wi = -S[offA + k + quarter];
        const a3r = dr * wr - di * wi, a3i = dr * wi + di * wr;
        // span `half`: (p0, p1) and (p2, p3) with v^k, v = exp(−2πi/half)
        const vr = C[offB + k], vi = -S[offB + k];
        re[p0] = a0r + a1r; im[p0] = a0i + a1i;
        dr = a0r - a1r; di = a0i - a1i;
        re[p1] = dr * vr - di * vi; im[p1] = dr * vi + di * vr;
        re[p2] = a2r + a3r; im[p2] = a2i + a3i;
        dr = a2r - a3r; di = a2i - a3i;
        re[p3] = dr * vr - di * vi; im[p3] = dr * vi + di * vr;
      }
    }
  }
  if (size === 2) {
    for (let p = 0; p < n; p += 2) {
      const ar = re[p], ai = im[p], br = re[p + 1], bi = im[p + 1];
      re[p] = ar + br; im[p] = ai + bi;
      re[p + 1] = ar - br; im[p + 1] = ai - bi;
    }
  }
}

/**
 * Inverse transform x_j = Σ_k X_k exp(+2πi jk/n) (NOT divided by n) from a BIT-REVERSED input to natural-order
 * output; decimation in time, radix-2 stages fused in pairs, no permutation pass. Kernel: no allocation.
 */
export function transformInverseFromBitReversed(plan: FftPlan, re: Float64Array, im: Float64Array): void {
  const n = plan.n;
  const C = plan.cos;
  const S = plan.sin;
  let size = 4;
  if (plan.log2n % 2 === 1) {
    for (let p = 0; p < n; p += 2) {
      const ar = re[p], ai = im[p], br = re[p + 1], bi = im[p + 1];
      re[p] = ar + br; im[p] = ai + bi;
      re[p + 1] = ar - br; im[p + 1] = ai - bi;
    }
    size = 8;
  }
  for (; size <= n; size <<= 2) {
    const half = size >> 1;
    const quarter = size >> 2;
    const offA = half - 1;
    const offB = quarter - 1;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < quarter; k++) {
        const p0 = start + k, p1 = p0 + quarter, p2 = p0 + half, p3 = p2 + quarter;
        // span `half`: (p0, p1) and (p2, p3) with v^k, v = exp(+2πi/half)
        const vr = C[offB + k], vi = S[offB + k];
        let tr = re[p1] * vr - im[p1] * vi, ti = re[p1] * vi + im[p1] * vr;
        const a0r = re[p0] + tr, a0i = im[p0] + ti;
        const a1r = re[p0] - tr, a1i = im[p0] - ti;
        tr = re[p3] * vr - im[p3] * vi; ti = re[p3] * vi + im[p3] * vr;
        const a2r = re[p2] + tr, a2i = im[p2] + ti;
        const a3r = re[p2] - tr, a3i = im[p2] - ti;
        // span `size`: (p0, p2) with w^k, (p1, p3) with w^(k + quarter), w = exp(+2πi/size)
        let wr = C[offA + k], wi = S[offA + k];
        tr = a2r * wr - a2i * wi; ti = a2r * wi + a2i * wr;
        re[p0] = a0r + tr; im[p0] = a0i + ti;
        re[p2] = a0r - tr; im[p2] = a0i - ti;
        wr = C[offA + k + quarter]; wi = S[offA + k + quarter];
        tr = a3r * wr - a3i * wi; ti = a3r * wi + a3i * wr;
        re[p1] = a1r + tr; im[p1] = a1i + ti;
        re[p3] = a1r - tr; im[p3] = a1i - ti;
      }
    }
  }
}

/** Swap entries into bit-reversed (or back into natural) order. Kernel. */
export function permuteBitReversed(plan: FftPlan, re: Float64Array, im: Float64Array): void {
  const rev = plan.rev;
  for (let i = 0; i < plan.n; i++) {
    const j = rev[i];
    if (j > i) {
      const tr = re[i]; re[i] = re[j]; re[j] = tr;
      const ti = im[i]; im[i] = im[j]; im[j] = ti;
    }
  }
}

/**
 * In-place complex FFT in natural order: X_k = Σ_j x_j exp(∓2πi jk/n) (sign −1 forward, +1 for `inverse`; the
 * inverse is NOT divided by n). Kernel: no allocation; trusts that re/im have length plan.n.
 */
export function transformComplex(plan: FftPlan, re: Float64Array, im: Float64Array, inverse = false): void {
  if (inverse) {
    permuteBitReversed(plan, re, im);
    transformInverseFromBitReversed(plan, re, im);
  } else {
    transformForwardBitReversed(plan, re, im);
    permuteBitReversed(plan, re, im);
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
