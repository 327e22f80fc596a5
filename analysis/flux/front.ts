/**
 * Reaction-front analysis of the paper (eqs 1–12): lateral Li flux from the growth of the Li3Sb and Li2Sb
 * regions on a thin Sb film, its Fick-diffusion part, the effective conduction thickness in LLZO and the
 * lateral current density.
 *
 * Molar concentrations (eq 2, c = ρ/M, or from the cell: Z formula units per cell volume):
 *   - Sb: ρ = 6.697 g/cm³, M = 121.76 g/mol → 0.05500 mol/cm³ (paper);
 *   - Li3Sb: Fm-3m, 4 formula units per a³ with a = 6.5445 Å (the paper's MD cell; 6.57 Å experimental gives
 *     1.2 % less) → 0.02370 mol/cm³;
 *   - Li2Sb: hexagonal P-62m (Fe2P type, ICSD 100020), Z = 3, a = 7.710 Å, c = 3.262 Å (literature cell for
 *     Li2Sb, an assumption: the ICSD entry itself was not accessible here) → V = 167.9 Å³, 0.02967 mol/cm³;
 *   - Li metal: bcc a = 3.51 Å, 2 atoms per cell → 0.07683 mol/cm³ (for Δc of eq 6).
 * Eq 1 then gives θ_Li2Sb = c_Sb·θ_Sb/c_Li2Sb and θ_Li3Sb = c_Sb·θ_Sb/c_Li3Sb. Note that c_Li2Sb·θ_Li2Sb = c_Sb·θ_Sb,
 * so eqs 3–5 do not depend on the Li2Sb concentration at all; it enters only Δc (eq 6) and θ_Li3Sb (eq 7).
 *
 * Front velocities (the derivative of noisy positions): at each time, a straight line is fitted to the
 * positions within a window of ±`halfWindow` samples (truncated at the ends, never fewer than 3 points),
 * weighted by the effective variance σ_eff² = σ_x² + (v·σ_t)² (position error ±3 px = 0.097 mm taken as 1σ;
 * time resolution 0.1 s taken as a uniform reading error, σ_t = 0.1/√12 s, propagated through the slope v of
 * the window — iterate once). The slope's standard error is σ_v = 1/√Σw(t − t̄_w)². This is the local-linear
 * (Savitzky–Golay degree-1) derivative; it smooths over 2·halfWindow + 1 samples. Neighbouring velocities share
 * samples and are correlated; the per-point error bars are marginal.
 *
 * Flux (eqs 3–5): r1/w = c_Li2Sb·θ_Li2Sb·dx1/dt, r2/w = c_Sb·θ_Sb·dx2/dt, J_Li/w = r1/w + 2·r2/w (mol cm⁻¹ s⁻¹);
 * errors by linear propagation with independent fronts (concentrations and θ_Sb taken as exact).
 * Diffusion (eqs 6–7): J_D/w = θ_Li3Sb·D·Δc/x1 with Δc = c_Li(Li metal) − c_Li(Li2Sb) = c_Li − 2c_Li2Sb.
 * Conduction (eqs 8–12): J_LLZO/w = J_Li/w − J_D/w (the paper subtracts the diffusion part),
 * θ_eff = (J_LLZO/w)·F/σ / (U1/x1 + U2/x2), j = σ(U1/x1 + U2/x2), U1 = 0.85 V (Li2Sb/Li3Sb), U2 = 0.90 V (Sb/Li2Sb).
 */
import { A3_TO_CM3, F_CPerMol, KB_eVPerK, NA_perMol } from '../../engine/core/constants.js';
import { InputError } from '../../engine/core/errors.js';
import type { ConductivityModel } from './conductivity.js';
import { evaluateConductivity } from './conductivity.js';

/** Molar concentration of formula units from a cell: Z / (V·NA), mol/cm³. */
export function computeCellConcentration(formulaUnitsPerCell: number, cellVolume_A3: number): number {
  return formulaUnitsPerCell / (cellVolume_A3 * A3_TO_CM3 * NA_perMol);
}

export const LI3SB_A_A = 6.5445;
export const LI2SB_A_A = 7.71;
export const LI2SB_C_A = 3.262;
export const LI_METAL_A_A = 3.51;

