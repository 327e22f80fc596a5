/**
 * `liflux synth` and `liflux hops` through the real binary: synthetic XDATCAR.gz at three temperatures → hop
 * analysis → rates file → `liflux kmc --rates` accepts it; --json keys, table, SVG plot; Arrow output metadata;
 * structure mismatches and usage errors exit 2 with clear messages and leave no output behind.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { ensureBuilt, repoRoot, runCli } from './cli-helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'liflux-hops-cli-'));
const TEMPS = [300, 548, 900];
/** The bundled synthetic demo (data/demo/generate.sh): frame interval per temperature, ps. */
const DT_PS: Record<number, number> = { 300: 0.04, 548: 0.01, 900: 0.005 };
/** Barriers of the demo's input model, eV. */
const DEMO_EA_eV: Record<string, number> = { TT: 0.1, TO: 0.1, OT: 0.08 };
const xd = (T: number) => path.join(repoRoot, 'data', 'demo', `li3sb-${T}K.XDATCAR.gz`);

beforeAll(() => {
  ensureBuilt();
});

function hopsArgs(extra: string[] = []): string[] {
  return ['hops', ...TEMPS.map(xd), '--structure', 'li3sb', '--temperature', TEMPS.join(','), '--format', 'xdatcar', ...extra];
}

