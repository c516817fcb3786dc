import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LOCAL_SYNC_SECRETS, LOCAL_SYNC_SYSTEM } from '../local/local-runtime.ts';
import { findRunningServers } from '../local/running-servers.ts';
import { withoutByteOrderMark } from '../shared/support/byte-order-mark.ts';
import { syncHeaders } from '../shared/support/sync-signature.ts';
import type { SyncAnswer } from '../shared/use-cases/sync-from-portal.ts';
import { dataDirOption, printer, type Register } from './command.ts';
import { BadInputError, RuntimeFailure } from './errors.ts';

/** The environment variable holding a sending system's key for `dunghan sync` (never an argument: shells keep history). */
export const SYNC_SECRET_ENV = 'DUNGHAN_SYNC_SECRET';

/**
 * `dunghan sync <payload.json>`: sends a sync-feed request (`{"service": …, "data": [...]}`, as the
 * one-stop system sends the portal) to `POST /sync`, signed as the system would sign it (ADR 0017), and
 * prints the answer. Default target: the `npm start` or `dunghan serve` serving the data directory, with
 * its local key; `--url` and `DUNGHAN_SYNC_SECRET` for a deployed API.
 */
export async function runSync(
  file: string,
  options: { url?: string; system: string; dataDir: string },
): Promise<SyncAnswer> {
  let body: string;
  try {
    body = withoutByteOrderMark(await readFile(file, 'utf8'));
    JSON.parse(body);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BadInputError('<payload.json>', code ? `cannot read ${file} (${code})` : `${file} is not JSON`);
  }
  const running = options.url ? undefined : await findRunningServers(resolve(options.dataDir, 'dynamodb'));
  const base = options.url ?? running?.apiUrl;
  if (!base)
    throw new RuntimeFailure(
      `no API to send to: start \`npm start\` or \`dunghan serve\` on ${options.dataDir}, or pass --url <the deployed API>`,
    );
  const secret = process.env[SYNC_SECRET_ENV] ?? (options.url ? undefined : LOCAL_SYNC_SECRETS[options.system]);
  if (!secret)
    throw new BadInputError(
      '--system',
      `no key for ${JSON.stringify(options.system)}: set ${SYNC_SECRET_ENV} to the system's key (the SyncSecrets secret)`,
    );
  const response = await fetch(new URL('/sync', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...syncHeaders(options.system, secret, body) },
    body,
  }).catch((error: unknown) => {
    throw new RuntimeFailure(`cannot reach ${base}: ${(error as Error).message}`);
  });
  const text = await response.text();
  let answer: SyncAnswer;
  try {
    answer = JSON.parse(text) as SyncAnswer;
  } catch {
    throw new RuntimeFailure(`${base}/sync answered ${response.status}: ${text.slice(0, 200)}`);
  }
  if (response.status === 400) throw new BadInputError('<payload.json>', answer.message, answer);
  if (!response.ok) throw new RuntimeFailure(`${base}/sync answered ${response.status}: ${answer.message}`, answer);
  if (answer.error_code !== '00') throw new RuntimeFailure(answer.message, answer);
  return answer;
}

/** `dunghan sync`. */
export const registerSync: Register = (program, io) => {
  const print = printer(io);
  program
    .command('sync')
    .summary('Send a signed national portal sync request')
    .argument(
      '<payload.json>',
      'a sync-feed request: {"service": "DongBoHoSoMC" | "CapNhatTienDoHoSoMC", "data": [...]}',
    )
    .description(
      'Send a request of the national portal sync feed to POST /sync, signed as the sending system signs it ' +
        '(ADR 0017), and print the answer. Default target: the `npm start` or `dunghan serve` serving --data-dir, ' +
        'with its local key; for a deployed API pass --url and set DUNGHAN_SYNC_SECRET to the system key. Exit 1 ' +
        'when an item was refused (each listed with its field and reason), 2 for a request that is not one.',
    )
    .option('--url <url>', 'the API to send to (default: the local servers of --data-dir)')
    .option('--system <id>', 'the sending system id (a key of the SyncSecrets secret)', LOCAL_SYNC_SYSTEM)
    .addOption(dataDirOption())
    .action(async (file: string, options) => print(await runSync(file, options)));
};
