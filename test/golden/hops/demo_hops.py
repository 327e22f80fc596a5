#!/usr/bin/python3
"""Independent cross-check of `liflux hops` on the bundled demo trajectory (data/demo/li3sb-548K.XDATCAR.gz).

ASE reads the XDATCAR (not liflux's reader); NumPy builds the Li3Sb 8c (T) / 4b (O) sites of a 2x2x2 cell from
the space-group positions, finds neighbours by distance (TT a/2, TO a*sqrt(3)/4; cutoff 1.2 x the shortest), assigns
every Li to its nearest site with the frame's cell (minimum image), and applies the same documented residence rule
(r_core = 1.0 A, N = 2 consecutive frames, dated back to the first). Counts hops per type, the exposure
sum_f pairs_t(f) * dt, vacancy time per site type, non-adjacent changes and back-hops.

Parameters recorded in the JSON. Run from the repository root:  /usr/bin/python3 test/golden/hops/demo_hops.py (Debian python3-ase, numpy)
"""
import gzip
import io
import itertools
import json
import os

import numpy as np
from ase.io import read

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
SRC = 'data/demo/li3sb-548K.XDATCAR.gz'
DT_PS = 0.01
R_CORE = 1.0
N_SETTLE = 2
A = 6.5445
CELLS = 2


def main():
    with gzip.open(os.path.join(ROOT, SRC), 'rt') as fh:
        frames = read(io.StringIO(fh.read()), index=':', format='vasp-xdatcar')
    # Sites in fractional coordinates of the 2x2x2 supercell: conventional-cell 8c and 4b positions.
    fcc = np.array([[0, 0, 0], [0, .5, .5], [.5, 0, .5], [.5, .5, 0]])
    t_unit = np.concatenate([(fcc + .25) % 1, (fcc + .75) % 1])
    o_unit = (fcc + .5) % 1
    frac, types = [], []
    for shift in itertools.product(range(CELLS), repeat=3):
        for p in t_unit:
            frac.append((p + shift) / CELLS); types.append(0)
        for p in o_unit:
            frac.append((p + shift) / CELLS); types.append(1)
    frac = np.array(frac); types = np.array(types)
    n_sites = len(frac)
    L = A * CELLS
    d = frac[:, None, :] - frac[None, :, :]
    d -= np.round(d)
    dist = np.linalg.norm(d * L, axis=2)
    np.fill_diagonal(dist, np.inf)
    nbr = dist <= 1.2 * dist.min()
    hop_name = {(0, 0): 'TT', (0, 1): 'TO', (1, 0): 'OT'}
    li = [i for i, s in enumerate(frames[0].get_chemical_symbols()) if s == 'Li']
    F = len(frames)
    nearest = np.zeros((F, len(li)), dtype=int)
    near_d = np.zeros((F, len(li)))
    for f, at in enumerate(frames):
        cell = at.cell.array
        fr = np.linalg.solve(cell.T, at.positions[li].T).T % 1.0
        dd = fr[:, None, :] - frac[None, :, :]
        dd -= np.round(dd)
        dc = np.linalg.norm(dd @ cell, axis=2)
        nearest[f] = dc.argmin(axis=1)
        near_d[f] = dc.min(axis=1)
    site = np.zeros_like(nearest)
    for i in range(len(li)):
        cur = nearest[0, i]
        streak_site, streak_start, streak_len = -1, 0, 0
        for f in range(F):
            c = nearest[f, i] if near_d[f, i] <= R_CORE else -1
            site[f, i] = cur
            if c < 0 or c == cur:
                streak_site, streak_len = -1, 0
                continue
            if c == streak_site:
                streak_len += 1
            else:
                streak_site, streak_start, streak_len = c, f, 1
            if streak_len >= N_SETTLE:
                cur = c
                site[streak_start:f + 1, i] = cur
                streak_site, streak_len = -1, 0
    n_hops = {'TT': 0, 'TO': 0, 'OT': 0}
    exposure = {'TT': 0.0, 'TO': 0.0, 'OT': 0.0}
    vac_time = [0.0, 0.0]
    nonadj = 0
    back, cand = 0, 0
    last_from = -np.ones(len(li), dtype=int)
    for f in range(F - 1):
        occ = np.zeros(n_sites, dtype=int)
        np.add.at(occ, site[f], 1)
        for s in np.where(occ == 0)[0]:
            vac_time[types[s]] += DT_PS
        for s in site[f]:
            for j in np.where(nbr[s])[0]:
                if occ[j] == 0:
                    exposure[hop_name[(types[s], types[j])]] += DT_PS
        for i in range(len(li)):
            s0, s1 = site[f, i], site[f + 1, i]
            if s0 == s1:
                continue
            if nbr[s0, s1]:
                n_hops[hop_name[(types[s0], types[s1])]] += 1
            else:
                nonadj += 1
            if last_from[i] >= 0:
                cand += 1
                back += int(last_from[i] == s1)
            last_from[i] = s0
    out = {
        'source': SRC, 'reader': 'ase.io.read(format=vasp-xdatcar)', 'frames': F, 'dt_ps': DT_PS, 'r_core_A': R_CORE,
        'min_residence_frames': N_SETTLE, 'a_A': A, 'cells': CELLS, 'n_li': len(li), 'n_sites': int(n_sites),
        'n_hops': n_hops, 'exposure_pair_ps': exposure, 'vacancy_time_ps': {'T': vac_time[0], 'O': vac_time[1]},
        'n_nonadjacent_hops': nonadj, 'back_hops': back, 'back_hop_candidates': cand,
        'max_nearest_distance_A': float(near_d.max()),
    }
    with open(os.path.join(HERE, 'demo_hops.json'), 'w') as fh:
        json.dump(out, fh, indent=2)
        fh.write('\n')
    print(json.dumps(out, indent=2))


if __name__ == '__main__':
    main()
