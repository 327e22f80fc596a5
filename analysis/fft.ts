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
  /** For span s (4, 8, …, n): cos/sin(2π·3k/s) for k < s/4 at offset s/4 − 1 (radix-4 third twiddle). */
  cos3: Float64Array;
  sin3: Float64Array;
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
  const cos3 = new Float64Array(Math.max(1, n));
  const sin3 = new Float64Array(Math.max(1, n));
  for (let sp = 4; sp <= n; sp <<= 1) {
    const off = sp / 4 - 1;
    for (let k = 0; k < sp / 4; k++) {
      const a = (2 * Math.PI * 3 * k) / sp;
      cos3[off + k] = Math.cos(a);
      sin3[off + k] = Math.sin(a);
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
  const plan = { n, log2n, cos, sin, cos3, sin3, rev, mirror };
  planCache.set(n, plan);
  return plan;
}

/**
 * Forward transform X_k = Σ_j x_j exp(−2πi jk/n), natural-order input, output in BIT-REVERSED order
 * (position p holds X_rev(p)); with `upperHalfZero` the entries at n/2… are taken as zero without being read
 * (zero padding). Decimation in frequency, radix-4 butterflies (3 complex multiplies per 4
 * points) to halve the passes over memory, no permutation pass. Kernel: no allocation.
 */
export function transformForwardBitReversed(plan: FftPlan, re: Float64Array, im: Float64Array, upperHalfZero = false): void {
  const n = plan.n;
  const C = plan.cos;
  const S = plan.sin;
  let size = n;
  if (upperHalfZero && n >= 4) {
    // First radix-4 stage with x2 = x3 = 0 (entries ≥ n/2 are zero padding and are never read).
    const half = n >> 1;
    const quarter = n >> 2;
    const offA = half - 1;
    const offB = quarter - 1;
    const off3 = quarter - 1;
    const C3 = plan.cos3;
    const S3 = plan.sin3;
    for (let k = 0; k < quarter; k++) {
      const p0 = k, p1 = k + quarter, p2 = k + half, p3 = p2 + quarter;
      const x0r = re[p0], x0i = im[p0], x1r = re[p1], x1i = im[p1];
      // t0 = t1 = x0, t2 = x1, t3 = −i·x1
      re[p0] = x0r + x1r; im[p0] = x0i + x1i;
      let yr = x0r - x1r, yi = x0i - x1i;
      let wr = C[offB + k], wi = -S[offB + k];
      re[p1] = yr * wr - yi * wi; im[p1] = yr * wi + yi * wr;
      yr = x0r + x1i; yi = x0i - x1r;
      wr = C[offA + k]; wi = -S[offA + k];
      re[p2] = yr * wr - yi * wi; im[p2] = yr * wi + yi * wr;
      yr = x0r - x1i; yi = x0i + x1r;
      wr = C3[off3 + k]; wi = -S3[off3 + k];
      re[p3] = yr * wr - yi * wi; im[p3] = yr * wi + yi * wr;
    }
    size = n >> 2;
  }
  for (; size >= 4; size >>= 2) {
    const half = size >> 1;
    const quarter = size >> 2;
    const offA = half - 1;
    const offB = quarter - 1;
    const off3 = quarter - 1;
    const C3 = plan.cos3;
    const S3 = plan.sin3;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < quarter; k++) {
        const p0 = start + k, p1 = p0 + quarter, p2 = p0 + half, p3 = p2 + quarter;
        const x0r = re[p0], x0i = im[p0], x1r = re[p1], x1i = im[p1];
        const x2r = re[p2], x2i = im[p2], x3r = re[p3], x3i = im[p3];
        // radix-4 DIF butterfly, w = exp(−2πi/size): outputs y0, y2·w^2k, y1·w^k, y3·w^3k (bit-reversed layout)
        const t0r = x0r + x2r, t0i = x0i + x2i;
        const t1r = x0r - x2r, t1i = x0i - x2i;
        const t2r = x1r + x3r, t2i = x1i + x3i;
        const t3r = x1i - x3i, t3i = x3r - x1r; // (x1 − x3)·(−i)
        re[p0] = t0r + t2r; im[p0] = t0i + t2i;
        let yr = t0r - t2r, yi = t0i - t2i;
        let wr = C[offB + k], wi = -S[offB + k];
        re[p1] = yr * wr - yi * wi; im[p1] = yr * wi + yi * wr;
        yr = t1r + t3r; yi = t1i + t3i;
        wr = C[offA + k]; wi = -S[offA + k];
        re[p2] = yr * wr - yi * wi; im[p2] = yr * wi + yi * wr;
        yr = t1r - t3r; yi = t1i - t3i;
        wr = C3[off3 + k]; wi = -S3[off3 + k];
        re[p3] = yr * wr - yi * wi; im[p3] = yr * wi + yi * wr;
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
 * output; decimation in time, radix-4 butterflies, no permutation pass. Kernel: no allocation.
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
    const off3 = quarter - 1;
    const C3 = plan.cos3;
    const S3 = plan.sin3;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < quarter; k++) {
        const p0 = start + k, p1 = p0 + quarter, p2 = p0 + half, p3 = p2 + quarter;
        // radix-4 DIT butterfly, w = exp(+2πi/size): u1 = w^2k·X1, u2 = w^k·X2, u3 = w^3k·X3
        let wr = C[offB + k], wi = S[offB + k];
        const u1r = re[p1] * wr - im[p1] * wi, u1i = re[p1] * wi + im[p1] * wr;
        wr = C[offA + k]; wi = S[offA + k];
        const u2r = re[p2] * wr - im[p2] * wi, u2i = re[p2] * wi + im[p2] * wr;
        wr = C3[off3 + k]; wi = S3[off3 + k];
        const u3r = re[p3] * wr - im[p3] * wi, u3i = re[p3] * wi + im[p3] * wr;
        const ar = re[p0] + u1r, ai = im[p0] + u1i;
        const br = re[p0] - u1r, bi = im[p0] - u1i;
        const cr = u2r + u3r, ci = u2i + u3i;
        const dr = u3i - u2i, di = u2r - u3r; // i·(u2 − u3)
        re[p0] = ar + cr; im[p0] = ai + ci;
        re[p2] = ar - cr; im[p2] = ai - ci;
        re[p1] = br + dr; im[p1] = bi + di;
        re[p3] = br - dr; im[p3] = bi - di;
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
