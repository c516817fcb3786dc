import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import dynalite from 'dynalite';

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
  if (options.thread) return startInWorker(options);
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

/** The same server in a worker thread: the pipeline and the database then run on two cores. */
async function startInWorker(options: { path?: string; port?: number }): Promise<LocalDynamo> {
  const worker = new Worker(new URL('./dynalite-worker.mjs', import.meta.url), {
    workerData: { path: options.path, port: options.port ?? 0 },
  });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: { port?: number; error?: string }) =>
      message.port ? resolve(message.port) : reject(new Error(message.error ?? 'dynalite did not start')),
    );
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        worker.once('message', () => resolve());
        worker.postMessage('close');
        setTimeout(resolve, 2_000).unref();
      });
      await worker.terminate();
    },
  };
}