export interface FrontMaterials {
  /** mol/cm³ */
  c_Sb_molPerCm3: number;
  c_Li2Sb_molPerCm3: number;
  c_Li3Sb_molPerCm3: number;
  /** Li in Li metal, mol/cm³. */
  c_LiMetal_molPerCm3: number;
}

/** The concentrations documented in the module comment. */
export function createDefaultMaterials(): FrontMaterials {
  return {
    c_Sb_molPerCm3: 6.697 / 121.76,
    c_Li2Sb_molPerCm3: computeCellConcentration(3, (Math.sqrt(3) / 2) * LI2SB_A_A * LI2SB_A_A * LI2SB_C_A),
    c_Li3Sb_molPerCm3: computeCellConcentration(4, LI3SB_A_A ** 3),
    c_LiMetal_molPerCm3: computeCellConcentration(2, LI_METAL_A_A ** 3),
  };
}

export interface FrontSample {
  temperature_C: number;
  time_s: number;
  x1_mm: number;
  x2_mm: number;
  /** Where the sample came from (for error messages). */
  line?: number;
}

/** D of Li in Li3Sb as a function of temperature. */
export type DiffusivityFunction = (T_C: number) => number;

export interface FrontOptions {
  /** Sb film thickness, nm (paper 10). */
  thetaSb_nm: number;
  /** Pixel size, mm/px (paper 0.03236). */
  pixel_mm: number;
  /** Position uncertainty, px (paper ±3, taken as 1σ). */
  positionError_px: number;
  /** Time resolution, s (paper 0.1). */
  timeResolution_s: number;
  /** Half-width of the local regression window, samples (default 8 → 17-point windows). */
  halfWindow: number;
  /** U1: Li2Sb/Li3Sb vs Li, V (0.85). */
  U1_V: number;
  /** U2: Sb/Li2Sb vs Li, V (0.90). */
  U2_V: number;
  materials: FrontMaterials;
  /** D of Li in Li3Sb (cm²/s) at a temperature; null = no diffusion correction. */
  diffusivity: DiffusivityFunction | null;
  /** σ_LLZO model; null = θ_eff and j not computed. */
  conductivity: ConductivityModel | null;
}

export const DEFAULT_FRONT_OPTIONS: FrontOptions = {
  thetaSb_nm: 10,
  pixel_mm: 0.03236,
  positionError_px: 3,
  timeResolution_s: 0.1,
  halfWindow: 8,
  U1_V: 0.85,
  U2_V: 0.9,
  materials: createDefaultMaterials(),
  diffusivity: null,
  conductivity: null,
};

export interface LocalSlopeResult {
  slope: number[];
  slope_err: number[];
  /** Number of samples in each window. */
  points: number[];
}

/**
 * Local weighted linear regression derivative (see the module comment). `sigmaY` is the 1σ error of each y,
 * `sigmaT` the 1σ error of each t.
 */
export function computeLocalSlope(t: number[], y: number[], sigmaY: number, sigmaT: number, halfWindow: number): LocalSlopeResult {
  const n = t.length;
  const slope: number[] = [];
  const slopeErr: number[] = [];
  const points: number[] = [];
  for (let k = 0; k < n; k++) {
    let lo = Math.max(0, k - halfWindow);
    let hi = Math.min(n - 1, k + halfWindow);
    while (hi - lo + 1 < Math.min(3, n)) {
      if (lo > 0) lo--;
      else if (hi < n - 1) hi++;
      else break;
    }
    let v = 0;
    let err = Number.POSITIVE_INFINITY;
    for (let pass = 0; pass < 2; pass++) {
      const w = 1 / (sigmaY * sigmaY + v * v * sigmaT * sigmaT);
      let sw = 0;
      let st = 0;
      let sy = 0;
      for (let m = lo; m <= hi; m++) {
        sw += w;
        st += w * t[m];
        sy += w * y[m];
      }
      const tm = st / sw;
      const ym = sy / sw;
      let stt = 0;
      let sty = 0;
      for (let m = lo; m <= hi; m++) {
        stt += w * (t[m] - tm) ** 2;
        sty += w * (t[m] - tm) * (y[m] - ym);
      }
      v = sty / stt;
      err = 1 / Math.sqrt(stt);
    }
    slope.push(v);
    slopeErr.push(err);
    points.push(hi - lo + 1);
  }
  return { slope, slope_err: slopeErr, points };
}

