/**
 * Throughput of the LAMMPS-dump and extended-XYZ readers on generated files (2048 atoms × 200 frames,
 * ~30–40 MB each, written to a temporary folder): MB/s and atom lines/s. Reports only; never fails on timing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readExtxyz } from '../../analysis/ingest/extxyz.js';
import type { FrameReader, SourceInfo, TrajectoryFormat } from '../../analysis/ingest/frame-source.js';
import { readLammpsDump } from '../../analysis/ingest/lammps-dump.js';
import { LineReader } from '../../analysis/ingest/line-reader.js';
import { createRng } from '../../engine/core/rng.js';

const N_ATOMS = 2048;
const N_FRAMES = 200;
const L_A = 30;

function makeLammps(columns: 'xu' | 'x+image'): string {
  const rng = createRng(7);
  const parts: string[] = [];
  for (let f = 0; f < N_FRAMES; f++) {
    parts.push(`ITEM: TIMESTEP\n${f * 100}\nITEM: NUMBER OF ATOMS\n${N_ATOMS}\n`);
    parts.push(`ITEM: BOX BOUNDS pp pp pp\n0 ${L_A}\n0 ${L_A}\n0 ${L_A}\n`);
    parts.push(columns === 'xu' ? 'ITEM: ATOMS id type xu yu zu vx vy vz\n' : 'ITEM: ATOMS id type x y z ix iy iz\n');
    for (let i = 0; i < N_ATOMS; i++) {
      const [x, y, z] = [0, 1, 2].map(() => (rng.nextFloat() * L_A).toFixed(6));
      const tail = columns === 'xu' ? ' 1.234567 -2.345678 0.456789' : ' 0 -1 2';
      parts.push(`${i + 1} ${1 + (i % 2)} ${x} ${y} ${z}${tail}\n`);
    }
  }
  return parts.join('');
}

function makeExtxyz(): string {
  const rng = createRng(8);
  const parts: string[] = [];
  for (let f = 0; f < N_FRAMES; f++) {
    parts.push(
      `${N_ATOMS}\nLattice="${L_A} 0.0 0.0 0.0 ${L_A} 0.0 0.0 0.0 ${L_A}" Properties=species:S:1:pos:R:3:momenta:R:3 ` +
        `step=${f * 100} time_ps=${f * 0.2} pbc="T T T"\n`,
    );
    for (let i = 0; i < N_ATOMS; i++) {
      const p = [0, 1, 2, 3, 4, 5].map(() => ((rng.nextFloat() - 0.2) * L_A).toFixed(8).padStart(16));
      parts.push(`${i % 2 ? 'Sb' : 'Li'}  ${p.join('')}\n`);
    }
  }
  return parts.join('');
}

async function time(name: string, reader: FrameReader, format: TrajectoryFormat, file: string): Promise<void> {
  for (let rep = 0; rep < 2; rep++) {
    const input = await LineReader.open(file);
    const info: SourceInfo = { format, file, warnings: [] };
    const t0 = performance.now();
    let frames = 0;
    for await (const f of reader(input, info, { typeNames: ['Li', 'Sb'] })) frames += f.coords.length > 0 ? 1 : 0;
    const s = (performance.now() - t0) / 1000;
    const mb = input.bytesRead / 1e6;
    if (rep === 1) {
      process.stdout.write(
        `${name.padEnd(28)} ${mb.toFixed(1)} MB, ${frames} frames: ${(mb / s).toFixed(1)} MB/s, ` +
          `${((frames * N_ATOMS) / s / 1e6).toFixed(2)} M atom lines/s\n`,
      );
    }
  }
}

export async function bench(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'liflux-bench-'));
  try {
    const xu = path.join(dir, 'xu.lammpstrj');
    const img = path.join(dir, 'image.lammpstrj');
    const xyz = path.join(dir, 'traj.extxyz');
    writeFileSync(xu, makeLammps('xu'));
    writeFileSync(img, makeLammps('x+image'));
    writeFileSync(xyz, makeExtxyz());
    await time('lammps dump xu + v', readLammpsDump, 'lammps-dump', xu);
    await time('lammps dump x + image', readLammpsDump, 'lammps-dump', img);
    await time('extxyz pos + momenta', readExtxyz, 'extxyz', xyz);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
