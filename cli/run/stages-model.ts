/**
 * `liflux run` model stages: lattice KMC with the MD-derived rates (and the vacancy-model comparison), the
 * paper's flux model (reaction fronts with D of Li3Sb from the Arrhenius stage; hot spot in 2d and axisymmetric
 * geometry), and the strip presets. Each calls the engine/library and the command files' table/plot builders.
 */
import { describeConductivity } from '../../analysis/flux/conductivity.js';
import { analyzeFronts, createDiffusivityFromJson, type DiffusivityFunction } from '../../analysis/flux/front.js';
import { computeHotspotConvergence, runHotspotModel, type HotspotGeometry } from '../../analysis/flux/hotspot.js';
import { createStripConfig } from '../../engine/strip/presets.js';
import { advanceStripRun, createStripRun, summarizeStripRun, type StripResult } from '../../engine/strip/strip-kmc.js';
import { buildKmcCompareTable, compareKmcModels, DEFAULT_RATES_PATH, runSweep, type KmcArgs } from '../kmc.js';
import { buildFrontPlotSpecs, buildFrontTable, buildHotspotConvergenceTable, buildHotspotPhaseTable, buildHotspotPlotSpecs, conductivityFromArgs, frontJson, hotspotJson, readFronts, type FrontArgs } from '../flux.js';
import { buildOccupancyMapSpec, buildOptions, buildSweepPlotSpec, type Preset, type StripArgs } from '../strip.js';
import { createProgress, fmt } from '../output.js';
import type { PlotSpec } from '../plot.js';
import type { ReportTable } from '../report/html-report.js';
import { addFigure, createOutcome, stringifyJson, writeStageFile, type Stage, type StageContext, type StageOutcome } from './context.js';

/** How the MD-derived rates file is named in outputs (its temporary path is not where it ends up). */
const MD_RATES_LABEL = 'rates.json (MD-derived, this run)';

/** Vega-Lite: D* against 1000/T from MD (the diffusion stage) and from KMC with the MD-derived rates. */
export function buildKmcVsMdPlotSpec(points: { source: string; T_K: number; D_cm2PerS: number; D_err_cm2PerS: number }[]): PlotSpec {
  const rows = points.map((p) => ({ ...p, x: 1000 / p.T_K, lo: Math.max(p.D_cm2PerS - p.D_err_cm2PerS, p.D_cm2PerS * 0.05), hi: p.D_cm2PerS + p.D_err_cm2PerS }));
  const y = { type: 'quantitative' as const, scale: { type: 'log' as const }, title: 'D* (cm²/s)' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Tracer D*: MD trajectories vs lattice KMC with the MD-derived rates',
    width: 520,
    height: 340,
    data: { values: rows },
    layer: [
      { mark: { type: 'rule' }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'lo', ...y }, y2: { field: 'hi' }, color: { field: 'source', type: 'nominal', title: 'source', legend: { labelLimit: 320, orient: 'bottom' } } } },
      {
        mark: { type: 'point', filled: true, size: 60 },
        encoding: { x: { field: 'x', type: 'quantitative', title: '1000/T (1/K)', scale: { zero: false } }, y: { field: 'D_cm2PerS', ...y }, color: { field: 'source', type: 'nominal' }, shape: { field: 'source', type: 'nominal' } },
      },
    ],
  } as PlotSpec;
}

