/**
 * `liflux flux front <fronts.csv|.arrow>` — the paper's reaction-front analysis (eqs 1–12);
 * `liflux flux hotspot` — the hot-spot Poisson model (eqs 13–23) in 2d and axisymmetric geometry.
 * Parsing, formatting and plots only; the physics is in analysis/flux/.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { tableFromIPC } from 'apache-arrow';
import { InputError } from '../engine/core/errors.js';
import type { ConductivityModel } from '../analysis/flux/conductivity.js';
import { computeArrheniusPrefactor, describeConductivity, parseImpedanceSpec } from '../analysis/flux/conductivity.js';
import type { DiffusivityFunction, FrontAnalysisResult, FrontSample } from '../analysis/flux/front.js';
import { analyzeFronts, createDiffusivityFromJson, createFrontSamples, parseFrontsCsv } from '../analysis/flux/front.js';
import type { HotspotConvergenceResult, HotspotGeometry, HotspotParameters, HotspotResult } from '../analysis/flux/hotspot.js';
import { compareHotspotReadings, computeHotspotConvergence, DEFAULT_HOTSPOT_PARAMETERS, runHotspotModel } from '../analysis/flux/hotspot.js';
import { createProgress, fmt, formatTable, printJson, writeFileAtomically, type GlobalOptions } from './output.js';
import { renderSvg, type PlotSpec } from './plot.js';

/** The paper's reported hot-spot numbers, for the comparison line (not used in any calculation). */
const PAPER_LATERAL_CURRENT_A = 29e-6;
const PAPER_RELITHIATION_TIME_S = 10e-9;
const DEFAULT_SIGMA_REF = '0.00216,75,0.30';

export interface FrontArgs extends GlobalOptions {
  input: string;
  'sigma-llzo'?: number;
  'sigma-arrhenius'?: string;
  'sigma-ref'?: string;
  eis?: string[];
  'D-li3sb'?: number;
  diffusion?: string;
  'thickness-sb': number;
  'pixel-size': number;
  'position-error': number;
  'time-resolution': number;
  window: number;
  U1: number;
  U2: number;
  'plot-dir'?: string;
}

interface HotspotArgs extends GlobalOptions {
  geometry: 'both' | HotspotGeometry;
  'domain-width': number;
  'domain-height': number;
  'charge-height': number;
  'gaussian-width': number;
  'calibration-distance': number;
  'applied-current-density': number;
  'sigma-llzo': number;
  'epsilon-r': number;
  'cylinder-radius': number;
  'cylinder-height': number;
  'depleted-radius': number;
  'U-sb': number;
  'U-li2sb': number;
  intervals: number;
  convergence: string;
  'near-field': 'subtracted' | 'mesh';
  readings: boolean;
  'plot-dir'?: string;
}

function parseNumberList(spec: string, option: string, count: number): number[] {
  const parts = spec.split(',').map((s) => Number(s.trim()));
  if (parts.length !== count || parts.some((v) => !Number.isFinite(v))) {
    throw new InputError(`${option}: expected ${count} comma-separated numbers, found ${JSON.stringify(spec)}`);
  }
  return parts;
}

/** σ_LLZO model from the options (exactly one source; default: the paper's 75 °C value with an assumed Ea). */
export function conductivityFromArgs(args: FrontArgs): { model: ConductivityModel; assumed: boolean } {
  const given = [args['sigma-llzo'] !== undefined, args['sigma-arrhenius'] !== undefined, args['sigma-ref'] !== undefined, (args.eis?.length ?? 0) > 0].filter(Boolean).length;
  if (given > 1) throw new InputError('σ_LLZO: expected one of --sigma-llzo, --sigma-arrhenius, --sigma-ref, --eis, found several');
  if (args['sigma-llzo'] !== undefined) {
    if (!(args['sigma-llzo'] > 0)) throw new InputError(`--sigma-llzo: expected a positive conductivity in S/cm, found ${args['sigma-llzo']}`);
    return { model: { kind: 'constant', sigma_SPerCm: args['sigma-llzo'] }, assumed: false };
  }
  if (args['sigma-arrhenius'] !== undefined) {
    const [A, ea] = parseNumberList(args['sigma-arrhenius'], '--sigma-arrhenius (A in S·K/cm, Ea in eV)', 2);
    if (!(A > 0)) throw new InputError(`--sigma-arrhenius: expected a positive prefactor A in S·K/cm, found ${A}`);
    return { model: { kind: 'arrhenius', prefactor_SKPerCm: A, ea_eV: ea }, assumed: false };
  }
  if (args.eis && args.eis.length > 0) return { model: { kind: 'impedance', points: args.eis.map(parseImpedanceSpec) }, assumed: false };
  const spec = args['sigma-ref'] ?? DEFAULT_SIGMA_REF;
  const [s, T_C, ea] = parseNumberList(spec, '--sigma-ref (σ in S/cm, T in °C, Ea in eV)', 3);
  return { model: { kind: 'arrhenius', prefactor_SKPerCm: computeArrheniusPrefactor(s, T_C + 273.15, ea), ea_eV: ea }, assumed: args['sigma-ref'] === undefined };
}

