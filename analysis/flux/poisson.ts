/**
 * Poisson solver for the hot-spot model: −∇·(κ∇u) = f on a rectangle with a tensor-product, possibly
 * non-uniform (graded) node grid, in two geometries:
 *   - '2d':           Cartesian (x, y), κ = 1;
 *   - 'axisymmetric': (r, z) with x = r ≥ 0 and y = z, κ = r (the 2π cancels), regular at r = 0.
 *
 * Discretisation: vertex-centred finite volumes on the dual cells of the node grid (5-point stencil,
 * second order on smooth grids). Boundary conditions: Dirichlet on the bottom (y = y0) and top (y = yN)
 * rows, Neumann ∂u/∂n = g (outward) on the left and right columns (g = 0 at r = 0 is automatic: the face
 * has κ = 0).
 *
 * Solver: conjugate gradients preconditioned by one geometric-multigrid V(1,1)-cycle per iteration
 * (Galerkin coarse operators RAP with geometric linear interpolation, so graded meshes are handled;
 * symmetric Gauss–Seidel smoothing — forward before, backward after — keeps the preconditioner symmetric;
 * dense Cholesky on the coarsest level). The grid must have 2^k·m intervals in each direction for k
 * coarsening levels; any count works (fewer levels).
 *
 * Lengths are in whatever unit the caller uses consistently (the hot-spot model uses µm); u in V.
 */
import { InputError } from '../../engine/core/errors.js';

export type PoissonGeometry = '2d' | 'axisymmetric';

export interface PoissonProblem {
  geometry: PoissonGeometry;
  /** Node coordinates across (x or r), strictly increasing; for 'axisymmetric' x[0] must be 0. */
  x: Float64Array;
  /** Node coordinates up (y or z), strictly increasing. */
  y: Float64Array;
  /** Source f at the nodes, row-major index j·nx + i (length nx·ny); omitted = 0. */
  source?: Float64Array;
  /**
   * Alternatively (added to `source`), the source already integrated over each node's dual cell, ∫∫ f·κ dx dy
   * (κ = r for 'axisymmetric', without 2π), row-major; Dirichlet rows are ignored. Use this for sources narrower
   * than the grid (see computeDualCellBounds).
   */
  sourceIntegrated?: Float64Array;
  /** Dirichlet values on the bottom row (length nx). */
  bottom: Float64Array;
  /** Dirichlet values on the top row (length nx). */
  top: Float64Array;
  /** Outward normal derivative ∂u/∂n on the left column (length ny); omitted = 0. Ignored on the axis. */
  leftFlux?: Float64Array;
  /** Outward normal derivative ∂u/∂n on the right column (length ny); omitted = 0. */
  rightFlux?: Float64Array;
}

export interface PoissonOptions {
  /** Stop when ‖r‖₂ ≤ relTol·‖b‖₂ (default 1e-10). */
  relTol?: number;
  /** Maximum CG iterations (default 500). */
  maxIterations?: number;
  /** Use the multigrid preconditioner (default true); false = Jacobi-preconditioned CG (for comparison). */
  multigrid?: boolean;
}

export interface PoissonResult {
  /** Potential at all nodes, row-major j·nx + i. */
  u: Float64Array;
  nx: number;
  ny: number;
  /** Number of unknowns solved for (Dirichlet rows excluded). */
  unknowns: number;
  iterations: number;
  /** Final ‖r‖₂/‖b‖₂. */
  relResidual: number;
  /** Multigrid levels used (1 = no coarsening). */
  levels: number;
  elapsed_ms: number;
}

/** A level: nine-point stencil over an (nx × nyi) block of unknowns; stencil slot s = (dj+1)·3 + (di+1). */
interface Level {
  nx: number;
  nyi: number;
  /** Full node coordinates at this level (x: nx, y: nyi + 2 including the Dirichlet rows). */
  x: Float64Array;
  y: Float64Array;
  a: Float64Array; // 9·n
  r: Float64Array;
  e: Float64Array;
  rhs: Float64Array;
  chol?: Float64Array; // dense Cholesky factor (coarsest level)
}

