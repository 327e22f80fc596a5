#!/usr/bin/env python3
"""Golden numbers for the VASP readers (XDATCAR, vasprun.xml, OUTCAR), from independent readers.

Run:  /usr/bin/python3 test/golden/ingest/vasp_golden.py > test/golden/ingest/vasp_golden.json
(from the repo root, with ../shared/data beside it; Debian python3-ase and python3-pymatgen).

For each file: the reader used (ASE first, pymatgen's Xdatcar where ASE cannot read the layout), atom and frame
counts, species counts, and unwrapped Cartesian positions (Å) computed here independently with numpy: image counts
from rounding consecutive fractional differences, positions (f + n)·h with each frame's own cell. Recorded: the per-axis
sum over atoms of the first and last frame, and the positions of atoms 0 and N-1 in the last frame.
Parameters: none besides the file list below.
"""
import json, os, sys, warnings
import numpy as np

warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "shared", "data"))

FILES = [
    ("kinisi/example_XDATCAR.gz", "vasp-xdatcar"),
    ("kinisi/example_drift.XDATCAR", "vasp-xdatcar"),
    ("kinisi/example_center.XDATCAR", "vasp-xdatcar"),
    ("lgps-aimd/XDATCAR_LGPS_600K.gz", "vasp-xdatcar"),
    ("pymatgen/XDATCAR_4", "pymatgen"),  # blank-line frames: ASE reads only the first
    ("pymatgen/XDATCAR_6", "vasp-xdatcar"),
    ("lammps-lj/XDATCAR_lj_li_nvt", "vasp-xdatcar"),
    ("lammps-lj/XDATCAR_lj_li_nvt_labelled", "vasp-xdatcar"),
    ("lammps-lj/XDATCAR_lj_li_npt_tri", "vasp-xdatcar"),
    ("dpdata/vasprun.h2o.md.xml", "vasp-xml"),
    ("dpdata/vasprun.h2o.md.tribox.xml", "vasp-xml"),
    ("dpdata/Ti-aimd-nwrite0.vasprun.xml", "vasp-xml"),
    ("dpdata/OUTCAR.h2o.md", "vasp-out"),
    ("dpdata/OUTCAR.ch4.ml", "outcar-tables"),  # ASE fails on MLFF OUTCARs: plain numpy parse below
]


def unwrap(frac, cells):
    """frac: (T, N, 3) fractional, cells: (T, 3, 3) rows = lattice vectors."""
    d = np.diff(frac, axis=0)
    img = np.concatenate([np.zeros((1,) + frac.shape[1:]), -np.cumsum(np.round(d), axis=0)])
    return np.einsum("tnk,tkj->tnj", frac + img, cells)


def read_ase(path, fmt):
    import ase.io
    frames = ase.io.read(path, index=":", format=fmt)
    frac = np.array([a.get_scaled_positions(wrap=False) for a in frames])
    cells = np.array([a.cell.array for a in frames])
    species = frames[0].get_chemical_symbols()
    return "ase " + fmt, frac, cells, species


def read_outcar_tables(path):
    """Every POSITION table of an OUTCAR; a table identical to the one before it (an MLFF learning step's
    ab-initio repeat of its (ML) table) is dropped. Cell from the latest 'direct lattice vectors' block."""
    lines = open(path).read().splitlines()
    counts = species = None
    potcars, tables, cells, cell = [], [], [], None
    i = 0
    while i < len(lines):
        l = lines[i]
        if "POTCAR:" in l and species is None:
            potcars.append(l.split("POTCAR:")[1].split()[1].split("_")[0])
        elif "ions per type =" in l:
            counts = [int(x) for x in l.split("=")[1].split()]
            species = [s for s, c in zip(potcars, counts) for _ in range(c)]
        elif "direct lattice vectors" in l:
            cell = np.array([[float(x) for x in lines[i + r].split()[:3]] for r in (1, 2, 3)])
        elif l.strip().startswith("POSITION") and "TOTAL-FORCE" in l:
            n = sum(counts)
            xyz = np.array([[float(x) for x in lines[i + 2 + k].split()[:3]] for k in range(n)])
            if not tables or not np.array_equal(xyz, tables[-1]):
                tables.append(xyz)
                cells.append(cell)
        i += 1
    cells = np.array(cells)
    frac = np.array([x @ np.linalg.inv(c) for x, c in zip(tables, cells)])
    return "numpy OUTCAR tables (identical consecutive tables dropped)", frac, cells, species


def read_pymatgen(path):
    from pymatgen.io.vasp.outputs import Xdatcar
    x = Xdatcar(path)
    frac = np.array([s.frac_coords for s in x.structures])
    cells = np.array([s.lattice.matrix for s in x.structures])
    species = [str(sp) for sp in x.structures[0].species]
    return "pymatgen Xdatcar", frac, cells, species


out = {"_generator": "test/golden/ingest/vasp_golden.py", "files": {}}
for rel, fmt in FILES:
    path = os.path.join(DATA, rel)
    res = None
    errors = []
    if fmt == "pymatgen":
        readers = [lambda: read_pymatgen(path)]
    elif fmt == "outcar-tables":
        readers = [lambda: read_outcar_tables(path)]
    elif fmt == "vasp-xdatcar":
        readers = [lambda: read_ase(path, fmt), lambda: read_pymatgen(path)]
    else:
        readers = [lambda: read_ase(path, fmt)]
    for reader in readers:
        try:
            res = reader()
            break
        except Exception as e:  # noqa: BLE001 - record and try the next reader
            errors.append(f"{type(e).__name__}: {e}")
    if res is None:
        out["files"][rel] = {"reader": None, "errors": errors}
        continue
    tool, frac, cells, species = res
    pos = unwrap(frac, cells)
    counts = {}
    for s in species:
        counts[s] = counts.get(s, 0) + 1
    out["files"][rel] = {
        "reader": tool,
        "n_atoms": int(frac.shape[1]),
        "n_frames": int(frac.shape[0]),
        "species": counts,
        "first_sum_A": pos[0].sum(axis=0).tolist(),
        "last_sum_A": pos[-1].sum(axis=0).tolist(),
        "last_atom0_A": pos[-1, 0].tolist(),
        "last_atomN_A": pos[-1, -1].tolist(),
        "volume_first_A3": float(abs(np.linalg.det(cells[0]))),
        "volume_last_A3": float(abs(np.linalg.det(cells[-1]))),
    }
    if errors:
        out["files"][rel]["other_reader_errors"] = errors
json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
