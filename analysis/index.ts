/** liflux analysis library: ingestion to Arrow, MSD and diffusion fits, Arrhenius, hop analysis, flux model. */
export * from '../engine/index.js';
export * from './trajectory.js';
export * from './ingest/frame-source.js';
export * from './ingest/line-reader.js';
export * from './arrhenius.js';
