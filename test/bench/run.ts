/**
 * `npm run bench`: runs every benchmark module in this folder (files named `*.bench.ts`, each exporting
 * `bench(): Promise<void>` that prints throughput lines). Benchmarks report; they never fail on timing.
 * `npm run bench -- msd kmc` runs only the modules whose name contains one of the words.
 */
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = (await readdir(here)).filter((f) => f.endsWith('.bench.js')).sort();
for (const f of files) {
  if (filters.length > 0 && !filters.some((w) => f.includes(w))) continue;
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { bench?: () => Promise<void> };
  if (typeof mod.bench !== 'function') continue;
  process.stdout.write(`\n== ${f.replace(/\.bench\.js$/, '')} ==\n`);
  await mod.bench();
}
