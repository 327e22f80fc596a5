/** liflux engine: lattices, rate models, KMC, backends, and the core types (errors, constants, RNG). */
export * from './core/errors.js';
export * from './core/constants.js';
export * from './core/rng.js';
export * from './core/progress.js';
export * from './core/nernst-einstein.js';
