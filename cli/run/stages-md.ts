/**
 * `liflux run` stages on the MD trajectories: ingest (→ Arrow), diffusion at each T, Arrhenius fit and
 * extrapolation, site-resolved hop analysis (→ rates file). Each calls the library and the command files'
 * table/plot builders; the physics lives in analysis/.
 */
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { convertToArrow } from '../../analysis/ingest/arrow-writer.js';
import { loadTrajectory } from '../../analysis/ingest/arrow-reader.js';
import { computeDiffusion } from '../../analysis/diffusion.js';
import { fitArrhenius, type ArrheniusExtrapolationResult } from '../../analysis/arrhenius.js';
import { analyzeHops } from '../../analysis/hops/hop-analysis.js';
import { computeRatesFromHops, type RatesFromHopsResult } from '../../analysis/hops/rates-from-hops.js';
import { InputError } from '../../engine/core/errors.js';
import { buildMsdPlotSpec, toDiffusionJson, writeMsd } from '../diffusion.js';
import { buildArrheniusJson, buildArrheniusPlotSpec, readDiffusionJsons } from '../arrhenius.js';
import { buildHopTable, buildRatePlotSpec } from '../hops.js';
import { createProgress, fmt, warn } from '../output.js';
import { addFigure, createOutcome, stringifyJson, writeStageFile, type Stage, type StageContext, type StageOutcome } from './context.js';

/** Table label of a trajectory: its config label or the file name without extensions. */
function labelOf(path: string, label: string | undefined): string {
  return label ?? basename(path).replace(/\.(gz|arrow)$/i, '').replace(/\.(XDATCAR|xdatcar|xyz|extxyz|dump|lammpstrj|xml)$/i, '');
}

function safeName(label: string): string {
  return label.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '');
}

export const ingestStage: Stage = {
  id: 'ingest',
  title: 'Ingest trajectories',
  skipReason: () => null,
  async run(ctx: StageContext): Promise<StageOutcome> {
    const out = createOutcome();
    const entries = [...ctx.config.trajectories.map((e) => ({ e, series: true })), ...ctx.config.extraTrajectories.map((e) => ({ e, series: false }))];
    const rows: (string | number)[][] = [];
    const used = new Set<string>();
    for (const { e, series } of entries) {
      let label = labelOf(e.path, e.label);
      while (used.has(label)) label = `${label}_`;
      used.add(label);
      const arrowFile = join('trajectories', `${safeName(label)}.arrow`);
      await mkdir(join(ctx.dir, 'trajectories'), { recursive: true });
      const progress = createProgress(`ingest ${label}`, ctx.options);
      let ingest;
      try {
        ingest = await convertToArrow(e.path, join(ctx.dir, arrowFile), { timestep_fs: e.timestep_fs, nblock: e.nblock, temperature_K: e.temperature_K, onProgress: progress.onProgress });
      } finally {
        progress.stop();
      }
      out.files.push(arrowFile);
      for (const w of ingest.warnings ?? []) {
        warn(`${label}: ${w}`);
        out.paragraphs.push(`warning (${label}): ${w}`);
      }
      const loaded = await loadTrajectory(join(ctx.dir, arrowFile));
      ctx.state.trajectories.push({ entry: e, label, series, arrowFile, ingest, trajectory: loaded.trajectory });
      rows.push([
        label, series ? 'Arrhenius series' : 'D only', ingest.format, ingest.nAtoms, Object.entries(ingest.species).map(([k, v]) => `${k}${v}`).join(' '),
        ingest.nFrames, fmt(ingest.dt_ps), fmt(ingest.timeLast_ps - ingest.timeFirst_ps), ingest.temperature_K === null ? 'n/a' : fmt(ingest.temperature_K), arrowFile,
      ]);
    }
    out.tables.push({ caption: 'Trajectories (converted to Arrow; unwrapped Cartesian Å)', header: ['label', 'role', 'format', 'atoms', 'species', 'frames', 'dt (ps)', 'duration (ps)', 'T (K)', 'Arrow file'], rows });
    const doc = ctx.state.trajectories.map((t) => ({ label: t.label, series: t.series, source: t.entry.path, arrow: t.arrowFile, ...t.ingest, speciesPerAtom: undefined, atomIndex: undefined }));
    await writeStageFile(ctx, out, 'ingest.json', stringifyJson(doc));
    out.summary.push(['trajectories', `${ctx.state.trajectories.length}`, `${ctx.state.trajectories.filter((t) => t.series).length} in the Arrhenius series`]);
    return out;
  },
};

