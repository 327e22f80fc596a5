/**
 * Synthetic MD-like trajectories from the lattice KMC: a rejection-free (BKL) vacancy-hopping run whose Li
 * positions are recorded at fixed time intervals, with Gaussian thermal displacements added to every stored
 * position. Used to validate the MD → hop-rates analysis (analysis/hops) against known input rates and as the
 * bundled demo data. The output is clearly synthetic: hops are instantaneous and the "vibrations" are
 * independent Gaussian draws per frame and Cartesian component (σ = `thermalSigma_A`, default 0.15 Å — the
 * size of the room-temperature mean-square displacement of Li about its site in Li3Sb-like crystals,
 * ⟨u²⟩ = 3σ² ≈ 0.07 Å²; no temporal correlation between frames, so no velocity autocorrelation is meaningful).
 *
 * Model: the same one `liflux kmc` runs (engine/kmc/kmc-ts.ts): an event is "the Li on neighbour site j of
 * vacancy v hops into v" with the per-event rate of that hop type (type of j → type of v), times the
 * kinetically-resolved vacancy–vacancy factor exp(−V·Δn / 2kT) when an interaction is set. Events are
 * enumerated afresh at every step (a few vacancies × ≤ 14 neighbours: cheap, and obviously correct — the
 * sum-tree engine is for long production runs, this one for trajectories whose cost is in the stored frames).
 *
 * Timeline: `equilibrationHops` hops are run first and discarded (so the vacancies start Boltzmann-distributed
 * over the site types); the clock is then reset and frame k is the configuration at time k·frameInterval_ps.
 * Stored positions are unwrapped (lattice position + integer hop vectors) Cartesian Å in an orthorhombic cell
 * box_grid × gridSpacing_A; the Li come first (in site order of the initial configuration), then the optional
 * framework atoms (e.g. Sb at the 4a sites of Li3Sb, fixed apart from their thermal displacement).
 */
import { InputError } from '../core/errors.js';
import { forkRng, type Seed } from '../core/rng.js';
import { throwIfAborted, type RunControl } from '../core/progress.js';
import type { Lattice } from '../lattice/lattice.js';
import type { RateTable } from '../rates/rate-model.js';
import { placeVacancies, type VacancyPlacement } from './kmc-ts.js';

/** Framework (non-hopping) atoms: one species at fixed grid positions. */
export interface FrameworkSites {
  species: string;
  /** Integer grid coordinates (same grid as the lattice), 3 per atom. */
  coord_grid: Int32Array;
}

export interface KmcTrajectoryOptions {
  lattice: Lattice;
  rates: RateTable;
  nVacancies: number;
  placement?: VacancyPlacement;
  nFrames: number;
  /** Time between stored frames, ps. */
  frameInterval_ps: number;
  /** Standard deviation of the Gaussian thermal displacement per Cartesian component, Å (0: exact lattice positions). */
  thermalSigma_A?: number;
  /** Hops run and discarded before frame 0 (default 20 per site). */
  equilibrationHops?: number;
  seed: Seed;
  /** Species name of the hopping atoms (default 'Li'). */
  species?: string;
  framework?: FrameworkSites | null;
  /** Also return the site of every Li in every frame (nFrames × nLi, Int32). */
  recordSites?: boolean;
  /**
   * Duration of a hop's flight, ps (default 0: instantaneous). A Li that hopped at time t_h is drawn on the straight
   * line from its old to its new site at fraction (t − t_h)/transit until it arrives, so frames inside that window show
   * it between sites (transition states for the residence rule). The KMC clock and occupancies are unaffected.
   */
  transit_ps?: number;
}

export interface KmcTrajectoryHeader {
  nAtoms: number;
  species: string[];
  /** Cell rows a, b, c, Å (constant). */
  cell_A: Float64Array;
}

/** Receives each stored frame; `positions_A` (3·nAtoms, unwrapped Cartesian Å) is reused after the call. */
export type KmcFrameCallback = (frame: number, time_ps: number, positions_A: Float64Array) => void | Promise<void>;

