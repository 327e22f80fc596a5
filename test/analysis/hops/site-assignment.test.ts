/**
 * Site assignment: the residence rule on hand-made sequences (analytic), agreement with the KMC's true sites,
 * invariance under NpT-like cell scaling, lattice translations and atom permutations (property), the POSCAR route
 * giving the same answer as the built-in Li3Sb sites, and every structure-mismatch error with its message.
 */
import { describe, expect, it } from 'vitest';
import { analyzeHops } from '../../../analysis/hops/hop-analysis.js';
import { parsePoscar } from '../../../analysis/hops/poscar.js';
import { applyResidenceRule, assignSites, parseSiteLabels, type StructureSpec } from '../../../analysis/hops/site-assignment.js';
import type { Trajectory } from '../../../analysis/trajectory.js';
import { LI3SB_LATTICE_CONSTANT_A } from '../../../engine/lattice/li3sb.js';
import { synthesizeInMemory } from './synth-helpers.js';

const LI3SB: StructureSpec = { kind: 'li3sb' };

/** Number of positions where two site arrays differ (a loop: vitest's deep-equality diff of 10⁵ elements is very slow). */
function countDifferences(a: Int32Array, b: Int32Array): number {
  if (a.length !== b.length) return Math.max(a.length, b.length);
  let n = 0;
  for (let q = 0; q < a.length; q++) if (a[q] !== b[q]) n++;
  return n;
}

function cloneTraj(t: Trajectory): Trajectory {
  return { ...t, species: [...t.species], positions_A: t.positions_A.slice(), cells_A: t.cells_A.slice(), time_ps: t.time_ps.slice(), meta: { ...t.meta } };
}

/** Conventional-cell Li3Sb POSCAR: 8 T (8c), 4 O (4b), 4 Sb (4a); Direct coordinates. */
function li3sbPoscar(a = LI3SB_LATTICE_CONSTANT_A): string {
  const fcc = [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]];
  const T: number[][] = [];
  for (const s of [0.25, 0.75]) for (const f of fcc) T.push(f.map((x) => (x + s) % 1));
  const O = fcc.map((f) => f.map((x) => (x + 0.5) % 1));
  const line = (c: number[]) => `  ${c.map((x) => x.toFixed(6)).join('  ')}`;
  return ['Li3Sb Fm-3m', '1.0', `${a} 0 0`, `0 ${a} 0`, `0 0 ${a}`, 'Li Sb', '12 4', 'Direct', ...T.map(line), ...O.map(line), ...fcc.map(line), ''].join('\n');
}