/** Solve the problem; throws InputError on inconsistent input. */
export function solvePoisson(problem: PoissonProblem, options: PoissonOptions = {}): PoissonResult {
  const t0 = performance.now();
  const { x, y, geometry } = problem;
  const nx = x.length;
  const ny = y.length;
  validateProblem(problem);
  const relTol = options.relTol ?? 1e-10;
  const maxIterations = options.maxIterations ?? 500;
  const nyi = ny - 2;
  const n = nx * nyi;

  const fine = assembleFineLevel(problem);
  const b = assembleRhs(problem);
  const levels: Level[] = [fine];
  if (options.multigrid !== false) {
    while (true) {
      const c = levels[levels.length - 1];
      if ((c.nx - 1) % 2 !== 0 || (c.nyi + 1) % 2 !== 0 || c.nx < 5 || c.nyi < 3) break;
      if (c.nx * c.nyi <= 400) break;
      levels.push(coarsenLevel(c));
    }
    const last = levels[levels.length - 1];
    if (last.nx * last.nyi <= 2500) last.chol = choleskyOfStencil(last);
  }

  const xs = new Float64Array(n);
  const r = Float64Array.from(b);
  const z = new Float64Array(n);
  const p = new Float64Array(n);
  const q = new Float64Array(n);
  const bNorm = Math.sqrt(dot(b, b));
  let iterations = 0;
  let rel = bNorm === 0 ? 0 : 1;
  if (bNorm > 0) {
    const diag = new Float64Array(n);
    for (let k = 0; k < n; k++) diag[k] = fine.a[9 * k + 4];
    const precondition = (rr: Float64Array, zz: Float64Array): void => {
      if (options.multigrid === false) {
        for (let k = 0; k < n; k++) zz[k] = rr[k] / diag[k];
      } else {
        fine.rhs.set(rr);
        vCycle(levels, 0);
        zz.set(fine.e);
      }
    };
    precondition(r, z);
    p.set(z);
    let rz = dot(r, z);
    while (iterations < maxIterations) {
      applyStencil(fine.nx, fine.nyi, fine.a, p, q);
      const alpha = rz / dot(p, q);
      for (let k = 0; k < n; k++) {
        xs[k] += alpha * p[k];
        r[k] -= alpha * q[k];
      }
      iterations++;
      rel = Math.sqrt(dot(r, r)) / bNorm;
      if (rel <= relTol) break;
      precondition(r, z);
      const rzNew = dot(r, z);
      const beta = rzNew / rz;
      rz = rzNew;
      for (let k = 0; k < n; k++) p[k] = z[k] + beta * p[k];
    }
  }

  const u = new Float64Array(nx * ny);
  for (let i = 0; i < nx; i++) {
    u[i] = problem.bottom[i];
    u[(ny - 1) * nx + i] = problem.top[i];
  }
  for (let j = 0; j < nyi; j++) for (let i = 0; i < nx; i++) u[(j + 1) * nx + i] = xs[j * nx + i];
  void geometry;
  return { u, nx, ny, unknowns: n, iterations, relResidual: rel, levels: levels.length, elapsed_ms: performance.now() - t0 };
}