describe('liflux hops', () => {
  it('XDATCAR in → rates out: --json keys per temperature and the Arrhenius fit per hop type; the rates file runs in liflux kmc', () => {
    const rates = path.join(dir, 'rates.json');
    const plot = path.join(dir, 'rates.svg');
    const perT = TEMPS.map((T) => {
      const r = runCli(['hops', xd(T), '--temperature', String(T), '--timestep-fs', String(DT_PS[T] * 1000), '--nblock', '1', '--json']);
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    });
    for (const o of perT) {
      const t = o.temperatures[0];
      for (const key of ['n_hops', 'rates_perS', 'rates_err_perS', 'site_energy_O_minus_T_eV', 'vacancies_mean', 'residence_by_site_type', 'back_hop_fraction', 'occupancy_by_site_type']) expect(t).toHaveProperty(key);
      for (const h of ['TT', 'TO', 'OT']) {
        expect(t.n_hops[h]).toBeGreaterThan(20);
        expect(t.rates_perS[h]).toBeGreaterThan(0);
        expect(t.rates_err_perS[h]).toBeGreaterThan(0);
      }
      expect(t.vacancies_mean).toBe(1);
      expect(o.arrhenius).toBeNull();
    }
    // All three XDATCARs in one run: one time step per file (XDATCAR has no time axis).
    const r = runCli(hopsArgs(['--timestep-fs', TEMPS.map((T) => DT_PS[T] * 1000).join(','), '--nblock', '1', '--json', '--rates-out', rates, '--plot', plot]));
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.temperatures.map((t: { T_K: number }) => t.T_K)).toEqual(TEMPS);
    for (const h of ['TT', 'TO', 'OT']) {
      for (const key of ['nu_perS', 'ea_eV', 'ea_err_eV', 'free_fit']) expect(o.arrhenius[h]).toHaveProperty(key);
      // the demo's input model (data/demo/synth-rates.json), within 4 standard errors
      expect(Math.abs(o.arrhenius[h].ea_eV - DEMO_EA_eV[h])).toBeLessThan(4 * o.arrhenius[h].ea_err_eV);
    }
    expect(o.arrhenius.TO.nu_perS).toBe(o.arrhenius.OT.nu_perS);
    expect(typeof o.site_energy_O_minus_T_eV).toBe('number');
    const file = JSON.parse(readFileSync(rates, 'utf8'));
    expect(file.schema).toBe('liflux-rates/1');
    expect(file.site_energy_O_minus_T_eV).toBeCloseTo(file.hops.TO.ea_eV - file.hops.OT.ea_eV, 12);
    expect(readFileSync(plot, 'utf8')).toMatch(/^<svg/);
    const k = runCli(['kmc', '--rates', rates, '--T', '548', '--hops', '2e4', '--replicas', '2', '--json']);
    expect(k.status, k.stderr).toBe(0);
    expect(JSON.parse(k.stdout).D_tracer_cm2PerS).toBeGreaterThan(0);
  });

  it('prints tables without --json', () => {
    const r = runCli(['hops', xd(548), '--temperature', '548', '--timestep-fs', String(DT_PS[548] * 1000), '--nblock', '1']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('structure li3sb ×2×2×2 (96 Li sites: 64 T, 32 O)');
    expect(r.stdout).toMatch(/k_TT_perS/);
    expect(r.stdout).toMatch(/residence times per site type/);
  });

  it('fails with exit 2 on a wrong lattice constant, a missing species and bad usage, writing nothing', () => {
    const base = ['--temperature', '548', '--timestep-fs', String(DT_PS[548] * 1000), '--nblock', '1'];
    const out = path.join(dir, 'never.json');
    const wrongA = runCli(['hops', xd(548), ...base, '--a', '6.2', '--rates-out', out]);
    expect(wrongA.status).toBe(2);
    expect(wrongA.stderr).toContain('expected cell edge a ≈ n·a = 2·6.2000 Å = 12.4000 Å (li3sb, a = 6.2 Å, tolerance 3.0%), found 13.0890 Å = 2.111·a (wrong lattice constant or structure?)');
    const missing = runCli(['hops', xd(548), ...base, '--species', 'Na', '--rates-out', out]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('expected species Na (the sites of structure li3sb) in the trajectory, found Li, Sb (missing species)');
    expect(existsSync(out)).toBe(false);
    const count = runCli(['hops', xd(300), xd(548), '--temperature', '300', '--timestep-fs', '1']);
    expect(count.status).toBe(2);
    expect(count.stderr).toContain('--temperature: expected one value per trajectory (2), found 1');
    const labels = runCli(['hops', xd(548), ...base, '--site-labels', 'T*64']);
    expect(labels.status).toBe(2);
    expect(labels.stderr).toContain('--site-labels: expected only with a POSCAR --structure, found --structure li3sb');
    writeFileSync(path.join(dir, 'exists.json'), '{}');
    const over = runCli(['hops', xd(548), ...base, '--rates-out', path.join(dir, 'exists.json')]);
    expect(over.status).toBe(2);
    expect(over.stderr).toContain('already exists; pass --overwrite to replace it');
  });

  it('fails with exit 2 on a real trajectory of another material (LGPS AIMD, data/samples)', () => {
    const r = runCli(['hops', path.join(repoRoot, 'data/samples/XDATCAR_LGPS_600K.gz'), '--timestep-fs', '2', '--nblock', '10', '--temperature', '600']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('expected only the species of structure li3sb (Li, Sb), found also Ge, P, S');
  });

  it('reads a POSCAR reference structure with --site-labels', () => {
    const a = 6.5445;
    const fcc = [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]];
    const T: number[][] = [];
    for (const s of [0.25, 0.75]) for (const f of fcc) T.push(f.map((x) => (x + s) % 1));
    const O = fcc.map((f) => f.map((x) => (x + 0.5) % 1));
    const poscar = path.join(dir, 'Li3Sb.POSCAR');
    writeFileSync(poscar, ['Li3Sb', '1.0', `${a} 0 0`, `0 ${a} 0`, `0 0 ${a}`, 'Li Sb', '12 4', 'Direct', ...[...T, ...O, ...fcc].map((c) => c.join(' ')), ''].join('\n'));
    const base = [xd(548), '--temperature', '548', '--timestep-fs', String(DT_PS[548] * 1000), '--nblock', '1', '--json'];
    const viaPoscar = JSON.parse(runCli(['hops', ...base, '--structure', poscar, '--site-labels', 'T*8,O*4']).stdout);
    const builtin = JSON.parse(runCli(['hops', ...base]).stdout);
    expect(viaPoscar.temperatures[0].n_hops).toEqual(builtin.temperatures[0].n_hops);
    const noLabels = runCli(['hops', ...base, '--structure', poscar]);
    expect(noLabels.status).toBe(2);
    expect(noLabels.stderr).toContain('--site-labels: expected a label per Li site of');
  });
});

describe('round trip through the binaries: liflux synth → liflux hops → liflux kmc vs liflux diffusion', () => {
  it('recovers the input rates and ΔE (4σ), and kmc with the recovered rates gives the D that diffusion measures (4 combined σ)', () => {
    const traj = path.join(dir, 'roundtrip-548K.arrow');
    const rates = path.join(dir, 'roundtrip-rates.json');
    // example model (data/rates/li3sb-example.json) at 548 K; frame interval 1% of the fastest (OT) hop time
    const s = runCli(['synth', '--T', '548', '--frames', '12000', '--frame-interval-ps', '0.0044', '--with-sb', '--seed', '4', '-o', traj, '--json']);
    expect(s.status, s.stderr).toBe(0);
    const input = JSON.parse(s.stdout);
    const h = runCli(['hops', traj, '--json', '--rates-out', rates]);
    expect(h.status, h.stderr).toBe(0);
    const t = JSON.parse(h.stdout).temperatures[0];
    for (const hop of ['TT', 'TO', 'OT']) expect(Math.abs(t.rates_perS[hop] - input.rates_perS[hop])).toBeLessThan(4 * t.rates_err_perS[hop]);
    expect(Math.abs(t.site_energy_O_minus_T_eV - input.site_energy_O_minus_T_eV)).toBeLessThan(4 * t.site_energy_err_eV);
    const k = runCli(['kmc', '--rates', rates, '--T', '548', '--vacancies', '1', '--hops', '1e5', '--replicas', '8', '--seed', '7', '--json']);
    expect(k.status, k.stderr).toBe(0);
    const kmc = JSON.parse(k.stdout);
    const d = runCli(['diffusion', traj, '--species', 'Li', '--json']);
    expect(d.status, d.stderr).toBe(0);
    const md = JSON.parse(d.stdout);
    // combined: MD fit error, KMC replica error, and the recovered rates' overall scale (1/√n_hops sets the KMC clock)
    const sigma = Math.sqrt(md.D_err_cm2PerS ** 2 + kmc.D_tracer_err_cm2PerS ** 2 + (kmc.D_tracer_cm2PerS / Math.sqrt(t.n_hops_total)) ** 2);
    expect(Math.abs(md.D_cm2PerS - kmc.D_tracer_cm2PerS)).toBeLessThan(4 * sigma);
  });
});

describe('liflux synth', () => {
  it('regenerates the bundled demo trajectory exactly from the command recorded in data/demo/generate.sh', () => {
    const script = readFileSync(path.join(repoRoot, 'data', 'demo', 'generate.sh'), 'utf8');
    expect(script).toContain('--rates data/demo/synth-rates.json --T "$T" --frames 2000 --frame-interval-ps "$DT"');
    const out = path.join(dir, 'regen-548K.XDATCAR.gz');
    const r = runCli(['synth', '--lattice', 'li3sb', '--cells', '2', '--vacancies', '1', '--with-sb', '--rates', 'data/demo/synth-rates.json', '--T', '548', '--frames', '2000',
      '--frame-interval-ps', '0.01', '--thermal-sigma-A', '0.15', '--seed', '548', '--decimals', '3', '-o', out, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const a = gunzipSync(readFileSync(out)).toString('utf8');
    const b = gunzipSync(readFileSync(xd(548))).toString('utf8');
    expect(a.split('\n')[0]).toMatch(/^SYNTHETIC liflux-synth KMC Li3Sb \(not MD\) T=548K dt=0.01ps seed=548/);
    expect(a === b).toBe(true);
  });

  it('writes an Arrow file whose metadata says it is synthetic, with the rate model and seed', () => {
    const out = path.join(dir, 'synth.arrow');
    const r = runCli(['synth', '--T', '548', '--frames', '50', '--frame-interval-ps', '0.01', '--seed', 'abc', '-o', out, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.synthetic).toBe(true);
    expect(o.n_frames).toBe(50);
    expect(o.n_li).toBe(95);
    const table = tableFromIPC(readFileSync(out));
    const meta = JSON.parse(table.schema.metadata.get('liflux.synthetic')!);
    expect(meta.synthetic).toBe(true);
    expect(meta.seed).toBe('abc');
    expect(meta.rates_perS.TT).toBeGreaterThan(0);
    expect(table.schema.metadata.get('liflux.source_format')).toBe('liflux-synth');
    expect(table.numRows).toBe(50);
  });

  it('rejects a bad output name and bad options with exit 2 and leaves no file', () => {
    const bad = runCli(['synth', '--T', '548', '--frames', '50', '--frame-interval-ps', '0.01', '-o', path.join(dir, 'x.txt')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('-o: expected a file name ending in .arrow, or containing XDATCAR (optionally .gz), found');
    const frames = runCli(['synth', '--T', '548', '--frames', '1', '--frame-interval-ps', '0.01', '-o', path.join(dir, 'y.arrow')]);
    expect(frames.status).toBe(2);
    expect(frames.stderr).toContain('--frames: expected an integer ≥ 2, found 1');
    expect(readdirSync(dir).some((f) => f.startsWith('.y.arrow') || f === 'y.arrow')).toBe(false);
  });
});
