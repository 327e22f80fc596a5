/**
 * `liflux hops <trajectory...> --structure li3sb`: site-resolved hop analysis of MD trajectories (one per
 * temperature) and the rates file for `liflux kmc --rates` (analysis/hops). Parses options, calls the library,
 * formats tables / JSON / the rate-vs-1/T plot.
 */
import type { Argv, CommandModule } from 'yargs';
import { loadTrajectory } from '../analysis/ingest/arrow-reader.js';
import { TRAJECTORY_FORMATS } from '../analysis/ingest/detect.js';
import type { TrajectoryFormat } from '../analysis/ingest/frame-source.js';
import { analyzeHops, type HopAnalysisResult } from '../analysis/hops/hop-analysis.js';
import { readPoscar } from '../analysis/hops/poscar.js';
import { computeRatesFromHops, type RatesFromHopsResult } from '../analysis/hops/rates-from-hops.js';
import { parseSiteLabels, type StructureSpec } from '../analysis/hops/site-assignment.js';
import { KB_eVPerK } from '../engine/core/constants.js';
import { InputError } from '../engine/core/errors.js';
import { assertWritable, createProgress, fmt, formatTable, printJson, warn, writeFileAtomically, type GlobalOptions } from './output.js';
import { renderSvg, type PlotSpec } from './plot.js';

export interface HopsArgs extends GlobalOptions {
  trajectory: string[];
  structure: string;
  'site-labels'?: string;
  species: string;
  a?: number;
  temperature?: string;
  format?: string;
  'timestep-fs'?: string;
  nblock?: number;
  'r-core-A': number;
  'min-residence-frames': number;
  'r-far-A': number;
  'cell-tolerance': number;
  'hop-cutoff-A'?: number;
  blocks: number;
  'rates-out'?: string;
  plot?: string;
}

/** A comma-separated list with one positive value per trajectory (or one value for all with `shared`). */
function parsePerFileList(text: string | undefined, nFiles: number, option: string, what: string, shared: boolean): (number | undefined)[] {
  if (text === undefined) return new Array(nFiles).fill(undefined);
  const list = String(text).split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (list.length === 0 || list.some((t) => !(t > 0) || !Number.isFinite(t))) throw new InputError(`${option}: expected positive ${what} separated by commas, found ${JSON.stringify(text)}`);
  if (shared && list.length === 1) return new Array(nFiles).fill(list[0]);
  if (list.length !== nFiles) throw new InputError(`${option}: expected one value per trajectory (${nFiles}), found ${list.length}`);
  return list;
}

function buildStructure(args: HopsArgs): StructureSpec {
  if (args.structure === 'li3sb') {
    if (args['site-labels'] !== undefined) throw new InputError('--site-labels: expected only with a POSCAR --structure, found --structure li3sb (its sites are labelled T and O)');
    return { kind: 'li3sb', a_A: args.a, species: args.species };
  }
  if (args.a !== undefined) throw new InputError(`--a: expected only with --structure li3sb, found --structure ${args.structure} (the POSCAR gives the cell)`);
  const poscar = readPoscar(args.structure);
  const nSites = poscar.species.filter((s) => s === args.species).length;
  if (nSites === 0) throw new InputError(`expected ${args.species} sites in the structure, found only ${[...new Set(poscar.species)].join(', ')}`, { file: args.structure });
  if (args['site-labels'] === undefined) throw new InputError(`--site-labels: expected a label per ${args.species} site of ${args.structure} (e.g. T*64,O*32), found none`);
  return { kind: 'poscar', structure: poscar, source: args.structure, species: args.species, siteLabels: parseSiteLabels(args['site-labels'], nSites), hopCutoff_A: args['hop-cutoff-A'] };
}

