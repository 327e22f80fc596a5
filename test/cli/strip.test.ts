/** `liflux strip` through the real binary: JSON keys, defaults, exact resume, outputs, Ctrl-C, sweep, errors. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, repoRoot, runCli } from './cli-helpers.js';

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(path.join(tmpdir(), 'liflux-strip-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SMALL = ['--cells', '4,4,2', '--current', '60', '--seed', '3', '--quiet'];

function stripVolatile(o: Record<string, unknown>): Record<string, unknown> {
  const { events_per_second: _a, wall_s: _b, checkpoint: _c, ...rest } = o;
  void _a; void _b; void _c;
  return rest;
}

describe('liflux strip', () => {
  it('--json has the documented keys; defaults end at a void or the default stop (2 slab turnovers)', () => {
    const r = runCli(['strip', '--preset', 'il-redox', '--current', '16', '--json', '--quiet'], dir);
    expect(r.status).toBe(0);
    const o = JSON.parse(r.stdout);
    for (const k of ['preset', 'current_mAPerCm2', 'focusing_M', 'void_nucleated', 't_void_s', 'stripped_charge_CPerCm2', 'largest_cluster_sites', 'events', 'events_per_second', 'backend']) expect(o).toHaveProperty(k);
    expect(o.preset).toBe('il-redox');
    expect(o.current_mAPerCm2).toBe(16);
    expect(o.focusing_M).toBe(10);
    expect(o.backend).toBe('ts');
    expect(o.redox).toBe(true);
    expect(['capacity', 'void']).toContain(o.stop_reason);
    if (o.void_nucleated) expect(o.t_void_s).toBeGreaterThan(0);
    else expect(o.t_void_s).toBeNull();
    expect(o.events).toBeGreaterThan(1e5);
    expect(o.notes.join(' ')).toMatch(/hop-rate-scale auto/);
  }, 120000);

  it('a run cut by --stop-after-events and continued with --resume equals the uninterrupted run (TS backend)', () => {
    const full = runCli(['strip', '--preset', 'il-redox', ...SMALL, '--vv-binding', '0.02', '--json'], dir);
    expect(full.status).toBe(0);
    const ref = JSON.parse(full.stdout);
    const ck = path.join(dir, 'ck.json');
    const part = runCli(['strip', '--preset', 'il-redox', ...SMALL, '--vv-binding', '0.02', '--json', '--stop-after-events', '30000', '--checkpoint', ck], dir);
    expect(part.status).toBe(0);
    expect(JSON.parse(part.stdout).stop_reason).toBe('events');
    expect(JSON.parse(part.stdout).events).toBe(30000);
    const resumed = runCli(['strip', '--resume', ck, '--checkpoint', ck, '--json', '--quiet'], dir);
    expect(resumed.status).toBe(0);
    expect(stripVolatile(JSON.parse(resumed.stdout))).toEqual(stripVolatile(ref));
  }, 60000);

  it('writes the series as CSV, JSON and Arrow (with units) and SVG maps with a frame list', () => {
    const csv = path.join(dir, 's.csv');
    const json = path.join(dir, 's.json');
    const arrow = path.join(dir, 's.arrow');
    const img = path.join(dir, 'img');
    const base = ['strip', '--preset', 'no-il', '--cells', '4,4,3', '--current', '100', '--quiet', '--no-stop-at-void'];
    expect(runCli([...base, '--series-out', csv, '--images', img, '--image-times', '1e-5,2e-4'], dir).status).toBe(0);
    expect(runCli([...base, '--series-out', json], dir).status).toBe(0);
    expect(runCli([...base, '--series-out', arrow], dir).status).toBe(0);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/t_s \[s\]/);
    expect(lines[1]).toBe('t_s,current_mAPerCm2,stripped_charge_CPerCm2,vacancies,largest_cluster_sites,largest_face_cluster_sites,bottom_vacancy_fraction,delithiated_area_fraction');
    expect(lines.length).toBeGreaterThan(20);
    const js = JSON.parse(readFileSync(json, 'utf8'));
    expect(js.units.stripped_charge_CPerCm2).toBe('C/cm²');
    expect(js.series.length).toBe(lines.length - 2);
    const table = tableFromIPC(readFileSync(arrow));
    expect(table.numRows).toBe(lines.length - 2);
    expect(table.schema.fields.find((f) => f.name === 't_s')!.metadata.get('unit')).toBe('s');
    const files = readdirSync(img).sort();
    expect(files).toEqual(['bottom-000.svg', 'bottom-001.svg', 'frames.json', 'section-000.svg', 'section-001.svg']);
    expect(readFileSync(path.join(img, 'bottom-001.svg'), 'utf8')).toMatch(/^<svg/);
    expect(JSON.parse(readFileSync(path.join(img, 'frames.json'), 'utf8')).frames[1].t_s).toBeCloseTo(2e-4, 12);
    // refuses to overwrite without --overwrite
    const again = runCli([...base, '--series-out', csv], dir);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/already exists; pass --overwrite/);
  }, 60000);

  it('--every writes checkpoints while running; Ctrl-C writes one and exits 130; the checkpoint resumes', async () => {
    const ck = path.join(dir, 'int.json');
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist/cli/main.js'), 'strip', '--preset', 'no-il', '--current', '5', '--stop-time-s', '100', '--quiet', '--checkpoint', ck, '--every', '0.5s'], { cwd: dir });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const start = Date.now();
    while (!existsSync(ck) && Date.now() - start < 20000) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(ck)).toBe(true); // written by --every before any interrupt
    expect(child.exitCode).toBeNull();
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted at \d+ events .*checkpoint written to .*int.json/);
    const data = JSON.parse(readFileSync(ck, 'utf8'));
    expect(data.schema).toBe('liflux-strip-checkpoint/1');
    const more = runCli(['strip', '--resume', ck, '--stop-after-events', '1000', '--json', '--quiet', '--checkpoint', ck], dir);
    expect(more.status).toBe(0);
    expect(JSON.parse(more.stdout).events).toBeGreaterThan(1000);
  }, 60000);

  it('sweep: t_void table and plot, simulated CCD per preset', () => {
    const table = path.join(dir, 'sweep.csv');
    const plot = path.join(dir, 'sweep.svg');
    const r = runCli(['strip', 'sweep', '--presets', 'no-il', '--currents', '100,300', '--M', '1,10', '--cells', '4,4,3', '--ccd-start', '60', '--ccd-step-turnovers', '0.5', '--table', table, '--plot', plot, '--json', '--quiet'], dir);
    expect(r.status).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.rows.length).toBe(4);
    expect(o.ccd.length).toBe(1);
    expect(o.ccd[0].preset).toBe('no-il');
    expect(readFileSync(table, 'utf8')).toMatch(/preset,focusing_M,current_mAPerCm2,void_nucleated,t_void_s/);
    expect(readFileSync(plot, 'utf8')).toMatch(/^<svg/);
  }, 60000);

  it('--off-after-s: the current stops, hops run unscaled, and the run ends when the hot-spot has recovered', () => {
    const r = runCli(['strip', '--preset', 'il-redox', '--cells', '4,4,2', '--current', '60', '--off-after-s', '0.002', '--stop-time-s', '1', '--json', '--quiet'], dir);
    expect(r.status).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.stop_reason).toBe('recovered');
    expect(o.hop_rate_scale).toBe(1);
    expect(o.recovery_time_s).toBeGreaterThan(0);
    expect(o.time_s).toBeGreaterThan(0.002);
  }, 60000);

  it('--backend gpu runs the synchronous-sublattice path on gpu.js and reports it', () => {
    const r = runCli(['strip', '--preset', 'no-il', '--cells', '4,4,3', '--current', '300', '--backend', 'gpu', '--json', '--quiet'], dir);
    expect(r.status).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.backend).toMatch(/^gpu \(gpu.js (webasm|webgpu), synchronous sublattice, ε = 0.1\)$/);
    expect(o.stripped_sites).toBeGreaterThan(0);
    expect(['void', 'capacity']).toContain(o.stop_reason);
  }, 60000);

  it('bad input exits 2 with a located message', () => {
    const cases: [string[], RegExp][] = [
      [['strip', '--current', '5'], /--preset: expected no-il, il-diffusion or il-redox, found none/],
      [['strip', '--preset', 'no-il', '--hop-rate-scale', '2'], /--hop-rate-scale: expected auto or a scale s with 0 < s ≤ 1, found "2"/],
      [['strip', '--preset', 'no-il', '--cells', '4,4'], /--cells: expected three positive integers x,y,z/],
      [['strip', '--preset', 'no-il', '--current', '-3'], /--current: expected a positive current density in mA\/cm², found -3/],
      [['strip', '--preset', 'no-il', '--series-out', 'x.txt'], /--series-out: expected a file name ending in .csv, .json or .arrow, found x.txt/],
      [['strip', '--preset', 'no-il', '--every', '60s'], /--every: expected --checkpoint <file>/],
      [['strip', '--preset', 'no-il', '--checkpoint', 'c.json', '--every', 'soon'], /--every: expected a wall-clock interval such as 60s/],
      [['strip', '--resume', 'missing.json'], /--resume: expected an existing checkpoint file, found no file at missing.json/],
      [['strip', '--preset', 'no-il', '--redox'], /--redox: expected an interlayer preset \(il-diffusion, il-redox\), found no-il/],
      [['strip', '--preset', 'no-il', '--supply', 'lots'], /--supply: expected inf, limit or a positive supply current density in mA\/cm², found "lots"/],
      [['strip', '--preset', 'il-redox', '--rates', 'nope.json'], /nope.json/],
      [['strip', '--preset', 'il-redox', '--backend', 'gpu'], /gpu strip path: expected the redox channel off/],
      [['strip', '--preset', 'no-il', '--backend', 'gpu', '--program', 'ccd'], /gpu strip path: expected a constant-current program/],
    ];
    writeFileSync(path.join(dir, 'bad.json'), '{"schema": "x"}');
    cases.push([['strip', '--resume', 'bad.json'], /bad.json: expected a checkpoint with schema "liflux-strip-checkpoint\/1", found "x"/]);
    for (const [args, re] of cases) {
      const r = runCli([...args, '--quiet'], dir);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(re);
    }
    expect(existsSync(path.join(dir, 'x.txt'))).toBe(false);
  }, 60000);
});
