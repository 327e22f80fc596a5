/** Shared helpers for the hop-analysis tests: synthetic KMC trajectories in memory or through the Arrow writer. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ArrowTrajectoryWriter } from '../../../analysis/ingest/arrow-writer.js';
import { loadTrajectory } from '../../../analysis/ingest/arrow-reader.js';
import type { Trajectory } from '../../../analysis/trajectory.js';
import { createLi3SbLattice } from '../../../engine/lattice/li3sb.js';
import type { Lattice } from '../../../engine/lattice/lattice.js';
import { createRateModel, evaluateRates, type RateModel } from '../../../engine/rates/rate-model.js';
import {
  createLi3SbFrameworkSites,
  describeKmcTrajectory,
  sampleKmcTrajectory,
  type KmcTrajectoryOptions,
  type KmcTrajectoryResult,
} from '../../../engine/kmc/trajectory-sampler.js';

/** The bundled example model (data/rates/li3sb-example.json): ν = 1e13 /s, Ea TT 0.10, TO 0.12, OT 0.07 eV → ΔE = 0.05 eV. */
export function createExampleModel(): RateModel {
  return createRateModel({
    hopTypeNames: ['TT', 'TO', 'OT'],
    arrhenius: [{ nu_perS: 1e13, ea_eV: 0.1 }, { nu_perS: 1e13, ea_eV: 0.12 }, { nu_perS: 1e13, ea_eV: 0.07 }],
  });
}

export interface SynthSetup {
  T_K: number;
  nFrames: number;
  /** Frame interval as a fraction of 1 / (largest rate). */
  kDt: number;
  seed: number | string;
  withSb?: boolean;
  sigma_A?: number;
  nVacancies?: number;
  cells?: number;
  model?: RateModel;
  recordSites?: boolean;
  /** Hop flight time in frames (default 0: instantaneous). */
  transitFrames?: number;
}

export function buildSynthOptions(s: SynthSetup): { opts: KmcTrajectoryOptions; lattice: Lattice; dt_ps: number } {
  const lattice = createLi3SbLattice({ cells: s.cells ?? 2 });
  const rates = evaluateRates(s.model ?? createExampleModel(), s.T_K);
  const dt_ps = s.kDt / Math.max(...rates.rate_perPs);
  const framework = s.withSb === false ? null : createLi3SbFrameworkSites(lattice);
  return {
    lattice,
    dt_ps,
    opts: {
      lattice, rates, nVacancies: s.nVacancies ?? 1, nFrames: s.nFrames, frameInterval_ps: dt_ps, thermalSigma_A: s.sigma_A ?? 0.15,
      seed: s.seed, framework, recordSites: s.recordSites, transit_ps: (s.transitFrames ?? 0) * dt_ps,
    },
  };
}

/** Sample into an in-memory Trajectory. */
export async function synthesizeInMemory(s: SynthSetup): Promise<{ traj: Trajectory; truth: KmcTrajectoryResult; lattice: Lattice }> {
  const { opts, lattice, dt_ps } = buildSynthOptions(s);
  const h = describeKmcTrajectory(opts);
  const pos = new Float64Array(s.nFrames * 3 * h.nAtoms);
  const truth = await sampleKmcTrajectory(opts, (f, _t, p) => {
    pos.set(p, f * 3 * h.nAtoms);
  });
  const cells = new Float64Array(9 * s.nFrames);
  for (let f = 0; f < s.nFrames; f++) cells.set(h.cell_A, 9 * f);
  const traj: Trajectory = {
    nAtoms: h.nAtoms, nFrames: s.nFrames, species: h.species, positions_A: pos, cells_A: cells,
    time_ps: Float64Array.from({ length: s.nFrames }, (_, f) => f * dt_ps), step: new Float64Array(s.nFrames).fill(NaN),
    meta: { sourceFormat: 'liflux-synth', dt_ps, timestep_fs: null, frameStride: null, temperature_K: s.T_K },
  };
  return { traj, truth, lattice };
}

/** Sample through the Arrow writer into a temporary file and read it back with loadTrajectory. */
export async function synthesizeThroughArrow(s: SynthSetup): Promise<{ traj: Trajectory; truth: KmcTrajectoryResult; lattice: Lattice; file: string }> {
  const { opts, lattice, dt_ps } = buildSynthOptions(s);
  const h = describeKmcTrajectory(opts);
  const dir = mkdtempSync(path.join(tmpdir(), 'liflux-hops-'));
  const file = path.join(dir, `synth-${s.T_K}K.arrow`);
  const writer = ArrowTrajectoryWriter.open(file, {
    nAtoms: h.nAtoms, species: h.species, atomIndex: h.species.map((_, i) => i), sourceFormat: 'liflux-synth', sourceFile: null,
    timestep_fs: null, frameStride: null, dt_ps, temperature_K: s.T_K,
  });
  const truth = await sampleKmcTrajectory(opts, (_f, t, p) => writer.writeFrame(NaN, t, h.cell_A, p));
  await writer.close();
  const { trajectory } = await loadTrajectory(file);
  return { traj: trajectory, truth, lattice, file };
}

/** |a − b| / σ. */
export function zScore(a: number, b: number, sigma: number): number {
  return Math.abs(a - b) / sigma;
}
