/**
 * Property: a corrupted trajectory (truncated, bytes flipped, lines deleted) either loads or fails with InputError —
 * never another exception. 120 cases from a fixed seed (20260501) over samples of every format, plain and gzip.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../engine/core/errors.js';
import { createRng, type Rng } from '../../../engine/core/rng.js';
import { loadTrajectory } from '../../../analysis/ingest/arrow-reader.js';
import { dataPath, makeTempDir } from './vasp-helpers.js';

const SAMPLES = [
  'pymatgen/XDATCAR_6',
  'pymatgen/XDATCAR_4',
  'kinisi/example_drift.XDATCAR',
  'dpdata/vasprun.h2o.md.xml',
  'dpdata/OUTCAR.h2o.md',
  'dpdata/OUTCAR.ch4.ml',
  'kinisi/example_LAMMPS_drift.traj',
  'dpdata/conf_s_su.dump',
  'mdanalysis/albite_triclinic.dump',
];
const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

function corrupt(buf: Buffer, rng: Rng): { data: Buffer; how: string } {
  const kind = rng.nextInt(3);
  if (kind === 0) {
    const at = rng.nextInt(buf.length);
    return { data: buf.subarray(0, at), how: `truncate at byte ${at}` };
  }
  if (kind === 1) {
    const out = Buffer.from(buf);
    const n = 1 + rng.nextInt(8);
    const where: number[] = [];
    for (let i = 0; i < n; i++) {
      const at = rng.nextInt(out.length);
      out[at] = rng.nextInt(256);
      where.push(at);
    }
    return { data: out, how: `flip bytes ${where.join(',')}` };
  }
  const lines = buf.toString('latin1').split('\n');
  const n = 1 + rng.nextInt(4);
  const del: number[] = [];
  for (let i = 0; i < n; i++) {
    const at = rng.nextInt(lines.length);
    lines.splice(at, 1);
    del.push(at);
  }
  return { data: Buffer.from(lines.join('\n'), 'latin1'), how: `delete lines ${del.join(',')}` };
}

describe('corrupted inputs end in success or InputError only', () => {
  it('120 random corruptions (seed 20260501)', async () => {
    const rng = createRng(20260501);
    const originals = SAMPLES.map((rel) => readFileSync(dataPath(rel)));
    let inputErrors = 0;
    let successes = 0;
    for (let c = 0; c < 120; c++) {
      const s = rng.nextInt(SAMPLES.length);
      const { data, how } = corrupt(originals[s], rng);
      const gz = rng.nextInt(4) === 0;
      const file = path.join(tmp.dir, `case-${c}${gz ? '.gz' : ''}`);
      writeFileSync(file, gz ? gzipSync(data) : data);
      try {
        await loadTrajectory(file, { allowMissingTime: true, typeNames: ['Li', 'Sb', 'O', 'H', 'C', 'Na', 'Al', 'Si'] });
        successes++;
      } catch (err) {
        if (!(err instanceof InputError)) {
          throw new Error(`case ${c} (${SAMPLES[s]}, ${how}${gz ? ', gzip' : ''}): ${String((err as Error)?.stack ?? err)}`);
        }
        expect((err as Error).message).toMatch(/\S/);
        inputErrors++;
      }
    }
    // Both outcomes occur (the property is not vacuous).
    expect(inputErrors).toBeGreaterThan(10);
    expect(successes).toBeGreaterThan(10);
  });

  it('a gzip file cut short is an InputError or yields its complete frames', async () => {
    const gz = readFileSync(dataPath('lgps-aimd/XDATCAR_LGPS_600K.gz'));
    const file = path.join(tmp.dir, 'cut.gz');
    writeFileSync(file, gz.subarray(0, Math.floor(gz.length / 3)));
    await expect(loadTrajectory(file, { allowMissingTime: true })).rejects.toThrow(/cut\.gz:\d+: gzip stream is corrupt or truncated/);
  });
});