export const kmcStage: Stage = {
  id: 'kmc',
  title: 'Lattice KMC of Li vacancies',
  skipReason: (c) => (!c.kmc.enabled ? 'disabled in the config (kmc.enabled)' : null),
  async run(ctx: StageContext): Promise<StageOutcome> {
    const out = createOutcome();
    const cfg = ctx.config;
    const series = ctx.state.diffusion.filter((d) => d.series && d.result.temperature_K !== null);
    const temps = series.length > 0 ? series.map((d) => d.result.temperature_K as number) : [300, 548, 900];
    const ratesPath = ctx.state.ratesPath ?? DEFAULT_RATES_PATH;
    const ratesSource = ctx.state.ratesPath === null ? DEFAULT_RATES_PATH : MD_RATES_LABEL;
    if (ctx.state.ratesPath === null) out.paragraphs.push(`No MD-derived rates (hop stage skipped or without a rates file): using the bundled example rates ${DEFAULT_RATES_PATH}.`);
    const seed = String(cfg.seed);
    const args: KmcArgs = {
      lattice: 'li3sb', cells: cfg.kmc.cells, vacancies: 1, place: 'random', T: temps.join(','), hops: cfg.kmc.hops, replicas: cfg.kmc.replicas,
      seed, rates: ratesPath, vv: undefined, backend: 'ts', chunk: 4096, quiet: ctx.options.quiet,
    };
    const run = await runSweep(args, { nVacancies: 1, vv: 0, label: '1 vacancy, MD rates' }, temps, 'kmc');
    out.paragraphs.push(`${run.lattice.n_sites} Li sites (${cfg.kmc.cells}³ cells), ${run.nVacancies} vacancy, ${cfg.kmc.hops} hops × ${cfg.kmc.replicas} replicas per temperature, backend ${run.backend}, seed ${seed}; rates ${ratesSource}.`);
    const rows = run.results.map((r) => {
      const md = series.find((d) => d.result.temperature_K === r.T_K)?.result;
      return [fmt(r.T_K), `${fmt(r.D_tracer_cm2PerS, 3)} ± ${fmt(r.D_tracer_err_cm2PerS, 2)}`, md ? `${fmt(md.D_cm2PerS, 3)} ± ${fmt(md.D_err_cm2PerS, 2)}` : 'n/a',
        md ? fmt(r.D_tracer_cm2PerS / md.D_cm2PerS, 3) : 'n/a', `${fmt(r.correlation_factor, 3)} ± ${fmt(r.correlation_factor_err, 2)}`, fmt(r.wall_s, 3)];
    });
    out.tables.push({ caption: 'KMC with the MD-derived rates vs the MD trajectories (D*, 1σ)', header: ['T (K)', 'D* KMC (cm²/s)', 'D* MD (cm²/s)', 'KMC/MD', 'correlation f', 'wall (s)'], rows });
    if (run.arrhenius) out.summary.push(['Ea of D* (KMC, MD rates)', `${fmt(run.arrhenius.ea_eV, 4)} ± ${fmt(run.arrhenius.ea_err_eV, 2)}`, 'eV']);
    const pts = [
      ...series.map((d) => ({ source: 'MD (diffusion stage)', T_K: d.result.temperature_K as number, D_cm2PerS: d.result.D_cm2PerS, D_err_cm2PerS: d.result.D_err_cm2PerS })),
      ...run.results.map((r) => ({ source: 'KMC (MD-derived rates)', T_K: r.T_K, D_cm2PerS: r.D_tracer_cm2PerS, D_err_cm2PerS: r.D_tracer_err_cm2PerS })),
    ];
    await addFigure(ctx, out, 'kmc-vs-md.svg', buildKmcVsMdPlotSpec(pts), 'Tracer D* from the MD trajectories and from lattice KMC driven by the rates measured in them (1σ bars).');
    let comparison = null;
    if (cfg.kmc.compare.enabled) {
      comparison = { ...(await compareKmcModels({ ...args, hops: cfg.kmc.compare.hops, replicas: cfg.kmc.compare.replicas, vv: cfg.kmc.vvInteraction_eV }, temps)), rates_source: ratesSource };
      const t = buildKmcCompareTable(comparison);
      out.tables.push({ caption: `Vacancy models (MD rates; ${cfg.kmc.compare.hops} hops × ${cfg.kmc.compare.replicas} replicas) vs the paper's MD activation energies`, header: t.header, rows: t.rows });
      for (const m of comparison.models) if (m.ea_eV !== null) out.summary.push([`Ea KMC ${m.model}`, `${fmt(m.ea_eV * 1000, 4)} ± ${fmt((m.ea_err_eV ?? NaN) * 1000, 2)}`, 'meV']);
    }
    await writeStageFile(ctx, out, 'kmc.json', stringifyJson({ rates_source: ratesSource, seed, md_rates: { lattice: run.lattice.name, n_sites: run.lattice.n_sites, n_vacancies: run.nVacancies, backend: run.backend, results: run.results, arrhenius: run.arrhenius }, compare: comparison }));
    out.seeds = { kmc: seed };
    return out;
  },
};

