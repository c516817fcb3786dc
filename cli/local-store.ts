import { resolve } from 'node:path';
import { type LocalRuntime, startLocalRuntime } from '../local/local-runtime.ts';
import { readEventSealKey, requireEventSealKey } from '../shared/adapters/event-seal.ts';
import { type Platform, platformFromEnvironment } from '../shared/adapters/platform.ts';
import { readConfig } from '../shared/settings/env.ts';

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

/**
 * The platform of the deployed table (`--aws`), with the event log's seal key (issue #31): a command that
 * writes events (an import) or refolds them (a recompute) must seal and check them as the functions do.
 */
export async function awsPlatform(options: { sealsEvents: boolean }): Promise<Platform> {
  return platformFromEnvironment(
    readConfig(),
    options.sealsEvents ? await requireEventSealKey() : await readEventSealKey(),
  );
}
