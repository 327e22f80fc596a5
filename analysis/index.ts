/** liflux analysis library: ingestion to Arrow, MSD and diffusion fits, Arrhenius, hop analysis, flux model. */
export * from '../engine/index.js';
export * from './trajectory.js';
export * from './ingest/frame-source.js';
export * from './ingest/line-reader.js';
export * from './ingest/number-scan.js';
export * from './ingest/xdatcar.js';
export * from './ingest/vasprun.js';
export * from './ingest/outcar.js';
export * from './ingest/extxyz.js';
export * from './ingest/lammps-dump.js';
export * from './ingest/detect.js';
export * from './ingest/unwrap.js';
export * from './ingest/ingest.js';
export * from './ingest/arrow-schema.js';
export * from './ingest/arrow-writer.js';
export * from './ingest/arrow-reader.js';
export * from './arrhenius.js';