export interface FrontTemperatureResult {
  temperature_C: number;
  time_s: number[];
  x1_mm: number[];
  x2_mm: number[];
  dx1dt_mmPerS: number[];
  dx1dt_mmPerS_err: number[];
  dx2dt_mmPerS: number[];
  dx2dt_mmPerS_err: number[];
  r1_perWidth_molPerCmS: number[];
  r1_perWidth_molPerCmS_err: number[];
  r2_perWidth_molPerCmS: number[];
  r2_perWidth_molPerCmS_err: number[];
  J_Li_perWidth_molPerCmS: number[];
  J_Li_perWidth_molPerCmS_err: number[];
  D_cm2PerS: number | null;
  J_D_perWidth_molPerCmS: number[] | null;
  J_D_perWidth_molPerCmS_err: number[] | null;
  diffusion_fraction: number[] | null;
  J_LLZO_perWidth_molPerCmS: number[];
  sigma_LLZO_SPerCm: number | null;
  theta_eff_um: number[] | null;
  theta_eff_um_err: number[] | null;
  j_lateral_mAPerCm2: number[] | null;
  j_lateral_mAPerCm2_err: number[] | null;
}

export interface FrontAnalysisResult {
  materials: FrontMaterials;
  theta_nm: { Sb: number; Li2Sb: number; Li3Sb: number };
  /** Δc of eq 6, mol/cm³. */
  deltaC_molPerCm3: number;
  positionError_mm: number;
  timeError_s: number;
  temperatures: FrontTemperatureResult[];
}

