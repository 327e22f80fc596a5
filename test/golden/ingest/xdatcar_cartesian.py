"""Golden numbers for Cartesian-mode XDATCAR frames (VASP semantics: Cartesian positions are multiplied by the
scale factor; a negative scale is the target cell volume in Å^3).

Two hand-made XDATCARs (3 atoms, 3 frames, `Cartesian configuration=` lines) are built here; every frame is also
written as a Cartesian POSCAR and read back by an independent reader:
- positive scale 1.5: ASE `ase.io.read(format='vasp')` (multiplies Cartesian positions by the scale);
- negative scale -216 (target volume): ASE 3.22 does not implement negative scales and pymatgen 2022.11.7
  `Poscar.from_string` multiplies Cartesian positions by the raw negative number (a bug: VASP uses the
  volume-derived factor), so the effective factor f = (216 / |det(lattice)|)^(1/3) is computed here with numpy
  and the POSCAR is written with scale f and read by ASE.
Output: xdatcar_cartesian.json with the file texts and the reference positions (Å), read by
test/analysis/ingest/xdatcar.test.ts. Run: /usr/bin/python3 test/golden/ingest/xdatcar_cartesian.py
"""
import io
import json
import os

import ase
import ase.io
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
LATTICE = ["4.0 0.0 0.0", "0.3 5.0 0.0", "0.0 0.2 6.0"]
FRAMES = [
    [[0.40, 0.50, 0.60], [2.00, 2.50, 3.00], [3.10, 4.20, 5.30]],
    [[0.45, 0.52, 0.58], [2.05, 2.40, 3.10], [3.00, 4.30, 5.20]],
    [[0.55, 0.49, 0.66], [1.95, 2.45, 3.05], [3.05, 4.25, 5.35]],
]


def make_text(scale):
    lines = ["Li2 O hand-made Cartesian XDATCAR", f"{scale}", *LATTICE, "Li O", "2 1"]
    for k, fr in enumerate(FRAMES):
        lines.append(f"Cartesian configuration=     {k + 1}")
        lines += [f"{x:.8f} {y:.8f} {z:.8f}" for x, y, z in fr]
    return "\n".join(lines) + "\n"


def poscar(scale, fr):
    return "\n".join(["frame", f"{scale}", *LATTICE, "Li O", "2 1", "Cartesian", *[f"{x} {y} {z}" for x, y, z in fr]]) + "\n"


cases = {}
# Positive scale: ASE.
s = 1.5
pos = [ase.io.read(io.StringIO(poscar(s, fr)), format="vasp").get_positions().tolist() for fr in FRAMES]
cell = ase.io.read(io.StringIO(poscar(s, FRAMES[0])), format="vasp").cell.array.tolist()
cases["scale_1.5"] = {"text": make_text(s), "reader": f"ase {ase.__version__}", "positions_A": pos, "cell_A": cell}
# Negative scale (volume 216 Å^3): pymatgen.
s = -216.0
lat = np.array([[float(x) for x in l.split()] for l in LATTICE])
f = (216.0 / abs(np.linalg.det(lat))) ** (1 / 3)
atoms = [ase.io.read(io.StringIO(poscar(repr(f), fr)), format="vasp") for fr in FRAMES]
cases["volume_216"] = {
    "text": make_text(s),
    "reader": f"ase {ase.__version__} with scale f = (216/|det|)^(1/3) = {f!r}",
    "positions_A": [a.get_positions().tolist() for a in atoms],
    "cell_A": atoms[0].cell.array.tolist(),
}
with open(os.path.join(HERE, "xdatcar_cartesian.json"), "w") as f:
    json.dump({"frames": len(FRAMES), "cases": cases}, f, indent=1)
print({k: v["positions_A"][0][0] for k, v in cases.items()})
