/**
 * Presets and documented defaults of the stripping model (see engine/strip/README.md for the reasoning):
 *   no-il        bcc Li metal slab on the electrolyte; hop rate from Li self-diffusion; no redox channel.
 *   il-diffusion Li3Sb interlayer slab (rates file) on the electrolyte, bulk Li above; redox channel off.
 *   il-redox     the same with the electrolyte redox channel on.
 * Li metal: D*_Li(T) = 5.5e-11 cm²/s at 25 °C with Ea = 0.55 eV (physics.md); the bcc hop rate w is chosen so
 * that the lattice gas's diffusion coefficient w·a² equals D*_Li. Supply at the top face: the self-diffusion
 * supply limit J_max = D*_Li·c_Li/δ (δ = 1 µm), i.e. a vacant top-face site is refilled at J_max·A_site.
 */
import { E_C, KB_eVPerK } from '../core/constants.js';
import { InputError } from '../core/errors.js';
import { evaluateRates, type RateModel } from '../rates/rate-model.js';
import { createCcdProgram, createConstantProgram, type CurrentStep } from './current.js';
import { createStripSlab, LI_METAL_LATTICE_CONSTANT_A, type SlabMaterial } from './slab.js';
import { REDOX_PHASES, type RedoxClosure, type StripConfig, type StripPreset } from './strip-kmc.js';

/** Li metal self-diffusion at 25 °C, cm²/s, and its activation energy, eV (physics.md). */
export const LI_SELF_DIFFUSION_298K_cm2PerS = 5.5e-11;
export const LI_SELF_DIFFUSION_EA_eV = 0.55;
/** Default supply depth δ, µm. */
export const DEFAULT_SUPPLY_DEPTH_um = 1;
/** Default temperature: the paper's CCD temperature, 75 °C. */
export const DEFAULT_STRIP_T_K = 348.15;
/** Default target ratio (fastest hop rate)/(peak stripping rate per site) of `--hop-rate-scale auto`. */
export const DEFAULT_AUTO_RATE_RATIO = 100;
export const DEFAULT_CELLS: Record<SlabMaterial, [number, number, number]> = { bcc: [12, 12, 6], li3sb: [8, 8, 4] };
export const DEFAULT_FOCUSING_M = 10;
export const DEFAULT_WIDTH_nm = 1;
/** Void criterion defaults: a face-touching vacancy cluster of ≥ 40 sites in 3 consecutive samples. */
export const DEFAULT_VOID_MIN_SITES = 40;
export const DEFAULT_VOID_PERSIST_SAMPLES = 3;
export const DEFAULT_SAMPLES_PER_TURNOVER = 20;
/** Default stop when no other is given: stripped Li equal to this many times the slab's Li content. */
export const DEFAULT_STOP_TURNOVERS = 2;
/** CCD: a step lasts 0.1 mAh/cm² or this many slab turnovers, whichever is less. */
export const DEFAULT_CCD_STEP_TURNOVERS = 1;

/** D*_Li(T), cm²/s. */
export function computeLiSelfDiffusion_cm2PerS(T_K: number): number {
  return LI_SELF_DIFFUSION_298K_cm2PerS * Math.exp((-LI_SELF_DIFFUSION_EA_eV / KB_eVPerK) * (1 / T_K - 1 / 298.15));
}

/** Li atoms per cm³ of bcc Li (2 per a³). */
export function computeLiMetalDensity_perCm3(a_A = LI_METAL_LATTICE_CONSTANT_A): number {
  return 2 / (a_A * 1e-8) ** 3;
}

/** Self-diffusion supply limit J_max = D*·c/δ expressed as a current density, mA/cm². */
export function computeSupplyLimit_mAPerCm2(T_K: number, delta_um = DEFAULT_SUPPLY_DEPTH_um): number {
  return ((computeLiSelfDiffusion_cm2PerS(T_K) * computeLiMetalDensity_perCm3()) / (delta_um * 1e-4)) * E_C * 1e3;
}

/** bcc hop rate w (1/s) with w·a² = D*_Li(T). */
export function computeLiMetalHopRate_perS(T_K: number, a_A = LI_METAL_LATTICE_CONSTANT_A): number {
  return computeLiSelfDiffusion_cm2PerS(T_K) / (a_A * 1e-8) ** 2;
}

export interface StripPresetOptions {
  preset: Exclude<StripPreset, 'custom'>;
  current_mAPerCm2: number;
  focusing_M?: number;
  width_nm?: number;
  T_K?: number;
  cells?: [number, number, number];
  program?: 'constant' | 'ccd';
  /** CCD: first staircase current, mA/cm². */
  ccdStart_mAPerCm2?: number;
  ccdStepTurnovers?: number;
  /** Constant program: switch the current off after this time (recovery), s. */
  offAfter_s?: number;
  /** Li3Sb rate model (required for the interlayer presets). */
  ilRateModel?: RateModel;
  /** Redox closure (required for il-redox). */
  redoxClosure?: RedoxClosure;
  /** Number, or 'auto' (ratio DEFAULT_AUTO_RATE_RATIO). */
  hopRateScale?: number | 'auto';
  autoRateRatio?: number;
  vvBinding_eV?: number;
  /** 'limit' (J_max, default), 'inf', or a supply current density limit in mA/cm². */
  supply?: 'limit' | 'inf' | number;
  supplyDepth_um?: number;
  redox?: boolean;
  stopTime_s?: number;
  stopCapacity_mAhPerCm2?: number;
  stopAtVoid?: boolean;
  voidMinSites?: number;
  voidPersistSamples?: number;
  samplesPerTurnover?: number;
  imageTimes_s?: number[];
  seed?: string;
}

