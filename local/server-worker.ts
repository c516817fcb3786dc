import { Worker } from 'node:worker_threads';

/**
 * Starts a loopback server in a worker thread (a `.mjs` script that posts `{ port }` once listening and
 * closes on the message `close`), so it runs on a core of its own; returns its port and a stopper.
 */
export async function startServerWorker(
  script: URL,
  data: Record<string, unknown>,
): Promise<{ port: number; close(): Promise<void> }> {
  const worker = new Worker(script, {
    workerData: data,
    // A server's young generation, small: V8 otherwise lets each thread's grow to tens of MB between
    // collections, which three threads multiply (the local runtime's memory target, docs/benchmarks.md).
    resourceLimits: { maxYoungGenerationSizeMb: 8 },
  });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: { port?: number; error?: string }) =>
      message.port ? resolve(message.port) : reject(new Error(message.error ?? 'the server did not start')),
    );
  });
  return {
    port,
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