export const diffusionStage: Stage = {
  id: 'diffusion',
  title: 'Diffusion coefficients (MSD)',
  skipReason: (_c, s) => (s.trajectories.length === 0 ? 'no trajectories were ingested' : null),
  async run(ctx: StageContext): Promise<StageOutcome> {
    const out = createOutcome();
    const cfg = ctx.config;
    const rows: (string | number)[][] = [];
    for (const t of ctx.state.trajectories) {
      const progress = createProgress(`msd ${t.label}`, ctx.options);
      let r;
      try {
        r = computeDiffusion(t.trajectory, {
          species: cfg.species,
          charges_e: Object.keys(cfg.charges_e).length > 0 ? cfg.charges_e : undefined,
          temperature_K: t.entry.temperature_K,
          fitStart_ps: cfg.diffusion.fitStart_ps ?? undefined,
          fitEnd_ps: cfg.diffusion.fitEnd_ps ?? undefined,
          onProgress: progress.onProgress,
        });
      } finally {
        progress.stop();
      }
      for (const w of r.warnings) {
        warn(`${t.label}: ${w}`);
        out.paragraphs.push(`warning (${t.label}): ${w}`);
      }
      const name = safeName(t.label);
      const msdFile = join('msd', `${name}.arrow`);
      await writeMsd(join(ctx.dir, msdFile), r, true);
      out.files.push(msdFile);
      const jsonFile = join('diffusion', `${name}.json`);
      await writeStageFile(ctx, out, jsonFile, stringifyJson(toDiffusionJson(t.arrowFile, r)));
      ctx.state.diffusion.push({ label: t.label, series: t.series, result: r, jsonFile });
      await addFigure(ctx, out, `msd-${name}.svg`, buildMsdPlotSpec(r), `${t.label}: ${r.species} tracer MSD with its model 1σ band, the GLS fit (dashed) and the fit window (shaded).`);
      rows.push([
        t.label, r.temperature_K === null ? 'n/a' : fmt(r.temperature_K), `${fmt(r.D_cm2PerS, 3)} ± ${fmt(r.D_err_cm2PerS, 2)}`,
        `${fmt(r.D_sigma_cm2PerS, 3)} ± ${fmt(r.D_sigma_err_cm2PerS, 2)}`, `${fmt(r.conductivity_mSPerCm, 3)} ± ${fmt(r.conductivity_err_mSPerCm, 2)}`,
        r.haven_ratio === null ? 'n/a' : `${fmt(r.haven_ratio, 3)} ± ${fmt(r.haven_ratio_err, 2)}`, `${fmt(r.fit_window_ps[0], 3)}–${fmt(r.fit_window_ps[1], 3)}`,
      ]);
      out.summary.push([`D* ${r.species} (${t.label})`, `${fmt(r.D_cm2PerS, 3)} ± ${fmt(r.D_err_cm2PerS, 2)}`, 'cm²/s']);
    }
    out.tables.push({ caption: 'Tracer and charge diffusion, Nernst–Einstein conductivity, Haven ratio (1σ)', header: ['trajectory', 'T (K)', 'D* (cm²/s)', 'D_σ (cm²/s)', 'σ_NE (mS/cm)', 'Haven ratio', 'fit window (ps)'], rows });
    return out;
  },
};

export const arrheniusStage: Stage = {
  id: 'arrhenius',
  title: 'Arrhenius fit and extrapolation',
  skipReason: (_c, s) => {
    const n = s.diffusion.filter((d) => d.series && d.result.temperature_K !== null).length;
    return n < 2 ? `needs diffusion results at ≥ 2 temperatures in the series, found ${n}` : null;
  },
  async run(ctx: StageContext): Promise<StageOutcome> {
    const out = createOutcome();
    const series = ctx.state.diffusion.filter((d) => d.series && d.result.temperature_K !== null);
    const input = await readDiffusionJsons(series.map((d) => join(ctx.dir, d.jsonFile)));
    input.points.forEach((p, k) => (p.source = series[k].jsonFile));
    for (const w of input.warnings) out.paragraphs.push(`warning: ${w}`);
    const fit = fitArrhenius(input.points);
    const temps = ctx.config.arrhenius.extrapolate_K;
    const json = buildArrheniusJson(fit, input, temps);
    ctx.state.arrhenius = { fit, json };
    await writeStageFile(ctx, out, 'arrhenius.json', stringifyJson(json));
    await addFigure(ctx, out, 'arrhenius.svg', buildArrheniusPlotSpec(fit, input.points, temps), 'D* against 1000/T (log axis) with 1σ error bars, the weighted fit and its 95% band; red diamonds: extrapolation with 95% intervals.');
    out.tables.push({
      caption: 'Arrhenius fit of D* (1σ; covariance scaled by the reduced χ² when above 1)',
      header: ['Ea (eV)', 'D0 (cm²/s)', 'points', 'reduced χ²'],
      rows: [[`${fmt(fit.ea_eV, 4)} ± ${fmt(fit.ea_err_eV, 2)}`, `${fmt(fit.prefactor, 3)} ± ${fmt(fit.prefactor_err, 2)}`, fit.n_points, fmt(fit.chi2_reduced, 3)]],
    });
    const ex = json.extrapolated as ArrheniusExtrapolationResult[];
    if (ex.length > 0) {
      out.tables.push({
        caption: 'Extrapolation (95% intervals)',
        header: ['T (K)', 'D (cm²/s)', 'D 95%', 'σ (mS/cm)', 'σ 95%'],
        rows: ex.map((e) => [fmt(e.T_K), fmt(e.D_cm2PerS, 3), `[${fmt(e.D_ci95_cm2PerS[0], 3)}, ${fmt(e.D_ci95_cm2PerS[1], 3)}]`,
          e.conductivity_mSPerCm === null ? 'n/a' : fmt(e.conductivity_mSPerCm, 3),
          e.conductivity_ci95_mSPerCm === null ? 'n/a' : `[${fmt(e.conductivity_ci95_mSPerCm[0], 3)}, ${fmt(e.conductivity_ci95_mSPerCm[1], 3)}]`]),
      });
    }
    out.summary.push(['Ea of D* (MD series)', `${fmt(fit.ea_eV, 4)} ± ${fmt(fit.ea_err_eV, 2)}`, 'eV']);
    for (const e of ex) out.summary.push([`D* extrapolated to ${fmt(e.T_K)} K`, `${fmt(e.D_cm2PerS, 3)} [${fmt(e.D_ci95_cm2PerS[0], 3)}, ${fmt(e.D_ci95_cm2PerS[1], 3)}]`, 'cm²/s (95%)']);
    return out;
  },
};

