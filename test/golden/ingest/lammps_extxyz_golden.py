#!/usr/bin/env python3
"""Golden positions for the extended-XYZ and LAMMPS-dump readers, from independent readers.

Run from the repository root (needs Debian's python3-ase and numpy; shared data beside the repo):
    /usr/bin/python3 test/golden/ingest/lammps_extxyz_golden.py
Writes test/golden/ingest/lammps_extxyz_golden.json.

Reference readers: ase.io.read(path, index=':', format='extxyz' | 'lammps-dump-text').
Conventions applied here so the numbers match liflux's documented output (Cartesian Å in the LAMMPS frame):
- scaled LAMMPS columns (xs, xsu): ASE returns s·cell and keeps the origin (xlo, ylo, zlo) in atoms.get_celldisp();
  liflux returns origin + s·cell, so the golden adds celldisp;
- x y z with image flags (ix iy iz): ASE ignores image flags; the golden adds ix·a + iy·b + iz·c, with the image
  flags read here by numpy (rows sorted by id, as ASE sorts) and the cell from ASE.
For every file: atom and frame counts, ASE's per-atom type numbers (LAMMPS, no element column) or symbols
(extxyz), full positions and cells of a few frames, and per-frame coordinate sums of every frame.
"""
import json
import os
import sys

import ase
import ase.io
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
DATA = os.path.abspath(os.path.join(REPO, '..', 'shared', 'data'))

FILES = [
    ('lammps-lj/lj_li_wrapped.lammpstrj', 'lammps-dump-text'),
    ('lammps-lj/lj_li_unwrapped.lammpstrj', 'lammps-dump-text'),
    ('lammps-lj/lj_li_scaled.lammpstrj', 'lammps-dump-text'),
    ('lammps-lj/lj_li_npt_tri.lammpstrj', 'lammps-dump-text'),
    ('dpdata/conf_s_su.dump', 'lammps-dump-text'),
    ('dpdata/conf_unfold.dump', 'lammps-dump-text'),
    ('dpdata/shift_origin.dump', 'lammps-dump-text'),
    ('mdanalysis/albite_triclinic.dump', 'lammps-dump-text'),
    ('kinisi/example_LAMMPS_drift.traj', 'lammps-dump-text'),
    ('lammps-lj/lj_li_nvt_unwrapped.extxyz', 'extxyz'),
    ('lammps-lj/lj_li_npt_tri.extxyz', 'extxyz'),
]


def lammps_atom_blocks(path):
    """Per frame: (column names, rows as lists of strings), read with plain splitting."""
    with open(path) as fh:
        lines = fh.read().splitlines()
    blocks, i = [], 0
    while i < len(lines):
        if lines[i].startswith('ITEM: NUMBER OF ATOMS'):
            n = int(lines[i + 1])
        if lines[i].startswith('ITEM: ATOMS'):
            cols = lines[i].split()[2:]
            rows = [lines[i + 1 + k].split() for k in range(n)]
            blocks.append((cols, rows))
            i += n
        i += 1
    return blocks


def main():
    out = {
        'generator': 'test/golden/ingest/lammps_extxyz_golden.py',
        'ase_version': ase.__version__,
        'numpy_version': np.__version__,
        'python': sys.version.split()[0],
        'files': {},
    }
    for rel, fmt in FILES:
        path = os.path.join(DATA, rel)
        frames = ase.io.read(path, index=':', format=fmt)
        n_frames = len(frames)
        pick = sorted({0, min(1, n_frames - 1), n_frames // 2, n_frames - 1})
        blocks = lammps_atom_blocks(path) if fmt == 'lammps-dump-text' else None
        positions = []
        for f, atoms in enumerate(frames):
            pos = atoms.get_positions().copy()
            cell = np.array(atoms.get_cell())
            if blocks is not None:
                cols, rows = blocks[f]
                if any(c in cols for c in ('xs', 'xsu')) and not any(c in cols for c in ('x', 'xu')):
                    pos = pos + np.array(atoms.get_celldisp()).reshape(3)
                if all(c in cols for c in ('ix', 'iy', 'iz')) and 'xu' not in cols and 'xsu' not in cols:
                    arr = np.array(rows)
                    ids = arr[:, cols.index('id')].astype(int)
                    img = arr[:, [cols.index('ix'), cols.index('iy'), cols.index('iz')]].astype(float)
                    img = img[np.argsort(ids)]
                    pos = pos + img @ cell
            positions.append((pos, cell))
        entry = {
            'format': fmt,
            'n_frames': n_frames,
            'n_atoms': len(frames[0]),
            'frames': pick,
            'positions_A': [positions[f][0].reshape(-1).tolist() for f in pick],
            'cells_A': [positions[f][1].reshape(-1).tolist() for f in pick],
            'sum_positions_A': [positions[f][0].sum(axis=0).tolist() for f in range(n_frames)],
        }
        if fmt == 'lammps-dump-text':
            # No element column in these files: ASE takes the LAMMPS type as atomic number.
            entry['types'] = frames[0].get_atomic_numbers().tolist()
        else:
            entry['symbols'] = frames[0].get_chemical_symbols()
            entry['steps'] = [int(a.info['step']) if 'step' in a.info else None for a in frames]
            entry['time_ps'] = [float(a.info['time_ps']) if 'time_ps' in a.info else None for a in frames]
        out['files'][rel] = entry
        print(f'{rel}: {n_frames} frames, {len(frames[0])} atoms', file=sys.stderr)
    with open(os.path.join(HERE, 'lammps_extxyz_golden.json'), 'w') as fh:
        json.dump(out, fh, separators=(',', ':'))
        fh.write('\n')


if __name__ == '__main__':
    main()
