/** vasprun.xml and OUTCAR readers: MLFF layouts, truncation, parameters, and every error path. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readOutcar } from '../../../analysis/ingest/outcar.js';
import { readVasprun } from '../../../analysis/ingest/vasprun.js';
import { dataPath, readFrames } from './vasp-helpers.js';

/** A minimal MLFF-style vasprun.xml: one <calculation> structure, then bare <structure> steps (VASP ≥ 6.3). */
function mlffVasprun(nBare: number, close = true): string {
  const struct = (x: number, name = '') => `<structure${name ? ` name="${name}"` : ''}>
 <crystal>
  <varray name="basis" >
   <v>  5.0 0.0 0.0 </v>
   <v>  0.0 5.0 0.0 </v>
   <v>  0.0 0.0 5.0 </v>
  </varray>
 </crystal>
 <varray name="positions" >
  <v> ${x.toFixed(4)} 0.1 0.1 </v>
  <v> 0.5 0.5 0.5 </v>
 </varray>
</structure>`;
  const parts = [
    '<?xml version="1.0" encoding="ISO-8859-1"?>',
    '<modeling>',
    '<incar>',
    ' <i name="POTIM">      1.50000000</i>',
    ' <i type="string" name="ML_LMLFF"> T </i>',
    ' <i type="int" name="ML_OUTBLOCK">  10</i>',
    ' <i name="TEBEG">    700.0</i>',
    '</incar>',
    '<atominfo>',
    ' <atoms> 2 </atoms>',
    ' <array name="atoms" >',
    '  <set>',
    '   <rc><c>Li</c><c>   1</c></rc>',
    '   <rc><c>Sb</c><c>   2</c></rc>',
    '  </set>',
    ' </array>',
    '</atominfo>',
    struct(0, 'initialpos'),
    '<calculation>',
    struct(0.1),
    '</calculation>',
  ];
  for (let i = 0; i < nBare; i++) parts.push(struct(0.1 + 0.05 * (i + 1)), '<energy><i name="e_fr_energy"> -1.0 </i></energy>');
  parts.push(struct(0.9, 'finalpos'));
  if (close) parts.push('</modeling>');
  return parts.join('\n') + '\n';
}

const readV = (text: string, strict = false) => readFrames(readVasprun, 'vasprun', { text, name: 'vasprun.xml' }, { strict });

