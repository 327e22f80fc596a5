/**
 * Seeded random numbers. Every random draw in liflux comes from an `Rng` created here from an explicit seed.
 *
 * Seeding goes through seedrandom (xor4096) so any string or number is a valid seed; draws come from
 * xoshiro128** (32-bit integer state, fast in V8 and reproducible bit for bit on every platform).
 * `forkRng(seed, i)` gives independent streams for replicas: stream i is seeded from the string `${seed}/${i}`.
 */
import seedrandom from 'seedrandom';

export type Seed = number | string;

export interface Rng {
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform double in the open interval (0, 1), 53 random bits. Safe for -log(u). */
  nextFloat(): number;
  /** Uniform integer in [0, n) (n ≤ 2^32), unbiased. */
  nextInt(n: number): number;
  /** Standard normal deviate (Box–Muller, polar form). */
  nextNormal(): number;
  /** The 4 × 32-bit state, for checkpoints. */
  getState(): Uint32Array;
  /** Restore a state from `getState()`. */
  setState(state: ArrayLike<number>): void;
}

/** Four 32-bit words of state from any seed, never all zero. */
export function seedState(seed: Seed): Uint32Array {
  const prng = seedrandom.xor4096(String(seed));
  const s = new Uint32Array(4);
  for (let i = 0; i < 4; i++) s[i] = prng.int32() >>> 0;
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 0x9e3779b9;
  return s;
}

/** Create a generator from a seed. */
export function createRng(seed: Seed): Rng {
  return new Xoshiro128ss(seedState(seed));
}

/** Independent stream number `index` derived from `seed` (for replicas / workers). */
export function forkRng(seed: Seed, index: number): Rng {
  return createRng(`${seed}/${index}`);
}

const TWO_POW_M32 = 1 / 4294967296;
const TWO_POW_M53 = 1 / 9007199254740992;

class Xoshiro128ss implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal = NaN;

  constructor(state: Uint32Array) {
    this.s0 = state[0] | 0;
    this.s1 = state[1] | 0;
    this.s2 = state[2] | 0;
    this.s3 = state[3] | 0;
  }

  nextUint32(): number {
    const s1 = this.s1;
    const t = s1 << 9;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r >>> 0;
  }

  nextFloat(): number {
    // 53 bits: 27 high + 26 low; add half an ulp so the result is never exactly 0.
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo + 0.5) * TWO_POW_M53;
  }

  nextInt(n: number): number {
    if (n <= 0) throw new RangeError(`nextInt: n must be positive, got ${n}`);
    // Lemire-style rejection on 32 bits.
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  nextNormal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const v = this.spareNormal;
      this.spareNormal = NaN;
      return v;
    }
    for (;;) {
      const u = 2 * this.nextUint32() * TWO_POW_M32 - 1;
      const v = 2 * this.nextUint32() * TWO_POW_M32 - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const m = Math.sqrt((-2 * Math.log(s)) / s);
        this.spareNormal = v * m;
        return u * m;
      }
    }
  }

  getState(): Uint32Array {
    return Uint32Array.of(this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0);
  }

  setState(state: ArrayLike<number>): void {
    this.s0 = state[0] | 0;
    this.s1 = state[1] | 0;
    this.s2 = state[2] | 0;
    this.s3 = state[3] | 0;
    this.spareNormal = NaN;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
