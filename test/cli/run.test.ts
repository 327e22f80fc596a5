/**
 * `liflux run`: the whole pipeline on a reduced config (the bundled synthetic Li3Sb demo and the LGPS sample at
 * full length — ingest and MSD take < 2 s — but few KMC hops/replicas, a coarse hot-spot grid, two strip presets
 * with a 1.5 s wall stop), spawning the real binary. Checks the report, per-stage JSON and Arrow outputs, that key
 * numbers are finite and sensible, error messages, and that a failing stage stops the run, keeps the finished
 * stages' results in the report and exits 2.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../cli/run/config.js';
import { readArrowTrajectory } from '../../analysis/ingest/arrow-reader.js';
import { ensureBuilt, repoRoot, runCli } from './cli-helpers.js';

const demo = (name: string) => path.join(repoRoot, 'data/demo', name);

function reducedConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'reduced run',
    seed: 7,
    trajectories: [
      { path: demo('li3sb-300K.XDATCAR.gz'), temperature_K: 300, timestep_fs: 40, nblock: 1 },
      { path: demo('li3sb-548K.XDATCAR.gz'), temperature_K: 548, timestep_fs: 10, nblock: 1 },
      { path: demo('li3sb-900K.XDATCAR.gz'), temperature_K: 900, timestep_fs: 5, nblock: 1 },
    ],
    extraTrajectories: [{ path: path.join(repoRoot, 'data/samples/XDATCAR_LGPS_600K.gz'), temperature_K: 600, timestep_fs: 2, nblock: 10, label: 'LGPS' }],
    kmc: { hops: 5000, replicas: 4, compare: { hops: 2000, replicas: 2 } },
    flux: { front: { input: path.join(repoRoot, 'data/flux/fronts-illustrative.csv') }, hotspot: { geometry: 'both', intervals: 60 } },
    strip: { presets: ['no-il', 'il-redox'], maxWall_s: 1.5 },
    ...overrides,
  };
}

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(path.join(tmpdir(), 'liflux-run-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(name: string, cfg: Record<string, unknown>): string {
  const p = path.join(dir, name);
  writeFileSync(p, JSON.stringify(cfg));
  return p;
}

const readJson = (p: string) => JSON.parse(readFileSync(p, 'utf8'));

describe('liflux run', () => {
  it('runs every stage on a reduced config: report, per-stage JSON and Arrow outputs, finite and sensible numbers', async () => {
    const cfg = writeConfig('reduced.json', reducedConfig());
    const out = path.join(dir, 'out');
    const r = runCli(['run', cfg, '-o', out, '--json', '--quiet']);
    expect(r.stderr).not.toMatch(/liflux: (internal )?error/);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.status).toBe('ok');
    expect(doc.stages.map((s: { id: string; status: string }) => `${s.id}:${s.status}`)).toEqual(
      ['ingest', 'diffusion', 'arrhenius', 'hops', 'kmc', 'flux-front', 'flux-hotspot', 'strip'].map((id) => `${id}:ok`),
    );
    // No temporary folder left beside the output.
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);

    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<\?xml/);
    // 4 MSD + Arrhenius + hop rates + KMC vs MD + 3 front + 2×3 hot spot + 2 strip maps + t_void = 19 figures.
    expect((html.match(/<figure><svg/g) ?? []).length).toBe(19);
    for (const name of ['gpu.js', 'apache-arrow', 'vega', 'vega-lite', '&quot;node&quot;', '&quot;seed&quot;: 7', '&quot;timings_s&quot;', 'sha256']) expect(html).toContain(name);

    const arr = readJson(path.join(out, 'arrhenius.json'));
    // The synthetic model has barriers of 0.08–0.10 eV (data/demo/generate.sh): the tracer Ea must lie in that
    // neighbourhood; 0.06–0.14 eV is a sanity band several σ (≈ 0.004 eV) wide, not a precision test.
    expect(arr.Ea_eV).toBeGreaterThan(0.06);
    expect(arr.Ea_eV).toBeLessThan(0.14);
    expect(arr.Ea_err_eV).toBeGreaterThan(0);
    expect(arr.extrapolated[0].T_K).toBe(300);

    const rates = readJson(path.join(out, 'rates.json'));
    expect(rates.schema).toBe('liflux-rates/1');

    const kmc = readJson(path.join(out, 'kmc.json'));
    expect(kmc.rates_source).toBe('rates.json (MD-derived, this run)');
    expect(kmc.md_rates.results).toHaveLength(3);
    const diffusion = [300, 548, 900].map((T) => readJson(path.join(out, 'diffusion', `li3sb-${T}K.json`)));
    for (const [k, res] of kmc.md_rates.results.entries()) {
      expect(Number.isFinite(res.D_tracer_cm2PerS) && res.D_tracer_cm2PerS > 0).toBe(true);
      // KMC driven by the rates measured in the same trajectories reproduces their D* within a factor of 2
      // (the hops CLI test checks the same round trip at 4σ with more statistics).
      const ratio = res.D_tracer_cm2PerS / diffusion[k].D_cm2PerS;
      expect(ratio).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(2);
    }
    expect(kmc.compare.models).toHaveLength(4);

    const hot = readJson(path.join(out, 'flux-hotspot.json'));
    expect(hot.results.map((x: { geometry: string }) => x.geometry)).toEqual(['2d', 'axisymmetric']);
    for (const x of hot.results) {
      expect(Math.abs(x.phases.Sb.lateral_current_A)).toBeGreaterThan(0);
      // Grid check at a quarter and half of the 60 intervals; the near-field-subtracted solve converges, so the
      // coarsest differs from the 60-interval current by far less than 1% (analysis/flux/README.md: ~1e-5).
      expect(x.convergence.rows.map((row: { intervals: number }) => row.intervals)).toEqual([15, 30, 60]);
      const I = x.convergence.rows.map((row: { lateral_current_A: number[] }) => row.lateral_current_A[0]);
      expect(Math.abs(I[0] / I[2] - 1)).toBeLessThan(0.01);
    }

    const strip = readJson(path.join(out, 'strip.json'));
    expect(strip.results.map((x: { preset: string }) => x.preset)).toEqual(['no-il', 'il-redox']);
    for (const x of strip.results) expect(['void', 'wall']).toContain(x.stop_reason);

    const front = readJson(path.join(out, 'flux-front.json'));
    expect(front.diffusion).toMatch(/Arrhenius D0 = .* Ea = /);

    // Arrow outputs: the converted trajectories and the MSD arrays.
    const traj = await readArrowTrajectory(path.join(out, 'trajectories', 'li3sb-900K.arrow'));
    expect(traj.trajectory.nFrames).toBe(2000);
    expect(traj.trajectory.nAtoms).toBe(127);
    const msd = tableFromIPC(readFileSync(path.join(out, 'msd', 'LGPS.arrow')));
    expect(msd.numRows).toBeGreaterThan(100);
    const m = msd.getChild('msd_A2')!.toArray() as Float64Array;
    expect(m.every((v) => Number.isFinite(v))).toBe(true);

    const run = readJson(path.join(out, 'run.json'));
    expect(run.status).toBe('ok');
    expect(Object.keys(run.provenance.timings_s)).toHaveLength(8);

    // The same output again without --overwrite is refused; with it, replaced.
    const again = runCli(['run', cfg, '-o', out, '--quiet']);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain(`output ${out} already exists; pass --overwrite to replace it`);
  }, 240_000);

  it('a failing stage stops the run: exit 2, the report keeps the finished stages, later stages are not run', () => {
    const bad = path.join(dir, 'bad-fronts.csv');
    writeFileSync(bad, 'temperature_C,time_s,x1_mm,x2_mm\n75,0,zero,0.1\n');
    const cfg = writeConfig('failing.json', reducedConfig({ kmc: { enabled: false }, flux: { front: { input: bad } } }));
    const out = path.join(dir, 'failed');
    const r = runCli(['run', cfg, '-o', out, '--quiet']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/liflux: error: stage flux-front failed: .*bad-fronts\.csv:2: expected .*found/);
    expect(r.stderr).toContain(`the report with the finished stages is ${path.join(out, 'report.html')}`);
    const run = readJson(path.join(out, 'run.json'));
    expect(run.status).toBe('failed');
    expect(run.failed_stage).toBe('flux-front');
    expect(run.provenance.stages.map((s: { id: string; status: string }) => `${s.id}:${s.status}`)).toEqual([
      'ingest:ok', 'diffusion:ok', 'arrhenius:ok', 'hops:ok', 'kmc:skipped', 'flux-front:failed', 'flux-hotspot:skipped', 'strip:skipped',
    ]);
    expect(existsSync(path.join(out, 'arrhenius.json'))).toBe(true);
    expect(existsSync(path.join(out, 'rates.json'))).toBe(true);
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain('FAILED at stage flux-front');
    expect(html).toContain('not run: stage flux-front failed');
  }, 120_000);

  it('a missing trajectory fails in ingest with exit 2 naming the file; --json still reports the stages', () => {
    const cfg = writeConfig('missing.json', reducedConfig({ trajectories: [{ path: path.join(dir, 'nope.XDATCAR'), temperature_K: 300, timestep_fs: 1 }], extraTrajectories: [] }));
    const r = runCli(['run', cfg, '-o', path.join(dir, 'missing-out'), '--quiet', '--json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/stage ingest failed: .*nope\.XDATCAR/);
    const doc = JSON.parse(r.stdout);
    expect(doc.status).toBe('failed');
    expect(doc.failed_stage).toBe('ingest');
    expect(doc.stages[0].error).toContain('nope.XDATCAR');
  });

  it('bad configs are rejected before anything is written (exit 2, message names the key)', () => {
    const out = path.join(dir, 'never');
    const unknown = writeConfig('unknown.json', reducedConfig({ kmc: { hopz: 5 } }));
    let r = runCli(['run', unknown, '-o', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${unknown}: unknown key kmc.hopz (known: enabled, cells, hops, replicas, vvInteraction_eV, compare)`);
    const neg = writeConfig('neg.json', reducedConfig({ strip: { current_mAPerCm2: -3 } }));
    r = runCli(['run', neg, '-o', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${neg}: strip.current_mAPerCm2: expected a positive number (mA/cm²), found -3`);
    r = runCli(['run', path.join(dir, 'absent.yaml'), '-o', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${path.join(dir, 'absent.yaml')}: cannot read config: ENOENT`);
    expect(existsSync(out)).toBe(false);
  });
});

describe('run config', () => {
  it('YAML and JSON give the same effective config; paths resolve against the config folder; defaults fill the rest', () => {
    const yaml = 'seed: 3\ntrajectories:\n  - path: a.XDATCAR\n    temperature_K: 400\nkmc:\n  hops: 10\n';
    const json = JSON.stringify({ seed: 3, trajectories: [{ path: 'a.XDATCAR', temperature_K: 400 }], kmc: { hops: 10 } });
    const a = parseRunConfig(yaml, '/x/cfg.yaml');
    const b = parseRunConfig(json, '/x/cfg.json');
    expect(a).toEqual(b);
    expect(a.trajectories[0].path).toBe('/x/a.XDATCAR');
    expect(a.kmc.hops).toBe(10);
    expect(a.kmc.replicas).toBe(16);
    expect(a.strip.presets).toEqual(['no-il', 'il-diffusion', 'il-redox']);
  });

  it('rejects wrong types, unknown trajectory keys, no trajectories, bad presets and unparsable text', () => {
    expect(() => parseRunConfig('{"trajectories": ["a"], "seed": "one"}', 'c.json')).toThrow('c.json: seed: expected a number, found "one"');
    expect(() => parseRunConfig('{"trajectories": [{"path": "a", "temp": 3}]}', 'c.json')).toThrow('c.json: trajectories[0]: unknown key temp');
    expect(() => parseRunConfig('{"title": "x"}', 'c.json')).toThrow('c.json: the config names no trajectories');
    expect(() => parseRunConfig('{"trajectories": ["a"], "strip": {"presets": ["il"]}}', 'c.json')).toThrow('c.json: strip.presets: expected no-il, il-diffusion or il-redox, found "il"');
    expect(() => parseRunConfig('{"trajectories": [', 'c.json')).toThrow(/c\.json: cannot parse config: /);
    expect(() => parseRunConfig('[1, 2]', 'c.yaml')).toThrow('c.yaml: expected a mapping at the top level of the config');
  });

  it('the bundled demo config parses and points at files that exist', () => {
    const file = path.join(repoRoot, 'data/demo/config.json');
    const c = parseRunConfig(readFileSync(file, 'utf8'), file);
    for (const t of [...c.trajectories, ...c.extraTrajectories]) expect(existsSync(t.path)).toBe(true);
    expect(existsSync(c.flux.front.input!)).toBe(true);
    expect(c.trajectories.map((t) => t.temperature_K)).toEqual([300, 548, 900]);
  });
});
