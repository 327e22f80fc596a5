/**
 * `liflux synth`: a clearly-labelled SYNTHETIC, MD-like trajectory from liflux's own lattice KMC (lattice positions
 * plus Gaussian thermal displacements; engine/kmc/trajectory-sampler.ts), for validating `liflux hops` and for the
 * bundled demo. Not molecular dynamics. Written as a liflux Arrow file (metadata `liflux.synthetic` records the
 * generator, rate model and seed; source format `liflux-synth`) or as VASP XDATCAR text (`.gz` compressed when
 * the name ends in .gz; the comment line says it is synthetic — XDATCAR has no time axis, so analyse it with
 * `--timestep-fs <frame interval in fs> --nblock 1`).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip, type Gzip } from 'node:zlib';
import type { Argv, CommandModule } from 'yargs';
import { ArrowTrajectoryWriter } from '../analysis/ingest/arrow-writer.js';
import { InputError } from '../engine/core/errors.js';
import { createLi3SbLattice, LI3SB_LATTICE_CONSTANT_A } from '../engine/lattice/li3sb.js';
import { evaluateRates, parseHopRates, type RateModel } from '../engine/rates/rate-model.js';
import { readRatesFile, selectRateModel } from '../engine/rates/rates-file.js';
import {
  createLi3SbFrameworkSites,
  describeKmcTrajectory,
  sampleKmcTrajectory,
  type KmcTrajectoryOptions,
  type KmcTrajectoryResult,
} from '../engine/kmc/trajectory-sampler.js';
import { DEFAULT_RATES_PATH } from './kmc.js';
import { createProgress, fmt, formatTable, printJson, writeAtomically, type GlobalOptions } from './output.js';

export interface SynthArgs extends GlobalOptions {
  lattice: string;
  cells: number;
  a?: number;
  vacancies: number;
  T: number;
  frames: number;
  'frame-interval-ps': number;
  'thermal-sigma-A': number;
  'equilibration-hops'?: number;
  'transit-ps': number;
  seed: string;
  rates?: string;
  'hop-rates'?: string;
  'with-sb': boolean;
  output: string;
  decimals: number;
}

/** Output kind from the file name: Arrow, or XDATCAR text (optionally gzipped). */
export function detectSynthOutput(path: string): { kind: 'arrow' | 'xdatcar'; gzip: boolean } {
  const base = path.toLowerCase();
  if (base.endsWith('.arrow')) return { kind: 'arrow', gzip: false };
  const gzip = base.endsWith('.gz');
  const stem = gzip ? base.slice(0, -3) : base;
  if (/xdatcar[^/]*$/.test(stem)) return { kind: 'xdatcar', gzip };
  throw new InputError(`-o: expected a file name ending in .arrow, or containing XDATCAR (optionally .gz), found ${path}`);
}

/** Streams XDATCAR text to a file (through gzip when asked), honouring back-pressure. */
class XdatcarTextWriter {
  private readonly file: WriteStream;
  private readonly sink: WriteStream | Gzip;
  private readonly inv: number[];
  constructor(path: string, gzip: boolean, private readonly header: string, cell: Float64Array, private readonly decimals: number) {
    this.file = createWriteStream(path);
    if (gzip) {
      const z = createGzip({ level: 9 });
      z.pipe(this.file);
      this.sink = z;
    } else this.sink = this.file;
    this.inv = [1 / cell[0], 1 / cell[4], 1 / cell[8]];
  }
  async writeFrame(frame: number, positions: Float64Array): Promise<void> {
    const n = positions.length / 3;
    let s = frame === 0 ? this.header : '';
    s += `Direct configuration=${String(frame + 1).padStart(6)}\n`;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < 3; k++) {
        let f = positions[3 * i + k] * this.inv[k];
        f -= Math.floor(f);
        const txt = f.toFixed(this.decimals);
        s += ` ${txt === (1).toFixed(this.decimals) ? (0).toFixed(this.decimals) : txt}`;
      }
      s += '\n';
    }
    if (!this.sink.write(s)) await once(this.sink, 'drain');
  }
  async close(): Promise<void> {
    this.sink.end();
    if (this.sink !== this.file) await once(this.file, 'finish');
    else await once(this.file, 'finish');
  }
  destroy(): void {
    this.sink.destroy();
    this.file.destroy();
  }
}

function xdatcarHeader(comment: string, cell: Float64Array, species: string[]): string {
  const names: string[] = [];
  const counts: number[] = [];
  for (const s of species) {
    if (names[names.length - 1] === s) counts[counts.length - 1]++;
    else {
      names.push(s);
      counts.push(1);
    }
  }
  const row = (r: number) => `  ${[0, 1, 2].map((k) => cell[3 * r + k].toFixed(10).padStart(16)).join(' ')}\n`;
  return `${comment}\n           1\n${row(0)}${row(1)}${row(2)}  ${names.map((n) => n.padStart(4)).join('')}\n  ${counts.map((c) => String(c).padStart(4)).join('')}\n`;
}

