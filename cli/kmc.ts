/**
 * `liflux kmc`: lattice KMC of Li vacancy hopping (Li3Sb, or sc/bcc/fcc for validation), one temperature or a
 * sweep with an Arrhenius fit; `liflux kmc compare`: 1- and 4-vacancy models with and without interaction side
 * by side with the paper's MD activation energies. Parses options, calls the engine, formats output.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Argv, CommandModule } from 'yargs';
import { fitArrhenius } from '../analysis/arrhenius.js';
import { InputError } from '../engine/core/errors.js';
import { createCubicLattice, type CubicKind } from '../engine/lattice/cubic.js';
import { createLi3SbLattice, LI3SB_LATTICE_CONSTANT_A } from '../engine/lattice/li3sb.js';
import type { Lattice } from '../engine/lattice/lattice.js';
import { createRateModel, createUniformRateModel, evaluateRates, parseHopRates, type RateModel } from '../engine/rates/rate-model.js';
import { readRatesFile, selectRateModel, type RatesFileResult } from '../engine/rates/rates-file.js';
import type { VacancyPlacement } from '../engine/kmc/kmc-ts.js';
import type { KmcEnsembleOptions } from '../engine/kmc/ensemble.js';
import { isGpuCapable, runKmcEnsembleOnBackend, selectKmcBackend, type BackendRequest } from '../engine/backends/select-backend.js';
import { createProgress, fmt, formatTable, printJson, writeFileAtomically, type GlobalOptions } from './output.js';

/** The paper's MD activation energies of Li diffusion in Li3Sb, eV (1 and 4 vacancies per 2×2×2 cell). */
const PAPER_MD_EA_eV = { oneVacancy: 0.0996, fourVacancies: 0.1537 };

const here = dirname(fileURLToPath(import.meta.url));
/** The bundled example rates (repo data/, two levels up from dist/cli). */
export const DEFAULT_RATES_PATH = resolve(here, '..', '..', 'data', 'rates', 'li3sb-example.json');

export interface KmcArgs extends GlobalOptions {
  action?: string;
  lattice: string;
  cells: number;
  a?: number;
  vacancies: number;
  place: string;
  T: string;
  hops: number;
  replicas: number;
  seed: string;
  rates?: string;
  'hop-rates'?: string;
  vv?: number;
  backend: string;
  chunk: number;
  output?: string;
}

function parseTemperatures(text: string): number[] {
  const list = String(text).split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (list.length === 0 || list.some((t) => !(t > 0) || !Number.isFinite(t))) {
    throw new InputError(`--T: expected positive temperatures in K separated by commas, found ${JSON.stringify(text)}`);
  }
  return list;
}

function buildLatticeFromArgs(args: KmcArgs, ratesFile: RatesFileResult | null): Lattice {
  if (args.lattice === 'li3sb') return createLi3SbLattice({ cells: args.cells, a_A: args.a ?? ratesFile?.lattice_constant_A ?? LI3SB_LATTICE_CONSTANT_A });
  return createCubicLattice(args.lattice as CubicKind, args.cells, args.a ?? 1);
}

function resolveRates(args: KmcArgs, lattice: Lattice): { file: RatesFileResult | null; fixed: RateModel | null; source: string } {
  if (args.rates !== undefined && args['hop-rates'] !== undefined) throw new InputError('expected one of --rates or --hop-rates, found both');
  if (args['hop-rates'] !== undefined) return { file: null, fixed: parseHopRates(args['hop-rates'], lattice.hopTypeNames, args.vv ?? 0), source: '--hop-rates' };
  if (args.rates !== undefined || lattice.name === 'li3sb') {
    const path = args.rates ?? DEFAULT_RATES_PATH;
    return { file: readRatesFile(path, lattice.hopTypeNames), fixed: null, source: path };
  }
  return { file: null, fixed: createUniformRateModel(lattice.hopTypeNames, 1e12, args.vv ?? 0), source: 'uniform 1e12 1/s' };
}

function modelAt(r: ReturnType<typeof resolveRates>, T_K: number, vv: number | undefined): RateModel {
  const m = r.fixed ?? selectRateModel(r.file!, T_K, r.source);
  if (vv === undefined || vv === m.vvInteraction_eV) return m;
  return createRateModel({
    hopTypeNames: m.hopTypeNames,
    arrhenius: m.arrhenius ?? undefined,
    directRates_perS: m.directRates_perS ?? undefined,
    directRates_T_K: m.directRates_T_K,
    siteEnergy_O_minus_T_eV: m.siteEnergy_O_minus_T_eV,
    vvInteraction_eV: vv,
    provenance: m.provenance,
  });
}