export const hopsStage: Stage = {
  id: 'hops',
  title: 'Hop analysis and MD-derived rates',
  skipReason: (c, s) => (!c.hops.enabled ? 'disabled in the config (hops.enabled)' : s.trajectories.filter((t) => t.series).length === 0 ? 'no series trajectories' : null),
  async run(ctx: StageContext): Promise<StageOutcome> {
    const out = createOutcome();
    const series = ctx.state.trajectories.filter((t) => t.series);
    const results = series.map((t) => {
      const r = analyzeHops(t.trajectory, { kind: 'li3sb', a_A: ctx.config.hops.a_A, species: ctx.config.species }, { temperature_K: t.entry.temperature_K }, t.arrowFile);
      for (const w of r.warnings) out.paragraphs.push(`warning (${t.label}): ${w}`);
      return r;
    });
    const labels = series.map((t) => t.label);
    let rates: RatesFromHopsResult | null = null;
    try {
      rates = computeRatesFromHops(results, { lattice_constant_A: results[0].structure.lattice_constant_A, sources: series.map((t) => t.arrowFile) });
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      out.paragraphs.push(`no rates file: ${err.message}`);
    }
    ctx.state.hops = { results, rates };
    if (rates) ctx.state.ratesPath = await writeStageFile(ctx, out, 'rates.json', stringifyJson(rates.rates_json));
    await writeStageFile(ctx, out, 'hops.json', stringifyJson({ files: labels, temperatures: results.map((r, k) => ({ label: labels[k], ...r })), arrhenius: rates?.model ?? null, free_fits: rates?.free_fits ?? null, site_energy_O_minus_T_eV: rates?.site_energy_O_minus_T_eV ?? null, detailed_balance: rates?.detailed_balance ?? null }));
    const table = buildHopTable(labels, results);
    out.tables.push({ caption: `Hops per type and per-event rates (1/s, ± Poisson 1σ); structure ${results[0].structure.name}`, header: table.header, rows: table.rows });
    if (rates?.model) {
      const model = rates.model;
      out.tables.push({
        caption: 'Arrhenius per hop type written to rates.json (detailed balance enforced for TO/OT)',
        header: ['hop', 'ν (1/s)', 'Ea (meV)'],
        rows: Object.entries(model).map(([t, p]) => [t, fmt(p.nu_perS, 3), `${fmt(p.ea_eV * 1000, 3)} ± ${fmt(p.ea_err_eV * 1000, 2)}`]),
      });
      for (const [t, p] of Object.entries(model)) out.summary.push([`hop Ea ${t} (MD-derived)`, `${fmt(p.ea_eV * 1000, 3)} ± ${fmt(p.ea_err_eV * 1000, 2)}`, 'meV']);
    }
    if (rates?.site_energy_O_minus_T_eV !== null && rates?.site_energy_O_minus_T_eV !== undefined) {
      out.summary.push(['site energy E_O − E_T', fmt(rates.site_energy_O_minus_T_eV * 1000, 3), 'meV']);
    }
    await addFigure(ctx, out, 'hop-rates.svg', buildRatePlotSpec(results, rates), 'Per-event hop rates against 1000/T with Poisson error bars and the Arrhenius lines written to rates.json.');
    return out;
  },
};
