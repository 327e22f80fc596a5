/**
 * Unwrapping by minimum image on fractional differences between consecutive frames, each frame with its own cell.
 *
 * For wrapped input, the image count n of every atom follows n_t = n_{t-1} − round(f_t − f_{t-1}) and the
 * unwrapped position is (f_t + n_t)·h_t (rows of h are the cell vectors), which is exact for a changing (NpT)
 * cell as long as no atom moves more than half a cell between stored frames. That condition cannot be checked
 * from the data; what can be seen is the largest minimum-image step |Δf − round(Δf)| (in fractions of the
 * cell). `maxJumpFraction` records it; a value above `SAFE_JUMP_FRACTION` means unwrapping may be ambiguous.
 * Continuous (already unwrapped) input is passed through and only measured.
 */
import { InputError } from '../../engine/core/errors.js';

/** Frame-to-frame minimum-image step (fraction of the cell) above which unwrapping is called ambiguous. */
export const SAFE_JUMP_FRACTION = 0.25;

/** Inverse of a 3×3 row-major matrix into `out`; returns the determinant. */
export function invertCell(cell: ArrayLike<number>, out: Float64Array): number {
  const a = cell[0], b = cell[1], c = cell[2];
  const d = cell[3], e = cell[4], f = cell[5];
  const g = cell[6], h = cell[7], i = cell[8];
  const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const det = a * A + b * B + c * C;
  const r = 1 / det;
  out[0] = A * r; out[1] = -(b * i - c * h) * r; out[2] = (b * f - c * e) * r;
  out[3] = B * r; out[4] = (a * i - c * g) * r; out[5] = -(a * f - c * d) * r;
  out[6] = C * r; out[7] = -(a * h - b * g) * r; out[8] = (a * e - b * d) * r;
  return det;
}

/** Kernel: Cartesian r = f·h for n atoms (rows of h are cell vectors). */
export function convertFractionalToCartesian(n: number, frac: ArrayLike<number>, cell: ArrayLike<number>, out: Float64Array): void {
  const h0 = cell[0], h1 = cell[1], h2 = cell[2], h3 = cell[3], h4 = cell[4], h5 = cell[5], h6 = cell[6], h7 = cell[7], h8 = cell[8];
  for (let j = 0; j < n; j++) {
    const f0 = frac[3 * j], f1 = frac[3 * j + 1], f2 = frac[3 * j + 2];
    out[3 * j] = f0 * h0 + f1 * h3 + f2 * h6;
    out[3 * j + 1] = f0 * h1 + f1 * h4 + f2 * h7;
    out[3 * j + 2] = f0 * h2 + f1 * h5 + f2 * h8;
  }
}

/** Kernel: fractional f = r·h⁻¹ for n atoms, given the inverse cell. */
export function convertCartesianToFractional(n: number, cart: ArrayLike<number>, inv: ArrayLike<number>, out: Float64Array): void {
  const h0 = inv[0], h1 = inv[1], h2 = inv[2], h3 = inv[3], h4 = inv[4], h5 = inv[5], h6 = inv[6], h7 = inv[7], h8 = inv[8];
  for (let j = 0; j < n; j++) {
    const x = cart[3 * j], y = cart[3 * j + 1], z = cart[3 * j + 2];
    out[3 * j] = x * h0 + y * h3 + z * h6;
    out[3 * j + 1] = x * h1 + y * h4 + z * h7;
    out[3 * j + 2] = x * h2 + y * h5 + z * h8;
  }
}

export interface UnwrapStepResult {
  /** Largest |minimum-image fractional step| over atoms and axes for this frame (0 for the first frame). */
  maxJumpFraction: number;
  /** Atom with that step. */
  atom: number;
}

/**
 * Stateful unwrapper for one trajectory. Call `push` for every consecutive stored frame (never skip frames:
 * subsample after unwrapping).
 */
export class Unwrapper {
  readonly nAtoms: number;
  /** Largest minimum-image step seen so far (fraction of the cell) and where. */
  maxJumpFraction = 0;
  maxJumpFrame = -1;
  maxJumpAtom = -1;
  private frames = 0;
  private readonly prevFrac: Float64Array;
  private readonly image: Float64Array;
  private readonly frac: Float64Array;
  private readonly inv = new Float64Array(9);

  constructor(nAtoms: number) {
    this.nAtoms = nAtoms;
    this.prevFrac = new Float64Array(3 * nAtoms);
    this.image = new Float64Array(3 * nAtoms);
    this.frac = new Float64Array(3 * nAtoms);
  }

