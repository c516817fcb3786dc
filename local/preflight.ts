import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Level } from 'level';

/** The local runtime cannot start: one sentence naming what (a port, a directory) and what to do. */
export class LocalStartError extends Error {
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