function validateProblem(problem: PoissonProblem): void {
  const { x, y } = problem;
  const nx = x.length;
  const ny = y.length;
  if (nx < 2 || ny < 3) throw new InputError(`Poisson grid: expected at least 2 × 3 nodes, found ${nx} × ${ny}`);
  for (let i = 1; i < nx; i++) {
    if (!(x[i] > x[i - 1])) throw new InputError(`Poisson grid: expected strictly increasing x nodes, found x[${i}] = ${x[i]} after ${x[i - 1]}`);
  }
  for (let j = 1; j < ny; j++) {
    if (!(y[j] > y[j - 1])) throw new InputError(`Poisson grid: expected strictly increasing y nodes, found y[${j}] = ${y[j]} after ${y[j - 1]}`);
  }
  if (problem.geometry === 'axisymmetric' && x[0] !== 0) {
    throw new InputError(`Poisson grid: expected r nodes starting at 0 for the axisymmetric geometry, found r[0] = ${x[0]}`);
  }
  if (problem.geometry !== '2d' && problem.geometry !== 'axisymmetric') {
    throw new InputError(`Poisson: expected geometry 2d or axisymmetric, found ${JSON.stringify(problem.geometry)}`);
  }
  const checkLength = (name: string, arr: Float64Array | undefined, len: number): void => {
    if (arr !== undefined && arr.length !== len) throw new InputError(`Poisson ${name}: expected ${len} values, found ${arr.length}`);
  };
  checkLength('bottom', problem.bottom, nx);
  checkLength('top', problem.top, nx);
  checkLength('source', problem.source, nx * ny);
  checkLength('sourceIntegrated', problem.sourceIntegrated, nx * ny);
  checkLength('leftFlux', problem.leftFlux, ny);
  checkLength('rightFlux', problem.rightFlux, ny);
}

/** ∫κ dx over the dual cell of node i (2d: width; axisymmetric: (r_e² − r_w²)/2). */
function dualMeasure(x: Float64Array, i: number, axi: boolean): number {
  const n = x.length;
  const w = i > 0 ? 0.5 * (x[i] + x[i - 1]) : x[0];
  const e = i < n - 1 ? 0.5 * (x[i] + x[i + 1]) : x[n - 1];
  return axi ? 0.5 * (e * e - w * w) : e - w;
}

/** κ at the face between nodes i and i+1. */
function faceKappa(x: Float64Array, i: number, axi: boolean): number {
  return axi ? 0.5 * (x[i] + x[i + 1]) : 1;
}

function dualWidth(y: Float64Array, j: number): number {
  const n = y.length;
  const s = j > 0 ? 0.5 * (y[j] + y[j - 1]) : y[0];
  const nn = j < n - 1 ? 0.5 * (y[j] + y[j + 1]) : y[n - 1];
  return nn - s;
}

function assembleFineLevel(problem: PoissonProblem): Level {
  const { x, y } = problem;
  const axi = problem.geometry === 'axisymmetric';
  const nx = x.length;
  const nyi = y.length - 2;
  const n = nx * nyi;
  const a = new Float64Array(9 * n);
  for (let jj = 0; jj < nyi; jj++) {
    const j = jj + 1;
    const wy = dualWidth(y, j);
    for (let i = 0; i < nx; i++) {
      const k = jj * nx + i;
      const mx = dualMeasure(x, i, axi);
      let diag = 0;
      if (i > 0) {
        const c = (faceKappa(x, i - 1, axi) * wy) / (x[i] - x[i - 1]);
        a[9 * k + 3] = -c;
        diag += c;
      }
      if (i < nx - 1) {
        const c = (faceKappa(x, i, axi) * wy) / (x[i + 1] - x[i]);
        a[9 * k + 5] = -c;
        diag += c;
      }
      const cs = mx / (y[j] - y[j - 1]);
      const cn = mx / (y[j + 1] - y[j]);
      diag += cs + cn;
      if (jj > 0) a[9 * k + 1] = -cs;
      if (jj < nyi - 1) a[9 * k + 7] = -cn;
      a[9 * k + 4] = diag;
    }
  }
  return makeLevel(nx, nyi, x, y, a);
}