/** Li content of a slab per face area, mAh/cm². */
export function computeSlabCapacity_mAhPerCm2(n_sites: number, boxX_A: number, boxY_A: number): number {
  return (n_sites * E_C) / (boxX_A * boxY_A * 1e-16) / 3.6;
}

/** Resolve a preset and options into a full engine configuration, plus notes on the choices made. */
export function createStripConfig(o: StripPresetOptions): { config: StripConfig; notes: string[]; supplyLimit_mAPerCm2: number } {
  const notes: string[] = [];
  const preset = o.preset;
  if (preset !== 'no-il' && preset !== 'il-diffusion' && preset !== 'il-redox') {
    throw new InputError(`--preset: expected no-il, il-diffusion or il-redox, found ${JSON.stringify(preset)}`);
  }
  const material: SlabMaterial = preset === 'no-il' ? 'bcc' : 'li3sb';
  const T_K = o.T_K ?? DEFAULT_STRIP_T_K;
  if (!(T_K > 0) || !Number.isFinite(T_K)) throw new InputError(`--T: expected a positive temperature in K, found ${T_K}`);
  const cells = o.cells ?? DEFAULT_CELLS[material];
  const slab = createStripSlab({ material, cells });
  let hopRates_perS: number[];
  if (material === 'bcc') {
    hopRates_perS = [computeLiMetalHopRate_perS(T_K)];
  } else {
    if (!o.ilRateModel) throw new InputError(`--preset ${preset}: expected a Li3Sb rate model (--rates), found none`);
    hopRates_perS = Array.from(evaluateRates(o.ilRateModel, T_K).rate_perPs, (r) => r * 1e12);
  }
  const j = o.current_mAPerCm2;
  if (!(j > 0) || !Number.isFinite(j)) throw new InputError(`--current: expected a positive current density in mA/cm², found ${j}`);
  const M = o.focusing_M ?? DEFAULT_FOCUSING_M;
  const width_nm = o.width_nm ?? DEFAULT_WIDTH_nm;
  const slabCapacity = computeSlabCapacity_mAhPerCm2(slab.lattice.n_sites, slab.boxX_A, slab.boxY_A);
  let program: CurrentStep[];
  if ((o.program ?? 'constant') === 'ccd') {
    const turn = o.ccdStepTurnovers ?? DEFAULT_CCD_STEP_TURNOVERS;
    program = createCcdProgram(turn * slabCapacity, o.ccdStart_mAPerCm2 ?? 0);
    notes.push(`CCD steps last min(0.1, ${turn} slab turnover(s) = ${slabCapacity * turn} mAh/cm²)`);
  } else {
    program = createConstantProgram(j, o.offAfter_s === undefined ? Infinity : o.offAfter_s * 1e12);
  }
  // Peak stripping rate per site at the program's largest current
  const jMax = Math.max(...program.map((s) => s.current_mAPerCm2));
  const gPeak = estimatePeakFocusing(slab.boxX_A, slab.boxY_A, M, width_nm * 10);
  const kStripPeak_perS = (jMax * 1e-19 * slab.faceSiteArea_A2 * gPeak) / E_C;
  const kHopMax_perS = Math.max(...hopRates_perS);
  let s: number;
  const scaleOpt = o.hopRateScale ?? 'auto';
  if (scaleOpt === 'auto') {
    const ratio = o.autoRateRatio ?? DEFAULT_AUTO_RATE_RATIO;
    if (!(ratio > 0)) throw new InputError(`--auto-rate-ratio: expected a positive ratio, found ${ratio}`);
    s = Math.min(1, (ratio * kStripPeak_perS) / kHopMax_perS);
    if (program.length > 1) {
      // per step, so low CCD steps are not simulated at a needlessly large hop/strip ratio; with the current off
      // there is nothing to bridge, so the recovery runs at the true hop rates (s = 1)
      for (const step of program) {
        step.hopRateScale = step.current_mAPerCm2 > 0 ? Math.min(1, (ratio * kStripPeak_perS * step.current_mAPerCm2) / (jMax * kHopMax_perS)) : 1;
      }
      if (o.offAfter_s !== undefined) notes.push('after --off-after-s the hop rates are unscaled (s = 1) and the run stops when the hot-spot has recovered');
    }
    notes.push(`hop-rate-scale auto: s = ${s.toPrecision(3)} (fastest hop ${kHopMax_perS.toPrecision(3)}/s vs peak stripping ${kStripPeak_perS.toPrecision(3)}/s per site, target ratio ${ratio})`);
  } else {
    s = scaleOpt;
  }
  const supplyOpt = o.supply ?? 'limit';
  const supplyLimit = typeof supplyOpt === 'number' ? supplyOpt : computeSupplyLimit_mAPerCm2(T_K, o.supplyDepth_um ?? DEFAULT_SUPPLY_DEPTH_um);
  if (typeof supplyOpt === 'number' && !(supplyOpt > 0)) throw new InputError(`--supply: expected inf, limit or a positive current density in mA/cm², found ${supplyOpt}`);
  if (o.supplyDepth_um !== undefined && !(o.supplyDepth_um > 0)) throw new InputError(`--supply-depth-um: expected a positive length in µm, found ${o.supplyDepth_um}`);
  // a vacant top-face site is refilled at J_max·A_site (Li/s): J_max in mA/cm² → Li/(cm² s) = 1e-3/e
  const supplyRate_perPs = supplyOpt === 'inf' ? null : ((supplyLimit * 1e-3) / E_C) * slab.faceSiteArea_A2 * 1e-16 * 1e-12;
  const redoxOn = o.redox ?? preset === 'il-redox';
  let redoxPatchRates_perPs: [number, number] | null = null;
  if (redoxOn) {
    if (material !== 'li3sb') throw new InputError(`--redox: expected an interlayer preset (il-diffusion, il-redox), found ${preset}`);
    if (!o.redoxClosure) throw new InputError('redox channel: expected a redox closure, found none');
    const rate = (U: number) => (o.redoxClosure!(slab.patchRadius_A, U, T_K) / E_C) * 1e-12;
    redoxPatchRates_perPs = [rate(REDOX_PHASES[1].U_V), rate(REDOX_PHASES[2].U_V)];
  }
  const stopTime_ps = o.stopTime_s !== undefined ? o.stopTime_s * 1e12 : null;
  if (o.stopCapacity_mAhPerCm2 !== undefined && !(o.stopCapacity_mAhPerCm2 > 0)) throw new InputError(`--stop-capacity-mAhPerCm2: expected a positive capacity, found ${o.stopCapacity_mAhPerCm2}`);
  let stopCap = o.stopCapacity_mAhPerCm2 ?? null;
  if (stopCap === null && stopTime_ps === null && (o.program ?? 'constant') === 'constant' && o.offAfter_s === undefined) {
    stopCap = DEFAULT_STOP_TURNOVERS * slabCapacity;
    notes.push(`default stop: ${DEFAULT_STOP_TURNOVERS} slab turnovers = ${stopCap.toPrecision(3)} mAh/cm² (or a void)`);
  }
  const stopStrippedSites = stopCap === null ? null : Math.ceil((stopCap * 3.6 * slab.boxX_A * slab.boxY_A * 1e-16) / E_C);
  const config: StripConfig = {
    preset,
    material,
    cells,
    T_K,
    hopRates_perPs: hopRates_perS.map((r) => r * 1e-12),
    hopRateScale: s,
    vvBinding_eV: o.vvBinding_eV ?? 0,
    focusing_M: M,
    width_A: width_nm * 10,
    program,
    supplyRate_perPs,
    redoxPatchRates_perPs,
    voidMinSites: o.voidMinSites ?? DEFAULT_VOID_MIN_SITES,
    voidPersistSamples: o.voidPersistSamples ?? DEFAULT_VOID_PERSIST_SAMPLES,
    samplesPerTurnover: o.samplesPerTurnover ?? DEFAULT_SAMPLES_PER_TURNOVER,
    stopTime_ps,
    stopStrippedSites,
    stopAtVoid: o.stopAtVoid ?? true,
    stopAtRecovery: o.offAfter_s !== undefined,
    imageTimes_ps: (o.imageTimes_s ?? []).map((t) => t * 1e12).sort((a, b) => a - b),
    seed: o.seed ?? '1',
  };
  return { config, notes, supplyLimit_mAPerCm2: supplyLimit };
}

/** Peak of the normalised focusing map on a fine grid of the face (for the auto rate scale). */
function estimatePeakFocusing(boxX_A: number, boxY_A: number, M: number, width_A: number): number {
  if (!(M >= 1) || !Number.isFinite(M)) throw new InputError(`--focusing-M: expected a focusing factor ≥ 1, found ${M}`);
  if (!(width_A > 0) || !Number.isFinite(width_A)) throw new InputError(`--width-nm: expected a positive hot-spot width, found ${width_A / 10} nm`);
  const n = 64;
  let sum = 0;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      const dx = ((a + 0.5) / n - 0.5) * boxX_A;
      const dy = ((b + 0.5) / n - 0.5) * boxY_A;
      sum += 1 + (M - 1) * Math.exp(-(dx * dx + dy * dy) / (2 * width_A * width_A));
    }
  }
  return M / (sum / (n * n));
}