describe('readVasprun', () => {
  it('reads <calculation> and bare MLFF <structure> steps, skips named structures, takes POTIM, ML_OUTBLOCK, TEBEG', async () => {
    const { frames, info } = await readV(mlffVasprun(3));
    expect(frames.length).toBe(4);
    expect(frames.map((f) => f.coords[0])).toEqual([0.1, 0.15, 0.2, 0.25]);
    expect(frames[0].species).toEqual(['Li', 'Sb']);
    expect(info.timestep_fs).toBe(1.5);
    expect(info.nblock).toBe(10);
    expect(info.temperature_K).toBe(700);
    expect(info.warnings).toEqual([]);
  });

  it('TEBEG ≠ TEEND (a ramp): no temperature, and the warning names file:line of TEEND and the TEBEG line', async () => {
    const text = mlffVasprun(1).replace(' <i name="TEBEG">    700.0</i>', ' <i name="TEBEG">    700.0</i>\n <i name="TEEND">    300.0</i>');
    const { info } = await readV(text);
    expect(info.temperature_K).toBeUndefined();
    expect(info.warnings).toEqual(['vasprun.xml:8: TEBEG = 700 K (line 7) and TEEND = 300 K differ (a ramp); no temperature recorded']);
  });

  it('ML_MODE=run style file with no <calculation> at all', async () => {
    const text = mlffVasprun(2).replace(/<calculation>\n[\s\S]*?<\/calculation>\n/, '');
    const { frames } = await readV(text);
    expect(frames.length).toBe(2);
  });

  it('truncated XML keeps the frames whose </structure> closed and warns with the line; --strict errors', async () => {
    const full = mlffVasprun(3, false).split('\n');
    // Cut inside the last bare structure (before its positions close).
    const cutAt = full.lastIndexOf('<structure>') + 8;
    const text = full.slice(0, cutAt).join('\n') + '\n';
    const { frames, info } = await readV(text);
    expect(frames.length).toBe(3);
    expect(info.warnings.length).toBe(1);
    expect(info.warnings[0]).toMatch(/^vasprun\.xml:\d+: file ends inside <\w+> \(truncated run\?\); kept the 3 frames whose <\/structure> closed/);
    await expect(readV(text, true)).rejects.toThrow(/^vasprun\.xml:\d+: file ends inside <\w+> \(truncated run\?\)$/);
  });

  it('real dpdata file truncated mid-way: complete frames only', async () => {
    const lines = readFileSync(dataPath('dpdata/vasprun.h2o.md.xml'), 'utf8').split('\n');
    const { frames, info } = await readV(lines.slice(0, 905).join('\n'));
    expect(frames.length).toBe(2); // frame structures close at lines 704, 901, 1032
    expect(info.warnings[0]).toContain('vasprun.xml:905: file ends inside');
  });

  it('garbled content: non-numeric position, malformed XML, wrong atom count, no atominfo', async () => {
    await expect(readV(mlffVasprun(1).replaceAll('<v> 0.5 0.5 0.5 </v>', '<v> 0.5 x 0.5 </v>'))).rejects.toThrow(
      /^vasprun\.xml:\d+: expected 3 fractional coordinates in positions <v>, found "0\.5 x 0\.5"$/,
    );
    await expect(readV(mlffVasprun(1).replace('<calculation>', '<calculation <<'))).rejects.toThrow(
      /^vasprun\.xml:31: expected well-formed XML, found /,
    );
    await expect(readV(mlffVasprun(1).replace('<rc><c>Sb</c><c>   2</c></rc>', ''))).rejects.toThrow(
      /^vasprun\.xml:\d+: expected 1 positions in structure \(from <atominfo>\), found 2$/,
    );
    await expect(readV(mlffVasprun(1).replace(/<atominfo>[\s\S]*<\/atominfo>/, ''))).rejects.toThrow(
      /expected <atominfo> with the species before the first structure, found <structure>/,
    );
    await expect(readV(mlffVasprun(1).replaceAll('<v>  0.0 0.0 5.0 </v>', '<v>  0.0 0.0 </v>'))).rejects.toThrow(
      /expected 3 numbers in basis <v>, found "0\.0 0\.0"/,
    );
  });
});