function assembleRhs(problem: PoissonProblem): Float64Array {
  const { x, y } = problem;
  const axi = problem.geometry === 'axisymmetric';
  const nx = x.length;
  const ny = y.length;
  const nyi = ny - 2;
  const b = new Float64Array(nx * nyi);
  for (let jj = 0; jj < nyi; jj++) {
    const j = jj + 1;
    const wy = dualWidth(y, j);
    for (let i = 0; i < nx; i++) {
      const k = jj * nx + i;
      const mx = dualMeasure(x, i, axi);
      let v = problem.source ? problem.source[j * nx + i] * mx * wy : 0;
      if (problem.sourceIntegrated) v += problem.sourceIntegrated[j * nx + i];
      if (jj === 0) v += (mx / (y[1] - y[0])) * problem.bottom[i];
      if (jj === nyi - 1) v += (mx / (y[ny - 1] - y[ny - 2])) * problem.top[i];
      if (i === 0 && problem.leftFlux) v += (axi ? x[0] : 1) * wy * problem.leftFlux[j];
      if (i === nx - 1 && problem.rightFlux) v += (axi ? x[nx - 1] : 1) * wy * problem.rightFlux[j];
      b[k] = v;
    }
  }
  return b;
}

function makeLevel(nx: number, nyi: number, x: Float64Array, y: Float64Array, a: Float64Array): Level {
  const n = nx * nyi;
  return { nx, nyi, x, y, a, r: new Float64Array(n), e: new Float64Array(n), rhs: new Float64Array(n) };
}

/**
 * 1-D linear interpolation from coarse nodes (every other fine node) to fine nodes, by geometric distance.
 * Returned as two (index, weight) pairs per fine node; index −1 = a Dirichlet node (dropped).
 * `offset` maps full node index to unknown index (0 for x, 1 for y where row 0 is Dirichlet).
 */
function interpolation1d(fineCoord: Float64Array, nUnknownFine: number, offset: number, nUnknownCoarse: number) {
  const idx = new Int32Array(2 * nUnknownFine).fill(-1);
  const w = new Float64Array(2 * nUnknownFine);
  for (let f = 0; f < nUnknownFine; f++) {
    const full = f + offset;
    const toUnknown = (cFull: number): number => {
      const cu = cFull - offset;
      return cu >= 0 && cu < nUnknownCoarse ? cu : -1;
    };
    if (full % 2 === 0) {
      idx[2 * f] = toUnknown(full / 2);
      w[2 * f] = 1;
    } else {
      const xl = fineCoord[full - 1];
      const xr = fineCoord[full + 1];
      const t = (fineCoord[full] - xl) / (xr - xl);
      idx[2 * f] = toUnknown((full - 1) / 2);
      w[2 * f] = 1 - t;
      idx[2 * f + 1] = toUnknown((full + 1) / 2);
      w[2 * f + 1] = t;
    }
  }
  return { idx, w };
}

interface Transfer {
  px: { idx: Int32Array; w: Float64Array };
  py: { idx: Int32Array; w: Float64Array };
}
const transfers = new WeakMap<Level, Transfer>();

function coarsenLevel(f: Level): Level {
  const ncx = (f.nx - 1) / 2 + 1;
  const ncyi = (f.nyi + 1) / 2 - 1;
  const cx = new Float64Array(ncx);
  for (let i = 0; i < ncx; i++) cx[i] = f.x[2 * i];
  const cy = new Float64Array(ncyi + 2);
  for (let j = 0; j < ncyi + 2; j++) cy[j] = f.y[2 * j];
  const px = interpolation1d(f.x, f.nx, 0, ncx);
  const py = interpolation1d(f.y, f.nyi, 1, ncyi);
  transfers.set(f, { px, py });
  const nc = ncx * ncyi;
  const ac = new Float64Array(9 * nc);
  // A_c = Pᵀ A P, accumulated fine row by fine row: for fine node fr (weights to coarse C), each stencil
  // neighbour g (weights to coarse D): A_c[C, D] += p(fr,C) · A(fr,g) · p(g,D).
  for (let fj = 0; fj < f.nyi; fj++) {
    for (let fi = 0; fi < f.nx; fi++) {
      const kf = fj * f.nx + fi;
      for (let s = 0; s < 9; s++) {
        const val = f.a[9 * kf + s];
        if (val === 0) continue;
        const gi = fi + (s % 3) - 1;
        const gj = fj + Math.floor(s / 3) - 1;
        if (gi < 0 || gi >= f.nx || gj < 0 || gj >= f.nyi) continue;
        for (let a1 = 0; a1 < 2; a1++) {
          const ci = px.idx[2 * fi + a1];
          if (ci < 0) continue;
          const wci = px.w[2 * fi + a1];
          for (let b1 = 0; b1 < 2; b1++) {
            const cj = py.idx[2 * fj + b1];
            if (cj < 0) continue;
            const wc = wci * py.w[2 * fj + b1] * val;
            if (wc === 0) continue;
            const kc = cj * ncx + ci;
            for (let a2 = 0; a2 < 2; a2++) {
              const di = px.idx[2 * gi + a2];
              if (di < 0) continue;
              const wdi = px.w[2 * gi + a2];
              for (let b2 = 0; b2 < 2; b2++) {
                const dj = py.idx[2 * gj + b2];
                if (dj < 0) continue;
                const slot = (dj - cj + 1) * 3 + (di - ci + 1);
                ac[9 * kc + slot] += wc * wdi * py.w[2 * gj + b2];
              }
            }
          }
        }
      }
    }
  }
  return makeLevel(ncx, ncyi, cx, cy, ac);
}