/** Vega-Lite spec: rate per hop type against 1000/T (log scale) with Poisson error bars and the fitted Arrhenius lines. */
export function buildRatePlotSpec(results: HopAnalysisResult[], rates: RatesFromHopsResult | null): PlotSpec {
  const pts: Record<string, number | string>[] = [];
  for (const r of results) {
    if (r.T_K === null) continue;
    for (const t of r.hop_types) {
      const k = r.rates_perS[t];
      if (!(k > 0)) continue;
      const e = r.rates_err_perS[t];
      pts.push({ invT: 1000 / r.T_K, rate: k, lo: Math.max(k - e, k * 0.05), hi: k + e, hop: t });
    }
  }
  const lines: Record<string, number | string>[] = [];
  if (rates?.model) {
    const xs = results.filter((r) => r.T_K !== null).map((r) => 1000 / (r.T_K as number));
    const x0 = Math.min(...xs) * 0.95;
    const x1 = Math.max(...xs) * 1.05;
    for (const [t, p] of Object.entries(rates.model)) {
      for (let q = 0; q <= 20; q++) {
        const x = x0 + ((x1 - x0) * q) / 20;
        lines.push({ invT: x, rate: p.nu_perS * Math.exp((-p.ea_eV * x) / (1000 * KB_eVPerK)), hop: t });
      }
    }
  }
  const color = { field: 'hop', type: 'nominal', title: 'hop type' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Per-event hop rates (per Li with an adjacent vacancy) vs 1000/T',
    width: 520,
    height: 360,
    layer: [
      {
        data: { values: pts },
        mark: { type: 'rule' },
        encoding: { x: { field: 'invT', type: 'quantitative' }, y: { field: 'lo', type: 'quantitative', scale: { type: 'log' } }, y2: { field: 'hi' }, color },
      },
      {
        data: { values: pts },
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          x: { field: 'invT', type: 'quantitative', title: '1000 / T (1/K)', scale: { zero: false } },
          y: { field: 'rate', type: 'quantitative', title: 'hop rate (1/s)', scale: { type: 'log' } },
          color,
        },
      },
      {
        data: { values: lines },
        mark: { type: 'line', strokeDash: [6, 4] },
        encoding: { x: { field: 'invT', type: 'quantitative' }, y: { field: 'rate', type: 'quantitative', scale: { type: 'log' } }, color },
      },
    ],
  } as PlotSpec;
}

/** One row per trajectory: hop counts and per-event rates per hop type, site energy, vacancies, back-hops. */
export function buildHopTable(files: string[], results: HopAnalysisResult[]): { header: string[]; rows: (string | number)[][] } {
  const types = results[0].hop_types;
  const rows = results.map((r, k) => [
    files[k].length > 28 ? `…${files[k].slice(-27)}` : files[k],
    r.T_K === null ? 'n/a' : r.T_K,
    r.n_frames,
    fmt(r.dt_ps),
    ...types.map((t) => `${r.n_hops[t]}`),
    ...types.map((t) => `${fmt(r.rates_perS[t], 3)} ± ${fmt(r.rates_err_perS[t], 2)}`),
    r.site_energy_O_minus_T_eV === null ? 'n/a' : `${fmt(r.site_energy_O_minus_T_eV * 1000, 3)} ± ${fmt((r.site_energy_err_eV ?? NaN) * 1000, 2)}`,
    fmt(r.vacancies_mean, 3),
    r.back_hop_fraction === null ? 'n/a' : fmt(r.back_hop_fraction, 3),
    fmt(r.unassigned_fraction, 2),
  ]);
  return { header: ['file', 'T_K', 'frames', 'dt_ps', ...types.map((t) => `n_${t}`), ...types.map((t) => `k_${t}_perS`), 'dE_O-T_meV', 'vacancies', 'back-hop', 'unassigned'], rows };
}

