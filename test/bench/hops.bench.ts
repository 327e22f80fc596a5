/**
 * Hop-analysis throughput: synthetic trajectory generation (KMC + thermal noise, in memory) and site assignment +
 * hop analysis, in atom-frames per second, for a 2×2×2 Li3Sb cell (95 Li + 32 Sb) and a 4×4×4 cell (767 Li + 256 Sb).
 */
import { analyzeHops } from '../../analysis/hops/hop-analysis.js';
import type { Trajectory } from '../../analysis/trajectory.js';
import { createLi3SbFrameworkSites, describeKmcTrajectory, sampleKmcTrajectory } from '../../engine/kmc/trajectory-sampler.js';
import { createLi3SbLattice } from '../../engine/lattice/li3sb.js';
import { createRateModel, evaluateRates } from '../../engine/rates/rate-model.js';

export async function bench(): Promise<void> {
  const model = createRateModel({ hopTypeNames: ['TT', 'TO', 'OT'], arrhenius: [{ nu_perS: 1e13, ea_eV: 0.1 }, { nu_perS: 1e13, ea_eV: 0.12 }, { nu_perS: 1e13, ea_eV: 0.07 }] });
  const rates = evaluateRates(model, 548);
  for (const [cells, nFrames] of [[2, 20000], [4, 2000]] as const) {
    const lattice = createLi3SbLattice({ cells });
    const framework = createLi3SbFrameworkSites(lattice);
    const dt_ps = 0.01 / Math.max(...rates.rate_perPs);
    const opts = { lattice, rates, nVacancies: 1, nFrames, frameInterval_ps: dt_ps, thermalSigma_A: 0.15, seed: 1, framework };
    const h = describeKmcTrajectory(opts);
    const pos = new Float64Array(nFrames * 3 * h.nAtoms);
    const t0 = performance.now();
    await sampleKmcTrajectory(opts, (f, _t, p) => {
      pos.set(p, f * 3 * h.nAtoms);
    });
    const t1 = performance.now();
    const cellsA = new Float64Array(9 * nFrames);
    for (let f = 0; f < nFrames; f++) cellsA.set(h.cell_A, 9 * f);
    const traj: Trajectory = {
      nAtoms: h.nAtoms, nFrames, species: h.species, positions_A: pos, cells_A: cellsA,
      time_ps: Float64Array.from({ length: nFrames }, (_, f) => f * dt_ps), step: new Float64Array(nFrames).fill(NaN),
      meta: { sourceFormat: 'bench', dt_ps, timestep_fs: null, frameStride: null, temperature_K: 548 },
    };
    const r = analyzeHops(traj, { kind: 'li3sb' });
    const t2 = performance.now();
    const nLi = h.species.filter((s) => s === 'Li').length;
    process.stdout.write(
      `li3sb ${cells}×${cells}×${cells}: ${nFrames} frames × ${h.nAtoms} atoms (${nLi} Li), ${r.n_hops_total} hops\n` +
        `  synth (KMC + noise):   ${((nFrames * h.nAtoms) / ((t1 - t0) / 1000)).toExponential(3)} atom-frames/s (${((t1 - t0) / 1000).toFixed(2)} s)\n` +
        `  hops (assign+analyse): ${((nFrames * nLi) / ((t2 - t1) / 1000)).toExponential(3)} Li-frames/s (${((t2 - t1) / 1000).toFixed(2)} s)\n`,
    );
  }
}