  /**
   * Unwrap one frame into `out` (Cartesian Å, 3·nAtoms). `coords` are fractional or Cartesian per `kind`;
   * `wrapped` false means they are continuous already (they are then only converted and measured).
   */
  push(
    coords: ArrayLike<number>,
    kind: 'fractional' | 'cartesian',
    wrapped: boolean,
    cell_A: ArrayLike<number>,
    out: Float64Array,
  ): UnwrapStepResult {
    const n = this.nAtoms;
    const det = invertCell(cell_A, this.inv);
    if (!(Math.abs(det) > 1e-12) || !Number.isFinite(det)) {
      throw new InputError(`frame ${this.frames}: expected a cell with non-zero volume, found volume ${Math.abs(det)} Å³`);
    }
    const frac = this.frac;
    const prev = this.prevFrac;
    const image = this.image;
    const first = this.frames === 0;
    let maxJump = 0;
    let maxAtom = -1;
    if (kind === 'fractional' && wrapped) {
      // Hot path (XDATCAR, vasprun): one fused pass, minimum image, image update, Cartesian.
      const h0 = cell_A[0], h1 = cell_A[1], h2 = cell_A[2], h3 = cell_A[3], h4 = cell_A[4], h5 = cell_A[5];
      const h6 = cell_A[6], h7 = cell_A[7], h8 = cell_A[8];
      for (let j = 0; j < n; j++) {
        const b = 3 * j;
        const f0 = coords[b], f1 = coords[b + 1], f2 = coords[b + 2];
        if (!first) {
          const d0 = f0 - prev[b], d1 = f1 - prev[b + 1], d2 = f2 - prev[b + 2];
          const r0 = Math.round(d0), r1 = Math.round(d1), r2 = Math.round(d2);
          const s = Math.max(Math.abs(d0 - r0), Math.abs(d1 - r1), Math.abs(d2 - r2));
          if (s > maxJump) {
            maxJump = s;
            maxAtom = j;
          }
          image[b] -= r0;
          image[b + 1] -= r1;
          image[b + 2] -= r2;
        }
        prev[b] = f0;
        prev[b + 1] = f1;
        prev[b + 2] = f2;
        const u0 = f0 + image[b], u1 = f1 + image[b + 1], u2 = f2 + image[b + 2];
        out[b] = u0 * h0 + u1 * h3 + u2 * h6;
        out[b + 1] = u0 * h1 + u1 * h4 + u2 * h7;
        out[b + 2] = u0 * h2 + u1 * h5 + u2 * h8;
      }
    } else {
      if (kind === 'fractional') {
        for (let k = 0; k < 3 * n; k++) frac[k] = coords[k];
      } else {
        convertCartesianToFractional(n, coords, this.inv, frac);
      }
      if (!first) {
        for (let k = 0; k < 3 * n; k++) {
          const d = frac[k] - prev[k];
          const r = Math.round(d);
          const step = Math.abs(d - r);
          if (step > maxJump) {
            maxJump = step;
            maxAtom = (k / 3) | 0;
          }
          if (wrapped) image[k] -= r;
        }
      }
      for (let k = 0; k < 3 * n; k++) prev[k] = frac[k];
      if (wrapped) {
        for (let k = 0; k < 3 * n; k++) frac[k] += image[k];
        convertFractionalToCartesian(n, frac, cell_A, out);
      } else if (kind === 'fractional') {
        convertFractionalToCartesian(n, frac, cell_A, out);
      } else {
        for (let k = 0; k < 3 * n; k++) out[k] = coords[k];
      }
    }
    if (maxJump > this.maxJumpFraction) {
      this.maxJumpFraction = maxJump;
      this.maxJumpFrame = this.frames;
      this.maxJumpAtom = maxAtom;
    }
    this.frames++;
    return { maxJumpFraction: maxJump, atom: maxAtom };
  }
}

/**
 * Unwrap a whole in-memory sequence of wrapped fractional frames (convenience for tests and small inputs).
 * `frac` is nFrames·nAtoms·3, `cells_A` nFrames·9; returns Cartesian Å.
 */
export function unwrapFractional(nAtoms: number, nFrames: number, frac: Float64Array, cells_A: Float64Array): Float64Array {
  const out = new Float64Array(nFrames * nAtoms * 3);
  const u = new Unwrapper(nAtoms);
  for (let t = 0; t < nFrames; t++) {
    u.push(
      frac.subarray(t * nAtoms * 3, (t + 1) * nAtoms * 3),
      'fractional',
      true,
      cells_A.subarray(9 * t, 9 * t + 9),
      out.subarray(t * nAtoms * 3, (t + 1) * nAtoms * 3),
    );
  }
  return out;
}