function formatHuman(files: string[], results: HopAnalysisResult[], rates: RatesFromHopsResult | null, ratesNote: string | null, ratesOut: string | undefined): string {
  const types = results[0].hop_types;
  const hopTable = buildHopTable(files, results);
  let s = `structure ${results[0].structure.name} ×${results[0].structure.multiples.join('×')} (${results[0].n_sites} ${results[0].species} sites: ${Object.entries(results[0].sites_by_type).map(([k, v]) => `${v} ${k}`).join(', ')}); rule: r_core ${results[0].rule.r_core_A} Å, ${results[0].rule.min_residence_frames} frame(s) to settle\n`;
  s += formatTable(hopTable.header, hopTable.rows);
  s += '\n\nresidence times per site type (mean ± s.e., ps):\n';
  s += formatTable(['T_K', ...results[0].structure.site_types.map((t) => `${t}_ps`)], results.map((r) => [r.T_K ?? 'n/a', ...r.structure.site_types.map((t) => {
    const st = r.residence_by_site_type[t];
    return st.n === 0 ? 'n/a' : `${fmt(st.mean_ps, 3)} ± ${fmt(st.mean_err_ps, 2)} (n=${st.n})`;
  })]));
  if (rates?.model) {
    s += '\n\nArrhenius per hop type (free fit → written, detailed balance enforced for TO/OT):\n';
    s += formatTable(['hop', 'nu_free_perS', 'Ea_free_meV', 'nu_perS', 'Ea_meV', 'chi2_red'], types.map((t) => {
      const f = rates.free_fits[t];
      const m = rates.model![t];
      return [t, fmt(f?.nu_perS, 3), f ? `${fmt(f.ea_eV * 1000, 3)} ± ${fmt(f.ea_err_eV * 1000, 2)}` : 'n/a', fmt(m.nu_perS, 3), `${fmt(m.ea_eV * 1000, 3)} ± ${fmt(m.ea_err_eV * 1000, 2)}`, fmt(f?.chi2_reduced ?? null, 3)];
    }));
    if (rates.detailed_balance) {
      const db = rates.detailed_balance;
      s += `\nsite energy E_O − E_T: ${fmt(db.site_energy_from_rates_eV * 1000, 4)} ± ${fmt(db.site_energy_from_rates_err_eV * 1000, 2)} meV (rate ratio); detailed balance ${db.consistent ? 'consistent' : 'VIOLATED'}`;
      for (const n of db.notes) s += `\n  - ${n}`;
    }
  } else if (rates) {
    s += `\n\none temperature: the rates file holds the measured rates at ${rates.T_K[0]} K (no Arrhenius fit)`;
  }
  if (ratesNote) s += `\n\nno rates file: ${ratesNote}`;
  if (ratesOut) s += `\nrates written to ${ratesOut}`;
  return s;
}

