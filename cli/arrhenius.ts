/**
 * `liflux arrhenius`: weighted Arrhenius fit of D(T) from several `liflux diffusion --json` results or a CSV
 * with columns T,D,D_error (K, cm²/s); extrapolation with 95% intervals; optional SVG plot.
 * The fit itself is analysis/arrhenius.ts.
 */
import { readFile } from 'node:fs/promises';
import type { Argv, CommandModule } from 'yargs';
import {
  evaluateArrhenius,
  extrapolateDiffusionArrhenius,
  fitArrhenius,
  type ArrheniusExtrapolationResult,
  type ArrheniusFitResult,
  type ArrheniusPoint,
} from '../analysis/arrhenius.js';
import { InputError } from '../engine/core/errors.js';
import { fmt, formatTable, printJson, warn, writeFileAtomically, assertWritable, type GlobalOptions } from './output.js';
import { renderSvg, type PlotSpec } from './plot.js';

export interface ArrheniusArgs extends GlobalOptions {
  inputs?: string[];
  csv?: string;
  extrapolate?: number[];
  plot?: string;
}

interface ArrheniusInput {
  points: (ArrheniusPoint & { source: string })[];
  /** Carrier density (1/cm³) and charge (e) when every diffusion JSON gives them. */
  density_perCm3: number | null;
  charge_e: number | null;
  warnings: string[];
}

/** Read `T,D,D_error` CSV (header required, any column order, '#' comments). */
export async function readArrheniusCsv(path: string): Promise<ArrheniusInput> {
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new InputError(`${path}: cannot read (${e.code ?? e.message})`);
  });
  const lines = text.split(/\r?\n/);
  let header: string[] | null = null;
  let iT = -1, iD = -1, iE = -1;
  const points: ArrheniusInput['points'] = [];
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(',').map((c) => c.trim());
    if (header === null) {
      header = cells;
      iT = cells.indexOf('T');
      iD = cells.indexOf('D');
      iE = cells.indexOf('D_error');
      if (iT < 0 || iD < 0 || iE < 0) {
        throw new InputError(`expected a header with columns T,D,D_error (K, cm²/s), found ${JSON.stringify(line)}`, { file: path, line: n + 1 });
      }
      continue;
    }
    const get = (i: number, name: string) => {
      const v = Number(cells[i]);
      if (cells[i] === undefined || cells[i] === '' || !Number.isFinite(v)) {
        throw new InputError(`expected a number in column ${name}, found ${JSON.stringify(cells[i] ?? '')}`, { file: path, line: n + 1 });
      }
      return v;
    };
    points.push({ T_K: get(iT, 'T'), value: get(iD, 'D'), value_err: get(iE, 'D_error'), source: `${path}:${n + 1}` });
  }
  if (header === null) throw new InputError('expected a header with columns T,D,D_error (K, cm²/s), found an empty file', { file: path });
  return { points, density_perCm3: null, charge_e: null, warnings: [] };
}

/** Read `liflux diffusion --json` documents. */
export async function readDiffusionJsons(paths: string[]): Promise<ArrheniusInput> {
  const points: ArrheniusInput['points'] = [];
  const densities: number[] = [];
  const charges: number[] = [];
  const warnings: string[] = [];
  for (const path of paths) {
    const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new InputError(`${path}: cannot read (${e.code ?? e.message})`);
    });
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new InputError(`expected a liflux diffusion --json document, found text that is not JSON`, { file: path });
    }
    const num = (key: string) => {
      const v = doc[key];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new InputError(`expected a number in "${key}" (liflux diffusion --json), found ${JSON.stringify(v ?? null)}`, { file: path });
      }
      return v;
    };
    points.push({ T_K: num('temperature_K'), value: num('D_cm2PerS'), value_err: num('D_err_cm2PerS'), source: path });
    if (typeof doc.number_density_perCm3 === 'number') densities.push(doc.number_density_perCm3);
    if (typeof doc.charge_e === 'number') charges.push(doc.charge_e);
  }
  let density: number | null = null;
  let charge: number | null = null;
  if (densities.length === paths.length && charges.length === paths.length && charges.every((z) => z === charges[0])) {
    density = densities.reduce((a, b) => a + b, 0) / densities.length;
    charge = charges[0];
    const spread = (Math.max(...densities) - Math.min(...densities)) / density;
    if (spread > 0.01) warnings.push(`carrier densities differ by ${(100 * spread).toFixed(1)}% between inputs: extrapolated conductivities use their mean`);
  }
  return { points, density_perCm3: density, charge_e: charge, warnings };
}

