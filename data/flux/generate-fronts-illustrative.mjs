// Generates data/flux/fronts-illustrative.csv — ILLUSTRATIVE, NOT MEASURED.
// Run from the repo root after `npx tsc -p .`: node data/flux/generate-fronts-illustrative.mjs
//
// Model (the paper's own two-battery picture, eqs 5–12 run forwards): at each temperature the Li supply to the
// Li2Sb/Li3Sb front is conduction through LLZO of thickness θ_eff plus Fick diffusion through Li3Sb, and the
// supply to the Sb/Li2Sb front is conduction only:
//   c_Sb θ_Sb dx1/dt   = [σ θ_eff U1/F + θ_Li3Sb D Δc] / x1
//   2 c_Sb θ_Sb dx2/dt = σ θ_eff U2/F / x2
// so x(t) = sqrt(x0² + 2 k t) (parabolic growth). Parameters (assumed, chosen to resemble the paper's ranges):
//   σ_LLZO: Arrhenius eq 25 through 0.00216 S/cm at 75 °C with Ea = 0.30 eV;
//   θ_eff: 1.5 µm at 75 °C falling linearly to 0.25 µm at 275 °C;
//   D(Li in Li3Sb) = 2e-6 cm²/s at 75 °C with Ea = 0.0996 eV (the paper's MD Ea, one vacancy);
//   x1(0) = 0.5 mm, x2(0) = 5 mm; 241 frames per temperature, each run lasting until x1 = 6 mm (in this toy
//   the x1 front gains on x2, so runs stop before they meet — the real films keep a Li2Sb band);
//   noise: Gaussian, 1σ = 3 px × 0.03236 mm/px on each position; times rounded to the 0.1 s resolution.
// Concentrations as in analysis/flux/front.ts (createDefaultMaterials). Seed 20260525 (engine/core/rng.ts).
import { writeFileSync } from 'node:fs';
import { createRng } from '../../dist/engine/core/rng.js';
import { createDefaultMaterials } from '../../dist/analysis/flux/front.js';
import { F_CPerMol, KB_eVPerK } from '../../dist/engine/core/constants.js';

const m = createDefaultMaterials();
const thetaSb_cm = 10e-7;
const thetaLi3Sb_cm = (m.c_Sb_molPerCm3 * thetaSb_cm) / m.c_Li3Sb_molPerCm3;
const deltaC = m.c_LiMetal_molPerCm3 - 2 * m.c_Li2Sb_molPerCm3;
const U1 = 0.85, U2 = 0.9, Ea_sigma = 0.3, T_ref = 348.15;
const sigma = (T) => 0.00216 * (T_ref / T) * Math.exp((-Ea_sigma / KB_eVPerK) * (1 / T - 1 / T_ref));
const D = (T) => 2e-6 * Math.exp((-0.0996 / KB_eVPerK) * (1 / T - 1 / T_ref));
const rng = createRng(20260525);
const noise_mm = 3 * 0.03236;
const lines = ['# ILLUSTRATIVE synthetic front positions (not measured); see data/README.md and generate-fronts-illustrative.mjs', 'temperature_C,time_s,x1_mm,x2_mm'];
for (const T_C of [75, 125, 175, 225, 275]) {
  const T = T_C + 273.15;
  const theta_cm = (1.5 - ((T_C - 75) / 200) * 1.25) * 1e-4;
  const k1 = (sigma(T) * theta_cm * U1 / F_CPerMol + thetaLi3Sb_cm * D(T) * deltaC) / (m.c_Sb_molPerCm3 * thetaSb_cm); // cm²/s
  const k2 = (sigma(T) * theta_cm * U2 / F_CPerMol) / (2 * m.c_Sb_molPerCm3 * thetaSb_cm);
  const x10 = 0.05, x20 = 0.5; // cm
  const tEnd = (0.6 ** 2 - x10 ** 2) / (2 * k1);
  for (let f = 0; f <= 240; f++) {
    const t = Math.round(((tEnd * f) / 240) * 10) / 10;
    const x1 = Math.sqrt(x10 ** 2 + 2 * k1 * t) * 10 + noise_mm * rng.nextNormal();
    const x2 = Math.sqrt(x20 ** 2 + 2 * k2 * t) * 10 + noise_mm * rng.nextNormal();
    lines.push(`${T_C},${t.toFixed(1)},${x1.toFixed(4)},${x2.toFixed(4)}`);
  }
}
writeFileSync(new URL('./fronts-illustrative.csv', import.meta.url), lines.join('\n') + '\n');
