/**
 * Golden: pyarrow (test/golden/ingest/pyarrow_read.py → pyarrow_read.json) read a file written by the Arrow writer;
 * the same conversion read back by the TypeScript reader must show the same schema, metadata and numbers.
 * Both sides read the identical float64 bytes: tolerance 1e-9 Å on sums of 44 positions (summation order only).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { readArrowTrajectory } from '../../../analysis/ingest/arrow-reader.js';
import { convertToArrow } from '../../../analysis/ingest/arrow-writer.js';
import { makeTempDir, repoRoot } from './vasp-helpers.js';

const golden = JSON.parse(readFileSync(path.join(repoRoot, 'test/golden/ingest/pyarrow_read.json'), 'utf8'));
const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

describe('Arrow file as pyarrow reads it', () => {
  it('schema, units, metadata and positions match pyarrow_read.json', async () => {
    const out = path.join(tmp.dir, 'lgps.arrow');
    await convertToArrow(path.join(repoRoot, 'data/samples/XDATCAR_LGPS_600K.gz'), out, {
      timestep_fs: 2, nblock: 10, temperature_K: 600, species: ['Li', 'S'], every: 5,
    });
    const table = tableFromIPC(readFileSync(out));
    const units = Object.fromEntries(table.schema.fields.map((f) => [f.name, f.metadata.get('unit')]));
    expect(units).toEqual(golden.units);
    const md = Object.fromEntries([...table.schema.metadata].filter(([k]) => k !== 'liflux.source_file'));
    expect(md).toEqual(golden.metadata);
    const { trajectory: t } = await readArrowTrajectory(out);
    expect([t.nFrames, t.nAtoms, 3]).toEqual(golden.shape);
    expect([t.time_ps[0], t.time_ps[t.nFrames - 1]]).toEqual(golden.time_ps_first_last);
    expect([t.step[0], t.step[t.nFrames - 1]]).toEqual(golden.step_first_last);
    const sum = (f: number) => [0, 1, 2].map((k) => {
      let s = 0;
      for (let j = 0; j < t.nAtoms; j++) s += t.positions_A[(f * t.nAtoms + j) * 3 + k];
      return s;
    });
    sum(0).forEach((x, k) => expect(Math.abs(x - golden.pos_sum_first_A[k])).toBeLessThan(1e-9));
    sum(t.nFrames - 1).forEach((x, k) => expect(Math.abs(x - golden.pos_sum_last_A[k])).toBeLessThan(1e-9));
    const last = (t.nFrames * t.nAtoms - 1) * 3;
    expect(Array.from(t.positions_A.subarray(last, last + 3))).toEqual(golden.pos_last_atom_last_frame_A);
    expect(Array.from(t.cells_A.subarray(0, 9))).toEqual(golden.cell_first_A.flat());
  });
});