export const hopsCommand: CommandModule<GlobalOptions, HopsArgs> = {
  command: 'hops <trajectory...>',
  describe: 'Site-resolved hop analysis of MD trajectories (one per temperature) → per-event hop rates, site energies, and a rates file for `liflux kmc --rates`',
  builder: (y) =>
    y
      .positional('trajectory', { type: 'string', array: true, demandOption: true, description: 'Trajectory or Arrow files, one per temperature (paths)' })
      .option('structure', { type: 'string', default: 'li3sb', description: 'Reference structure: li3sb (built-in Fm-3m 8c T / 4b O Li sites) or a POSCAR file (path)' })
      .option('site-labels', { type: 'string', description: 'POSCAR: site type per site of the species, e.g. T*64,O*32 (unitless labels)' })
      .option('species', { type: 'string', default: 'Li', description: 'Species on the sites (element symbol)' })
      .option('a', { type: 'number', description: 'li3sb: lattice constant, Å (default 6.5445 Å)' })
      .option('temperature', { type: 'string', description: 'Temperature per trajectory, K, comma-separated (default: from the files)' })
      .option('format', { type: 'string', choices: [...TRAJECTORY_FORMATS], description: 'Input format (unitless; default: detected from content)' })
      .option('timestep-fs', { type: 'string', description: 'MD time step (POTIM), fs; one value, or one per trajectory comma-separated; overrides the file (XDATCAR needs it)' })
      .option('nblock', { type: 'number', description: 'MD steps between stored frames (VASP NBLOCK), steps' })
      .option('r-core-A', { type: 'number', default: 1.0, description: 'Core radius of a site, Å: an atom settles on a site inside it' })
      .option('min-residence-frames', { type: 'number', default: 2, description: 'Consecutive frames inside a new core before a hop counts, frames' })
      .option('r-far-A', { type: 'number', default: 2.0, description: 'Positions farther than this from every site mean a structure mismatch, Å' })
      .option('cell-tolerance', { type: 'number', default: 0.03, description: 'Tolerated relative deviation of the cell edges from n·a (fraction, unitless)' })
      .option('hop-cutoff-A', { type: 'number', description: 'POSCAR: largest site–site distance of a hop, Å (default 1.2 × the shortest)' })
      .option('blocks', { type: 'number', default: 16, description: 'Time blocks for the site-energy error (jackknife), blocks' })
      .option('rates-out', { type: 'string', description: 'Write the rates file (liflux-rates/1) for `liflux kmc --rates` (path)' })
      .option('plot', { type: 'string', description: 'Write an SVG plot of hop rates against 1000/T (path)' })
      .option('overwrite', { type: 'boolean', default: false, description: 'Replace existing output files (unitless flag)' }) as Argv<HopsArgs>,
  handler: async (args) => {
    for (const p of [args['rates-out'], args.plot]) if (p) assertWritable(p, args.overwrite);
    const files = args.trajectory.map(String);
    const temps = parsePerFileList(args.temperature, files.length, '--temperature', 'temperatures in K', false);
    const steps = parsePerFileList(args['timestep-fs'], files.length, '--timestep-fs', 'time steps in fs', true);
    const spec = buildStructure(args);
    const results: HopAnalysisResult[] = [];
    let lattice_constant_A: number | null = null;
    for (let k = 0; k < files.length; k++) {
      const progress = createProgress(`read ${files[k]}`, args);
      let loaded;
      try {
        loaded = await loadTrajectory(files[k], { format: args.format as TrajectoryFormat | undefined, timestep_fs: steps[k], nblock: args.nblock, temperature_K: temps[k], onProgress: progress.onProgress });
      } finally {
        progress.stop();
      }
      for (const w of loaded.warnings) warn(w.startsWith(files[k]) ? w : `${files[k]}: ${w}`);
      const r = analyzeHops(loaded.trajectory, spec, {
        temperature_K: temps[k], rCore_A: args['r-core-A'], minResidenceFrames: args['min-residence-frames'], rFar_A: args['r-far-A'],
        cellTolerance: args['cell-tolerance'], blocks: args.blocks,
      }, files[k]);
      for (const w of r.warnings) warn(`${files[k]}: ${w}`);
      lattice_constant_A = r.structure.lattice_constant_A;
      results.push(r);
    }
    let rates: RatesFromHopsResult | null = null;
    let ratesNote: string | null = null;
    try {
      rates = computeRatesFromHops(results, { lattice_constant_A, sources: files });
    } catch (err) {
      if (!(err instanceof InputError) || args['rates-out']) throw err;
      ratesNote = err.message;
    }
    if (rates?.detailed_balance && !rates.detailed_balance.consistent) for (const n of rates.detailed_balance.notes) warn(`detailed balance: ${n}`);
    if (args['rates-out'] && rates) await writeFileAtomically(args['rates-out'], `${JSON.stringify(rates.rates_json, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`, args.overwrite);
    if (args.plot) await writeFileAtomically(args.plot, await renderSvg(buildRatePlotSpec(results, rates)), args.overwrite);
    if (args.json) {
      const arrhenius = rates?.model
        ? Object.fromEntries(results[0].hop_types.map((t) => [t, { ...rates!.model![t], free_fit: rates!.free_fits[t] }]))
        : null;
      printJson({
        structure: results[0].structure,
        species: results[0].species,
        files,
        rule: results[0].rule,
        temperatures: results.map((r, k) => ({ file: files[k], ...r })),
        arrhenius,
        site_energy_O_minus_T_eV: rates?.site_energy_O_minus_T_eV ?? null,
        detailed_balance: rates?.detailed_balance ?? null,
        rates_note: ratesNote,
        rates_out: args['rates-out'] ?? null,
        rates_json: rates?.rates_json ?? null,
      });
    } else process.stdout.write(`${formatHuman(files, results, rates, ratesNote, args['rates-out'])}\n`);
  },
};
