/**
 * The `liflux run` configuration: what to analyse and with which settings. JSON or YAML; every field optional
 * except the trajectories. Paths are relative to the config file. Defaults are filled here, once, so the report
 * shows the complete effective configuration.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { InputError } from '../../engine/core/errors.js';

export interface RunTrajectoryConfig {
  /** Trajectory file (any format `liflux convert` reads, or Arrow). */
  path: string;
  /** Temperature, K (overrides the file's). */
  temperature_K?: number;
  /** MD time step, fs, and steps between stored frames (text formats without them). */
  timestep_fs?: number;
  nblock?: number;
  /** A label for tables (default: file name). */
  label?: string;
}

export interface RunConfig {
  title: string;
  /** Seed of every random stage (KMC, strip); the report records it. */
  seed: number;
  /** Trajectories of the interlayer material at several temperatures (the Arrhenius series). */
  trajectories: RunTrajectoryConfig[];
  /** Further trajectories analysed for D only (e.g. real sample data), not part of the Arrhenius series. */
  extraTrajectories: RunTrajectoryConfig[];
  /** Mobile species (element symbol). */
  species: string;
  /** Charges per species, e (empty: formal oxidation states). */
  charges_e: Record<string, number>;
  /** MSD fit window, ps (null: the automatic rule). */
  diffusion: { fitStart_ps: number | null; fitEnd_ps: number | null };
  /** Temperatures to extrapolate D to, K. */
  arrhenius: { extrapolate_K: number[] };
  /** Site-resolved hop analysis of the series (Li3Sb sites; lattice constant Å). */
  hops: { enabled: boolean; a_A: number };
  /**
   * KMC with the MD-derived rates at the series temperatures (hops per replica, replicas; vv interaction eV), and
   * the 1-/4-vacancy comparison with and without the interaction (its own hops/replicas).
   */
  kmc: {
    enabled: boolean;
    cells: number;
    hops: number;
    replicas: number;
    vvInteraction_eV: number;
    compare: { enabled: boolean; hops: number; replicas: number };
  };
  flux: {
    /** Reaction-front analysis; D of Li3Sb from the Arrhenius stage; σ_LLZO S/cm (null: the paper's 75 °C value). */
    front: { enabled: boolean; input: string | null; sigmaLlzo_SPerCm: number | null };
    /** Hot-spot Poisson model; grid intervals per direction (count). */
    hotspot: { enabled: boolean; geometry: 'both' | '2d' | 'axisymmetric'; intervals: number };
  };
  /** Strip presets at one current (mA/cm²) and focusing factor, stopped at the first void or after maxWall_s (s) per preset. */
  strip: { enabled: boolean; presets: string[]; current_mAPerCm2: number; focusingM: number; maxWall_s: number };
}

const DEFAULTS: Omit<RunConfig, 'trajectories'> = {
  title: 'liflux report',
  seed: 1,
  extraTrajectories: [],
  species: 'Li',
  charges_e: {},
  diffusion: { fitStart_ps: null, fitEnd_ps: null },
  arrhenius: { extrapolate_K: [300] },
  hops: { enabled: true, a_A: 6.5445 },
  kmc: { enabled: true, cells: 2, hops: 100000, replicas: 16, vvInteraction_eV: -0.1, compare: { enabled: true, hops: 20000, replicas: 8 } },
  flux: {
    front: { enabled: true, input: null, sigmaLlzo_SPerCm: null },
    hotspot: { enabled: true, geometry: 'both', intervals: 200 },
  },
  strip: { enabled: true, presets: ['no-il', 'il-diffusion', 'il-redox'], current_mAPerCm2: 30, focusingM: 10, maxWall_s: 10 },
};

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep-merge user values over defaults; unknown keys are errors (typos should not pass silently). */
function mergeOver(defaults: unknown, user: unknown, path: string, file: string): unknown {
  if (user === undefined) return defaults;
  if (isObject(defaults)) {
    if (!isObject(user)) throw new InputError(`${path}: expected an object, found ${JSON.stringify(user)}`, { file });
    const out: Json = { ...defaults };
    for (const [k, v] of Object.entries(user)) {
      if (!(k in defaults)) throw new InputError(`unknown key ${path ? `${path}.` : ''}${k} (known: ${Object.keys(defaults).join(', ')})`, { file });
      out[k] = mergeOver(defaults[k], v, path ? `${path}.${k}` : k, file);
    }
    return out;
  }
  if (defaults !== null && user !== null && typeof defaults !== typeof user) {
    throw new InputError(`${path}: expected ${Array.isArray(defaults) ? 'a list' : `a ${typeof defaults}`}, found ${JSON.stringify(user)}`, { file });
  }
  return user;
}

function resolvePath(base: string, p: string): string {
  return isAbsolute(p) ? p : resolve(base, p);
}

