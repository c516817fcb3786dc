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

/** Fails with the port and the option to change it when a fixed port is taken (0 = any free port, never taken). */
export async function checkPortsFree(ports: readonly { port: number | undefined; option: string }[]): Promise<void> {
  for (const { port, option } of ports) {
    if (!port) continue;
    await new Promise<void>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          error.code === 'EADDRINUSE'
            ? new LocalStartError(
                `port ${port} is already in use (another npm start or dunghan serve?): stop it, or pass ${option} <port> (0 picks a free port)`,
              )
            : new LocalStartError(
                `cannot listen on 127.0.0.1:${port} (${error.code ?? error.message}): pass ${option} <port>`,
              ),
        );
      });
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
    });
  }
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
