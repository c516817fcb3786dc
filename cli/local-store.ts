import { resolve } from 'node:path';
import { type LocalRuntime, startLocalRuntime } from '../local/local-runtime.ts';

export interface StoreOptions {
  dataDir: string;
}

/**
 * Opens the local store (dynalite on disk under the data directory) for one command, then closes it; or,
 * while a long-lived runtime serves the directory, works through its servers.
 */
export async function withLocalStore<T>(
  options: StoreOptions,
  run: (runtime: LocalRuntime) => Promise<T>,
  extra: Parameters<typeof startLocalRuntime>[0] = {},
): Promise<T> {
  const dir = resolve(options.dataDir, 'dynamodb');
  // While `npm start` or `dunghan serve` holds the directory, the command works through its servers.
  const runtime = await startLocalRuntime({ dataDir: dir, attach: true, keepPublished: false, ...extra });
  try {
    return await run(runtime);
  } finally {
    await runtime.close();
  }
}
