#!/usr/bin/env python3
"""Independent cross-check of the Li3Sb Li sublattice (engine/lattice/li3sb.ts) with pymatgen.

Builds Fm-3m Li3Sb (Sb 4a (0,0,0); Li 4b (1/2,1/2,1/2) octahedral; Li 8c (1/4,1/4,1/4) tetrahedral) from the
space group with pymatgen, makes the 2x2x2 supercell, and records: Li site counts by Wyckoff type, the Li
fractional coordinates in units of a/4 of the supercell grid, and the Li-Li neighbour shells (distance and count
per site, by site-type pair) up to 3.4 Å. Writes li3sb_lattice.json next to this script.

Run: /usr/bin/python3 test/golden/kmc/li3sb_lattice.py
"""
import json
import os

import numpy as np
from pymatgen.core import Lattice, Structure

A_A = 6.5445
CELLS = 2
CUTOFF_A = 3.4

s = Structure.from_spacegroup(
    "Fm-3m", Lattice.cubic(A_A), ["Sb", "Li", "Li"],
    [[0, 0, 0], [0.5, 0.5, 0.5], [0.25, 0.25, 0.25]],
)
# tag site types before the supercell: octahedral 4b sites have all fractional coordinates in {0, 1/2}
s.make_supercell([CELLS, CELLS, CELLS])
grid = 4 * CELLS
li = [site for site in s if site.specie.symbol == "Li"]
sb = [site for site in s if site.specie.symbol == "Sb"]


def grid_coords(site):
    g = np.rint(np.array(site.frac_coords) * grid).astype(int) % grid
    return [int(x) for x in g]


def site_type(g):
    return "T" if all(x % 2 == 1 for x in g) else "O"


li_grid = [grid_coords(site) for site in li]
types = [site_type(g) for g in li_grid]
shells = {}
li_indices = [i for i, site in enumerate(s) if site.specie.symbol == "Li"]
index_of = {idx: k for k, idx in enumerate(li_indices)}
for k, idx in enumerate(li_indices):
    for nb in s.get_neighbors(s[idx], CUTOFF_A):
        if nb.specie.symbol != "Li":
            continue
        j = index_of[nb.index]
        key = f"{types[k]}{types[j]}"
        d = round(float(nb.nn_distance), 6)
        shells.setdefault(key, {}).setdefault(str(d), 0)
        shells[key][str(d)] += 1
n_T = types.count("T")
n_O = types.count("O")
per_site = {}
for key, by_d in shells.items():
    n_from = n_T if key[0] == "T" else n_O
    per_site[key] = [{"distance_A": float(d), "count_per_site": c / n_from} for d, c in sorted(by_d.items(), key=lambda x: float(x[0]))]

out = {
    "generator": "test/golden/kmc/li3sb_lattice.py (pymatgen Structure.from_spacegroup)",
    "parameters": {"a_A": A_A, "cells": CELLS, "cutoff_A": CUTOFF_A},
    "n_li": len(li),
    "n_sb": len(sb),
    "n_T": n_T,
    "n_O": n_O,
    "li_grid_sorted": sorted(li_grid),
    "sb_grid_sorted": sorted(grid_coords(site) for site in sb),
    "li_li_shells": per_site,
}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "li3sb_lattice.json"), "w") as f:
    json.dump(out, f, indent=1)
print(json.dumps({k: out[k] for k in ("n_li", "n_sb", "n_T", "n_O", "li_li_shells")}, indent=1))
