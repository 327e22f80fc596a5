/** LineReader: the synchronous fast path `nextSync()` returns exactly what `next()` would, across chunk boundaries. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { LineReader } from '../../../analysis/ingest/line-reader.js';
import { makeTempDir } from './vasp-helpers.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

/** ~2.6 MB of lines of varying length (several 1 MiB chunks), CRLF on some, no final newline. */
function makeText(): { text: string; lines: string[] } {
  const lines: string[] = [];
  for (let i = 0; i < 60000; i++) lines.push(`${i} ${'x'.repeat(i % 83)}${i % 7 === 0 ? '\r' : ''}`);
  lines.push('');
  lines.push('last line without newline');
  return { text: lines.join('\n'), lines: lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)) };
}

async function readAllSync(input: LineReader): Promise<{ lines: string[]; numbers: number[]; awaited: number }> {
  const lines: string[] = [];
  const numbers: number[] = [];
  let awaited = 0;
  for (;;) {
    let l = input.nextSync();
    if (l === undefined) {
      awaited++;
      l = await input.next();
    }
    if (l === null) break;
    lines.push(l);
    numbers.push(input.lineNumber);
  }
  expect(input.nextSync()).toBeNull(); // stays at end
  return { lines, numbers, awaited };
}

describe('LineReader.nextSync', () => {
  const { text, lines } = makeText();
  it.each(['plain', 'gzip'])('%s file: same lines and line numbers as next(); awaits only at chunk ends', async (kind) => {
    const f = path.join(tmp.dir, `lines.${kind}`);
    writeFileSync(f, kind === 'gzip' ? gzipSync(text) : text);
    const input = await LineReader.open(f);
    const r = await readAllSync(input);
    input.close();
    expect(r.lines.length).toBe(lines.length);
    expect(r.lines).toEqual(lines);
    expect(r.numbers).toEqual(lines.map((_, i) => i + 1));
    // One await per buffered chunk (1 MiB) plus the final tail and end: far fewer than lines.
    expect(r.awaited).toBeGreaterThanOrEqual(2);
    expect(r.awaited).toBeLessThan(20);
  });

  it('returns undefined before the first fill, then mixes with next() and peek()', async () => {
    const input = LineReader.fromString('a\nb\nc\n');
    expect(input.nextSync()).toBeUndefined();
    expect(await input.next()).toBe('a');
    expect(input.nextSync()).toBe('b');
    expect(await input.peek()).toBe('c');
    expect(input.nextSync()).toBe('c');
    expect(input.lineNumber).toBe(3);
    expect(input.nextSync()).toBeUndefined(); // chunk used up, end not yet seen
    expect(await input.next()).toBeNull();
    expect(input.nextSync()).toBeNull();
  });
});
