/**
 * Ingestion throughput and memory: generates a large XDATCAR (default 1 GB; LIFLUX_BENCH_XDATCAR_MB to change) and a
 * vasprun.xml (default 150 MB; LIFLUX_BENCH_VASPRUN_MB) in a temporary directory, converts each to Arrow in a child
 * process (so its peak RSS is the conversion's alone), prints MB/s, frames/s and peak RSS, and deletes everything.
 * Also reports parse-only throughput (no Arrow output). Never fails on timing.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRng } from '../../engine/core/rng.js';

const N_ATOMS = 416; // Li6PS5Cl cell of the kinisi sample
const CYCLE = 64; // distinct frames, repeated; motion is periodic in the cycle so unwrapping stays unambiguous

/** Fractional coordinates of frame k of a smooth periodic motion (amplitude 0.02 of the cell). */
function makeFrames(): Float64Array[] {
  const rng = createRng(2024);
  const base = Float64Array.from({ length: 3 * N_ATOMS }, () => rng.nextFloat());
  const phase = Float64Array.from({ length: 3 * N_ATOMS }, () => 2 * Math.PI * rng.nextFloat());
  return Array.from({ length: CYCLE }, (_, k) => {
    const f = new Float64Array(3 * N_ATOMS);
    for (let i = 0; i < f.length; i++) {
      const x = base[i] + 0.02 * Math.sin((2 * Math.PI * k) / CYCLE + phase[i]);
      f[i] = x - Math.floor(x);
    }
    return f;
  });
}

async function writeRepeated(file: string, head: string, blocks: string[], targetBytes: number, tail = ''): Promise<number> {
  const out = createWriteStream(file);
  let bytes = Buffer.byteLength(head);
  out.write(head);
  let n = 0;
  while (bytes < targetBytes) {
    const b = blocks[n % blocks.length].replace('@N@', String(n + 1));
    bytes += Buffer.byteLength(b);
    n++;
    if (!out.write(b)) await once(out, 'drain');
  }
  out.end(tail);
  await once(out, 'finish');
  return n;
}

async function generateXdatcar(file: string, targetBytes: number): Promise<number> {
  const head = [
    'Li192 P32 S160 Cl32 (generated for the liflux benchmark)',
    '           1',
    '    20.312311    0.000000    0.000000',
    '     0.000000   20.312311    0.000000',
    '     0.000000    0.000000   20.312311',
    '   Li   P    S    Cl',
    '   192    32   160    32',
    '',
  ].join('\n');
  const blocks = makeFrames().map((f) => {
    const lines = ['Direct configuration=     @N@'];
    for (let j = 0; j < N_ATOMS; j++) lines.push(`  ${f[3 * j].toFixed(8)}  ${f[3 * j + 1].toFixed(8)}  ${f[3 * j + 2].toFixed(8)}`);
    return lines.join('\n') + '\n';
  });
  return writeRepeated(file, head, blocks, targetBytes);
}

async function generateVasprun(file: string, targetBytes: number): Promise<number> {
  const species = [...Array(192).fill('Li'), ...Array(32).fill('P'), ...Array(160).fill('S'), ...Array(32).fill('Cl')];
  const head = [
    '<?xml version="1.0" encoding="ISO-8859-1"?>',
    '<modeling>',
    ' <incar>',
    '  <i name="POTIM">      2.00000000</i>',
    '  <i name="TEBEG">    600.00000000</i>',
    ' </incar>',
    ' <atominfo>',
    '  <atoms>     416 </atoms>',
    '  <array name="atoms" >',
    '   <set>',
    ...species.map((s, i) => `    <rc><c>${s} </c><c>   ${['Li', 'P', 'S', 'Cl'].indexOf(s) + 1}</c></rc>`.replace(/@/g, String(i))),
    '   </set>',
    '  </array>',
    ' </atominfo>',
    '',
  ].join('\n');
  const blocks = makeFrames().map((f) => {
    const lines = [
      ' <calculation>',
      '  <structure>',
      '   <crystal>',
      '    <varray name="basis" >',
      '     <v>      20.31231100       0.00000000       0.00000000 </v>',
      '     <v>       0.00000000      20.31231100       0.00000000 </v>',
      '     <v>       0.00000000       0.00000000      20.31231100 </v>',
      '    </varray>',
      '   </crystal>',
      '   <varray name="positions" >',
    ];
    for (let j = 0; j < N_ATOMS; j++) {
      lines.push(`    <v>       ${f[3 * j].toFixed(8)}       ${f[3 * j + 1].toFixed(8)}       ${f[3 * j + 2].toFixed(8)} </v>`);
    }
    lines.push('   </varray>', '  </structure>', '  <energy><i name="e_fr_energy">   -1.0 </i></energy>', ' </calculation>', '');
    return lines.join('\n');
  });
  return writeRepeated(file, head, blocks, targetBytes, '</modeling>\n');
}

