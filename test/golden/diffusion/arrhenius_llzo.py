#!/usr/bin/env /usr/bin/python3
"""Independent cross-check of liflux's Arrhenius fit on ../shared/data/llzo-aimd-arrhenius/D_T.csv.

Parameters: weighted fit of ln D = ln D0 + slope/T with sigma_lnD = D_error/D, scipy.optimize.curve_fit with
absolute_sigma=True (covariance from the stated errors), then reduced chi^2 = sum(r^2)/(n-2); the covariance is
multiplied by chi2_red when > 1 (liflux's documented rule). Extrapolation to 300 K with the 97.5% Student t
quantile, n-2 dof. Writes arrhenius_llzo.json next to this script.
Run: /usr/bin/python3 test/golden/diffusion/arrhenius_llzo.py
"""
import json, os
import numpy as np
from scipy.optimize import curve_fit
from scipy.stats import t as student_t

KB_eV = 1.380649e-23 / 1.602176634e-19
here = os.path.dirname(os.path.abspath(__file__))
csv = os.path.join(here, '..', '..', '..', '..', 'shared', 'data', 'llzo-aimd-arrhenius', 'D_T.csv')
data = np.loadtxt(csv, delimiter=',', skiprows=1)
T, D, De = data[:, 0], data[:, 1], data[:, 2]
y, sy, x = np.log(D), De / D, 1.0 / T
f = lambda x, a, b: a + b * x
p, cov = curve_fit(f, x, y, p0=[np.log(D.mean()), -3000.0], sigma=sy, absolute_sigma=True)
n = len(T)
chi2r = float(np.sum(((y - f(x, *p)) / sy) ** 2) / (n - 2))
if chi2r > 1:
    cov = cov * chi2r
q = student_t.ppf(0.975, n - 2)
x300 = 1 / 300.0
ln300 = p[0] + p[1] * x300
err300 = np.sqrt(cov[0, 0] + 2 * cov[0, 1] * x300 + cov[1, 1] * x300 ** 2)
out = dict(
    source='../shared/data/llzo-aimd-arrhenius/D_T.csv', method='scipy.optimize.curve_fit absolute_sigma + chi2 scaling',
    ea_eV=float(-p[1] * KB_eV), ea_err_eV=float(np.sqrt(cov[1, 1]) * KB_eV), ln_prefactor=float(p[0]),
    ln_prefactor_err=float(np.sqrt(cov[0, 0])), cov_lnPrefactor_slope=float(cov[0, 1]), chi2_reduced=chi2r,
    t975=float(q), D300_cm2PerS=float(np.exp(ln300)),
    D300_ci95_cm2PerS=[float(np.exp(ln300 - q * err300)), float(np.exp(ln300 + q * err300))],
)
with open(os.path.join(here, 'arrhenius_llzo.json'), 'w') as fh:
    json.dump(out, fh, indent=2)
print(json.dumps(out, indent=2))