/** The JSON document of `liflux arrhenius --json`. */
export function buildArrheniusJson(fit: ArrheniusFitResult, input: ArrheniusInput, temps_K: number[]): Record<string, unknown> {
  const carrier = input.density_perCm3 !== null && input.charge_e !== null ? { n_perCm3: input.density_perCm3, charge_e: input.charge_e } : null;
  const extrapolated = temps_K.map((T_K) => extrapolateDiffusionArrhenius(fit, T_K, carrier));
  return {
    Ea_eV: fit.ea_eV,
    Ea_err_eV: fit.ea_err_eV,
    D0_cm2PerS: fit.prefactor,
    D0_err_cm2PerS: fit.prefactor_err,
    ln_D0: fit.ln_prefactor,
    ln_D0_err: fit.ln_prefactor_err,
    covariance: { parameters: ['ln_D0', 'slope_K'], matrix: fit.covariance },
    cov_lnD0_Ea_eV: fit.cov_lnPrefactor_ea_eV,
    n_points: fit.n_points,
    dof: fit.dof,
    chi2_reduced: fit.chi2_reduced,
    covariance_scaled_by_chi2: fit.covariance_scaled,
    quantile95: fit.quantile95,
    carrier_density_perCm3: input.density_perCm3,
    charge_e: input.charge_e,
    points: input.points.map((p) => ({ T_K: p.T_K, D_cm2PerS: p.value, D_err_cm2PerS: p.value_err, source: p.source })),
    extrapolated,
  };
}

/** Vega-Lite spec: D against 1000/T on a log axis, error bars, the fit and its 95% band over data and extrapolation. */
export function buildArrheniusPlotSpec(fit: ArrheniusFitResult, points: ArrheniusPoint[], temps_K: number[]): PlotSpec {
  const allT = [...points.map((p) => p.T_K), ...temps_K];
  const xMin = 1000 / Math.max(...allT);
  const xMax = 1000 / Math.min(...allT);
  const band: Record<string, number>[] = [];
  const nGrid = 100;
  for (let i = 0; i <= nGrid; i++) {
    const x = xMin + ((xMax - xMin) * i) / nGrid;
    const e = evaluateArrhenius(fit, 1000 / x);
    band.push({ x, D: e.value, lo: e.ci95[0], hi: e.ci95[1] });
  }
  const data = points.map((p) => ({ x: 1000 / p.T_K, D: p.value, lo: Math.max(p.value - p.value_err, p.value * 1e-3), hi: p.value + p.value_err }));
  const extra = temps_K.map((T) => {
    const e = evaluateArrhenius(fit, T);
    return { x: 1000 / T, D: e.value, lo: e.ci95[0], hi: e.ci95[1] };
  });
  const y = { type: 'quantitative' as const, scale: { type: 'log' as const }, title: 'D (cm²/s)' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `Arrhenius: Ea = ${fmt(fit.ea_eV, 3)} ± ${fmt(fit.ea_err_eV, 2)} eV, D0 = ${fmt(fit.prefactor, 3)} cm²/s`,
    width: 560,
    height: 360,
    layer: [
      {
        data: { values: band },
        mark: { type: 'area', color: '#4c78a8', opacity: 0.25 },
        encoding: { x: { field: 'x', type: 'quantitative', title: '1000/T (1/K)' }, y: { field: 'lo', ...y }, y2: { field: 'hi' } },
      },
      {
        data: { values: band },
        mark: { type: 'line', color: '#1f4e79' },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'D', ...y } },
      },
      {
        data: { values: data },
        mark: { type: 'errorbar', ticks: true, color: 'black' },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'lo', ...y }, y2: { field: 'hi' } },
      },
      {
        data: { values: data },
        mark: { type: 'point', filled: true, color: 'black' },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'D', ...y } },
      },
      ...(extra.length > 0
        ? [
            {
              data: { values: extra },
              mark: { type: 'errorbar' as const, ticks: true, color: '#d62728' },
              encoding: { x: { field: 'x', type: 'quantitative' as const }, y: { field: 'lo', ...y }, y2: { field: 'hi' } },
            },
            {
              data: { values: extra },
              mark: { type: 'point' as const, shape: 'diamond', filled: true, color: '#d62728' },
              encoding: { x: { field: 'x', type: 'quantitative' as const }, y: { field: 'D', ...y } },
            },
          ]
        : []),
    ],
  } as PlotSpec;
}