export const frontStage: Stage = {
  id: 'flux-front',
  title: 'Flux model: reaction fronts',
  skipReason: (c) => (!c.flux.front.enabled ? 'disabled in the config (flux.front.enabled)' : c.flux.front.input === null ? 'no fronts file (flux.front.input)' : null),
  async run(ctx: StageContext): Promise<StageOutcome> {
    const out = createOutcome();
    const input = ctx.config.flux.front.input as string;
    let diffusivity: DiffusivityFunction | null = null;
    let description: string | null = null;
    if (ctx.state.arrhenius) {
      const d = createDiffusivityFromJson(ctx.state.arrhenius.json, 'arrhenius.json');
      diffusivity = d.diffusivity;
      description = d.description;
      out.paragraphs.push(`D of Li in Li3Sb from this run's Arrhenius fit: ${d.description}.`);
    } else out.paragraphs.push('No Arrhenius result: the diffusion part of the flux (eqs 6–7) is not computed.');
    const { model, assumed } = conductivityFromArgs({ 'sigma-llzo': ctx.config.flux.front.sigmaLlzo_SPerCm ?? undefined } as FrontArgs);
    out.paragraphs.push(`σ_LLZO: ${describeConductivity(model)}${assumed ? ' (ASSUMED: the paper\'s 75 °C value with an assumed Ea; set flux.front.sigmaLlzo_SPerCm)' : ''}.`);
    const samples = await readFronts(input);
    const r = analyzeFronts(samples, { diffusivity, conductivity: model });
    await writeStageFile(ctx, out, 'flux-front.json', stringifyJson(frontJson(r, input, describeConductivity(model), assumed, description)));
    const t = buildFrontTable(r);
    out.tables.push({ caption: `Reaction fronts: ${samples.length} samples; values are means over time`, header: t.header, rows: t.rows });
    for (const p of buildFrontPlotSpecs(r)) await addFigure(ctx, out, `front-${p.name}`, p.spec, `Reaction-front analysis: ${p.name.replace(/\.svg$/, '')}.`);
    for (const tr of r.temperatures) {
      if (tr.j_lateral_mAPerCm2) out.summary.push([`lateral j at ${fmt(tr.temperature_C)} °C (mean)`, fmt(tr.j_lateral_mAPerCm2.reduce((a, b) => a + b, 0) / tr.j_lateral_mAPerCm2.length, 3), 'mA/cm²']);
    }
    return out;
  },
};

export const hotspotStage: Stage = {
  id: 'flux-hotspot',
  title: 'Flux model: hot spot',
  skipReason: (c) => (!c.flux.hotspot.enabled ? 'disabled in the config (flux.hotspot.enabled)' : null),
  async run(ctx: StageContext): Promise<StageOutcome> {
    const out = createOutcome();
    const g = ctx.config.flux.hotspot.geometry;
    const geometries: HotspotGeometry[] = g === 'both' ? ['2d', 'axisymmetric'] : [g];
    const docs: Record<string, unknown>[] = [];
    const convTables: ReportTable[] = [];
    const rows: string[][] = [];
    let header: string[] = [];
    for (const geometry of geometries) {
      const intervals = ctx.config.flux.hotspot.intervals;
      const r = runHotspotModel({ geometry, intervals });
      // Grid check at a quarter and half the configured intervals (a cheap honesty line for a modest grid).
      const coarser = [Math.round(intervals / 4), Math.round(intervals / 2)].filter((n) => n >= 8 && n < intervals);
      const conv = coarser.length > 0 ? computeHotspotConvergence({ geometry }, [...coarser, intervals]) : null;
      docs.push(hotspotJson(r, conv));
      if (conv) {
        const ct = buildHotspotConvergenceTable(conv);
        convTables.push({ caption: `Grid convergence, ${geometry}, ${r.phases[0].name} phase (lateral current relative to ${intervals} intervals)`, header: ct.header, rows: ct.rows });
      }
      const t = buildHotspotPhaseTable(r);
      header = ['geometry', ...t.header];
      for (const row of t.rows) rows.push([geometry, ...row]);
      for (const p of buildHotspotPlotSpecs(r)) await addFigure(ctx, out, p.name, p.spec, `Hot spot (${geometry}, ${ctx.config.flux.hotspot.intervals} intervals): ${p.name.replace(/\.svg$/, '')}.`);
      const sb = r.phases.find((p) => p.name === 'Sb') ?? r.phases[0];
      out.summary.push([`hot-spot lateral current, Sb (${geometry})`, fmt(sb.lateral_current_A, 3), 'A (paper ~29 µA)']);
      out.summary.push([`relithiation time Sb → Li3Sb (${geometry})`, fmt(r.total_relithiation_time_s, 3), 's (paper ~10 ns)']);
    }
    out.tables.push({ caption: `Hot-spot model per depleted phase (grid ${ctx.config.flux.hotspot.intervals} intervals per direction)`, header, rows }, ...convTables);
    await writeStageFile(ctx, out, 'flux-hotspot.json', stringifyJson(docs.length === 1 ? docs[0] : { geometry: 'both', results: docs }));
    return out;
  },
};

