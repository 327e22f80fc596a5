import { describe, expect, it } from 'vitest';
import { computeGaussianDensity, computeImagePairGradient, computeImagePairPotential } from '../../../analysis/flux/green.js';
import type { PoissonGeometry } from '../../../analysis/flux/poisson.js';
import { createGradedNodes, createUniformNodes, interpolateGradientX, solvePoisson } from '../../../analysis/flux/poisson.js';

const geometries: PoissonGeometry[] = ['2d', 'axisymmetric'];

/**
 * A Gaussian charge (width s) at (0, y0) above the grounded plane y = 0, with its image: the closed-form
 * potential is imposed on the top (Dirichlet) and its normal derivative on the sides (Neumann); the solver must
 * reproduce it inside. Returns the max nodal error.
 */
function solveImagePair(geometry: PoissonGeometry, x: Float64Array, y: Float64Array, y0: number, s: number) {
  const nx = x.length;
  const ny = y.length;
  const source = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      source[j * nx + i] = computeGaussianDensity(geometry, Math.hypot(x[i], y[j] - y0), s) - computeGaussianDensity(geometry, Math.hypot(x[i], y[j] + y0), s);
    }
  }
  const bottom = new Float64Array(nx);
  const top = new Float64Array(nx);
  for (let i = 0; i < nx; i++) {
    bottom[i] = computeImagePairPotential(geometry, x[i], y[0], y0, s);
    top[i] = computeImagePairPotential(geometry, x[i], y[ny - 1], y0, s);
  }
  const leftFlux = new Float64Array(ny);
  const rightFlux = new Float64Array(ny);
  for (let j = 0; j < ny; j++) {
    leftFlux[j] = -computeImagePairGradient(geometry, x[0], y[j], y0, s)[0];
    rightFlux[j] = computeImagePairGradient(geometry, x[nx - 1], y[j], y0, s)[0];
  }
  const res = solvePoisson({ geometry, x, y, source, bottom, top, leftFlux, rightFlux });
  let err = 0;
  let scale = 0;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const exact = computeImagePairPotential(geometry, x[i], y[j], y0, s);
      err = Math.max(err, Math.abs(res.u[j * nx + i] - exact));
      scale = Math.max(scale, Math.abs(exact));
    }
  }
  return { err: err / scale, res };
}

describe('solvePoisson', () => {
  for (const geometry of geometries) {
    it(`reproduces a uniform field exactly (${geometry}, analytic: u = V·y/H)`, () => {
      const x = geometry === '2d' ? createUniformNodes(-2, 2, 64) : createUniformNodes(0, 2, 64);
      const y = createGradedNodes(0, 3, 64, 0.005);
      const nx = x.length;
      const res = solvePoisson({ geometry, x, y, bottom: new Float64Array(nx), top: new Float64Array(nx).fill(1.7) });
      let err = 0;
      for (let j = 0; j < y.length; j++) for (let i = 0; i < nx; i++) err = Math.max(err, Math.abs(res.u[j * nx + i] - (1.7 * y[j]) / 3));
      expect(err).toBeLessThan(1e-9);
      expect(res.relResidual).toBeLessThan(1e-10);
      // the lateral field of a uniform vertical field is zero
      expect(Math.abs(interpolateGradientX(x, y, res.u, 1.5, 1.0))).toBeLessThan(1e-9);
    });

    it(`converges at second order to a Gaussian charge with its image below a grounded plane (${geometry})`, () => {
      const errors: number[] = [];
      for (const n of [16, 32, 64, 128]) {
        const x = geometry === '2d' ? createUniformNodes(-1, 1, n) : createUniformNodes(0, 1, n);
        const y = createUniformNodes(0, 1, n);
        const { err, res } = solveImagePair(geometry, x, y, 0.3, 0.08);
        expect(res.relResidual).toBeLessThan(1e-10);
        errors.push(err);
      }
      const orders = errors.slice(1).map((e, k) => Math.log2(errors[k] / e));
      // second-order scheme: the observed order approaches 2 once the Gaussian (s = 0.08) is resolved
      expect(orders[orders.length - 1]).toBeGreaterThan(1.9);
      expect(orders[orders.length - 1]).toBeLessThan(2.1);
      expect(errors[errors.length - 1]).toBeLessThan(2e-3);
    });
  }

  it('handles a graded mesh: refinement towards the charge lowers the error at equal node count', () => {
    const n = 64;
    const y0 = 0.1;
    const s = 0.03;
    const uniform = solveImagePair('axisymmetric', createUniformNodes(0, 1, n), createUniformNodes(0, 1, n), y0, s);
    const graded = solveImagePair('axisymmetric', createGradedNodes(0, 1, n, 0.004), createGradedNodes(0, 1, n, 0.004), y0, s);
    expect(graded.res.relResidual).toBeLessThan(1e-10);
    expect(graded.err).toBeLessThan(uniform.err / 2);
  });

  it('multigrid-preconditioned CG needs a grid-independent number of iterations (≤ 20) on uniform grids', () => {
    const its: number[] = [];
    for (const n of [64, 256]) {
      const x = createUniformNodes(0, 4, n);
      const y = createUniformNodes(0, 8, n);
      const { res } = solveImagePair('axisymmetric', x, y, 0.5, 0.2);
      its.push(res.iterations);
      expect(res.levels).toBeGreaterThanOrEqual(3);
    }
    expect(Math.max(...its)).toBeLessThanOrEqual(20);
  });

  it('agrees with Jacobi-preconditioned CG (same linear system)', () => {
    const x = createUniformNodes(0, 1, 32);
    const y = createUniformNodes(0, 1, 32);
    const nx = x.length;
    const top = new Float64Array(nx).map((_, i) => Math.cos(x[i]));
    const a = solvePoisson({ geometry: 'axisymmetric', x, y, bottom: new Float64Array(nx), top });
    const b = solvePoisson({ geometry: 'axisymmetric', x, y, bottom: new Float64Array(nx), top }, { multigrid: false, maxIterations: 5000 });
    let d = 0;
    for (let k = 0; k < a.u.length; k++) d = Math.max(d, Math.abs(a.u[k] - b.u[k]));
    expect(d).toBeLessThan(1e-8);
  });

  it('rejects bad grids and inputs with messages', () => {
    const x = createUniformNodes(0, 1, 8);
    const y = createUniformNodes(0, 1, 8);
    const z = new Float64Array(9);
    expect(() => solvePoisson({ geometry: '2d', x: Float64Array.from([0, 1, 1, 2]), y, bottom: new Float64Array(4), top: new Float64Array(4) })).toThrow(
      /expected strictly increasing x nodes, found x\[2\] = 1 after 1/,
    );
    expect(() => solvePoisson({ geometry: 'axisymmetric', x: createUniformNodes(0.5, 1, 8), y, bottom: z, top: z })).toThrow(/expected r nodes starting at 0.*found r\[0\] = 0.5/);
    expect(() => solvePoisson({ geometry: '2d', x, y, bottom: new Float64Array(3), top: z })).toThrow(/Poisson bottom: expected 9 values, found 3/);
    expect(() => solvePoisson({ geometry: '2d', x: Float64Array.from([0]), y, bottom: z, top: z })).toThrow(/expected at least 2 × 3 nodes, found 1 × 9/);
    expect(() => solvePoisson({ geometry: 'polar' as PoissonGeometry, x, y, bottom: z, top: z })).toThrow(/expected geometry 2d or axisymmetric, found "polar"/);
    expect(() => createGradedNodes(0, 1, 10, 0.5)).toThrow(/graded grid: expected a first interval in \(0, 0.1\], found 0.5/);
  });
});
