/**
 * Closed-form potentials used for the near-field subtraction of the hot-spot model and as test references:
 * Gaussian charge distributions (eq 13) in free space, in 2D (a line charge, ρ per unit length) and 3D,
 * plus the image pair that makes the plane y = 0 an equipotential u = 0 (grounded).
 *
 * Scaled units: the functions return u·ε/q, i.e. the potential of unit charge with ε = 1 (2D: per unit length).
 * Multiply by q/ε (3D: V·length, 2D: V) for the potential in V.
 */

/** erf(x), W. J. Cody's rational approximations (relative error < 1e-15 over the real line). */
export function computeErf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 0.5) {
    const t = x * x;
    const p = [3.1611237438705656, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315];
    const q = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
    let num = p[4] * t;
    let den = t;
    for (let i = 0; i < 3; i++) {
      num = (num + p[i]) * t;
      den = (den + q[i]) * t;
    }
    return (x * (num + p[3])) / (den + q[3]);
  }
  return x > 0 ? 1 - computeErfc(ax) : computeErfc(ax) - 1;
}

/** erfc(x) for x ≥ 0.5 (Cody). */
function computeErfc(x: number): number {
  if (x > 26.6) return 0;
  let r: number;
  if (x <= 4) {
    const c = [0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.635138197400131, 881.952221241769, 1712.0476126340707, 2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8];
    const d = [15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334835, 4362.619090143247, 3439.3676741437216, 1230.3393548037495];
    let num = c[8] * x;
    let den = x;
    for (let i = 0; i < 7; i++) {
      num = (num + c[i]) * x;
      den = (den + d[i]) * x;
    }
    r = (num + c[7]) / (den + d[7]);
  } else {
    const p = [0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 6.587491615298378e-4, 0.016315387137302097];
    const q = [2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918];
    const z = 1 / (x * x);
    let num = p[5] * z;
    let den = z;
    for (let i = 0; i < 4; i++) {
      num = (num + p[i]) * z;
      den = (den + q[i]) * z;
    }
    r = (z * (num + p[4])) / (den + q[4]);
    r = (1 / Math.sqrt(Math.PI) - r) / x;
  }
  // exp(-x²) split to keep precision
  const xsq = Math.trunc(x * 16) / 16;
  const del = (x - xsq) * (x + xsq);
  return Math.exp(-xsq * xsq) * Math.exp(-del) * r;
}