export const arrheniusCommand: CommandModule<GlobalOptions, ArrheniusArgs> = {
  command: 'arrhenius [inputs..]',
  describe: 'Weighted Arrhenius fit of D(T) from liflux diffusion --json results or a T,D,D_error CSV; Ea, D0, extrapolation with 95% intervals',
  builder: (y) =>
    y
      .positional('inputs', { type: 'string', array: true, description: 'liflux diffusion --json result files (paths)' })
      .option('csv', { type: 'string', description: 'CSV with columns T,D,D_error (K, cm²/s, cm²/s) instead of JSON inputs (path)' })
      .option('extrapolate', { type: 'number', array: true, description: 'Temperature to extrapolate D (and σ) to, K; repeatable' })
      .option('plot', { type: 'string', description: 'Write an SVG Arrhenius plot (path)' })
      .option('overwrite', { type: 'boolean', default: false, description: 'Replace an existing plot file (unitless flag)' }) as Argv<ArrheniusArgs>,
  handler: async (args) => {
    const inputs = args.inputs ?? [];
    if (args.csv !== undefined && inputs.length > 0) throw new InputError('arrhenius: expected either --csv or diffusion JSON files, found both');
    if (args.csv === undefined && inputs.length === 0) throw new InputError('arrhenius: expected diffusion JSON files or --csv T,D,D_error, found neither');
    if (args.plot) assertWritable(args.plot, args.overwrite);
    const temps = (args.extrapolate ?? []).map((t) => {
      if (!(Number.isFinite(t) && t > 0)) throw new InputError(`--extrapolate: expected a positive temperature in K, found ${t}`);
      return t;
    });
    const input = args.csv !== undefined ? await readArrheniusCsv(args.csv) : await readDiffusionJsons(inputs);
    for (const w of input.warnings) warn(w);
    const fit = fitArrhenius(input.points);
    const doc = buildArrheniusJson(fit, input, temps);
    if (args.plot) await writeFileAtomically(args.plot, await renderSvg(buildArrheniusPlotSpec(fit, input.points, temps)), args.overwrite);
    if (args.json) {
      printJson(doc);
      return;
    }
    const lines = [
      `Ea   = ${fmt(fit.ea_eV)} ± ${fmt(fit.ea_err_eV)} eV`,
      `D0   = ${fmt(fit.prefactor)} cm²/s (ln D0 = ${fmt(fit.ln_prefactor)} ± ${fmt(fit.ln_prefactor_err)})`,
      `fit  = ${fit.n_points} points, reduced χ² ${fmt(fit.chi2_reduced)}${fit.covariance_scaled ? ' (covariance scaled by it)' : ''}, 95% quantile ${fmt(fit.quantile95)}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    const ex = doc.extrapolated as ArrheniusExtrapolationResult[];
    if (ex.length > 0) {
      const rows = ex.map((e) => [
        fmt(e.T_K),
        fmt(e.D_cm2PerS),
        `[${fmt(e.D_ci95_cm2PerS[0])}, ${fmt(e.D_ci95_cm2PerS[1])}]`,
        e.conductivity_mSPerCm === null ? 'n/a' : fmt(e.conductivity_mSPerCm),
        e.conductivity_ci95_mSPerCm === null ? 'n/a' : `[${fmt(e.conductivity_ci95_mSPerCm[0])}, ${fmt(e.conductivity_ci95_mSPerCm[1])}]`,
      ]);
      process.stdout.write(`${formatTable(['T (K)', 'D (cm²/s)', 'D 95%', 'σ (mS/cm)', 'σ 95%'], rows)}\n`);
    }
  },
};
