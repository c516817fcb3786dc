import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Level } from 'level';
import { UnavailableError } from '../shared/support/errors.ts';
import { findRunningServers, type RunningServers } from './running-servers.ts';

/** The local runtime cannot start: one sentence naming what (a port, a directory) and what to do. */
export class LocalStartError extends UnavailableError {
  override name = 'LocalStartError';
}

/**
 * Fails naming every fixed port that is taken, each with the option to change it (0 = any free port,
 * never taken): one message for all, so a second start does not find the next busy port only then.
 */
export async function checkPortsFree(ports: readonly { port: number | undefined; option: string }[]): Promise<void> {
  const found: string[] = [];
  const given = new Map<number, string>();
  // One after the other: two probes of one port at once would take each other for the busy process.
  for (const { port, option } of ports) {
    if (!port) continue;
    const other = given.get(port);
    if (other) {
      found.push(`port ${port} is given to both ${other} and ${option}: pass another to one of them`);
      continue;
    }
    given.set(port, option);
    const problem = await portProblem(port, option);
    if (problem) found.push(problem);
  }
  if (found.length === 1) throw new LocalStartError(found[0] as string);
  if (found.length > 1) throw new LocalStartError(`${found.length} ports cannot be used: ${found.join('; ')}`);
}

/** Why a port cannot be listened on, with the option that changes it; undefined when it is free. */
function portProblem(port: number, option: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      resolve(
        error.code === 'EADDRINUSE'
          ? `port ${port} is already in use (another npm start or dunghan serve?): stop it, or pass ${option} <port> (0 picks a free port)`
          : `cannot listen on 127.0.0.1:${port} (${error.code ?? error.message}): pass ${option} <port>`,
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(undefined)));
  });
}

/**
 * Opens the on-disk store once before dynalite does (dynalite fails later, asynchronously, with
 * "Database is closed"): a directory another process holds, or one that is damaged, is named with the remedy.
 */
export async function checkDataDir(path: string): Promise<void> {
  if (!existsSync(join(path, 'CURRENT'))) return;
  const db = new Level(path);
  try {
    await db.open();
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const code = cause?.code ?? (error as { code?: string }).code ?? '';
    const detail = cause?.message ?? (error as Error).message;
    if (code === 'LEVEL_LOCKED' || /lock/i.test(detail)) {
      throw new LocalStartError(
        `the data directory ${path} is in use by another process (npm start, dunghan serve or another command): stop it, or use another --data-dir`,
      );
    }
    throw new LocalStartError(
      `the data directory ${path} cannot be read (${code || detail}): move it away or delete it to start afresh, or use another --data-dir`,
    );
  } finally {
    await db.close().catch(() => undefined);
  }
}

/**
 * Empties a local store for a fresh start (`npm start` without `--keep-data`), after the same checks as
 * opening it: a directory another process serves or holds is never pulled from under it. Only a store
 * (a LevelDB directory, as dynalite writes it) or an empty directory is removed.
 */
export async function clearDataDir(path: string): Promise<void> {
  if (!existsSync(path)) return;
  const running = await findRunningServers(path);
  if (running) throw servedElsewhere(path, running);
  await checkDataDir(path);
  if (readdirSync(path).length > 0 && !existsSync(join(path, 'CURRENT'))) {
    throw new LocalStartError(
      `${path} is not a Đúng Hạn data directory (no LevelDB store in it), so it is not emptied: use another --data-dir`,
    );
  }
  rmSync(path, { recursive: true, force: true });
}

/** A long-lived runtime serves the directory: name it and what to do. */
export function servedElsewhere(path: string, running: RunningServers): LocalStartError {
  return new LocalStartError(
    `the data directory ${path} is served by another process (pid ${running.pid}, npm start or dunghan serve, since ${running.startedAt}): stop it, or use another --data-dir`,
  );
}