export const stripStage: Stage = {
  id: 'strip',
  title: 'Stripping at a hot spot: presets',
  skipReason: (c) => (!c.strip.enabled ? 'disabled in the config (strip.enabled)' : c.strip.presets.length === 0 ? 'no presets' : null),
  async run(ctx: StageContext): Promise<StageOutcome> {
    const out = createOutcome();
    const s = ctx.config.strip;
    const seed = String(ctx.config.seed);
    const ratesPath = ctx.state.ratesPath ?? DEFAULT_RATES_PATH;
    const ratesSource = ctx.state.ratesPath === null ? DEFAULT_RATES_PATH : MD_RATES_LABEL;
    const results: (StripResult & { wall_s: number; notes: string[] })[] = [];
    const progress = createProgress('strip', ctx.options);
    try {
      for (const [k, preset] of s.presets.entries()) {
        const args = { 'stop-at-void': true, seed, rates: ratesPath } as StripArgs;
        const { config, notes } = createStripConfig(buildOptions(args, preset as Preset, s.current_mAPerCm2, s.focusingM));
        const run = createStripRun(config);
        const t0 = performance.now();
        advanceStripRun(run, { maxWall_s: s.maxWall_s });
        const wall_s = (performance.now() - t0) / 1000;
        const r = summarizeStripRun(run);
        results.push({ ...r, wall_s, notes });
        await addFigure(ctx, out, `strip-${preset}-bottom.svg`, buildOccupancyMapSpec(run, run.occ, run.t_ps * 1e-12, 'bottom'), `${preset}: Li (and vacancies) on the bottom face at the end of the run (${r.stop_reason === 'void' ? 'first void' : `stopped: ${r.stop_reason}`}).`);
        progress.onProgress(k + 1, s.presets.length);
      }
    } finally {
      progress.stop();
    }
    out.paragraphs.push(`${s.current_mAPerCm2} mA/cm², focusing M = ${s.focusingM}, default slabs, stop at the first void or after ${s.maxWall_s} s wall per preset; Li3Sb hop rates from ${ratesSource}; seed ${seed}.`);
    out.tables.push({
      caption: 'Strip presets (t_void: first persistent void of ≥ n* sites)',
      header: ['preset', 'void', 't_void (s)', 'face', 'stripped (mAh/cm²)', 'largest cluster', 'events', 'stop', 'wall (s)'],
      rows: results.map((r) => [r.preset, r.void_nucleated ? 'yes' : 'no', fmt(r.t_void_s, 3), r.void_face ?? 'n/a', fmt(r.stripped_capacity_mAhPerCm2, 3), r.largest_cluster_sites, r.events, r.stop_reason ?? 'n/a', fmt(r.wall_s, 3)]),
    });
    const sweepRows = results.map((r) => ({ preset: r.preset, focusing_M: r.focusing_M, current_mAPerCm2: r.current_mAPerCm2, void_nucleated: r.void_nucleated, t_void_s: r.t_void_s, stripped_capacity_mAhPerCm2: r.stripped_capacity_mAhPerCm2, largest_cluster_sites: r.largest_cluster_sites, hop_rate_scale: r.hop_rate_scale, events: r.events }));
    await addFigure(ctx, out, 'strip-t-void.svg', buildSweepPlotSpec(sweepRows, []), 't_void per preset at the configured current (runs without a void are omitted).');
    for (const r of results) out.summary.push([`t_void ${r.preset} at ${fmt(s.current_mAPerCm2)} mA/cm²`, r.void_nucleated ? fmt(r.t_void_s, 3) : `no void (${r.stop_reason})`, 's']);
    await writeStageFile(ctx, out, 'strip.json', stringifyJson({ rates_source: ratesSource, seed, results }));
    out.seeds = { strip: seed };
    return out;
  },
};