function parsePlacement(place: string, lattice: Lattice): VacancyPlacement {
  if (place === 'random') return 'random';
  const t = lattice.siteTypeNames.indexOf(place);
  if (t < 0) throw new InputError(`--place: expected random or a site type among ${lattice.siteTypeNames.join(', ')}, found ${JSON.stringify(place)}`);
  return t;
}

function parseVacancies(v: number, lattice: Lattice): number {
  if (!(v > 0) || !Number.isFinite(v)) throw new InputError(`--vacancies: expected a positive count or a fraction below 1, found ${v}`);
  if (v < 1) return Math.max(1, Math.round(v * lattice.n_sites));
  if (!Number.isInteger(v)) throw new InputError(`--vacancies: expected an integer count (or a fraction below 1), found ${v}`);
  return v;
}

export interface RunSpec {
  nVacancies: number;
  vv: number | undefined;
  label: string;
}

/** Run one vacancy model at each temperature (Arrhenius fit of D* when ≥ 2 temperatures). */
export async function runSweep(args: KmcArgs, spec: RunSpec, temps: number[], progressLabel: string) {
  const ratesInfo = resolveRates(args, { name: args.lattice, hopTypeNames: args.lattice === 'li3sb' ? ['TT', 'TO', 'OT'] : ['AA'] } as Lattice);
  const lattice = buildLatticeFromArgs(args, ratesInfo.file);
  const nVacancies = parseVacancies(spec.nVacancies, lattice);
  const placement = parsePlacement(args.place, lattice);
  const hops = Math.round(Number(args.hops));
  const results = [];
  let backendName = '';
  let backendReason = '';
  let wall = 0;
  let totalHops = 0;
  for (const T_K of temps) {
    const rates = evaluateRates(modelAt(ratesInfo, T_K, spec.vv), T_K);
    const opts: KmcEnsembleOptions = { lattice, rates, nVacancies, placement, hops, replicas: args.replicas, seed: args.seed };
    const choice = await selectKmcBackend(args.backend as BackendRequest, isGpuCapable(opts));
    if (args.backend === 'gpu' && choice.backend === 'ts') throw new InputError(`--backend gpu: ${choice.reason}; found ${nVacancies} vacancies${rates.vvInteraction_eV !== 0 ? ' with interaction' : ''} (use --backend ts or auto)`);
    backendName = choice.backend;
    backendReason = choice.reason;
    const progress = createProgress(`${progressLabel} ${T_K} K`, args);
    const ac = new AbortController();
    const onSigint = () => ac.abort();
    process.once('SIGINT', onSigint);
    try {
      const res = await runKmcEnsembleOnBackend(opts, choice.backend, { onProgress: progress.onProgress, signal: ac.signal }, args.chunk);
      if (res.fallbackReason !== undefined) {
        backendName = res.backend;
        backendReason = `fell back: ${res.fallbackReason}`;
      }
      wall += res.wall_s;
      totalHops += hops * args.replicas;
      results.push({ ...res.observables, backend: res.backend, hops_per_second: res.hops_per_second, wall_s: res.wall_s });
    } finally {
      progress.stop();
      process.off('SIGINT', onSigint);
    }
  }
  let arrhenius = null;
  if (temps.length >= 2) {
    const fit = fitArrhenius(results.map((r) => ({ T_K: r.T_K, value: r.D_tracer_cm2PerS, value_err: r.D_tracer_err_cm2PerS })));
    arrhenius = { quantity: 'D_tracer_cm2PerS', ea_eV: fit.ea_eV, ea_err_eV: fit.ea_err_eV, prefactor_cm2PerS: fit.prefactor, prefactor_err_cm2PerS: fit.prefactor_err, chi2_reduced: fit.chi2_reduced };
  }
  return { lattice, nVacancies, rates_source: ratesInfo.source, backend: backendName, backend_reason: backendReason, results, arrhenius, wall_s: wall, hops_per_second: totalHops / wall, label: spec.label };
}

function flatten(run: Awaited<ReturnType<typeof runSweep>>, args: KmcArgs) {
  const first = run.results[0];
  const base = {
    backend: run.backend,
    backend_reason: run.backend_reason,
    lattice: run.lattice.name,
    cells: args.cells,
    lattice_constant_A: run.lattice.gridSpacing_A * (run.lattice.name === 'li3sb' ? 4 : run.lattice.name === 'sc' ? 1 : 2),
    rates_source: run.rates_source,
    seed: args.seed,
    n_sites: run.lattice.n_sites,
    n_vacancies: run.nVacancies,
    hops: first.hops,
    replicas: first.replicas,
    hops_per_second: run.hops_per_second,
    wall_s: run.wall_s,
  };
  if (run.results.length === 1) {
    const { backend: _b, hops_per_second: _h, wall_s: _w, ...obs } = first;
    void _b; void _h; void _w;
    return { ...base, ...obs };
  }
  return { ...base, T_K: run.results.map((r) => r.T_K), results: run.results, arrhenius: run.arrhenius };
}