/** Read front positions from CSV or Arrow. */
export async function readFronts(path: string): Promise<FrontSample[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new InputError(`expected a readable fronts file, found ${(err as NodeJS.ErrnoException).code ?? 'an error'}`, { file: path });
  }
  const isArrow = path.endsWith('.arrow') || path.endsWith('.feather') || bytes.subarray(0, 6).toString('latin1') === 'ARROW1';
  if (!isArrow) return parseFrontsCsv(bytes.toString('utf8'), path);
  let table;
  try {
    table = tableFromIPC(bytes);
  } catch (err) {
    throw new InputError(`expected an Arrow IPC file, found unreadable content (${(err as Error).message})`, { file: path });
  }
  const col = (name: string): ArrayLike<number> | undefined => {
    const c = table.getChild(name);
    return c ? Array.from(c.toArray() as ArrayLike<number | bigint>, Number) : undefined;
  };
  return createFrontSamples({ temperature_C: col('temperature_C'), time_s: col('time_s'), x1_mm: col('x1_mm'), x2_mm: col('x2_mm') }, path);
}

function mean(a: number[]): number {
  return a.reduce((s, v) => s + v, 0) / a.length;
}

/** The per-temperature front table (means over time). */
export function buildFrontTable(r: FrontAnalysisResult): { header: string[]; rows: (string | number)[][] } {
  const header = ['T (°C)', 'frames', 'x1 (mm)', 'J_Li/w (mol/cm/s)', 'J_D/w', 'diff. frac (%)', 'σ (S/cm)', 'θ_eff (µm)', 'j (mA/cm²)'];
  const rows = r.temperatures.map((t) => [
    fmt(t.temperature_C),
    t.time_s.length,
    `${fmt(t.x1_mm[0], 3)}–${fmt(t.x1_mm[t.x1_mm.length - 1], 3)}`,
    `${fmt(mean(t.J_Li_perWidth_molPerCmS), 3)} ± ${fmt(mean(t.J_Li_perWidth_molPerCmS_err), 2)}`,
    t.J_D_perWidth_molPerCmS ? fmt(mean(t.J_D_perWidth_molPerCmS), 3) : 'n/a',
    t.diffusion_fraction ? fmt(100 * mean(t.diffusion_fraction), 3) : 'n/a',
    fmt(t.sigma_LLZO_SPerCm, 3),
    t.theta_eff_um ? `${fmt(mean(t.theta_eff_um), 3)} ± ${fmt(mean(t.theta_eff_um_err!), 2)}` : 'n/a',
    t.j_lateral_mAPerCm2 ? fmt(mean(t.j_lateral_mAPerCm2), 3) : 'n/a',
  ]);
  return { header, rows };
}

function formatFrontTable(r: FrontAnalysisResult): string {
  const t = buildFrontTable(r);
  return formatTable(t.header, t.rows);
}

async function writePlot(dir: string, name: string, spec: PlotSpec, overwrite: boolean | undefined): Promise<string> {
  const path = join(dir, name);
  await writeFileAtomically(path, await renderSvg(spec), overwrite);
  return path;
}

/** A named plot: file name and Vega-Lite spec. */
export interface NamedPlotSpec {
  name: string;
  spec: PlotSpec;
}

async function plotFronts(r: FrontAnalysisResult, dir: string, overwrite: boolean | undefined): Promise<string[]> {
  const out: string[] = [];
  for (const p of buildFrontPlotSpecs(r)) out.push(await writePlot(dir, p.name, p.spec, overwrite));
  return out;
}

