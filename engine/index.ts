/** liflux engine: lattices, rate models, KMC, backends, and the core types (errors, constants, RNG). */
export * from './core/errors.js';
export * from './core/constants.js';
export * from './core/rng.js';
export * from './core/progress.js';
export * from './core/nernst-einstein.js';
export * from './lattice/lattice.js';
export * from './lattice/cubic.js';
export * from './lattice/li3sb.js';
export * from './rates/rate-model.js';
export * from './rates/rates-file.js';
export * from './kmc/sum-tree.js';
export * from './kmc/kmc-ts.js';
export * from './kmc/observables.js';
export * from './kmc/ensemble.js';
export * from './backends/gpu-kernel.js';
export * from './backends/select-backend.js';
export * from './kmc/trajectory-sampler.js';