/** Group samples by temperature (sorted by time) and run eqs 1–12 on each group. */
export function analyzeFronts(samples: FrontSample[], options: Partial<FrontOptions> = {}): FrontAnalysisResult {
  const o: FrontOptions = { ...DEFAULT_FRONT_OPTIONS, ...options };
  if (samples.length === 0) throw new InputError('fronts: expected at least one sample, found none');
  for (const [name, v] of [['film thickness (nm)', o.thetaSb_nm], ['pixel size (mm/px)', o.pixel_mm], ['position error (px)', o.positionError_px]] as const) {
    if (!(Number.isFinite(v) && v > 0)) throw new InputError(`fronts ${name}: expected a positive number, found ${v}`);
  }
  if (!(Number.isFinite(o.timeResolution_s) && o.timeResolution_s >= 0)) {
    throw new InputError(`fronts time resolution (s): expected a number ≥ 0, found ${o.timeResolution_s}`);
  }
  if (!(Number.isInteger(o.halfWindow) && o.halfWindow >= 1)) {
    throw new InputError(`fronts window half-width (samples): expected an integer ≥ 1, found ${o.halfWindow}`);
  }
  const m = o.materials;
  const thetaSb_cm = o.thetaSb_nm * 1e-7;
  const thetaLi2Sb_cm = (m.c_Sb_molPerCm3 * thetaSb_cm) / m.c_Li2Sb_molPerCm3; // eq 1
  const thetaLi3Sb_cm = (m.c_Sb_molPerCm3 * thetaSb_cm) / m.c_Li3Sb_molPerCm3; // eq 1
  const deltaC = m.c_LiMetal_molPerCm3 - 2 * m.c_Li2Sb_molPerCm3; // eq 6
  const sigmaX_mm = o.positionError_px * o.pixel_mm;
  const sigmaT_s = o.timeResolution_s / Math.sqrt(12);

  const groups = new Map<number, FrontSample[]>();
  for (const s of samples) {
    const g = groups.get(s.temperature_C) ?? [];
    g.push(s);
    groups.set(s.temperature_C, g);
  }
  const temps = [...groups.keys()].sort((a, b) => a - b);
  const results: FrontTemperatureResult[] = temps.map((T_C) => {
    const g = groups.get(T_C)!.slice().sort((a, b) => a.time_s - b.time_s);
    for (let k = 1; k < g.length; k++) {
      if (g[k].time_s === g[k - 1].time_s) {
        throw new InputError(`expected one sample per time at ${T_C} °C, found time ${g[k].time_s} s twice`, { line: g[k].line });
      }
    }
    if (g.length < 3) throw new InputError(`fronts at ${T_C} °C: expected at least 3 samples for a derivative, found ${g.length}`);
    const time_s = g.map((q) => q.time_s);
    const x1_mm = g.map((q) => q.x1_mm);
    const x2_mm = g.map((q) => q.x2_mm);
    const v1 = computeLocalSlope(time_s, x1_mm, sigmaX_mm, sigmaT_s, o.halfWindow);
    const v2 = computeLocalSlope(time_s, x2_mm, sigmaX_mm, sigmaT_s, o.halfWindow);
    // eqs 3–4: mol/cm² × (mm/s → cm/s)
    const k1_molPerCm2 = m.c_Li2Sb_molPerCm3 * thetaLi2Sb_cm;
    const k2_molPerCm2 = m.c_Sb_molPerCm3 * thetaSb_cm;
    const r1_molPerCmS = v1.slope.map((v) => k1_molPerCm2 * v * 0.1);
    const r1Err_molPerCmS = v1.slope_err.map((e) => k1_molPerCm2 * e * 0.1);
    const r2_molPerCmS = v2.slope.map((v) => k2_molPerCm2 * v * 0.1);
    const r2Err_molPerCmS = v2.slope_err.map((e) => k2_molPerCm2 * e * 0.1);
    // eq 5
    const J_molPerCmS = r1_molPerCmS.map((a, k) => a + 2 * r2_molPerCmS[k]);
    const JErr_molPerCmS = r1Err_molPerCmS.map((a, k) => Math.hypot(a, 2 * r2Err_molPerCmS[k]));

    // eqs 6–7
    const D_cm2PerS = o.diffusivity ? o.diffusivity(T_C) : null;
    if (D_cm2PerS !== null && !(Number.isFinite(D_cm2PerS) && D_cm2PerS >= 0)) {
      throw new InputError(`D of Li in Li3Sb at ${T_C} °C: expected a number ≥ 0 cm²/s, found ${D_cm2PerS}`);
    }
    const JD_molPerCmS = D_cm2PerS === null ? null : x1_mm.map((x) => (thetaLi3Sb_cm * D_cm2PerS * deltaC) / (x * 0.1));
    const JDErr_molPerCmS = JD_molPerCmS === null ? null : JD_molPerCmS.map((v, k) => (v * sigmaX_mm) / x1_mm[k]);
    const fraction = JD_molPerCmS === null ? null : JD_molPerCmS.map((v, k) => v / J_molPerCmS[k]);
    const JL_molPerCmS = JD_molPerCmS === null ? J_molPerCmS.slice() : J_molPerCmS.map((v, k) => v - JD_molPerCmS[k]);
    const JLErr_molPerCmS = JDErr_molPerCmS === null ? JErr_molPerCmS : JErr_molPerCmS.map((e, k) => Math.hypot(e, JDErr_molPerCmS[k]));

    // eqs 8–12
    let sigma_SPerCm: number | null = null;
    let theta_um: number[] | null = null;
    let thetaErr_um: number[] | null = null;
    let jLat_mAPerCm2: number[] | null = null;
    let jLatErr_mAPerCm2: number[] | null = null;
    if (o.conductivity) {
      const sig_SPerCm = evaluateConductivity(o.conductivity, T_C);
      sigma_SPerCm = sig_SPerCm;
      theta_um = [];
      thetaErr_um = [];
      jLat_mAPerCm2 = [];
      jLatErr_mAPerCm2 = [];
      for (let k = 0; k < time_s.length; k++) {
        const x1_cm = x1_mm[k] * 0.1;
        const x2_cm = x2_mm[k] * 0.1;
        const S_VPerCm = o.U1_V / x1_cm + o.U2_V / x2_cm;
        const SErr_VPerCm = Math.hypot((o.U1_V * sigmaX_mm * 0.1) / (x1_cm * x1_cm), (o.U2_V * sigmaX_mm * 0.1) / (x2_cm * x2_cm));
        const theta_cm = (JL_molPerCmS[k] * F_CPerMol) / sig_SPerCm / S_VPerCm; // eq 12
        theta_um.push(theta_cm * 1e4);
        thetaErr_um.push(Math.abs(theta_cm) * 1e4 * Math.hypot(JLErr_molPerCmS[k] / JL_molPerCmS[k], SErr_VPerCm / S_VPerCm));
        jLat_mAPerCm2.push(sig_SPerCm * S_VPerCm * 1e3); // eq 11.2, A/cm² → mA/cm²
        jLatErr_mAPerCm2.push(sig_SPerCm * SErr_VPerCm * 1e3);
      }
    }
    return {
      temperature_C: T_C,
      time_s,
      x1_mm,
      x2_mm,
      dx1dt_mmPerS: v1.slope,
      dx1dt_mmPerS_err: v1.slope_err,
      dx2dt_mmPerS: v2.slope,
      dx2dt_mmPerS_err: v2.slope_err,
      r1_perWidth_molPerCmS: r1_molPerCmS,
      r1_perWidth_molPerCmS_err: r1Err_molPerCmS,
      r2_perWidth_molPerCmS: r2_molPerCmS,
      r2_perWidth_molPerCmS_err: r2Err_molPerCmS,
      J_Li_perWidth_molPerCmS: J_molPerCmS,
      J_Li_perWidth_molPerCmS_err: JErr_molPerCmS,
      D_cm2PerS,
      J_D_perWidth_molPerCmS: JD_molPerCmS,
      J_D_perWidth_molPerCmS_err: JDErr_molPerCmS,
      diffusion_fraction: fraction,
      J_LLZO_perWidth_molPerCmS: JL_molPerCmS,
      sigma_LLZO_SPerCm: sigma_SPerCm,
      theta_eff_um: theta_um,
      theta_eff_um_err: thetaErr_um,
      j_lateral_mAPerCm2: jLat_mAPerCm2,
      j_lateral_mAPerCm2_err: jLatErr_mAPerCm2,
    };
  });
  return {
    materials: m,
    theta_nm: { Sb: o.thetaSb_nm, Li2Sb: thetaLi2Sb_cm * 1e7, Li3Sb: thetaLi3Sb_cm * 1e7 },
    deltaC_molPerCm3: deltaC,
    positionError_mm: sigmaX_mm,
    timeError_s: sigmaT_s,
    temperatures: results,
  };
}