export interface KmcTrajectoryResult extends KmcTrajectoryHeader {
  nFrames: number;
  n_li: number;
  n_vacancies: number;
  frameInterval_ps: number;
  thermalSigma_A: number;
  /** Hops per hop type between frame 0 and the last frame (lattice.hopTypeNames order). */
  hopsByType: number[];
  /** Σ over the recorded time of (Li, adjacent vacancy) pairs per hop type × time, ps (the exact exposure). */
  pairTimeByType_ps: number[];
  /** Time-integrated number of vacancies on each site type over the recorded time, ps. */
  vacancyTimeByType_ps: number[];
  /** Recorded time span, ps ((nFrames − 1) · frameInterval_ps). */
  duration_ps: number;
  /** Site of each Li per frame (frame-major), when `recordSites` was set. */
  sites: Int32Array | null;
}

/** The 4a (Sb) sites of Fm-3m Li3Sb on the Li3Sb lattice grid (units a/4): all-even coordinates with x+y+z ≡ 0 (mod 4). */
export function createLi3SbFrameworkSites(lattice: Lattice, species = 'Sb'): FrameworkSites {
  if (lattice.name !== 'li3sb') throw new InputError(`--with-sb: expected the li3sb lattice, found ${lattice.name}`);
  const [Lx, Ly, Lz] = lattice.box_grid;
  const c: number[] = [];
  for (let x = 0; x < Lx; x += 2) for (let y = 0; y < Ly; y += 2) for (let z = 0; z < Lz; z += 2) if ((x + y + z) % 4 === 0) c.push(x, y, z);
  return { species, coord_grid: Int32Array.from(c) };
}

/** Species list and cell of the trajectory `sampleKmcTrajectory` will produce (to open a writer first). */
export function describeKmcTrajectory(opts: Pick<KmcTrajectoryOptions, 'lattice' | 'nVacancies' | 'species' | 'framework'>): KmcTrajectoryHeader {
  const nLi = opts.lattice.n_sites - opts.nVacancies;
  const nFw = opts.framework ? opts.framework.coord_grid.length / 3 : 0;
  const species = [...new Array<string>(nLi).fill(opts.species ?? 'Li'), ...new Array<string>(nFw).fill(opts.framework?.species ?? '')];
  const g = opts.lattice.gridSpacing_A;
  const [Lx, Ly, Lz] = opts.lattice.box_grid;
  return { nAtoms: nLi + nFw, species, cell_A: Float64Array.of(Lx * g, 0, 0, 0, Ly * g, 0, 0, 0, Lz * g) };
}

function checkOptions(o: KmcTrajectoryOptions): void {
  const { lattice } = o;
  if (!Number.isInteger(o.nVacancies) || o.nVacancies < 1 || o.nVacancies >= lattice.n_sites) {
    throw new InputError(`--vacancies: expected an integer between 1 and ${lattice.n_sites - 1}, found ${o.nVacancies}`);
  }
  if (!Number.isInteger(o.nFrames) || o.nFrames < 2) throw new InputError(`--frames: expected an integer ≥ 2, found ${o.nFrames}`);
  if (!(o.frameInterval_ps > 0) || !Number.isFinite(o.frameInterval_ps)) throw new InputError(`--frame-interval-ps: expected a positive number of ps, found ${o.frameInterval_ps}`);
  const s = o.thermalSigma_A ?? 0.15;
  if (!(s >= 0) || !Number.isFinite(s)) throw new InputError(`--thermal-sigma-A: expected a non-negative number of Å, found ${s}`);
  const eq = o.equilibrationHops ?? 20 * lattice.n_sites;
  if (!Number.isInteger(eq) || eq < 0) throw new InputError(`--equilibration-hops: expected a non-negative integer, found ${eq}`);
  if (o.framework && o.framework.coord_grid.length % 3 !== 0) throw new InputError('framework: expected 3 grid coordinates per atom');
  const tr = o.transit_ps ?? 0;
  if (!(tr >= 0) || !Number.isFinite(tr)) throw new InputError(`--transit-ps: expected a non-negative number of ps, found ${tr}`);
}

/**
 * Run the KMC and hand every stored frame to `onFrame` (awaited, so a file writer can stream them).
 * Deterministic for a given seed: the stream is forkRng(seed, 0).
 */
