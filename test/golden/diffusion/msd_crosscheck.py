#!/usr/bin/env /usr/bin/python3
"""Independent MSD references for liflux's diffusion tests (run with Debian's python3; writes msd_crosscheck.json).

1. LAMMPS LJ fluid (../shared/data/lammps-lj/lj_li_unwrapped.lammpstrj, 256 atoms, 101 frames every 0.04 ps):
   - MDAnalysis 2.4 EinsteinMSD(select='all', msd_type='xyz', fft=False: windowed direct sum; tidynamics is not packaged) on the unwrapped dump (all time origins,
     no drift correction) -> MSD at selected lags.
   - LAMMPS's own `compute msd com yes` (single time origin t=0, centre of mass removed): `lmp -in in.lj_li` is rerun
     in a temporary directory to regenerate msd_lammps.txt (the run is deterministic: same seed and binary);
     also the same single-origin quantity recomputed from the dump with numpy, to show the dump and LAMMPS agree.
2. LGPS AIMD (../shared/data/lgps-aimd/XDATCAR_LGPS_600K.gz, 1000 frames, 20 fs): read with ASE, unwrapped by
   minimum-image fractional steps, framework (non-Li) mean displacement subtracted, all-origins Li MSD by a direct
   numpy sum (O(T^2), no FFT) -> MSD at selected lags. Independent of liflux's reader, unwrapper and FFT.
"""
import json, os, shutil, subprocess, tempfile, warnings
import numpy as np

warnings.filterwarnings('ignore')
here = os.path.dirname(os.path.abspath(__file__))
data = os.path.abspath(os.path.join(here, '..', '..', '..', '..', 'shared', 'data'))
out = {'generated_by': 'test/golden/diffusion/msd_crosscheck.py'}

# ---- 1. LAMMPS LJ ----
import MDAnalysis as mda
from MDAnalysis.analysis.msd import EinsteinMSD
dump = os.path.join(data, 'lammps-lj', 'lj_li_unwrapped.lammpstrj')
u = mda.Universe(dump, format='LAMMPSDUMP', dt=0.04)
lags_lj = [1, 2, 5, 10, 25, 50, 75, 100]
m = EinsteinMSD(u, select='all', msd_type='xyz', fft=False)
m.run()
msd_mda = m.results.timeseries
# positions (frames, atoms, 3) for the single-origin check; MDAnalysis sorts atoms by id
pos = np.array([u.atoms.positions.copy() for _ in u.trajectory], dtype=np.float64)
com = pos.mean(axis=1, keepdims=True)  # one species: centre of mass = mean
rel = (pos - com) - (pos[0] - com[0])
single_origin = (rel ** 2).sum(axis=2).mean(axis=1)
lammps_msd = None
if shutil.which('lmp'):
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(os.path.join(data, 'lammps-lj', 'in.lj_li'), tmp)
        subprocess.run(['lmp', '-in', 'in.lj_li', '-log', 'log.rerun'], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        rows = np.loadtxt(os.path.join(tmp, 'msd_lammps.txt'), comments='#')
        lammps_msd = {'step': rows[:, 0].tolist(), 'msd_total_A2': rows[:, 4].tolist()}
out['lammps_lj'] = {
    'file': '../shared/data/lammps-lj/lj_li_unwrapped.lammpstrj',
    'n_atoms': int(pos.shape[1]), 'n_frames': int(pos.shape[0]), 'dt_ps': 0.04,
    'lags_frames': lags_lj,
    'mdanalysis_einstein_msd_A2': [float(msd_mda[k]) for k in lags_lj],
    'numpy_single_origin_com_msd_A2': single_origin.tolist(),
    'lammps_compute_msd_com': lammps_msd,
}

# ---- 2. LGPS ----
from ase.io import read
frames = read(os.path.join(data, 'lgps-aimd', 'XDATCAR_LGPS_600K.gz'), index=':', format='vasp-xdatcar')
symbols = frames[0].get_chemical_symbols()
frac = np.array([f.get_scaled_positions(wrap=False) for f in frames])
cell = np.array(frames[0].get_cell())
d = np.diff(frac, axis=0)
d -= np.round(d)
unwrapped = np.concatenate([frac[:1], frac[:1] + np.cumsum(d, axis=0)]) @ cell
li = np.array([s == 'Li' for s in symbols])
drift = (unwrapped[:, ~li] - unwrapped[0, ~li]).mean(axis=1, keepdims=True)
x = unwrapped[:, li] - drift
T = x.shape[0]
lags_lgps = [1, 2, 5, 13, 50, 100, 250, 499, 900]
msd = []
for n in lags_lgps:
    dd = x[n:] - x[:-n]
    msd.append(float((dd ** 2).sum(axis=2).mean()))
out['lgps'] = {
    'file': '../shared/data/lgps-aimd/XDATCAR_LGPS_600K.gz', 'reader': 'ase.io.read vasp-xdatcar',
    'n_li': int(li.sum()), 'n_frames': int(T), 'lags_frames': lags_lgps, 'msd_framework_drift_corrected_A2': msd,
}
with open(os.path.join(here, 'msd_crosscheck.json'), 'w') as fh:
    json.dump(out, fh, indent=1)
print(json.dumps({k: (v if k != 'lammps_lj' else {kk: vv for kk, vv in v.items() if kk not in ('numpy_single_origin_com_msd_A2', 'lammps_compute_msd_com')}) for k, v in out.items()}, indent=1))
if lammps_msd:
    lm = np.array(lammps_msd['msd_total_A2'])
    print('max |LAMMPS - numpy single-origin| / max:', float(np.max(np.abs(lm[:len(single_origin)] - single_origin[:len(lm)])) / lm.max()))