const HEADER = ['temperature_C', 'time_s', 'x1_mm', 'x2_mm'];

/** Parse the CSV input `temperature_C,time_s,x1_mm,x2_mm` (header required; # comments and blank lines skipped). */
export function parseFrontsCsv(text: string, file = 'fronts.csv'): FrontSample[] {
  const lines = text.split(/\r?\n/);
  let header: string[] | null = null;
  const out: FrontSample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const cells = raw.split(',').map((c) => c.trim());
    if (header === null) {
      header = cells;
      const missing = HEADER.filter((h) => !cells.includes(h));
      if (missing.length > 0) {
        throw new InputError(`expected a header with columns ${HEADER.join(',')}, found ${JSON.stringify(raw)}`, { file, line: i + 1 });
      }
      continue;
    }
    if (cells.length !== header.length) {
      throw new InputError(`expected ${header.length} comma-separated values, found ${cells.length}`, { file, line: i + 1 });
    }
    const get = (name: string): number => {
      const cell = cells[header!.indexOf(name)];
      const v = Number(cell);
      if (cell === '' || !Number.isFinite(v)) throw new InputError(`expected a number in column ${name}, found ${JSON.stringify(cell)}`, { file, line: i + 1 });
      return v;
    };
    const s: FrontSample = { temperature_C: get('temperature_C'), time_s: get('time_s'), x1_mm: get('x1_mm'), x2_mm: get('x2_mm'), line: i + 1 };
    if (!(s.x1_mm > 0 && s.x2_mm > 0)) {
      throw new InputError(`expected positive front distances x1_mm and x2_mm, found ${s.x1_mm}, ${s.x2_mm}`, { file, line: i + 1 });
    }
    out.push(s);
  }
  if (header === null) throw new InputError(`expected a header line ${HEADER.join(',')}, found an empty file`, { file });
  if (out.length === 0) throw new InputError('expected at least one data row, found none', { file });
  return out;
}