/** Exponential integral E1(x), x > 0 (series for x ≤ 1, continued fraction beyond; ~1e-15 relative). */
export function computeExpintE1(x: number): number {
  if (!(x > 0)) return Number.POSITIVE_INFINITY;
  if (x <= 1) {
    let sum = 0;
    let term = 1;
    for (let k = 1; k < 60; k++) {
      term *= -x / k;
      const add = -term / k;
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return -0.5772156649015329 - Math.log(x) + sum;
  }
  if (x > 700) return 0;
  // modified Lentz for the continued fraction of e^x E1(x)
  let b = x + 1;
  let c = 1e300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 300; i++) {
    const an = -i * i;
    b += 2;
    d = 1 / (an * d + b);
    c = b + an / c;
    const del = c * d;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h * Math.exp(-x);
}

/**
 * 3D free-space potential of a unit Gaussian charge of width s (ε = 1) at distance r:
 * erf(r/(√2 s))/(4πr); s = 0 gives the point charge 1/(4πr).
 */
export function computeGaussianPotential3d(r: number, s: number): number {
  if (s === 0) return 1 / (4 * Math.PI * r);
  const a = r / (Math.SQRT2 * s);
  if (a < 1e-4) return (1 / (4 * Math.PI)) * Math.sqrt(2 / Math.PI) / s; // limit r → 0
  return computeErf(a) / (4 * Math.PI * r);
}

/** −d/dr of computeGaussianPotential3d (the radial field of unit charge, ε = 1). */
export function computeGaussianField3d(r: number, s: number): number {
  if (s === 0) return 1 / (4 * Math.PI * r * r);
  const a = r / (Math.SQRT2 * s);
  if (a < 1e-4) return 0;
  // enclosed charge fraction erf(a) − (2a/√π)e^{−a²}
  const enclosed = computeErf(a) - ((2 * a) / Math.sqrt(Math.PI)) * Math.exp(-a * a);
  return enclosed / (4 * Math.PI * r * r);
}

/**
 * 2D free-space potential of a unit Gaussian line charge of width s (ε = 1):
 * −(1/2π)[ln r + ½E1(r²/2s²)] (defined up to a constant that cancels in the image pair); s = 0: −ln r/2π.
 */
export function computeGaussianPotential2d(r: number, s: number): number {
  if (s === 0) return -Math.log(r) / (2 * Math.PI);
  const a = (r * r) / (2 * s * s);
  if (a < 1e-8) return -(Math.log(s * Math.SQRT2) - 0.5 * 0.5772156649015329) / (2 * Math.PI); // r → 0 limit
  return -(Math.log(r) + 0.5 * computeExpintE1(a)) / (2 * Math.PI);
}

/** −d/dr of computeGaussianPotential2d: (1 − e^{−r²/2s²})/(2πr). */
export function computeGaussianField2d(r: number, s: number): number {
  if (s === 0) return 1 / (2 * Math.PI * r);
  const a = (r * r) / (2 * s * s);
  if (a < 1e-8) return 0;
  return -Math.expm1(-a) / (2 * Math.PI * r);
}

export type GreenGeometry = '2d' | 'axisymmetric';

/**
 * Potential (ε = 1, unit charge) at (x, y) of a Gaussian charge at (0, y0) and its negative image at
 * (0, −y0): zero on the plane y = 0. For 'axisymmetric', x is the radius r.
 */
export function computeImagePairPotential(geometry: GreenGeometry, x: number, y: number, y0: number, s: number): number {
  const r1 = Math.hypot(x, y - y0);
  const r2 = Math.hypot(x, y + y0);
  return geometry === '2d'
    ? computeGaussianPotential2d(r1, s) - computeGaussianPotential2d(r2, s)
    : computeGaussianPotential3d(r1, s) - computeGaussianPotential3d(r2, s);
}

/** Gradient (∂u/∂x, ∂u/∂y) of computeImagePairPotential. */
export function computeImagePairGradient(geometry: GreenGeometry, x: number, y: number, y0: number, s: number): [number, number] {
  const dx1 = x;
  const dy1 = y - y0;
  const dy2 = y + y0;
  const r1 = Math.hypot(dx1, dy1);
  const r2 = Math.hypot(dx1, dy2);
  const e1 = geometry === '2d' ? computeGaussianField2d(r1, s) : computeGaussianField3d(r1, s);
  const e2 = geometry === '2d' ? computeGaussianField2d(r2, s) : computeGaussianField3d(r2, s);
  // u = g(r1) − g(r2); ∂u/∂x = g'(r1)·x/r1 − g'(r2)·x/r2 with g' = −e
  const gx = (r1 > 0 ? (-e1 * dx1) / r1 : 0) - (r2 > 0 ? (-e2 * dx1) / r2 : 0);
  const gy = (r1 > 0 ? (-e1 * dy1) / r1 : 0) - (r2 > 0 ? (-e2 * dy2) / r2 : 0);
  return [gx, gy];
}

/** Gaussian charge density of unit charge (ε = 1) at distance r: 2D (eq 13) or 3D. */
export function computeGaussianDensity(geometry: GreenGeometry, r: number, s: number): number {
  return geometry === '2d'
    ? Math.exp((-r * r) / (2 * s * s)) / (2 * Math.PI * s * s)
    : Math.exp((-r * r) / (2 * s * s)) / ((2 * Math.PI) ** 1.5 * s * s * s);
}

/**
 * A unit Gaussian charge (width s) at (0, y0) integrated exactly over the dual cells of a node grid,
 * ∫∫ ρ·κ dx dy per node (κ = 1 for '2d' on x ≥ 0 — the half plane, the symmetric half-domain; κ = r for
 * 'axisymmetric', without the 2π), restricted to the grid (the part below y = 0 is cut off, as when the Gaussian
 * is put on a mesh of the domain). Sums to ½·(fraction inside) for '2d' and 1/(2π)·(fraction inside) for
 * 'axisymmetric'.
 */
export function integrateGaussianOverCells(
  geometry: GreenGeometry,
  xLo: Float64Array,
  xHi: Float64Array,
  yLo: Float64Array,
  yHi: Float64Array,
  y0: number,
  s: number,
): Float64Array {
  const nx = xLo.length;
  const ny = yLo.length;
  const fx = new Float64Array(nx);
  const fy = new Float64Array(ny);
  const c = Math.SQRT2 * s;
  for (let j = 0; j < ny; j++) fy[j] = 0.5 * (computeErf((yHi[j] - y0) / c) - computeErf((yLo[j] - y0) / c));
  for (let i = 0; i < nx; i++) {
    if (geometry === '2d') {
      fx[i] = 0.5 * (computeErf(xHi[i] / c) - computeErf(xLo[i] / c)); // ∫ e^{−x²/2s²}/(√(2π) s) dx
    } else {
      // ∫ r e^{−r²/2s²} dr / (2π s²) = (e^{−lo²/2s²} − e^{−hi²/2s²}) / (2π)
      fx[i] = (Math.exp((-xLo[i] * xLo[i]) / (2 * s * s)) - Math.exp((-xHi[i] * xHi[i]) / (2 * s * s))) / (2 * Math.PI);
    }
  }
  const out = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) out[j * nx + i] = fx[i] * fy[j];
  return out;
}
