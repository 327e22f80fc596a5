/**
 * KMC throughput: hops (events) per second of wall-clock time.
 * 1. TS single-vacancy Li3Sb (96 sites, full tracer tracking of every Li), one core.
 * 2. gpu.js ensemble on the CPU (webasm; webgpu too when an adapter exists), one replica per thread; with ≥ 1366
 *    replicas the output grid reaches 4096 cells and gpu.js webasm splits it over worker threads.
 * 3. TS sum-tree path: fcc 32,000 sites with 1 % vacancies (320), and Li3Sb with 4 vacancies + interaction.
 */
import { createCubicLattice } from '../../engine/lattice/cubic.js';
import { createLi3SbLattice } from '../../engine/lattice/li3sb.js';
import { createUniformRateModel, evaluateRates, parseHopRates } from '../../engine/rates/rate-model.js';
import { runKmcEnsemble } from '../../engine/kmc/ensemble.js';
import { runKmcEnsembleGpu } from '../../engine/backends/gpu-kernel.js';
import { detectWebGpu } from '../../engine/backends/select-backend.js';

function line(label: string, events: number, seconds: number): void {
  process.stdout.write(`${label.padEnd(64)} ${(events / seconds).toExponential(3)} hops/s  (${events.toExponential(2)} hops in ${seconds.toFixed(2)} s)\n`);
}

export async function bench(): Promise<void> {
  const li3sb = createLi3SbLattice({ cells: 2 });
  const rates = evaluateRates(parseHopRates('TT=1e12,TO=2e12,OT=5e12', li3sb.hopTypeNames), 300);

  runKmcEnsemble({ lattice: li3sb, rates, nVacancies: 1, hops: 1e6, replicas: 1, seed: 'warm' });
  const single = runKmcEnsemble({ lattice: li3sb, rates, nVacancies: 1, hops: 3e7, replicas: 1, seed: 1 });
  line('ts    li3sb 96 sites, 1 vacancy, full tracer tracking', 3e7, single.wall_s);

  const modes: ('webasm' | 'webgpu')[] = ['webasm'];
  if (await detectWebGpu()) modes.push('webgpu');
  for (const mode of modes) {
    for (const replicas of [256, 4096]) {
      const hops = replicas > 1000 ? 10000 : 100000;
      await runKmcEnsembleGpu({ lattice: li3sb, rates, hops: 1000, replicas, seed: 'warm', mode, chunkHops: 1000 });
      const t0 = performance.now();
      await runKmcEnsembleGpu({ lattice: li3sb, rates, hops, replicas, seed: 1, mode, chunkHops: 10000 });
      line(`gpu.js ${mode} li3sb 1 vacancy, ${replicas} replicas (tagged tracer)`, hops * replicas, (performance.now() - t0) / 1000);
    }
  }

  const fcc = createCubicLattice('fcc', 20, 1);
  const fr = evaluateRates(createUniformRateModel(fcc.hopTypeNames, 1e12), 300);
  const many = runKmcEnsemble({ lattice: fcc, rates: fr, nVacancies: 320, hops: 4e6, replicas: 1, seed: 1 });
  line(`ts    fcc ${fcc.n_sites} sites, 320 vacancies (1 %), sum tree`, 4e6, many.wall_s);

  const vv = evaluateRates(parseHopRates('TT=1e12,TO=2e12,OT=5e12', li3sb.hopTypeNames, -0.05), 300);
  const four = runKmcEnsemble({ lattice: li3sb, rates: vv, nVacancies: 4, hops: 4e6, replicas: 1, seed: 1 });
  line('ts    li3sb 96 sites, 4 vacancies, V = −0.05 eV, sum tree', 4e6, four.wall_s);
}