function parseTrajectoryList(value: unknown, key: string, base: string, file: string): RunTrajectoryConfig[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InputError(`${key}: expected a list of {path, temperature_K, ...}`, { file });
  return value.map((item, i) => {
    const entry = typeof item === 'string' ? { path: item } : item;
    if (!isObject(entry) || typeof entry.path !== 'string') {
      throw new InputError(`${key}[${i}]: expected {path: string, ...}, found ${JSON.stringify(item)}`, { file });
    }
    for (const k of Object.keys(entry)) {
      if (!['path', 'temperature_K', 'timestep_fs', 'nblock', 'label'].includes(k)) {
        throw new InputError(`${key}[${i}]: unknown key ${k}`, { file });
      }
    }
    return { ...(entry as unknown as RunTrajectoryConfig), path: resolvePath(base, entry.path) };
  });
}

function requirePositive(value: number, key: string, unit: string, file: string, integer = false): void {
  if (!(Number.isFinite(value) && value > 0) || (integer && !Number.isInteger(value))) {
    throw new InputError(`${key}: expected a positive ${integer ? 'integer' : 'number'} (${unit}), found ${JSON.stringify(value)}`, { file });
  }
}

/** Range checks that the type merge cannot express. */
function validateRunConfig(c: RunConfig, file: string): void {
  const all = [...c.trajectories.map((t, i) => ({ t, key: `trajectories[${i}]` })), ...c.extraTrajectories.map((t, i) => ({ t, key: `extraTrajectories[${i}]` }))];
  for (const { t, key } of all) {
    if (t.temperature_K !== undefined) requirePositive(t.temperature_K, `${key}.temperature_K`, 'K', file);
    if (t.timestep_fs !== undefined) requirePositive(t.timestep_fs, `${key}.timestep_fs`, 'fs', file);
    if (t.nblock !== undefined) requirePositive(t.nblock, `${key}.nblock`, 'steps', file, true);
  }
  for (const [i, T] of c.arrhenius.extrapolate_K.entries()) requirePositive(T, `arrhenius.extrapolate_K[${i}]`, 'K', file);
  requirePositive(c.kmc.cells, 'kmc.cells', 'cells', file, true);
  requirePositive(c.kmc.hops, 'kmc.hops', 'hops', file, true);
  requirePositive(c.kmc.replicas, 'kmc.replicas', 'replicas', file, true);
  requirePositive(c.kmc.compare.hops, 'kmc.compare.hops', 'hops', file, true);
  requirePositive(c.kmc.compare.replicas, 'kmc.compare.replicas', 'replicas', file, true);
  requirePositive(c.flux.hotspot.intervals, 'flux.hotspot.intervals', 'count', file, true);
  if (!['both', '2d', 'axisymmetric'].includes(c.flux.hotspot.geometry)) {
    throw new InputError(`flux.hotspot.geometry: expected both, 2d or axisymmetric, found ${JSON.stringify(c.flux.hotspot.geometry)}`, { file });
  }
  for (const p of c.strip.presets) {
    if (!['no-il', 'il-diffusion', 'il-redox'].includes(p)) throw new InputError(`strip.presets: expected no-il, il-diffusion or il-redox, found ${JSON.stringify(p)}`, { file });
  }
  requirePositive(c.strip.current_mAPerCm2, 'strip.current_mAPerCm2', 'mA/cm²', file);
  requirePositive(c.strip.focusingM, 'strip.focusingM', 'focusing factor', file);
  requirePositive(c.strip.maxWall_s, 'strip.maxWall_s', 's', file);
  if (c.flux.front.sigmaLlzo_SPerCm !== null) requirePositive(c.flux.front.sigmaLlzo_SPerCm, 'flux.front.sigmaLlzo_SPerCm', 'S/cm', file);
}

/** Parse config text (JSON or YAML) into a complete RunConfig with defaults filled and paths resolved. */
export function parseRunConfig(text: string, file: string): RunConfig {
  let raw: unknown;
  try {
    raw = file.endsWith('.json') ? JSON.parse(text) : loadYaml(text);
  } catch (err) {
    throw new InputError(`cannot parse config: ${(err as Error).message}`, { file });
  }
  if (!isObject(raw)) throw new InputError('expected a mapping at the top level of the config', { file });
  const base = dirname(file);
  const { trajectories, extraTrajectories, ...rest } = raw;
  const merged = mergeOver({ ...DEFAULTS, extraTrajectories: undefined }, { ...rest }, '', file) as RunConfig;
  merged.trajectories = parseTrajectoryList(trajectories, 'trajectories', base, file);
  merged.extraTrajectories = parseTrajectoryList(extraTrajectories, 'extraTrajectories', base, file);
  if (merged.trajectories.length === 0 && merged.extraTrajectories.length === 0) {
    throw new InputError('the config names no trajectories (key "trajectories": [{path, temperature_K}, ...])', { file });
  }
  if (merged.flux.front.input) merged.flux.front.input = resolvePath(base, merged.flux.front.input);
  validateRunConfig(merged, file);
  return merged;
}

/** Read and parse a config file. */
export async function readRunConfig(file: string): Promise<RunConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read config: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { file });
  }
  return parseRunConfig(text, file);
}
