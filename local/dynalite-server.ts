import type { AddressInfo } from 'node:net';
import './close-ended-iterators.mjs';
import dynalite from 'dynalite';
import { startServerWorker } from './server-worker.ts';

/** A running local DynamoDB-compatible server. */
export interface LocalDynamo {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * Starts dynalite in-process on loopback: in memory, or on disk under `path` (so successive CLI
 * commands see the same data). Port 0 picks a free port.
 */
export async function startDynalite(
  options: { path?: string; port?: number; thread?: boolean } = {},
): Promise<LocalDynamo> {
  if (options.thread) {
    // The pipeline and the database then run on two cores.
    const worker = await startServerWorker(new URL('./dynalite-worker.mjs', import.meta.url), {
      path: options.path,
      port: options.port ?? 0,
    });
    return { endpoint: `http://127.0.0.1:${worker.port}`, close: worker.close };
  }
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
