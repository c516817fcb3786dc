/**
 * Peak memory of the local runtime as `npm start` runs it (its Node flags, from package.json):
 * `dunghan start --once` (the sample year: dynalite, the SES emulator and the pipeline in one process,
 * three threads) in a child process, its peak resident set read from /proc (VmHWM, Linux) just before
 * it exits.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ON_FREE_PORTS } from '../cli/start-command.ts';

export interface MemoryBenchResult {
  label: string;
  peakMiB: number;
  seconds: number;
}

function peakKiB(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The Node flags `npm start` runs the command with (package.json is their one home). */
export function startNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    scripts: { start: string };
  };
  const words = pkg.scripts.start.split(/\s+/);
  return words.slice(1, words.indexOf('bin/dunghan.js')).filter((w) => w.startsWith('--'));
}

export async function benchLocalMemory(dataDir: boolean): Promise<MemoryBenchResult> {
  const dir = dataDir ? mkdtempSync(join(tmpdir(), 'dunghan-mem-')) : undefined;
  const bin = new URL('../bin/dunghan.js', import.meta.url).pathname;
  const args = ['start', '--once', ...ON_FREE_PORTS, ...(dir ? ['--data-dir', dir] : ['--in-memory'])];
  const started = performance.now();
  const child = spawn(process.execPath, [...startNodeFlags(), bin, ...args], { stdio: 'ignore' });
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, peakKiB(child.pid ?? 0) ?? 0);
  }, 250);
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`dunghan start exited ${code}`))));
  });
  clearInterval(timer);
  if (dir) rmSync(dir, { recursive: true, force: true });
  return {
    label: dataDir ? 'npm start --once --data-dir' : 'npm start --once',
    peakMiB: peak / 1024,
    seconds: (performance.now() - started) / 1000,
  };
}