describe('residence rule (analytic)', () => {
  // One atom, sites as nearest indices; distance 0 (in core) unless marked far (9).
  const run = (nearest: number[], far: number[], N: number) => {
    const F = nearest.length;
    const d = Float32Array.from(nearest.map((_, f) => (far.includes(f) ? 9 : 0)));
    const site = new Int32Array(F);
    applyResidenceRule(Int32Array.from(nearest), d, F, 1, 0, 1.0, N, site);
    return Array.from(site);
  };
  it('a visit shorter than N frames is no hop; N frames settle the atom, dated back to the first', () => {
    expect(run([0, 1, 0, 0, 0], [], 2)).toEqual([0, 0, 0, 0, 0]);
    expect(run([0, 1, 1, 0, 0], [], 2)).toEqual([0, 1, 1, 0, 0]);
    expect(run([0, 0, 1, 1, 1], [], 3)).toEqual([0, 0, 1, 1, 1]);
    expect(run([0, 0, 1, 1, 0], [], 3)).toEqual([0, 0, 0, 0, 0]);
  });
  it('frames outside every core keep the last site and break a streak', () => {
    expect(run([0, 5, 1, 1, 1], [1], 2)).toEqual([0, 0, 1, 1, 1]);
    expect(run([0, 1, 5, 1, 0], [2], 2)).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('site labels', () => {
  it('parses counts and single labels', () => {
    expect(parseSiteLabels('T*2,O:1,O', 4)).toEqual(['T', 'T', 'O', 'O']);
  });
  it('rejects a wrong count and bad entries', () => {
    expect(() => parseSiteLabels('T*3', 4)).toThrow('--site-labels: expected 4 labels (one per site of the mobile species in the structure), found 3');
    expect(() => parseSiteLabels('T*2,?', 3)).toThrow('--site-labels: expected LABEL or LABEL*count entries separated by commas (e.g. T*64,O*32), found "?"');
  });
});

describe('site assignment on synthetic KMC trajectories', async () => {
  const { traj, truth } = await synthesizeInMemory({ T_K: 548, nFrames: 1500, kDt: 0.01, seed: 3, recordSites: true });
  const asg = assignSites(traj, LI3SB);

  it('matches the KMC sites in all but the frames of a fast back-hop (> 99%)', () => {
    let same = 0;
    for (let q = 0; q < asg.site.length; q++) if (asg.site[q] === truth.sites![q]) same++;
    expect(same / asg.site.length).toBeGreaterThan(0.99);
    expect(asg.unassigned_fraction).toBe(0);
    expect(asg.max_nearest_distance_A).toBeLessThan(1.0);
    expect(asg.double_occupancy_frames).toBe(0);
  });

  it('is unchanged by NpT-like cell scaling (±1%), periodic images, lattice translations and atom permutations', () => {
    const scaled = cloneTraj(traj);
    for (let f = 0; f < traj.nFrames; f++) {
      const s = 1 + 0.01 * Math.sin(f);
      for (let k = 0; k < 9; k++) scaled.cells_A[9 * f + k] *= s;
      for (let i = 0; i < 3 * traj.nAtoms; i++) scaled.positions_A[f * 3 * traj.nAtoms + i] *= s;
    }
    expect(countDifferences(assignSites(scaled, LI3SB).site, asg.site)).toBe(0);
    // A periodic image (shift by the supercell edge) keeps every site index; a shift by one conventional cell a
    // relabels the sites but keeps every hop count.
    const image = cloneTraj(traj);
    for (let q = 0; q < image.positions_A.length; q += 3) image.positions_A[q + 1] += traj.cells_A[4];
    expect(countDifferences(assignSites(image, LI3SB).site, asg.site)).toBe(0);
    const shifted = cloneTraj(traj);
    for (let q = 0; q < shifted.positions_A.length; q += 3) shifted.positions_A[q + 2] -= LI3SB_LATTICE_CONSTANT_A;
    expect(analyzeHops(shifted, LI3SB).n_hops).toEqual(analyzeHops(traj, LI3SB).n_hops);
    const perm = cloneTraj(traj);
    const order = Array.from({ length: traj.nAtoms }, (_, i) => traj.nAtoms - 1 - i);
    perm.species = order.map((i) => traj.species[i]);
    for (let f = 0; f < traj.nFrames; f++) {
      order.forEach((src, dst) => {
        for (let k = 0; k < 3; k++) perm.positions_A[(f * traj.nAtoms + dst) * 3 + k] = traj.positions_A[(f * traj.nAtoms + src) * 3 + k];
      });
    }
    const p = assignSites(perm, LI3SB);
    const liOrder = p.atoms.map((i) => order[i]);
    for (let f = 0; f < traj.nFrames; f += 97) {
      p.atoms.forEach((_, k) => expect(p.site[f * p.atoms.length + k]).toBe(asg.site[f * asg.atoms.length + asg.atoms.indexOf(liOrder[k])]));
    }
  });

  it('a POSCAR of the conventional cell with labels T*8,O*4 gives the same sites, hop types and hops as the built-in structure', () => {
    const spec: StructureSpec = { kind: 'poscar', structure: parsePoscar(li3sbPoscar(), 'Li3Sb.POSCAR'), source: 'Li3Sb.POSCAR', species: 'Li', siteLabels: parseSiteLabels('T*8,O*4', 12) };
    const viaPoscar = analyzeHops(traj, spec);
    const builtin = analyzeHops(traj, LI3SB);
    expect(viaPoscar.hop_types).toEqual(['TT', 'TO', 'OT']);
    expect(viaPoscar.n_hops).toEqual(builtin.n_hops);
    expect(viaPoscar.exposure_pair_ps.TT).toBeCloseTo(builtin.exposure_pair_ps.TT, 9);
    expect(viaPoscar.exposure_pair_ps.OT).toBeCloseTo(builtin.exposure_pair_ps.OT, 9);
    expect(viaPoscar.site_energy_O_minus_T_eV).toBeCloseTo(builtin.site_energy_O_minus_T_eV!, 12);
    expect(viaPoscar.structure.multiples).toEqual([2, 2, 2]);
  });

  it('fails on a wrong lattice constant (cell ≠ n·a)', () => {
    expect(() => assignSites(traj, { kind: 'li3sb', a_A: 6.2 }, {}, 'md.arrow')).toThrow(
      /^md\.arrow: frame 0: expected cell edge a ≈ n·a = 2·6\.2000 Å = 12\.4000 Å \(li3sb, a = 6\.2 Å, tolerance 3\.0%\), found 13\.0890 Å = 2\.111·a \(wrong lattice constant or structure\?\)$/,
    );
  });

  it('fails on a missing species and on species the structure does not have', () => {
    const noLi = cloneTraj(traj);
    noLi.species = traj.species.map((s) => (s === 'Li' ? 'Na' : s));
    expect(() => assignSites(noLi, LI3SB, {}, 'md.arrow')).toThrow('md.arrow: expected species Li (the sites of structure li3sb) in the trajectory, found Na, Sb (missing species)');
    const extra = cloneTraj(traj);
    extra.species[extra.species.length - 1] = 'Se';
    expect(() => assignSites(extra, LI3SB, {}, 'md.arrow')).toThrow('md.arrow: expected only the species of structure li3sb (Li, Sb), found also Se');
  });

  it('fails when the framework is off its sites (shifted origin) and when Li are far from every site', () => {
    const shifted = cloneTraj(traj);
    for (let q = 0; q < shifted.positions_A.length; q++) shifted.positions_A[q] += LI3SB_LATTICE_CONSTANT_A / 8;
    expect(() => assignSites(shifted, LI3SB, {}, 'md.arrow')).toThrow(/^md\.arrow: expected the Sb framework on the reference sites of li3sb, found them 1\.4\d\d Å from those sites on average in frame 0 \(wrong structure or origin\?\)$/);
    const liOnly = cloneTraj(shifted);
    liOnly.species = shifted.species.map((s) => (s === 'Sb' ? 'Li' : s));
    liOnly.species = liOnly.species.slice(0, 95);
    liOnly.nAtoms = 95;
    const pos = new Float64Array(traj.nFrames * 95 * 3);
    for (let f = 0; f < traj.nFrames; f++) pos.set(shifted.positions_A.subarray(f * 127 * 3, f * 127 * 3 + 95 * 3), f * 95 * 3);
    liOnly.positions_A = pos;
    expect(() => assignSites(liOnly, LI3SB, {}, 'md.arrow')).toThrow(/^md\.arrow: expected most Li positions inside a site core \(r_core = 1 Å\) of li3sb, found \d+\.\d% outside every core \(wrong structure or origin\?\)$/);
    expect(() => assignSites(liOnly, LI3SB, { rFar_A: 1.2 }, 'md.arrow')).toThrow(/^md\.arrow: expected Li positions within r_far = 1\.2 Å of a site of li3sb, found \d+\.\d\d% farther/);
  });

  it('fails when there are more atoms than sites, and on bad options', () => {
    const crowded = cloneTraj(traj);
    crowded.species = traj.species.map(() => 'Li');
    expect(() => assignSites(crowded, LI3SB, {}, 'md.arrow')).toThrow('md.arrow: expected at most 96 Li (the sites of li3sb ×2×2×2), found 127');
    expect(() => assignSites(traj, LI3SB, { rCore_A: 0 })).toThrow('--r-core-A: expected a positive radius in Å, found 0');
    expect(() => assignSites(traj, LI3SB, { rFar_A: 0.5 })).toThrow('--r-far-A: expected a radius ≥ r_core (1 Å), found 0.5');
    expect(() => assignSites(traj, LI3SB, { minResidenceFrames: 0 })).toThrow('--min-residence-frames: expected a positive integer, found 0');
  });
});

describe('POSCAR reader', () => {
  it('reads species, counts and Direct / Cartesian coordinates', () => {
    const p = parsePoscar(li3sbPoscar(), 'P');
    expect(p.species.filter((s) => s === 'Li').length).toBe(12);
    expect(p.cell_A[0]).toBe(LI3SB_LATTICE_CONSTANT_A);
    const cart = parsePoscar('x\n2.0\n3 0 0\n0 3 0\n0 0 3\nLi\n1\nCartesian\n1.5 3 0.75\n', 'C');
    expect(Array.from(cart.frac)).toEqual([0.5, 0, 0.25]);
    expect(Array.from(cart.cell_A.subarray(0, 3))).toEqual([6, 0, 0]);
  });
  it('names the line of bad input', () => {
    expect(() => parsePoscar('x\nabc\n', 'P')).toThrow('P:2: expected a scale factor (1 or 3 numbers), found "abc"');
    expect(() => parsePoscar('x\n1\n1 0 0\n0 1 0\n0 0 1\nLi Sb\n1\n', 'P')).toThrow('P:7: expected 2 atom counts, found "1"');
    expect(() => parsePoscar('x\n1\n1 0 0\n0 1 0\n0 0 1\nLi\n2\nDirect\n0 0 0\n', 'P')).toThrow('P:10: expected 3 coordinates for atom 2 of 2, found ""');
    expect(() => parsePoscar('x\n1\n1 0 0\n0 1 0\n0 0 1\nLi\n1\nWhatever\n', 'P')).toThrow('P:8: expected Direct or Cartesian, found "Whatever"');
  });
});