export async function sampleKmcTrajectory(opts: KmcTrajectoryOptions, onFrame: KmcFrameCallback, control: RunControl = {}): Promise<KmcTrajectoryResult> {
  checkOptions(opts);
  const { lattice, rates } = opts;
  const sigma = opts.thermalSigma_A ?? 0.15;
  const eqHops = opts.equilibrationHops ?? 20 * lattice.n_sites;
  const header = describeKmcTrajectory(opts);
  const rng = forkRng(opts.seed, 0);
  const n = lattice.n_sites;
  const nv = opts.nVacancies;
  const nTypes = lattice.siteTypeNames.length;
  const nHopTypes = lattice.hopTypeNames.length;
  const { nbrOffset, nbrIndex, nbrVec_grid, siteType, hopTypeMatrix, coord_grid } = lattice;
  const vacSite = placeVacancies(lattice, nv, opts.placement ?? 'random', rng);
  const liAt = new Int32Array(n).fill(-1);
  const isVac = new Uint8Array(n);
  for (let v = 0; v < nv; v++) isVac[vacSite[v]] = 1;
  let nLi = 0;
  const liSite: number[] = [];
  for (let s = 0; s < n; s++) {
    if (!isVac[s]) {
      liAt[s] = nLi++;
      liSite.push(s);
    }
  }
  const liSiteArr = Int32Array.from(liSite);
  // Unwrapped integer grid position of each Li.
  const u = new Int32Array(3 * nLi);
  // Last hop of each Li (time, grid vector) for drawing it in flight.
  const transit = opts.transit_ps ?? 0;
  const hopTime = new Float64Array(nLi).fill(-Infinity);
  const hopVec = new Int32Array(3 * nLi);
  let clock = 0;
  const resetUnwrapped = () => {
    for (let i = 0; i < nLi; i++) for (let k = 0; k < 3; k++) u[3 * i + k] = coord_grid[3 * liSiteArr[i] + k];
  };
  resetUnwrapped();
  const z = lattice.maxNeighbours;
  const hasVv = rates.vvInteraction_eV !== 0;
  const vvFactor = new Float64Array(2 * z + 1);
  for (let d = -z; d <= z; d++) vvFactor[d + z] = Math.exp((-rates.vvInteraction_eV * d) / (2 * rates.kT_eV));
  const vacNbrs = (site: number): number => {
    let c = 0;
    for (let e = nbrOffset[site]; e < nbrOffset[site + 1]; e++) c += isVac[nbrIndex[e]];
    return c;
  };
  const evRate = new Float64Array(nv * z);
  const g = lattice.gridSpacing_A;
  const fw = opts.framework ?? null;
  const nFw = fw ? fw.coord_grid.length / 3 : 0;
  const pos = new Float64Array(3 * (nLi + nFw));
  const sites = opts.recordSites ? new Int32Array(opts.nFrames * nLi) : null;
  const hopsByType = new Array<number>(nHopTypes).fill(0);
  const pairTime = new Array<number>(nHopTypes).fill(0);
  const vacTime = new Array<number>(nTypes).fill(0);
  const pairCount = new Float64Array(nHopTypes);
  const vacOnType = new Float64Array(nTypes);

  /** Fill evRate for every vacancy; returns the total rate. Also counts (Li, vacancy) pairs per hop type. */
  const computeEvents = (): number => {
    let total = 0;
    pairCount.fill(0);
    vacOnType.fill(0);
    for (let v = 0; v < nv; v++) {
      const s = vacSite[v];
      vacOnType[siteType[s]]++;
      const nInitial = hasVv ? vacNbrs(s) : 0;
      const off = nbrOffset[s];
      const cnt = nbrOffset[s + 1] - off;
      for (let k = 0; k < z; k++) {
        if (k >= cnt) {
          evRate[v * z + k] = 0;
          continue;
        }
        const j = nbrIndex[off + k];
        if (liAt[j] < 0) {
          evRate[v * z + k] = 0;
          continue;
        }
        const t = hopTypeMatrix[siteType[j] * nTypes + siteType[s]];
        pairCount[t]++;
        let r = rates.rate_perPs[t];
        if (hasVv) r *= vvFactor[vacNbrs(j) - 1 - nInitial + z];
        evRate[v * z + k] = r;
        total += r;
      }
    }
    return total;
  };

  const applyEvent = (target: number, count: boolean): void => {
    let acc = 0;
    let idx = -1;
    for (let q = 0; q < nv * z; q++) {
      if (evRate[q] === 0) continue;
      acc += evRate[q];
      idx = q;
      if (acc > target) break;
    }
    const v = Math.floor(idx / z);
    const k = idx - v * z;
    const s = vacSite[v];
    const e = nbrOffset[s] + k;
    const j = nbrIndex[e];
    const li = liAt[j];
    if (count) hopsByType[hopTypeMatrix[siteType[j] * nTypes + siteType[s]]]++;
    // The Li moves from j to s: by −(vector s → j).
    u[3 * li] -= nbrVec_grid[3 * e];
    u[3 * li + 1] -= nbrVec_grid[3 * e + 1];
    u[3 * li + 2] -= nbrVec_grid[3 * e + 2];
    hopTime[li] = clock;
    hopVec[3 * li] = -nbrVec_grid[3 * e];
    hopVec[3 * li + 1] = -nbrVec_grid[3 * e + 1];
    hopVec[3 * li + 2] = -nbrVec_grid[3 * e + 2];
    liAt[s] = li;
    liAt[j] = -1;
    liSiteArr[li] = s;
    isVac[s] = 0;
    isVac[j] = 1;
    vacSite[v] = j;
  };

  for (let h = 0; h < eqHops; h++) {
    const total = computeEvents();
    applyEvent(rng.nextFloat() * total, false);
    if ((h & 0xffff) === 0xffff) throwIfAborted(control.signal);
  }
  resetUnwrapped();
  hopTime.fill(-Infinity);

  const emit = async (frame: number): Promise<void> => {
    const tf = frame * opts.frameInterval_ps;
    for (let i = 0; i < nLi; i++) {
      // In flight: short of the new site by (1 − progress) of the hop vector.
      const back = transit > 0 && tf - hopTime[i] < transit ? 1 - (tf - hopTime[i]) / transit : 0;
      for (let k = 0; k < 3; k++) pos[3 * i + k] = (u[3 * i + k] - back * hopVec[3 * i + k]) * g + (sigma > 0 ? sigma * rng.nextNormal() : 0);
    }
    for (let a = 0; a < nFw; a++) {
      for (let k = 0; k < 3; k++) pos[3 * (nLi + a) + k] = fw!.coord_grid[3 * a + k] * g + (sigma > 0 ? sigma * rng.nextNormal() : 0);
    }
    if (sites) sites.set(liSiteArr, frame * nLi);
    await onFrame(frame, frame * opts.frameInterval_ps, pos);
  };

  const dtFrame = opts.frameInterval_ps;
  const tEnd = (opts.nFrames - 1) * dtFrame;
  let time = 0;
  let frame = 0;
  await emit(frame++);
  while (frame < opts.nFrames) {
    const total = computeEvents();
    const dt = -Math.log(rng.nextFloat()) / total;
    const tNext = time + dt;
    // Exposure and vacancy occupancy up to min(tNext, tEnd).
    const span = Math.min(tNext, tEnd) - time;
    for (let t = 0; t < nHopTypes; t++) pairTime[t] += pairCount[t] * span;
    for (let t = 0; t < nTypes; t++) vacTime[t] += vacOnType[t] * span;
    while (frame < opts.nFrames && frame * dtFrame < tNext) {
      await emit(frame++);
      if (frame % 1024 === 0) {
        control.onProgress?.(frame, opts.nFrames, 'frames');
        throwIfAborted(control.signal);
      }
    }
    if (frame >= opts.nFrames) break;
    time = tNext;
    clock = time;
    applyEvent(rng.nextFloat() * total, true);
  }
  control.onProgress?.(opts.nFrames, opts.nFrames, 'frames');
  return {
    ...header,
    nFrames: opts.nFrames,
    n_li: nLi,
    n_vacancies: nv,
    frameInterval_ps: dtFrame,
    thermalSigma_A: sigma,
    hopsByType,
    pairTimeByType_ps: pairTime,
    vacancyTimeByType_ps: vacTime,
    duration_ps: tEnd,
    sites,
  };
}