/** Vega-Lite specs of the front analysis (cf. paper Fig. 2D–F): flux vs x1, diffusion share, θ_eff vs T. */
export function buildFrontPlotSpecs(r: FrontAnalysisResult): NamedPlotSpec[] {
  const rows = r.temperatures.flatMap((t) =>
    t.time_s.map((time, k) => ({
      T: `${t.temperature_C} °C`,
      T_C: t.temperature_C,
      x1: t.x1_mm[k],
      J: t.J_Li_perWidth_molPerCmS[k],
      Jlo: t.J_Li_perWidth_molPerCmS[k] - t.J_Li_perWidth_molPerCmS_err[k],
      Jhi: t.J_Li_perWidth_molPerCmS[k] + t.J_Li_perWidth_molPerCmS_err[k],
      frac: t.diffusion_fraction ? 100 * t.diffusion_fraction[k] : null,
      theta: t.theta_eff_um ? t.theta_eff_um[k] : null,
      time,
    })),
  );
  const color = { field: 'T', type: 'nominal', title: 'T', sort: { field: 'T_C' } } as const;
  const out: NamedPlotSpec[] = [];
  out.push({
    name: 'flux-vs-x1.svg',
    spec: {
      title: 'Lateral Li flux J_Li/w vs Li3Sb length (cf. paper Fig. 2D)',
      width: 480,
      height: 320,
      data: { values: rows },
      layer: [
        { mark: { type: 'rule', opacity: 0.4 }, encoding: { x: { field: 'x1', type: 'quantitative' }, y: { field: 'Jlo', type: 'quantitative' }, y2: { field: 'Jhi' }, color } },
        {
          mark: { type: 'point', filled: true, size: 18 },
          encoding: {
            x: { field: 'x1', type: 'quantitative', title: 'x1 (mm)' },
            y: { field: 'J', type: 'quantitative', title: 'J_Li/w (mol cm⁻¹ s⁻¹)', axis: { format: '.1e' } },
            color,
          },
        },
      ],
    } as PlotSpec,
  });
  if (rows.some((q) => q.frac !== null)) {
    out.push({
      name: 'diffusion-fraction.svg',
      spec: {
        title: 'Diffusion share of the lateral flux (cf. Fig. 2E)',
        width: 480,
        height: 280,
        data: { values: rows.filter((q) => q.frac !== null) },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'x1', type: 'quantitative', title: 'x1 (mm)' },
          y: { field: 'frac', type: 'quantitative', title: 'J_D / J_Li (%)' },
          color,
        },
      } as PlotSpec,
    });
  }
  if (rows.some((q) => q.theta !== null)) {
    out.push({
      name: 'theta-eff-vs-T.svg',
      spec: {
        title: 'Effective conduction thickness in LLZO (cf. Fig. 2F)',
        width: 420,
        height: 300,
        data: { values: rows.filter((q) => q.theta !== null) },
        layer: [
          { mark: { type: 'point', opacity: 0.35 }, encoding: { x: { field: 'T_C', type: 'quantitative', title: 'T (°C)' }, y: { field: 'theta', type: 'quantitative', title: 'θ_eff (µm)' } } },
          { mark: { type: 'line', point: true, color: 'black' }, encoding: { x: { field: 'T_C', type: 'quantitative' }, y: { aggregate: 'median', field: 'theta', type: 'quantitative' } } },
        ],
      } as PlotSpec,
    });
  }
  return out;
}

/** The JSON document of `liflux flux front --json` (without the plot list). */
export function frontJson(r: FrontAnalysisResult, input: string, sigma: string, sigmaAssumed: boolean, diffusion: string | null): unknown {
  return {
    command: 'flux front',
    input,
    conductivity: sigma,
    conductivity_assumed: sigmaAssumed,
    diffusion,
    materials: r.materials,
    theta_nm: r.theta_nm,
    deltaC_molPerCm3: r.deltaC_molPerCm3,
    position_error_mm: r.positionError_mm,
    time_error_s: r.timeError_s,
    temperatures: r.temperatures,
  };
}