/** Build samples from columns (e.g. read from an Arrow table); `file` names the source in errors. */
export function createFrontSamples(columns: Record<string, ArrayLike<number> | undefined>, file = 'fronts.arrow'): FrontSample[] {
  const missing = HEADER.filter((h) => columns[h] === undefined);
  if (missing.length > 0) throw new InputError(`expected columns ${HEADER.join(',')}, found no ${missing.join(', ')}`, { file });
  const n = columns.time_s!.length;
  const out: FrontSample[] = [];
  for (let k = 0; k < n; k++) {
    const s = { temperature_C: Number(columns.temperature_C![k]), time_s: Number(columns.time_s![k]), x1_mm: Number(columns.x1_mm![k]), x2_mm: Number(columns.x2_mm![k]), line: k + 1 };
    if (![s.temperature_C, s.time_s, s.x1_mm, s.x2_mm].every(Number.isFinite) || !(s.x1_mm > 0 && s.x2_mm > 0)) {
      throw new InputError(`row ${k + 1}: expected finite numbers with positive x1_mm, x2_mm, found ${s.temperature_C}, ${s.time_s}, ${s.x1_mm}, ${s.x2_mm}`, { file });
    }
    out.push(s);
  }
  if (out.length === 0) throw new InputError('expected at least one row, found none', { file });
  return out;
}

/**
 * D of Li in Li3Sb from a diffusion/Arrhenius result JSON (`liflux arrhenius --json`, `liflux diffusion --json`):
 * the first object found (depth-first) with `Ea_eV` (or `ea_eV`) and a prefactor (`D0_cm2PerS` or `prefactor`, cm²/s) gives D(T) = D0·exp(−Ea/kBT); otherwise the
 * first `D_cm2PerS` number is used at every temperature.
 */
export function createDiffusivityFromJson(value: unknown, file = 'diffusion.json'): { diffusivity: DiffusivityFunction; description: string } {
  const eaOf = (o: Record<string, unknown>): unknown => (o.Ea_eV !== undefined ? o.Ea_eV : o.ea_eV);
  const arr = findObject(value, (o) => typeof eaOf(o) === 'number' && (typeof o.D0_cm2PerS === 'number' || typeof o.prefactor === 'number'));
  if (arr) {
    const ea = eaOf(arr) as number;
    const d0 = (typeof arr.D0_cm2PerS === 'number' ? arr.D0_cm2PerS : arr.prefactor) as number;
    if (!(d0 > 0 && Number.isFinite(ea))) throw new InputError(`expected a positive D0 (cm²/s) and a finite ea_eV, found ${d0}, ${ea}`, { file });
    return {
      diffusivity: (T_C) => d0 * Math.exp(-ea / (KB_eVPerK * (T_C + 273.15))),
      description: `Arrhenius D0 = ${d0} cm²/s, Ea = ${ea} eV (from ${file})`,
    };
  }
  const single = findObject(value, (o) => typeof o.D_cm2PerS === 'number');
  if (single) {
    const d = single.D_cm2PerS as number;
    if (!(d >= 0)) throw new InputError(`expected D_cm2PerS ≥ 0, found ${d}`, { file });
    return { diffusivity: () => d, description: `D = ${d} cm²/s at every temperature (from ${file})` };
  }
  throw new InputError('expected an Arrhenius result (Ea_eV with D0_cm2PerS or prefactor) or a D_cm2PerS value, found neither', { file });
}

function findObject(value: unknown, test: (o: Record<string, unknown>) => boolean): Record<string, unknown> | null {
  if (value === null || typeof value !== 'object') return null;
  if (!Array.isArray(value) && test(value as Record<string, unknown>)) return value as Record<string, unknown>;
  for (const v of Object.values(value as Record<string, unknown>)) {
    const found = findObject(v, test);
    if (found) return found;
  }
  return null;
}