function formatRun(run: Awaited<ReturnType<typeof runSweep>>): string {
  const rows = run.results.map((r) => [
    r.T_K, fmt(r.D_tracer_cm2PerS), fmt(r.D_tracer_err_cm2PerS, 2), fmt(r.D_vacancy_cm2PerS), fmt(r.D_sigma_cm2PerS),
    `${fmt(r.correlation_factor)} ± ${fmt(r.correlation_factor_err, 2)}`, r.haven_ratio === null ? 'n/a' : `${fmt(r.haven_ratio)} ± ${fmt(r.haven_ratio_err, 2)}`,
    fmt(r.conductivity_mSPerCm), fmt(r.time_s),
  ]);
  let s = `lattice ${run.lattice.name}: ${run.lattice.n_sites} sites, ${run.nVacancies} vacanc${run.nVacancies === 1 ? 'y' : 'ies'}; backend ${run.backend} (${run.backend_reason}); rates ${run.rates_source}\n`;
  s += formatTable(['T_K', 'D*_cm2PerS', '±', 'D_vac_cm2PerS', 'D_sigma_cm2PerS', 'f', 'Haven', 'sigma_mSPerCm', 'time_s'], rows);
  if (run.arrhenius) s += `\nArrhenius fit of D*: Ea = ${fmt(run.arrhenius.ea_eV * 1000)} ± ${fmt(run.arrhenius.ea_err_eV * 1000, 2)} meV, D0 = ${fmt(run.arrhenius.prefactor_cm2PerS)} cm²/s`;
  s += `\n${fmt(run.hops_per_second, 3)} hops/s over ${fmt(run.wall_s, 3)} s`;
  return s;
}

export type KmcCompareResult = Awaited<ReturnType<typeof compareKmcModels>>;

/** `kmc compare`: 1 and 4 vacancies, each without and with the vacancy–vacancy interaction (args.vv, default −0.05 eV). */
export async function compareKmcModels(args: KmcArgs, temps: number[]) {
  const vvOn = args.vv ?? -0.05;
  const specs: RunSpec[] = [
    { nVacancies: 1, vv: 0, label: '1 vacancy' },
    { nVacancies: 1, vv: vvOn, label: `1 vacancy, V=${vvOn} eV` },
    { nVacancies: 4, vv: 0, label: '4 vacancies' },
    { nVacancies: 4, vv: vvOn, label: `4 vacancies, V=${vvOn} eV` },
  ];
  const runs: Awaited<ReturnType<typeof runSweep>>[] = [];
  for (const spec of specs) runs.push(await runSweep(args, spec, temps, spec.label));
  const models = runs.map((run, k) => ({
    model: run.label,
    n_vacancies: run.nVacancies,
    vv_interaction_eV: specs[k].vv as number,
    backend: run.backend,
    results: run.results.map((r) => ({ T_K: r.T_K, D_tracer_cm2PerS: r.D_tracer_cm2PerS, D_tracer_err_cm2PerS: r.D_tracer_err_cm2PerS, correlation_factor: r.correlation_factor, correlation_factor_err: r.correlation_factor_err, haven_ratio: r.haven_ratio, haven_ratio_err: r.haven_ratio_err })),
    ea_eV: run.arrhenius?.ea_eV ?? null,
    ea_err_eV: run.arrhenius?.ea_err_eV ?? null,
  }));
  return { lattice: runs[0].lattice.name, n_sites: runs[0].lattice.n_sites, T_K: temps, hops: Math.round(args.hops), replicas: args.replicas, seed: args.seed, rates_source: runs[0].rates_source, paper_md_ea_eV: { one_vacancy: PAPER_MD_EA_eV.oneVacancy, four_vacancies: PAPER_MD_EA_eV.fourVacancies }, models };
}

/** The comparison table (one row per model and temperature) with the paper's MD activation energies. */
export function buildKmcCompareTable(c: KmcCompareResult): { header: string[]; rows: string[][] } {
  const rows: string[][] = [];
  for (const m of c.models) {
    for (const r of m.results) {
      rows.push([m.model, String(r.T_K), fmt(r.D_tracer_cm2PerS), fmt(r.D_tracer_err_cm2PerS, 2), `${fmt(r.correlation_factor)} ± ${fmt(r.correlation_factor_err, 2)}`, r.haven_ratio === null ? 'n/a' : `${fmt(r.haven_ratio)} ± ${fmt(r.haven_ratio_err, 2)}`,
        m.ea_eV === null ? 'n/a' : `${fmt(m.ea_eV * 1000)} ± ${fmt((m.ea_err_eV ?? NaN) * 1000, 2)}`, fmt(m.n_vacancies === 1 ? PAPER_MD_EA_eV.oneVacancy * 1000 : PAPER_MD_EA_eV.fourVacancies * 1000)]);
    }
  }
  return { header: ['model', 'T_K', 'D*_cm2PerS', '±', 'f', 'Haven', 'Ea_KMC_meV', 'Ea_paperMD_meV'], rows };
}