export const fluxFrontCommand: CommandModule<GlobalOptions, FrontArgs> = {
  command: 'front <input>',
  describe: 'Reaction-front analysis (paper eqs 1–12): lateral Li flux, diffusion share, θ_eff and lateral current density',
  builder: (y) =>
    y
      .positional('input', { type: 'string', demandOption: true, description: 'Front positions: CSV temperature_C,time_s,x1_mm,x2_mm or the same columns in Arrow (path)' })
      .option('sigma-llzo', { type: 'number', description: 'σ_LLZO at every temperature (S/cm)' })
      .option('sigma-arrhenius', { type: 'string', description: 'σ_LLZO from eq 25: "A,Ea" with A in S·K/cm and Ea in eV' })
      .option('sigma-ref', { type: 'string', description: `σ_LLZO from eq 25 through a reference point: "σ,T,Ea" (S/cm, °C, eV); default ${DEFAULT_SIGMA_REF} (paper's 75 °C value, Ea assumed)` })
      .option('eis', { type: 'string', array: true, description: 'σ_LLZO from impedance, eq 24: "R,l,S" (Ω, cm, cm²), or "T:R,l,S" with T in °C (repeat per temperature)' })
      .option('D-li3sb', { type: 'number', description: 'D of Li in Li3Sb for eqs 6–7 (cm²/s), used at every temperature' })
      .option('diffusion', { type: 'string', description: 'D of Li in Li3Sb from a liflux diffusion/arrhenius result JSON (path; D in cm²/s, Ea in eV)' })
      .option('thickness-sb', { type: 'number', default: 10, description: 'Sb film thickness θ_Sb (nm)' })
      .option('pixel-size', { type: 'number', default: 0.03236, description: 'Image pixel size (mm/px)' })
      .option('position-error', { type: 'number', default: 3, description: 'Front position uncertainty, 1σ (px)' })
      .option('time-resolution', { type: 'number', default: 0.1, description: 'Time resolution (s); σ_t = resolution/√12' })
      .option('window', { type: 'number', default: 8, description: 'Half-width of the local linear-regression window for dx/dt (samples)' })
      .option('U1', { type: 'number', default: 0.85, description: 'U1, Li2Sb/Li3Sb vs Li⁺/Li (V)' })
      .option('U2', { type: 'number', default: 0.9, description: 'U2, Sb/Li2Sb vs Li⁺/Li (V)' })
      .option('plot-dir', { type: 'string', description: 'Write SVG plots (Fig. 2D–F style) into this directory (path)' })
      .option('overwrite', { type: 'boolean', default: false, description: 'Replace existing plot files' }) as Argv<FrontArgs>,
  handler: async (args) => {
    if (args['D-li3sb'] !== undefined && args.diffusion !== undefined) throw new InputError('D of Li in Li3Sb: expected one of --D-li3sb, --diffusion, found both');
    let diffusivity: DiffusivityFunction | null = null;
    let diffusionDescription: string | null = null;
    if (args['D-li3sb'] !== undefined) {
      const d = args['D-li3sb'];
      if (!(Number.isFinite(d) && d >= 0)) throw new InputError(`--D-li3sb: expected a diffusion coefficient ≥ 0 in cm²/s, found ${d}`);
      diffusivity = () => d;
      diffusionDescription = `D = ${d} cm²/s at every temperature`;
    } else if (args.diffusion !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readFile(args.diffusion, 'utf8'));
      } catch (err) {
        throw new InputError(`expected a readable JSON diffusion result, found ${(err as Error).message}`, { file: args.diffusion });
      }
      const d = createDiffusivityFromJson(parsed, args.diffusion);
      diffusivity = d.diffusivity;
      diffusionDescription = d.description;
    }
    const { model, assumed } = conductivityFromArgs(args);
    const samples = await readFronts(args.input);
    const result = analyzeFronts(samples, {
      thetaSb_nm: args['thickness-sb'],
      pixel_mm: args['pixel-size'],
      positionError_px: args['position-error'],
      timeResolution_s: args['time-resolution'],
      halfWindow: args.window,
      U1_V: args.U1,
      U2_V: args.U2,
      diffusivity,
      conductivity: model,
    });
    const plots = args['plot-dir'] ? await plotFronts(result, args['plot-dir'], args.overwrite) : [];
    if (args.json) {
      printJson({ ...(frontJson(result, args.input, describeConductivity(model), assumed, diffusionDescription) as object), plots });
      return;
    }
    const lines = [
      `fronts: ${args.input} (${samples.length} samples, ${result.temperatures.length} temperatures)`,
      `θ (nm): Sb ${fmt(result.theta_nm.Sb)}, Li2Sb ${fmt(result.theta_nm.Li2Sb)}, Li3Sb ${fmt(result.theta_nm.Li3Sb)}; Δc = ${fmt(result.deltaC_molPerCm3)} mol/cm³`,
      `σ_LLZO: ${describeConductivity(model)}${assumed ? '  [ASSUMED default: pass --sigma-llzo/--sigma-arrhenius/--sigma-ref/--eis]' : ''}`,
      `D(Li in Li3Sb): ${diffusionDescription ?? 'not given (no diffusion correction; pass --D-li3sb or --diffusion)'}`,
      `dx/dt: local weighted linear regression over ±${args.window} samples, σ_x = ${fmt(result.positionError_mm)} mm, σ_t = ${fmt(result.timeError_s)} s; values below are means over time`,
      '',
      formatFrontTable(result),
    ];
    if (plots.length > 0) lines.push('', `plots: ${plots.join(', ')}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  },
};

function phaseJson(r: HotspotResult): Record<string, unknown> {
  const phases: Record<string, unknown> = {};
  for (const ph of r.phases) {
    phases[ph.name] = {
      U_V: ph.U_V,
      lateral_current_A: ph.lateral_current_A,
      lateral_current_per_length_APerM: ph.lateralCurrentPerLength_APerM,
      lateral_current_without_applied_A: ph.lateralCurrentWithoutApplied_A,
      peak_depth_um: ph.peak_depth_um,
      peak_current_density_mAPerCm2: ph.peak_current_density_mAPerCm2,
      depth_10pct_um: ph.depth_10pct_um,
      relithiation_time_s: ph.relithiation_time_s,
      lithium_mol: ph.lithium_mol,
      charge_over_epsilon: ph.chargeOverEpsilon,
      charge_over_epsilon_unit: r.geometry === '2d' ? 'V' : 'V·µm',
      charge_C: ph.charge_C,
      charge_unit: r.geometry === '2d' ? 'C/m' : 'C',
    };
  }
  return phases;
}

function profileSubsample(r: HotspotResult, every = 20): { z_um: number[]; J_r_mAPerCm2: Record<string, number[]> } {
  const z: number[] = [];
  const J: Record<string, number[]> = {};
  for (const ph of r.phases) J[ph.name] = [];
  for (let k = 0; k < r.profile_z_um.length; k += every) {
    z.push(r.profile_z_um[k]);
    for (const ph of r.phases) J[ph.name].push(ph.profile_J_mAPerCm2[k]);
  }
  return { z_um: z, J_r_mAPerCm2: J };
}

/** The JSON document of one geometry of `liflux flux hotspot --json`. */
export function hotspotJson(r: HotspotResult, conv: HotspotConvergenceResult | null): Record<string, unknown> {
  const sb = r.phases.find((p) => p.name === 'Sb') ?? r.phases[0];
  return {
    geometry: r.geometry,
    phases: phaseJson(r),
    total_relithiation_time_s: r.total_relithiation_time_s,
    nSb_mol: r.nSb_mol,
    u_top_V: r.uTop_V,
    unknowns: r.unknowns,
    cg_iterations: r.iterations,
    solve_ms: r.solve_ms,
    parameters: { ...r.parameters, phases: undefined },
    profile: profileSubsample(r),
    convergence: conv,
    paper_comparison: {
      paper_lateral_current_A: PAPER_LATERAL_CURRENT_A,
      paper_relithiation_time_s: PAPER_RELITHIATION_TIME_S,
      ratio_paper_over_this: PAPER_LATERAL_CURRENT_A / Math.abs(sb.lateral_current_A),
    },
  };
}

async function plotHotspot(r: HotspotResult, dir: string, overwrite: boolean | undefined): Promise<string[]> {
  const out: string[] = [];
  for (const p of buildHotspotPlotSpecs(r)) out.push(await writePlot(dir, p.name, p.spec, overwrite));
  return out;
}

/** Vega-Lite specs of one hot-spot solution: potential and |J| maps (cf. Fig. 3A/B) and the J_r profile (Fig. 3D). */
export function buildHotspotPlotSpecs(r: HotspotResult): NamedPlotSpec[] {
  const m = r.maps;
  const n = m.x_um.length;
  const dx = m.x_um[1] - m.x_um[0];
  const dy = m.y_um[1] - m.y_um[0];
  const cells: Record<string, number>[] = [];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const k = j * n + i;
      cells.push({
        x0: m.x_um[i] - dx / 2,
        x1: m.x_um[i] + dx / 2,
        y0: m.y_um[j] - dy / 2,
        y1: m.y_um[j] + dy / 2,
        u: Number(m.u_V[k].toPrecision(4)),
        logJ: Number(Math.log10(Math.max(m.Jmag_mAPerCm2[k], 1e-6)).toPrecision(4)),
      });
    }
  }
  const label = r.geometry === '2d' ? 'x (µm)' : 'r (µm, mirrored)';
  const heat = (field: string, title: string, scheme: string, plotTitle: string): PlotSpec =>
    ({
      title: plotTitle,
      width: 360,
      height: 360,
      data: { values: cells },
      mark: { type: 'rect' },
      encoding: {
        x: { field: 'x0', type: 'quantitative', title: label, scale: { domain: [m.x_um[0] - dx / 2, m.x_um[n - 1] + dx / 2], nice: false } },
        x2: { field: 'x1' },
        y: { field: 'y0', type: 'quantitative', title: 'depth below the interface (µm)', scale: { reverse: true, domain: [0, m.y_um[n - 1] + dy / 2], nice: false } },
        y2: { field: 'y1' },
        color: { field, type: 'quantitative', title, scale: { scheme } },
      },
    }) as PlotSpec;
  const name0 = r.phases[0].name;
  const out: NamedPlotSpec[] = [];
  out.push({ name: `hotspot-potential-${r.geometry}.svg`, spec: heat('u', 'u (V)', 'viridis', `Potential, ${name0} hot spot, ${r.geometry} (cf. Fig. 3B)`) });
  out.push({ name: `hotspot-flux-${r.geometry}.svg`, spec: heat('logJ', 'log10 |J| (mA/cm²)', 'inferno', `Li-ion current density, ${name0} hot spot, ${r.geometry} (cf. Fig. 3A)`) });
  const prof = profileSubsample(r, 10);
  const rows = prof.z_um.flatMap((z, k) => r.phases.map((ph) => ({ z, J: prof.J_r_mAPerCm2[ph.name][k], phase: ph.name })));
  out.push({
    name: `hotspot-profile-${r.geometry}.svg`,
    spec: {
      title: `Lateral current density on the r = ${r.parameters.cylinderRadius_um} µm cylinder, ${r.geometry} (cf. Fig. 3D)`,
      width: 420,
      height: 300,
      data: { values: rows },
      mark: 'line',
      encoding: {
        x: { field: 'z', type: 'quantitative', title: 'depth below the interface (µm)' },
        y: { field: 'J', type: 'quantitative', title: 'J_r (mA/cm²)' },
        color: { field: 'phase', type: 'nominal' },
      },
    } as PlotSpec,
  });
  return out;
}

/** One row per depleted phase: lateral current, peak depth and current density, relithiation time. */
export function buildHotspotPhaseTable(r: HotspotResult): { header: string[]; rows: string[][] } {
  return {
    header: ['phase', 'U (V)', 'I lateral (A)', 'peak depth (µm)', 'peak J_r (mA/cm²)', '10% depth (µm)', 't_relith (s)'],
    rows: r.phases.map((ph) => [ph.name, fmt(ph.U_V), fmt(ph.lateral_current_A, 4), fmt(ph.peak_depth_um, 3), fmt(ph.peak_current_density_mAPerCm2, 4), fmt(ph.depth_10pct_um, 3), fmt(ph.relithiation_time_s, 3)]),
  };
}

/** Grid convergence of the first phase's lateral current: one row per interval count, relative to the finest. */
export function buildHotspotConvergenceTable(conv: HotspotConvergenceResult): { header: string[]; rows: (string | number)[][] } {
  const last = conv.rows[conv.rows.length - 1].lateral_current_A[0];
  return {
    header: ['intervals', 'unknowns', 'I lateral (A)', 'rel. diff to finest', 'solve (s)'],
    rows: conv.rows.map((row) => [row.intervals, row.unknowns, fmt(row.lateral_current_A[0], 8), fmt((row.lateral_current_A[0] - last) / last, 2), fmt(row.solve_ms / 1000, 3)]),
  };
}

function formatHotspot(r: HotspotResult, conv: HotspotConvergenceResult | null): string {
  const lines: string[] = [];
  const geomText = r.geometry === '2d' ? '2d Cartesian (line charge; I = K·2πR as the paper\'s eq 17b)' : 'axisymmetric (r, z) (point charge; I = ∫J_r·2πR dz)';
  lines.push(`geometry: ${geomText}; near field ${r.parameters.nearField}; ${r.unknowns} unknowns, CG iterations ${r.iterations.join(' + ')}, ${fmt(r.solve_ms / 1000, 3)} s`);
  const phaseTable = buildHotspotPhaseTable(r);
  lines.push(formatTable(phaseTable.header, phaseTable.rows));
  lines.push(`total relithiation Sb → Li2Sb → Li3Sb: ${fmt(r.total_relithiation_time_s, 3)} s (n_Sb = ${fmt(r.nSb_mol, 3)} mol)`);
  const first = r.phases[0];
  const appliedEffect = first.lateral_current_A / first.lateralCurrentWithoutApplied_A - 1;
  lines.push(
    `applied current ${fmt(r.parameters.appliedCurrentDensity_mAPerCm2)} mA/cm² vs none: lateral current changes by ${fmt(appliedEffect, 2)} (relative)${Math.abs(appliedEffect) < 0.01 ? ' — negligible' : ''}`,
  );
  if (conv) {
    const t = buildHotspotConvergenceTable(conv);
    lines.push('convergence (first phase):', formatTable(t.header, t.rows));
  }
  const sb = r.phases.find((p) => p.name === 'Sb') ?? r.phases[0];
  lines.push(
    `paper: ~29 µA and ~10 ns. These equations give ${fmt(sb.lateral_current_A, 3)} A (${fmt(PAPER_LATERAL_CURRENT_A / Math.abs(sb.lateral_current_A), 3)}× less than the paper) — not tuned; --readings compares readings of the paper's text (analysis/flux/README.md).`,
  );
  return lines.join('\n');
}