/** out = A·v for a nine-point stencil level. */
function applyStencil(nx: number, nyi: number, a: Float64Array, v: Float64Array, out: Float64Array): void {
  for (let j = 0; j < nyi; j++) {
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i;
      const o = 9 * k;
      let s = a[o + 4] * v[k];
      if (i > 0) s += a[o + 3] * v[k - 1];
      if (i < nx - 1) s += a[o + 5] * v[k + 1];
      if (j > 0) {
        const kb = k - nx;
        s += a[o + 1] * v[kb];
        if (i > 0) s += a[o] * v[kb - 1];
        if (i < nx - 1) s += a[o + 2] * v[kb + 1];
      }
      if (j < nyi - 1) {
        const kt = k + nx;
        s += a[o + 7] * v[kt];
        if (i > 0) s += a[o + 6] * v[kt - 1];
        if (i < nx - 1) s += a[o + 8] * v[kt + 1];
      }
      out[k] = s;
    }
  }
}

/** One Gauss–Seidel sweep, forward (lexicographic) or backward. */
function gaussSeidel(lv: Level, forward: boolean): void {
  const { nx, nyi, a, e, rhs } = lv;
  const n = nx * nyi;
  for (let step = 0; step < n; step++) {
    const k = forward ? step : n - 1 - step;
    const j = (k / nx) | 0;
    const i = k - j * nx;
    const o = 9 * k;
    let s = rhs[k];
    if (i > 0) s -= a[o + 3] * e[k - 1];
    if (i < nx - 1) s -= a[o + 5] * e[k + 1];
    if (j > 0) {
      const kb = k - nx;
      s -= a[o + 1] * e[kb];
      if (i > 0) s -= a[o] * e[kb - 1];
      if (i < nx - 1) s -= a[o + 2] * e[kb + 1];
    }
    if (j < nyi - 1) {
      const kt = k + nx;
      s -= a[o + 7] * e[kt];
      if (i > 0) s -= a[o + 6] * e[kt - 1];
      if (i < nx - 1) s -= a[o + 8] * e[kt + 1];
    }
    e[k] = s / a[o + 4];
  }
}

