/** `liflux kmc` through the real binary (build first: npx tsc -p .). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(repoRoot, 'dist/cli/main.js');

function run(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: repoRoot });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function withoutTimings(o: Record<string, unknown>): Record<string, unknown> {
  const { hops_per_second: _h, wall_s: _w, ...rest } = o;
  void _h;
  void _w;
  return rest;
}

describe('liflux kmc', { timeout: 60_000 }, () => {
  it('--json has the documented keys and the 96-site Li3Sb cell', () => {
    const r = run(['kmc', '--lattice', 'li3sb', '--cells', '2', '--vacancies', '1', '--T', '300', '--hops', '2e4', '--replicas', '4', '--seed', '1', '--json']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    for (const key of ['backend', 'lattice', 'T_K', 'n_sites', 'n_vacancies', 'hops', 'replicas', 'time_s', 'D_tracer_cm2PerS', 'D_tracer_err_cm2PerS',
      'D_vacancy_cm2PerS', 'D_sigma_cm2PerS', 'correlation_factor', 'correlation_factor_err', 'haven_ratio', 'conductivity_mSPerCm', 'hops_per_second']) {
      expect(o).toHaveProperty(key);
    }
    expect(o.backend).toBe('ts');
    expect(o.n_sites).toBe(96);
    expect(o.hops).toBe(20000);
    expect(o.D_tracer_cm2PerS).toBeGreaterThan(0);
  });

  it('same seed → same JSON except timings; another seed differs', () => {
    const args = ['kmc', '--vacancies', '4', '--hops', '1e4', '--replicas', '3', '--json'];
    const a = JSON.parse(run([...args, '--seed', '9']).stdout);
    const b = JSON.parse(run([...args, '--seed', '9']).stdout);
    const c = JSON.parse(run([...args, '--seed', '10']).stdout);
    expect(withoutTimings(b)).toEqual(withoutTimings(a));
    expect(c.D_tracer_cm2PerS).not.toBe(a.D_tracer_cm2PerS);
  });

  it('a temperature list fits Ea with the Arrhenius code and writes --output atomically', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kmc-'));
    const out = path.join(dir, 'sweep.json');
    const r = run(['kmc', '--T', '300,548,900', '--hops', '2e4', '--replicas', '4', '--json', '-o', out]);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.T_K).toEqual([300, 548, 900]);
    expect(o.results).toHaveLength(3);
    expect(o.arrhenius.ea_eV).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(o);
    const again = run(['kmc', '--hops', '100', '--replicas', '1', '-o', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`output ${out} already exists; pass --overwrite to replace it`);
  });

  it('--backend gpu runs gpu.js and says which backend ran', () => {
    const r = run(['kmc', '--backend', 'gpu', '--hops', '5000', '--replicas', '8', '--json']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(['webasm', 'webgpu']).toContain(o.backend);
    // one vacancy: Σ_i Δr_i = −Δr_v, so D_σ = D_v · n_v / N_Li exactly
    expect(Math.abs(o.D_sigma_cm2PerS - o.D_vacancy_cm2PerS / o.n_li) / o.D_sigma_cm2PerS).toBeLessThan(1e-12);
  });

  it('kmc compare prints the four models next to the paper MD activation energies', () => {
    const r = run(['kmc', 'compare', '--T', '300,900', '--hops', '5000', '--replicas', '3', '--json']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.models.map((m: { n_vacancies: number }) => m.n_vacancies)).toEqual([1, 1, 4, 4]);
    expect(o.paper_md_ea_eV).toEqual({ one_vacancy: 0.0996, four_vacancies: 0.1537 });
    for (const m of o.models) expect(m.ea_eV).toBeGreaterThan(0);
    const text = run(['kmc', 'compare', '--T', '300,900', '--hops', '2000', '--replicas', '2']);
    expect(text.stdout).toContain('Ea_paperMD_meV');
  });

  it('bad input exits 2 with expected/found messages', () => {
    const cases: [string[], string][] = [
      [['kmc', '--vacancies', '0'], '--vacancies: expected a positive count or a fraction below 1, found 0'],
      [['kmc', '--T', '300,abc'], '--T: expected positive temperatures in K separated by commas, found "300,abc"'],
      [['kmc', '--hop-rates', 'TT=1e12'], '--hop-rates: expected a rate for every hop type, found none for TO, OT'],
      [['kmc', '--rates', '/nonexistent.json'], '/nonexistent.json: expected a readable rates file, found ENOENT'],
      [['kmc', '--backend', 'gpu', '--vacancies', '4'], '--backend gpu: the gpu.js kernel covers only one vacancy without interaction; found 4 vacancies (use --backend ts or auto)'],
      [['kmc', '--replicas', '0'], '--replicas: expected a positive integer, found 0'],
      [['kmc', '--cells', '1'], 'expected a cell larger than twice the hop range'],
      [['kmc', '--place', 'X'], '--place: expected random or a site type among T, O, found "X"'],
    ];
    for (const [args, msg] of cases) {
      const r = run([...args, '--hops', '100', ...(args.includes('--replicas') ? [] : ['--replicas', '1'])]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(msg);
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'kmc-'));
    const bad = path.join(dir, 'r.json');
    writeFileSync(bad, '{"schema": "liflux-rates/1", "hops": {"TT": {"nu_perS": 1e13, "ea_eV": 0.1}, "TO": {"nu_perS": 1e13, "ea_eV": 0.2}, "OT": {"nu_perS": 1e13, "ea_eV": 0.1}}, "site_energy_O_minus_T_eV": 0.3}');
    const r = run(['kmc', '--rates', bad, '--hops', '10', '--replicas', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}: expected site_energy_O_minus_T_eV = TO.ea_eV − OT.ea_eV = 0.1`);
  });
});