describe('readOutcar', () => {
  it('MLFF on-the-fly OUTCAR: 14 position tables, one frame per ionic step (10)', async () => {
    const { frames, info } = await readFrames(readOutcar, 'outcar', dataPath('dpdata/OUTCAR.ch4.ml'));
    expect(frames.length).toBe(10);
    expect(frames[0].species).toEqual(['H', 'H', 'H', 'H', 'C']);
    expect(frames[0].coordKind).toBe('cartesian');
    expect(Array.from(frames[0].coords.slice(0, 3))).toEqual([5.38154, 4.06861, 3.60573]);
    expect(info.timestep_fs).toBe(1);
    expect(info.temperature_K).toBe(10);
    // Consecutive kept frames are different steps (the skipped ab-initio tables repeat their (ML) table).
    for (let i = 1; i < frames.length; i++) expect(frames[i].coords).not.toEqual(frames[i - 1].coords);
  });

  it('TEBEG ≠ TEEND (a ramp): no temperature and a file:line warning; TEBEG = TEEND gives the temperature', async () => {
    const lines = readFileSync(dataPath('dpdata/OUTCAR.ch4.ml'), 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('TEEND  =  10.0'));
    const equal = await readFrames(readOutcar, 'outcar', { text: lines.join('\n'), name: 'OUTCAR' });
    expect(equal.info.temperature_K).toBe(10);
    expect(equal.info.warnings).toEqual([]);
    lines[at] = lines[at].replace('TEEND  =  10.0', 'TEEND  = 300.0');
    const ramp = await readFrames(readOutcar, 'outcar', { text: lines.join('\n'), name: 'OUTCAR' });
    expect(ramp.info.temperature_K).toBeUndefined();
    expect(ramp.info.warnings).toEqual([`OUTCAR:${at + 1}: TEBEG = 10 K and TEEND = 300 K differ (a ramp); no temperature recorded`]);
  });

  it('NWRITE = 0: a clear error pointing to XDATCAR', async () => {
    await expect(readFrames(readOutcar, 'outcar', dataPath('dpdata/Ti-aimd-nwrite0.OUTCAR'))).rejects.toThrow(
      /Ti-aimd-nwrite0\.OUTCAR:1692: expected a POSITION table for every ionic step, found a run with NWRITE = 0 .*convert the XDATCAR/,
    );
  });

  it('truncated table warns (strict errors); garbled table line errors; no tables errors', async () => {
    const lines = readFileSync(dataPath('dpdata/OUTCAR.h2o.md'), 'utf8').split('\n');
    const tables = lines.flatMap((l, i) => (l.startsWith(' POSITION') ? [i] : []));
    const cut = lines.slice(0, tables[2] + 4).join('\n');
    const { frames, info } = await readFrames(readOutcar, 'outcar', { text: cut, name: 'OUTCAR' });
    expect(frames.length).toBe(2);
    expect(info.warnings[0]).toBe(
      `OUTCAR:${tables[2] + 5}: expected 6 position lines, found 2, found end of file (truncated run?); kept the 2 complete frames before it`,
    );
    await expect(readFrames(readOutcar, 'outcar', { text: cut, name: 'OUTCAR' }, { strict: true })).rejects.toThrow(
      `OUTCAR:${tables[2] + 5}: expected 6 position lines, found 2, found end of file (truncated run?)`,
    );
    // Half-written last line (killed run): truncation, not garbled; in the positions or in the forces of the last atom.
    const half = [...lines.slice(0, tables[2] + 3), lines[tables[2] + 3].slice(0, 20)].join('\n');
    const h = await readFrames(readOutcar, 'outcar', { text: half, name: 'OUTCAR' });
    expect(h.frames.length).toBe(2);
    expect(h.info.warnings).toEqual([
      `OUTCAR:${tables[2] + 4}: expected 6 position lines, found 1 complete, found end of file (truncated run?); kept the 2 complete frames before it`,
    ]);
    await expect(readFrames(readOutcar, 'outcar', { text: half, name: 'OUTCAR' }, { strict: true })).rejects.toThrow(
      `OUTCAR:${tables[2] + 4}: expected 6 position lines, found 1 complete, found end of file (truncated run?)`,
    );
    const halfForces = [...lines.slice(0, tables[2] + 7), lines[tables[2] + 7].slice(0, 50)].join('\n');
    const hf = await readFrames(readOutcar, 'outcar', { text: halfForces, name: 'OUTCAR' });
    expect(hf.frames.length).toBe(2);
    expect(hf.info.warnings).toEqual([
      `OUTCAR:${tables[2] + 8}: expected 6 position lines, found 5 complete, found end of file (truncated run?); kept the 2 complete frames before it`,
    ]);
    const garbled = [...lines];
    garbled[tables[1] + 3] = '      1.0000  abc  2.0   0.1 0.1 0.1';
    await expect(readFrames(readOutcar, 'outcar', { text: garbled.join('\n'), name: 'OUTCAR' })).rejects.toThrow(
      `OUTCAR:${tables[1] + 4}: expected 6 position lines (x y z fx fy fz); line 2 of the table, found "      1.0000  abc  2.0   0.1 0.1 0.1"`,
    );
    await expect(readFrames(readOutcar, 'outcar', { text: lines.slice(0, 200).join('\n'), name: 'OUTCAR' })).rejects.toThrow(
      'OUTCAR:200: expected at least one "POSITION … TOTAL-FORCE" table, found none',
    );
  });
});