function vCycle(levels: Level[], l: number): void {
  const lv = levels[l];
  if (lv.chol) {
    choleskySolve(lv.chol, lv.nx * lv.nyi, lv.rhs, lv.e);
    return;
  }
  lv.e.fill(0);
  if (l === levels.length - 1) {
    for (let s = 0; s < 50; s++) {
      gaussSeidel(lv, true);
      gaussSeidel(lv, false);
    }
    return;
  }
  gaussSeidel(lv, true);
  applyStencil(lv.nx, lv.nyi, lv.a, lv.e, lv.r);
  for (let k = 0; k < lv.r.length; k++) lv.r[k] = lv.rhs[k] - lv.r[k];
  const c = levels[l + 1];
  const { px, py } = transfers.get(lv)!;
  // restrict: rhs_c = Pᵀ r
  c.rhs.fill(0);
  for (let fj = 0; fj < lv.nyi; fj++) {
    for (let fi = 0; fi < lv.nx; fi++) {
      const rv = lv.r[fj * lv.nx + fi];
      if (rv === 0) continue;
      for (let a1 = 0; a1 < 2; a1++) {
        const ci = px.idx[2 * fi + a1];
        if (ci < 0) continue;
        for (let b1 = 0; b1 < 2; b1++) {
          const cj = py.idx[2 * fj + b1];
          if (cj < 0) continue;
          c.rhs[cj * c.nx + ci] += px.w[2 * fi + a1] * py.w[2 * fj + b1] * rv;
        }
      }
    }
  }
  vCycle(levels, l + 1);
  // prolongate and correct: e += P e_c
  for (let fj = 0; fj < lv.nyi; fj++) {
    for (let fi = 0; fi < lv.nx; fi++) {
      let s = 0;
      for (let a1 = 0; a1 < 2; a1++) {
        const ci = px.idx[2 * fi + a1];
        if (ci < 0) continue;
        for (let b1 = 0; b1 < 2; b1++) {
          const cj = py.idx[2 * fj + b1];
          if (cj < 0) continue;
          s += px.w[2 * fi + a1] * py.w[2 * fj + b1] * c.e[cj * c.nx + ci];
        }
      }
      lv.e[fj * lv.nx + fi] += s;
    }
  }
  gaussSeidel(lv, false);
}

function choleskyOfStencil(lv: Level): Float64Array {
  const n = lv.nx * lv.nyi;
  const m = new Float64Array(n * n);
  for (let j = 0; j < lv.nyi; j++) {
    for (let i = 0; i < lv.nx; i++) {
      const k = j * lv.nx + i;
      for (let s = 0; s < 9; s++) {
        const gi = i + (s % 3) - 1;
        const gj = j + Math.floor(s / 3) - 1;
        if (gi < 0 || gi >= lv.nx || gj < 0 || gj >= lv.nyi) continue;
        m[k * n + gj * lv.nx + gi] = lv.a[9 * k + s];
      }
    }
  }
  for (let j = 0; j < n; j++) {
    let d = m[j * n + j];
    for (let k = 0; k < j; k++) d -= m[j * n + k] * m[j * n + k];
    if (!(d > 0)) throw new Error(`Poisson coarse solve: matrix not positive definite (pivot ${d})`);
    const ljj = Math.sqrt(d);
    m[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = m[i * n + j];
      for (let k = 0; k < j; k++) s -= m[i * n + k] * m[j * n + k];
      m[i * n + j] = s / ljj;
    }
  }
  return m;
}

