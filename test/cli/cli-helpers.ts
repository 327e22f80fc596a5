/** Spawning the real `liflux` binary (dist/cli/main.js, built by `npm test`'s tsc step or here when missing). */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const main = path.join(repoRoot, 'dist/cli/main.js');

/** Build once if dist is missing (tsc emits even when unrelated files have type errors). */
export function ensureBuilt(): void {
  if (existsSync(main)) return;
  try {
    execFileSync('npx', ['tsc', '-p', repoRoot], { cwd: repoRoot, stdio: 'ignore' });
  } catch {
    /* type errors elsewhere still emit */
  }
}

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], cwd = repoRoot): CliRun {
  const r = spawnSync(process.execPath, [main, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function dataPath(rel: string): string {
  return path.resolve(repoRoot, '../shared/data', rel);
}