interface ChildResult {
  seconds: number;
  cpuSeconds: number;
  frames: number;
  bytes: number;
  maxRss_MB: number;
}

/** Run a conversion (or a parse-only pass) in a child process and collect its timing and peak RSS. */
function runChild(dir: string, input: string, output: string | null, options: Record<string, unknown>): ChildResult {
  const writer = new URL('../../analysis/ingest/arrow-writer.js', import.meta.url).href;
  const ingest = new URL('../../analysis/ingest/ingest.js', import.meta.url).href;
  const script = path.join(dir, 'child.mjs');
  writeFileSync(
    script,
    `import { convertToArrow } from ${JSON.stringify(writer)};
import { ingestTrajectory, createNullSink } from ${JSON.stringify(ingest)};
const [input, output, opts] = [process.argv[2], process.argv[3], JSON.parse(process.argv[4])];
const t0 = performance.now(); const c0 = process.cpuUsage();
const r = output === '-' ? await ingestTrajectory(input, createNullSink(), opts) : await convertToArrow(input, output, opts);
const cu = process.cpuUsage(c0);
console.log(JSON.stringify({ seconds: (performance.now() - t0) / 1000, cpuSeconds: (cu.user + cu.system) / 1e6, frames: r.nFrames, bytes: r.bytesRead, maxRss_MB: process.resourceUsage().maxRSS / 1024 }));
`,
  );
  const res = spawnSync(process.execPath, [script, input, output ?? '-', JSON.stringify(options)], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`benchmark child failed: ${res.stderr}`);
  return JSON.parse(res.stdout.trim().split('\n').pop()!) as ChildResult;
}

function report(label: string, r: ChildResult): void {
  const mb = r.bytes / 1e6;
  process.stdout.write(
    `${label.padEnd(34)} ${mb.toFixed(0).padStart(6)} MB  ${r.frames.toString().padStart(7)} frames  ` +
      `${(mb / r.seconds).toFixed(1).padStart(6)} MB/s  ${(r.frames / r.seconds).toFixed(0).padStart(6)} frames/s  ` +
      `(${(mb / r.cpuSeconds).toFixed(1)} MB/s per CPU-second)  peak RSS ${r.maxRss_MB.toFixed(0)} MB\n`,
  );
}

export async function bench(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'liflux-bench-ingest-'));
  try {
    const xMB = Number(process.env.LIFLUX_BENCH_XDATCAR_MB ?? 1024);
    const vMB = Number(process.env.LIFLUX_BENCH_VASPRUN_MB ?? 150);
    const xdatcar = path.join(dir, 'XDATCAR');
    process.stdout.write(`generating a ${xMB} MB XDATCAR (${N_ATOMS} atoms) in ${dir} …\n`);
    await generateXdatcar(xdatcar, xMB * 1e6);
    const opts = { timestep_fs: 2, nblock: 50 };
    report('XDATCAR parse + unwrap (no output)', runChild(dir, xdatcar, null, opts));
    const arrow = path.join(dir, 'xdatcar.arrow');
    const rx = runChild(dir, xdatcar, arrow, opts);
    report('XDATCAR → Arrow (convert)', rx);
    process.stdout.write(`  Arrow output ${(statSync(arrow).size / 1e6).toFixed(0)} MB\n`);
    rmSync(arrow);
    rmSync(xdatcar);
    const vasprun = path.join(dir, 'vasprun.xml');
    process.stdout.write(`generating a ${vMB} MB vasprun.xml …\n`);
    await generateVasprun(vasprun, vMB * 1e6);
    report('vasprun.xml → Arrow (convert)', runChild(dir, vasprun, path.join(dir, 'vasprun.arrow'), {}));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