function choleskySolve(l: Float64Array, n: number, b: Float64Array, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * out[k];
    out[i] = s / l[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = out[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * out[k];
    out[i] = s / l[i * n + i];
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}

/** Bounds [lo, hi] of each node's dual cell along one axis (midpoints, clipped to the ends). */
export function computeDualCellBounds(x: Float64Array): { lo: Float64Array; hi: Float64Array } {
  const n = x.length;
  const lo = new Float64Array(n);
  const hi = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    lo[i] = i > 0 ? 0.5 * (x[i] + x[i - 1]) : x[0];
    hi[i] = i < n - 1 ? 0.5 * (x[i] + x[i + 1]) : x[n - 1];
  }
  return { lo, hi };
}

/** Nodes 0..n (n intervals) uniformly spaced on [a, b]. */
export function createUniformNodes(a: number, b: number, intervals: number): Float64Array {
  const out = new Float64Array(intervals + 1);
  for (let i = 0; i <= intervals; i++) out[i] = a + ((b - a) * i) / intervals;
  out[intervals] = b;
  return out;
}

/**
 * Nodes on [a, b] graded geometrically away from `a`: interval k has length h0·g^k with the ratio g chosen
 * so that `intervals` intervals fill the length with a first interval h0 (g = 1 if h0 = (b − a)/intervals).
 */
export function createGradedNodes(a: number, b: number, intervals: number, firstInterval: number): Float64Array {
  const length = b - a;
  if (!(firstInterval > 0) || firstInterval * intervals > length) {
    throw new InputError(`graded grid: expected a first interval in (0, ${length / intervals}], found ${firstInterval}`);
  }
  const total = (g: number): number => (Math.abs(g - 1) < 1e-12 ? firstInterval * intervals : (firstInterval * (g ** intervals - 1)) / (g - 1));
  let lo = 1;
  let hi = 2;
  while (total(hi) < length) hi *= 2;
  for (let it = 0; it < 200; it++) {
    const mid = 0.5 * (lo + hi);
    if (total(mid) < length) lo = mid;
    else hi = mid;
  }
  const g = 0.5 * (lo + hi);
  const out = new Float64Array(intervals + 1);
  out[0] = a;
  let h = firstInterval;
  for (let i = 1; i <= intervals; i++) {
    out[i] = out[i - 1] + h;
    h *= g;
  }
  // remove the bisection round-off by scaling onto [a, b]
  const scale = length / (out[intervals] - a);
  for (let i = 1; i <= intervals; i++) out[i] = a + (out[i] - a) * scale;
  out[intervals] = b;
  return out;
}

/** Bilinear interpolation of a node field at (px, py); clamps to the grid. */
export function interpolateBilinear(x: Float64Array, y: Float64Array, u: Float64Array, px: number, py: number): number {
  const i = locateInterval(x, px);
  const j = locateInterval(y, py);
  const nx = x.length;
  const tx = Math.min(1, Math.max(0, (px - x[i]) / (x[i + 1] - x[i])));
  const ty = Math.min(1, Math.max(0, (py - y[j]) / (y[j + 1] - y[j])));
  const u00 = u[j * nx + i];
  const u10 = u[j * nx + i + 1];
  const u01 = u[(j + 1) * nx + i];
  const u11 = u[(j + 1) * nx + i + 1];
  return (1 - ty) * ((1 - tx) * u00 + tx * u10) + ty * ((1 - tx) * u01 + tx * u11);
}

/** Index i with x[i] ≤ p < x[i+1], clamped to [0, n−2]. */
export function locateInterval(x: Float64Array, p: number): number {
  let lo = 0;
  let hi = x.length - 1;
  if (p <= x[0]) return 0;
  if (p >= x[hi]) return hi - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= p) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * ∂u/∂x at (px, py): second-order central differences at the nodes (one-sided at the edges), then bilinear
 * interpolation between them.
 */
export function interpolateGradientX(x: Float64Array, y: Float64Array, u: Float64Array, px: number, py: number): number {
  const i = locateInterval(x, px);
  const j = locateInterval(y, py);
  const nx = x.length;
  const d = (ii: number, jj: number): number => {
    const k = jj * nx + ii;
    if (ii === 0) return (u[k + 1] - u[k]) / (x[1] - x[0]);
    if (ii === nx - 1) return (u[k] - u[k - 1]) / (x[nx - 1] - x[nx - 2]);
    const hl = x[ii] - x[ii - 1];
    const hr = x[ii + 1] - x[ii];
    return ((u[k + 1] - u[k]) * hl * hl + (u[k] - u[k - 1]) * hr * hr) / (hl * hr * (hl + hr));
  };
  const tx = Math.min(1, Math.max(0, (px - x[i]) / (x[i + 1] - x[i])));
  const ty = Math.min(1, Math.max(0, (py - y[j]) / (y[j + 1] - y[j])));
  return (1 - ty) * ((1 - tx) * d(i, j) + tx * d(i + 1, j)) + ty * ((1 - tx) * d(i, j + 1) + tx * d(i + 1, j + 1));
}