export const fluxHotspotCommand: CommandModule<GlobalOptions, HotspotArgs> = {
  command: 'hotspot',
  describe: 'Hot-spot Poisson model (paper eqs 13–23): lateral current into a Li-depleted spot and its relithiation time',
  builder: (y) =>
    y
      .option('geometry', { choices: ['2d', 'axisymmetric', 'both'] as const, default: 'both' as const, description: '2d Cartesian (the paper), axisymmetric (consistent 3D), or both' })
      .option('domain-width', { type: 'number', default: DEFAULT_HOTSPOT_PARAMETERS.domainWidth_um, description: 'LLZO domain width (µm)' })
      .option('domain-height', { type: 'number', default: DEFAULT_HOTSPOT_PARAMETERS.domainHeight_um, description: 'LLZO domain height (µm)' })
      .option('charge-height', { type: 'number', default: 25, description: 'Height of the hot-spot charge above the interface (nm)' })
      .option('gaussian-width', { type: 'number', default: 0.5, description: 'Gaussian width of the charge, eq 13 (nm)' })
      .option('calibration-distance', { type: 'number', default: 10, description: 'Distance from the charge where u = U, sideways (nm)' })
      .option('applied-current-density', { type: 'number', default: DEFAULT_HOTSPOT_PARAMETERS.appliedCurrentDensity_mAPerCm2, description: 'Applied current density (mA/cm²)' })
      .option('sigma-llzo', { type: 'number', default: DEFAULT_HOTSPOT_PARAMETERS.sigma_SPerCm, description: 'LLZO conductivity (S/cm)' })
      .option('epsilon-r', { type: 'number', default: DEFAULT_HOTSPOT_PARAMETERS.epsilonR, description: 'Relative permittivity of LLZO (dimensionless; affects only the reported charge)' })
      .option('cylinder-radius', { type: 'number', default: DEFAULT_HOTSPOT_PARAMETERS.cylinderRadius_um, description: 'Radius of the counting cylinder (µm)' })
      .option('cylinder-height', { type: 'number', default: DEFAULT_HOTSPOT_PARAMETERS.cylinderHeight_um, description: 'Height of the counting cylinder (µm)' })
      .option('depleted-radius', { type: 'number', default: 10, description: 'Radius of the Li-depleted Sb sphere, eq 19 (nm)' })
      .option('U-sb', { type: 'number', default: 0.9, description: 'U of the Sb (fully depleted) hot spot, vs Li⁺/Li (V)' })
      .option('U-li2sb', { type: 'number', default: 0.85, description: 'U of the Li2Sb (partly depleted) hot spot, vs Li⁺/Li (V)' })
      .option('intervals', { type: 'number', default: DEFAULT_HOTSPOT_PARAMETERS.intervals, description: 'Grid intervals per direction (dimensionless count; 800 → 801 × 801 nodes)' })
      .option('near-field', { choices: ['subtracted', 'mesh'] as const, default: 'subtracted' as const, description: 'subtracted: closed-form Gaussian + image, smooth remainder solved (converges); mesh: Gaussian put on the grid as the paper did (needs a grid finer than the Gaussian)' })
      .option('readings', { type: 'boolean', default: false, description: "Also compare readings of the paper's text (2D×2πr, axisymmetric, paper grid, 0.5 µm Gaussian); ~10 s" })
      .option('convergence', { type: 'string', default: '100,200,400', description: 'Coarser interval counts for the convergence table, comma-separated (counts); "" to skip' })
      .option('plot-dir', { type: 'string', description: 'Write potential/flux maps and the J_r profile as SVG into this directory (path)' })
      .option('overwrite', { type: 'boolean', default: false, description: 'Replace existing plot files' }) as Argv<HotspotArgs>,
  handler: async (args) => {
    const geometries: HotspotGeometry[] = args.geometry === 'both' ? ['2d', 'axisymmetric'] : [args.geometry];
    const convList = args.convergence.trim() === '' ? [] : args.convergence.split(',').map((s) => Number(s.trim()));
    if (convList.some((v) => !(Number.isInteger(v) && v >= 8))) {
      throw new InputError(`--convergence: expected comma-separated integers ≥ 8 (interval counts), found ${JSON.stringify(args.convergence)}`);
    }
    const base: Partial<HotspotParameters> = {
      domainWidth_um: args['domain-width'],
      domainHeight_um: args['domain-height'],
      chargeHeight_um: args['charge-height'] / 1000,
      gaussianWidth_um: args['gaussian-width'] / 1000,
      calibrationDistance_um: args['calibration-distance'] / 1000,
      appliedCurrentDensity_mAPerCm2: args['applied-current-density'],
      sigma_SPerCm: args['sigma-llzo'],
      epsilonR: args['epsilon-r'],
      cylinderRadius_um: args['cylinder-radius'],
      cylinderHeight_um: args['cylinder-height'],
      depletedRadius_um: args['depleted-radius'] / 1000,
      intervals: args.intervals,
      nearField: args['near-field'],
      phases: [
        { name: 'Sb', U_V: args['U-sb'], lithiumPerSb: 2 },
        { name: 'Li2Sb', U_V: args['U-li2sb'], lithiumPerSb: 1 },
      ],
    };
    const progress = createProgress('hotspot', args);
    const results: { r: HotspotResult; conv: HotspotConvergenceResult | null }[] = [];
    const plots: string[] = [];
    try {
      for (let g = 0; g < geometries.length; g++) {
        const params = { ...base, geometry: geometries[g] };
        const r = runHotspotModel(params);
        const conv = convList.length > 0 ? computeHotspotConvergence(params, [...convList, args.intervals]) : null;
        progress.onProgress(g + 1, geometries.length);
        results.push({ r, conv });
        if (args['plot-dir']) plots.push(...(await plotHotspot(r, args['plot-dir'], args.overwrite)));
      }
    } finally {
      progress.stop();
    }
    const readings = args.readings ? compareHotspotReadings(base, Math.min(args.intervals, 400)) : null;
    if (args.json) {
      const entries = results.map(({ r, conv }) => hotspotJson(r, conv));
      printJson(entries.length === 1 ? { ...entries[0], readings, plots } : { geometry: 'both', results: entries, readings, plots });
      return;
    }
    let text = results.map(({ r, conv }) => formatHotspot(r, conv)).join('\n\n');
    if (readings) {
      text += `\n\nreadings of the paper's text (paper: ~29 µA, ~10 ns; nothing here is tuned):\n${formatTable(
        ['reading', 'I Sb (A)', 'I Li2Sb (A)', 't total (s)', 'peak (µm)', '10% depth (µm)'],
        readings.map((row) => [row.reading, fmt(row.lateral_current_A[0], 3), fmt(row.lateral_current_A[1], 3), fmt(row.total_relithiation_time_s, 3), fmt(row.peak_depth_um, 3), fmt(row.depth_10pct_um, 3)]),
      )}`;
    }
    process.stdout.write(`${text}\n${plots.length > 0 ? `\nplots: ${plots.join(', ')}\n` : ''}`);
  },
};

export const fluxCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'flux <command>',
  describe: "The paper's flux model: reaction-front analysis (front) and the hot-spot Poisson model (hotspot)",
  builder: (y) => y.command(fluxFrontCommand).command(fluxHotspotCommand).demandCommand(1, 'Name a flux subcommand: front or hotspot.') as Argv<GlobalOptions>,
  handler: () => {},
};
