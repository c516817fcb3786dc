import { resolve } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { s3Anchors } from '../functions/anchor-audit/deps.ts';
import { type LocalRuntime, startLocalRuntime } from '../local/local-runtime.ts';
import { CognitoIdentityMirror } from '../shared/adapters/cognito-identity-mirror.ts';
import { readEventSealKey, requireEventSealKey } from '../shared/adapters/event-seal.ts';
import { type Platform, platformFromEnvironment } from '../shared/adapters/platform.ts';
import type { Actor } from '../shared/domain/authority/actors.ts';
import type { Action, Target } from '../shared/domain/authority/authority.ts';
import type { UnitBook } from '../shared/domain/units/unit-directory.ts';
import type { AuditAnchorStore } from '../shared/ports/audit-trail.ts';
import type { IdentityMirror } from '../shared/ports/identity-mirror.ts';
import type { DeadLetterSink } from '../shared/ports/inbound-events.ts';
import { readAnchorConfig, readConfig } from '../shared/settings/env.ts';
import { readUserPools } from '../shared/settings/identity-env.ts';
import { BadInputError } from './errors.ts';
import { type ActingOptions, actorFor, askAuthority, localOperator } from './identity.ts';

/*
 * The CLI's one composition root (issue #33): whether a command works on the deployed table (`--aws`)
 * or on the local store of a data directory is decided here, once, and so is who it acts as and what it
 * asks the authority before it runs. A command module says what it needs; it never builds a platform.
 */

export interface StoreOptions {
  dataDir: string;
}

export interface PlatformOptions extends ActingOptions {
  /** Work on the AWS table named by TABLE_NAME instead of the local store. */
  aws?: boolean | undefined;
}

/** What a command needs of the platform. */
export interface Needs {
  /** What it asks the authority before it runs (and of what); without, it asks per dossier itself. */
  action?: Exclude<Action, 'dossier.sync'>;
  target?: Target;
  /** It writes or refolds sealed events (an import, a recompute): on AWS the seal's key is required. */
  sealsEvents?: boolean;
  /** How the local store is opened for it (dynalite on a thread of its own, a replayed clock). */
  local?: Parameters<typeof startLocalRuntime>[0];
}

/** Where a command runs, and as whom. */
export interface Site {
  platform: Platform;
  actor: Actor;
  /** The directory of units the authority was asked against (when `needs.action` was given). */
  units: UnitBook | undefined;
  /** `aws:<table>` or `local:<data directory>`. */
  where: string;
  /** Where rejected input goes: the table's dead letters, or the local pipeline's. */
  deadLetters: DeadLetterSink;
  /** Where each day's audit head is anchored (S3 with Object Lock, or the data directory). */
  anchors: () => AuditAnchorStore;
  /** The identity provider people are mirrored into (Cognito on AWS; none locally). */
  identities: () => IdentityMirror | undefined;
  /** The local runtime and its servers, when local. */
  runtime: LocalRuntime | undefined;
}

/**
 * Opens the local store (dynalite on disk under the data directory) for one command, then closes it; or,
 * while a long-lived runtime (`npm start`, `dunghan serve`) holds the directory, works through its servers.
 */
export async function withLocalStore<T>(
  options: StoreOptions,
  run: (runtime: LocalRuntime) => Promise<T>,
  extra: Parameters<typeof startLocalRuntime>[0] = {},
): Promise<T> {
  const dir = resolve(options.dataDir, 'dynamodb');
  const runtime = await startLocalRuntime({ dataDir: dir, attach: true, keepPublished: false, ...extra });
  try {
    return await run(runtime);
  } finally {
    await runtime.close();
  }
}

/**
 * Runs a command on its platform: on AWS with `--aws` (as whoever holds the credentials — the break-glass
 * path; people sign in to the API and the console), else on the local store as the operator of the data
 * directory or the person `--as` signs in; after asking the authority what `needs` names (ADR 0023).
 */
export async function onPlatform<T>(
  options: PlatformOptions,
  needs: Needs,
  run: (site: Site) => Promise<T>,
): Promise<T> {
  const ask = async (platform: Platform, actor: Actor) =>
    needs.action ? askAuthority(actor, needs.action, needs.target ?? {}, platform.table.config) : undefined;
  if (options.aws) {
    if (options.as !== undefined) throw new BadInputError('--as', 'is for the local store: on AWS, sign in to the API');
    const config = readConfig();
    const platform = platformFromEnvironment(
      config,
      needs.sealsEvents ? await requireEventSealKey() : await readEventSealKey(),
    );
    const actor = localOperator();
    return run({
      platform,
      actor,
      units: await ask(platform, actor),
      where: `aws:${config.TABLE_NAME}`,
      deadLetters: platform.table.deadLetters,
      anchors: () => s3Anchors(readAnchorConfig().ANCHOR_BUCKET),
      identities: cognitoMirror,
      runtime: undefined,
    });
  }
  return withLocalStore(
    options,
    async (runtime) => {
      const actor = await actorFor(runtime, options);
      return run({
        platform: runtime.platform,
        actor,
        units: await ask(runtime.platform, actor),
        where: `local:${resolve(options.dataDir)}`,
        deadLetters: runtime.deadLetters,
        anchors: () => runtime.anchors,
        identities: () => undefined,
        runtime,
      });
    },
    { ...needs.local, ...(options.as === undefined ? {} : { identity: true }) },
  );
}

/** The Cognito mirror of `--aws`: the pools named by STAFF_USER_POOL_ID and ADMIN_USER_POOL_ID. */
function cognitoMirror(): IdentityMirror {
  let pools: { staff: string; admins: string };
  try {
    pools = readUserPools();
  } catch {
    throw new BadInputError(
      '--aws',
      'set STAFF_USER_POOL_ID and ADMIN_USER_POOL_ID (the stack outputs) to mirror people into Cognito',
    );
  }
  return new CognitoIdentityMirror(new CognitoIdentityProviderClient({}), pools);
}
