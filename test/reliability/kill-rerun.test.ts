import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dunghan } from '../support/run-cli.ts';

/*
 * Issue #31, finding 6: a crash is never tampering. `npm start` (a 20-day world) killed with SIGKILL at a
 * random instant of its run, run again over its data with `--keep-data`, then a plain `dunghan verify`:
 * twenty times, every one clean. Before, the re-run's clock started behind days already anchored (its
 * entries fell into sealed days), and a run killed during its first configuration load was refused at
 * the next start as "changed outside Đúng Hạn" — and hung. Each run is bounded: killed within 8 s,
 * re-run and verify within a minute each. DUNGHAN_KILL_RUNS sets how many (20 by default).
 */
const RUNS = Number(process.env.DUNGHAN_KILL_RUNS ?? 20);
const DAYS = '20';
const bin = new URL('../../bin/dunghan.js', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'dunghan-kill-'));
const ports = ['--dynamo-port', '0', '--ses-port', '0', '--api-port', '0'];

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A small deterministic generator: the same kill instants on every machine (mulberry32). */
function instants(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Starts the world and kills it with SIGKILL after `ms` (or lets it end first): how it ended. */
function killedAfter(dataDir: string, ms: number): Promise<'killed' | 'ended'> {
  const child = spawn(process.execPath, [bin, 'start', '--days', DAYS, '--once', '--data-dir', dataDir, ...ports], {
    stdio: 'ignore',
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal === 'SIGKILL' ? 'killed' : 'ended');
    });
  });
}

describe(`a crash is never tampering: ${RUNS} runs killed with SIGKILL, run again over their data, verified (issue #31)`, () => {
  it(
    'verifies every one clean',
    async () => {
      const random = instants(31);
      const outcomes: string[] = [];
      for (let run = 0; run < RUNS; run += 1) {
        const dataDir = join(root, String(run));
        // Spread from the first load of the configuration (≈ 1 s in) to the last simulated days: one
        // random instant in each of RUNS equal slices of 0.5–8 s.
        const ms = Math.round(500 + ((run + random()) * 7_500) / RUNS);
        const ended = await killedAfter(dataDir, ms);
        const again = await dunghan('start', '--days', DAYS, '--once', '--keep-data', '--data-dir', dataDir, ...ports);
        expect(again.code, `run ${run} (killed after ${ms} ms): ${again.stderr.slice(-500)}`).toBe(0);
        const verified = await dunghan('verify', '--data-dir', dataDir);
        outcomes.push(`${run}: ${ended} after ${ms} ms → verify exit ${verified.code}`);
        expect(verified.code, `${outcomes.at(-1)}\n${verified.stdout.slice(0, 2_000)}`).toBe(0);
        expect(verified.stdout).toMatch(/\d+ khớp, 0 không khớp/);
        rmSync(dataDir, { recursive: true, force: true });
      }
      // The instants fall inside the runs, not only after them.
      expect(outcomes.filter((o) => o.includes('killed')).length).toBeGreaterThanOrEqual(RUNS / 2);
    },
    RUNS * 150_000,
  );
});