export const synthCommand: CommandModule<GlobalOptions, SynthArgs> = {
  command: 'synth',
  describe: 'SYNTHETIC MD-like trajectory from the lattice KMC (lattice positions + Gaussian thermal noise) for validating `liflux hops` and for demos',
  builder: (y) =>
    y
      .option('lattice', { type: 'string', choices: ['li3sb'], default: 'li3sb', description: 'Lattice (unitless name; li3sb: Fm-3m 8c/4b Li sites)' })
      .option('cells', { type: 'number', default: 2, description: 'Conventional cubic cells per edge, cells' })
      .option('a', { type: 'number', description: 'Lattice constant, Å (default 6.5445 Å or the rates file value)' })
      .option('vacancies', { type: 'number', default: 1, description: 'Li vacancies, count' })
      .option('T', { type: 'number', demandOption: true, description: 'Temperature, K (rates evaluated there; recorded in the file)' })
      .option('frames', { type: 'number', demandOption: true, description: 'Stored frames, frames' })
      .option('frame-interval-ps', { type: 'number', demandOption: true, description: 'Time between stored frames, ps' })
      .option('thermal-sigma-A', { type: 'number', default: 0.15, description: 'Gaussian thermal displacement per Cartesian component, Å (standard deviation; 0 = exact sites)' })
      .option('transit-ps', { type: 'number', default: 0, description: 'Flight time of a hop, ps: frames inside it show the Li between sites (0 = instantaneous hops)' })
      .option('equilibration-hops', { type: 'number', description: 'KMC hops discarded before frame 0, hops (default 20 per site)' })
      .option('seed', { type: 'string', default: '1', description: 'Random seed (any string; unitless)' })
      .option('rates', { type: 'string', description: 'Rates JSON file (path; schema liflux-rates/1); default data/rates/li3sb-example.json' })
      .option('hop-rates', { type: 'string', description: 'Direct rates per hop type, 1/s, e.g. TT=1e12,TO=1e12,OT=2e12' })
      .option('with-sb', { type: 'boolean', default: false, description: 'Include the Sb framework atoms at the 4a sites (unitless flag)' })
      .option('decimals', { type: 'number', default: 6, description: 'XDATCAR: decimals of the fractional coordinates, digits' })
      .option('output', { alias: 'o', type: 'string', demandOption: true, description: 'Output file (path): .arrow, or a name containing XDATCAR (.gz: gzipped)' })
      .option('overwrite', { type: 'boolean', default: false, description: 'Replace an existing output file (unitless flag)' }) as Argv<SynthArgs>,
  handler: async (args) => {
    const out = detectSynthOutput(args.output);
    if (args.rates !== undefined && args['hop-rates'] !== undefined) throw new InputError('expected one of --rates or --hop-rates, found both');
    if (!Number.isInteger(args.decimals) || args.decimals < 3 || args.decimals > 12) throw new InputError(`--decimals: expected an integer from 3 to 12, found ${args.decimals}`);
    const names = ['TT', 'TO', 'OT'];
    let model: RateModel;
    let ratesSource: string;
    let a_A = args.a ?? LI3SB_LATTICE_CONSTANT_A;
    if (args['hop-rates'] !== undefined) {
      model = parseHopRates(args['hop-rates'], names);
      ratesSource = `--hop-rates ${args['hop-rates']}`;
    } else {
      const path = args.rates ?? DEFAULT_RATES_PATH;
      const file = readRatesFile(path, names);
      model = selectRateModel(file, args.T, path);
      ratesSource = path;
      a_A = args.a ?? file.lattice_constant_A ?? LI3SB_LATTICE_CONSTANT_A;
    }
    const rates = evaluateRates(model, args.T);
    const lattice = createLi3SbLattice({ cells: args.cells, a_A });
    const framework = args['with-sb'] ? createLi3SbFrameworkSites(lattice) : null;
    const opts: KmcTrajectoryOptions = {
      lattice, rates, nVacancies: args.vacancies, nFrames: args.frames, frameInterval_ps: args['frame-interval-ps'],
      thermalSigma_A: args['thermal-sigma-A'], equilibrationHops: args['equilibration-hops'], seed: args.seed, framework, transit_ps: args['transit-ps'],
    };
    const ratesPerS = Object.fromEntries(names.map((n, i) => [n, rates.rate_perPs[i] * 1e12]));
    const provenance = {
      synthetic: true,
      generator: 'liflux synth (lattice KMC, engine/kmc/trajectory-sampler.ts): instantaneous hops + independent Gaussian thermal displacements; NOT molecular dynamics',
      lattice: 'li3sb', cells: args.cells, lattice_constant_A: a_A, n_vacancies: args.vacancies, T_K: args.T,
      frame_interval_ps: args['frame-interval-ps'], thermal_sigma_A: args['thermal-sigma-A'], transit_ps: args['transit-ps'], seed: args.seed,
      rates_source: ratesSource, rates_perS: ratesPerS, site_energy_O_minus_T_eV: model.siteEnergy_O_minus_T_eV,
      arrhenius: model.arrhenius, with_sb: args['with-sb'],
    };
    const header = describeKmcTrajectory(opts);
    const progress = createProgress('synth', args);
    const ac = new AbortController();
    const onSigint = () => ac.abort();
    process.once('SIGINT', onSigint);
    let result!: KmcTrajectoryResult;
    try {
      await writeAtomically(args.output, async (tmp) => {
        if (out.kind === 'arrow') {
          const writer = ArrowTrajectoryWriter.open(tmp, {
            nAtoms: header.nAtoms, species: header.species, atomIndex: header.species.map((_, i) => i), sourceFormat: 'liflux-synth',
            sourceFile: null, timestep_fs: null, frameStride: null, dt_ps: args['frame-interval-ps'], temperature_K: args.T,
          });
          // The file writer serialises the schema (with its metadata) in the footer at close: record the provenance there.
          writer.schema.metadata.set('liflux.synthetic', JSON.stringify(provenance));
          try {
            result = await sampleKmcTrajectory(opts, (_f, t, p) => writer.writeFrame(NaN, t, header.cell_A, p), { onProgress: progress.onProgress, signal: ac.signal });
            await writer.close();
          } catch (err) {
            await writer.abort();
            throw err;
          }
        } else {
          const comment = `SYNTHETIC liflux-synth KMC Li3Sb (not MD) T=${args.T}K dt=${args['frame-interval-ps']}ps seed=${args.seed} sigma=${args['thermal-sigma-A']}A rates=${names.map((n) => `${n}:${ratesPerS[n].toExponential(4)}`).join(',')}/s`;
          const writer = new XdatcarTextWriter(tmp, out.gzip, xdatcarHeader(comment, header.cell_A, header.species), header.cell_A, args.decimals);
          try {
            result = await sampleKmcTrajectory(opts, (f, _t, p) => writer.writeFrame(f, p), { onProgress: progress.onProgress, signal: ac.signal });
            await writer.close();
          } catch (err) {
            writer.destroy();
            throw err;
          }
        }
      }, args.overwrite);
    } finally {
      progress.stop();
      process.off('SIGINT', onSigint);
    }
    const realised = Object.fromEntries(names.map((n, i) => [n, result.pairTimeByType_ps[i] > 0 ? (result.hopsByType[i] / result.pairTimeByType_ps[i]) * 1e12 : null]));
    const payload = {
      output: args.output,
      format: out.kind === 'arrow' ? 'arrow' : out.gzip ? 'xdatcar.gz' : 'xdatcar',
      ...provenance,
      n_frames: result.nFrames,
      n_atoms: result.nAtoms,
      n_li: result.n_li,
      duration_ps: result.duration_ps,
      hops_by_type: Object.fromEntries(names.map((n, i) => [n, result.hopsByType[i]])),
      exposure_pair_ps: Object.fromEntries(names.map((n, i) => [n, result.pairTimeByType_ps[i]])),
      realised_rates_perS: realised,
      vacancy_fraction_by_site_type: Object.fromEntries(lattice.siteTypeNames.map((n, t) => [n, result.vacancyTimeByType_ps[t] / (result.duration_ps * result.n_vacancies)])),
      analyse_with: out.kind === 'xdatcar' ? `--timestep-fs ${args['frame-interval-ps'] * 1000} --nblock 1 --temperature ${args.T}` : `--temperature ${args.T} (recorded in the file)`,
    };
    if (args.json) printJson(payload);
    else {
      const rows = names.map((n, i) => [n, fmt(ratesPerS[n]), result.hopsByType[i], fmt(realised[n])]);
      process.stdout.write(
        `SYNTHETIC trajectory (liflux KMC, not MD) → ${args.output}: ${result.nFrames} frames × ${fmt(args['frame-interval-ps'])} ps, ${result.n_li} Li, ${args.vacancies} vacanc${args.vacancies === 1 ? 'y' : 'ies'}${args['with-sb'] ? ', Sb framework' : ''}, T ${args.T} K, σ ${args['thermal-sigma-A']} Å, seed ${args.seed}\n` +
          `${formatTable(['hop', 'input_rate_perS', 'hops', 'realised_rate_perS'], rows)}\nanalyse with: ${payload.analyse_with}\n`,
      );
    }
  },
};