export const kmcCommand: CommandModule<GlobalOptions, KmcArgs> = {
  command: 'kmc [action]',
  describe: 'Lattice KMC of Li vacancy hopping (Li3Sb; sc/bcc/fcc for validation); `kmc compare` compares vacancy models',
  builder: (y) =>
    y
      .positional('action', { type: 'string', choices: ['run', 'compare'], default: 'run', description: 'run (default) or compare (1 vs 4 vacancies, with/without interaction; unitless)' })
      .option('lattice', { type: 'string', choices: ['li3sb', 'sc', 'bcc', 'fcc'], default: 'li3sb', description: 'Lattice (unitless name)' })
      .option('cells', { type: 'number', default: 2, description: 'Conventional cubic cells per edge, cells' })
      .option('a', { type: 'number', description: 'Lattice constant, Å (default 6.5445 Å for li3sb or the rates file value; 1 Å for sc/bcc/fcc)' })
      .option('vacancies', { type: 'number', default: 1, description: 'Vacancies: a count, or a fraction of the sites when below 1 (count or site fraction)' })
      .option('place', { type: 'string', default: 'random', description: 'Initial vacancy sites: random or a site type (T, O; unitless)' })
      .option('T', { type: 'string', default: '300', description: 'Temperature(s), K; a comma-separated list runs a sweep with an Arrhenius fit' })
      .option('hops', { type: 'number', default: 1e6, description: 'Hops per replica, hops' })
      .option('replicas', { type: 'number', default: 16, description: 'Independent replicas, replicas' })
      .option('seed', { type: 'string', default: '1', description: 'Random seed (any string; unitless)' })
      .option('rates', { type: 'string', description: 'Rates JSON file (path; schema liflux-rates/1, see engine/README.md); default data/rates/li3sb-example.json for li3sb' })
      .option('hop-rates', { type: 'string', description: 'Direct rates per hop type, 1/s, e.g. TT=1e12,TO=1e12,OT=1e12 (all=… sets every type)' })
      .option('vv', { type: 'number', description: 'Nearest-neighbour vacancy–vacancy interaction, eV (overrides the rates file); compare: the "with interaction" value' })
      .option('backend', { type: 'string', choices: ['ts', 'gpu', 'auto'], default: 'ts', description: 'ts (reference), gpu (gpu.js: webgpu, else webasm), auto (unitless)' })
      .option('chunk', { type: 'number', default: 4096, description: 'gpu.js: hops per kernel call, hops' })
      .option('output', { alias: 'o', type: 'string', description: 'Also write the JSON result to this file (path)' })
      .option('overwrite', { type: 'boolean', default: false, description: 'Replace an existing output file (unitless flag)' }) as Argv<KmcArgs>,
  handler: async (args) => {
    const temps = parseTemperatures(args.T);
    if (!Number.isInteger(args.replicas) || args.replicas < 1) throw new InputError(`--replicas: expected a positive integer, found ${args.replicas}`);
    if (!Number.isInteger(args.chunk) || args.chunk < 1) throw new InputError(`--chunk: expected a positive integer number of hops, found ${args.chunk}`);
    if (args.lattice !== 'li3sb' && args.rates !== undefined) throw new InputError(`--rates: expected --lattice li3sb for a rates file, found --lattice ${args.lattice}`);
    let payload: unknown;
    let text: string;
    if (args.action === 'compare') {
      const comparison = await compareKmcModels(args, temps);
      const table = buildKmcCompareTable(comparison);
      payload = comparison;
      text = `KMC vacancy-model comparison on ${comparison.lattice} (${comparison.n_sites} sites), rates ${comparison.rates_source}\n` + formatTable(table.header, table.rows);
    } else {
      const run = await runSweep(args, { nVacancies: args.vacancies, vv: args.vv, label: 'kmc' }, temps, 'kmc');
      payload = flatten(run, args);
      text = formatRun(run);
    }
    if (args.output) await writeFileAtomically(args.output, `${JSON.stringify(payload, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`, args.overwrite);
    if (args.json) printJson(payload);
    else process.stdout.write(`${text}\n`);
  },
};
