import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { EventBridgeEnvelope } from '../local/local-event-bus.ts';
import { CALENDARS_DIR, type LocalRuntime, RULES_DIR, startLocalRuntime } from '../local/local-runtime.ts';
import { createClients } from '../shared/adapters/aws-clients.ts';
import { InvalidConfigError, loadConfigDirs } from '../shared/adapters/config-files.ts';
import { DynamoConfigStore } from '../shared/adapters/dynamo-config-store.ts';
import { readConfig } from '../shared/config/env.ts';
import { formatProblems } from '../shared/domain/calendar/calendar-definition.ts';
import { DEFAULT_CALENDAR_DEFINITION } from '../shared/domain/calendar/default-calendar.ts';
import { systemClock } from '../shared/ports/clock.ts';
import { seedConfig } from '../shared/use-cases/administer-config.ts';
import { DetectorRunFailedError } from '../shared/use-cases/run-detector.ts';
import { authorOf } from './admin-commands.ts';
import { parseInstantWithOffset } from './due-command.ts';
import { BadInputError, RuntimeFailure } from './errors.ts';

export interface StoreOptions {
  dataDir: string;
}

/** Opens the local store (dynalite on disk under the data directory) for one command, then closes it. */
export async function withLocalStore<T>(
  options: StoreOptions,
  run: (runtime: LocalRuntime) => Promise<T>,
  extra: Parameters<typeof startLocalRuntime>[0] = {},
): Promise<T> {
  const dir = resolve(options.dataDir, 'dynamodb');
  mkdirSync(dir, { recursive: true });
  const runtime = await startLocalRuntime({ dataDir: dir, ...extra });
  try {
    return await run(runtime);
  } finally {
    await runtime.close();
  }
}

/** `dunghan seed`: validates the rules and calendars directories and writes them to the store. */
export async function runSeed(
  options: StoreOptions & { rules?: string; calendars?: string; aws?: boolean; author?: string },
) {
  const author = authorOf(options.author);
  const rulesDir = options.rules ?? RULES_DIR;
  const calendarsDir = options.calendars ?? CALENDARS_DIR;
  let loaded: Awaited<ReturnType<typeof loadConfigDirs>>;
  try {
    loaded = await loadConfigDirs(rulesDir, calendarsDir, [DEFAULT_CALENDAR_DEFINITION.id]);
  } catch (error) {
    if (error instanceof InvalidConfigError) {
      throw new BadInputError(
        '--rules/--calendars',
        `${error.problems.length} problem(s), nothing written:\n${formatProblems(error.problems)}`,
      );
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new BadInputError('--rules/--calendars', `directory not found: ${(error as NodeJS.ErrnoException).path}`);
    }
    throw error;
  }
  const sources = [rulesDir, calendarsDir];
  if (options.aws) {
    const config = readConfig();
    const clients = createClients();
    const store = new DynamoConfigStore(clients.documents, config.TABLE_NAME);
    const seeded = await seedConfig({ config: store, clock: systemClock }, loaded, author, sources);
    return {
      rules: seeded.rules,
      calendars: seeded.calendars,
      changeId: seeded.changeId,
      target: `aws:${config.TABLE_NAME}`,
    };
  }
  const seeded = await withLocalStore(options, (runtime) =>
    seedConfig({ config: runtime.config, clock: systemClock }, loaded, author, sources),
  );
  return {
    rules: seeded.rules,
    calendars: seeded.calendars,
    changeId: seeded.changeId,
    target: `local:${resolve(options.dataDir)}`,
  };
}

/** `dunghan dead-letters`: the events the local pipeline rejected, with their reasons. */
export async function runDeadLetters(options: StoreOptions) {
  return withLocalStore(options, async (runtime) =>
    (await runtime.deadLetters.list()).map(({ payload: _payload, ...letter }) => letter),
  );
}

/**
 * `dunghan replay`: feeds an export of EventBridge envelopes (one per line) through the ingest function.
 * The pipeline's clock follows the events (the latest occurrence so far), as if they were happening
 * live, so a later `dunghan detect --now` at any instant sees the dossiers as they were.
 */
export async function runReplay(file: string, options: StoreOptions) {
  let lines: string[];
  try {
    lines = readFileSync(file, 'utf8').split('\n');
  } catch (error) {
    throw new BadInputError(
      '<events.jsonl>',
      `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  let current = 0;
  const clock = { now: () => current || Date.now() };
  return withLocalStore(
    options,
    async (runtime) => {
      const summary = { ingested: 0, duplicates: 0, deadLettered: 0, unrouted: 0 };
      for (const [index, line] of lines.entries()) {
        if (!line.trim()) continue;
        let envelope: EventBridgeEnvelope;
        try {
          envelope = JSON.parse(line) as EventBridgeEnvelope;
        } catch {
          await runtime.deadLetters.put({
            at: new Date(clock.now()).toISOString(),
            reason: `line ${index + 1}: not valid JSON`,
            payload: line.slice(0, 10_000),
          });
          summary.deadLettered += 1;
          continue;
        }
        const occurred = Date.parse(
          String((envelope.detail as { occurredAt?: unknown } | null)?.occurredAt ?? envelope.time),
        );
        if (Number.isFinite(occurred)) current = Math.max(current, occurred);
        const deliveries = await runtime.deliver(envelope);
        if (deliveries.length === 0) summary.unrouted += 1;
        for (const delivery of deliveries) {
          if (!delivery.ok) summary.deadLettered += 1;
          else if ((delivery.result as { outcome?: string }).outcome === 'duplicate') summary.duplicates += 1;
          else summary.ingested += 1;
        }
      }
      return summary;
    },
    { clock },
  );
}

/** `dunghan dossier <id>`: the dossier's state as JSON. */
export async function runDossier(dossierId: string, options: StoreOptions) {
  return withLocalStore(options, async (runtime) => {
    const { record } = await runtime.store.load(dossierId);
    if (!record) return undefined;
    const { state } = record;
    return {
      dossierId: state.dossierId,
      status:
        state.status === 'awaiting_receipt'
          ? 'awaiting_receipt'
          : ['resolved', 'withdrawn', 'refused'].includes(state.status)
            ? state.status
            : 'open',
      phase: state.status,
      stage: record.stage,
      procedure: state.received?.procedure,
      agencyId: state.received?.agency.id,
      receivedAt: state.received?.receivedAt ?? null,
      effectiveReceiptDate: state.effectiveReceiptDate ?? null,
      originalDueAt: state.originalDueAt ?? null,
      dueAt: state.dueAt ?? null,
      extendedDueAt: record.extendedDueAt,
      nextActionAt: record.nextActionAt,
      paused: state.paused,
      provisional: state.provisional,
      rule: state.rule ?? null,
      ruleFallback: state.ruleFallback,
      cycle: state.cycle,
      steps: state.steps,
      result: state.result ?? null,
      violations: state.violations.map((v) => v.code),
      dueDateChanges: record.dueDateChanges ?? [],
      history: state.history,
      version: record.version,
    };
  });
}

/** `dunghan detect --now <ISO>`: one detector pass at that instant, mail to the SES endpoint in AWS_ENDPOINT_URL_SES. */
export async function runDetect(options: StoreOptions & { now: string }) {
  const now = parseInstantWithOffset(options.now, '--now');
  const sesEndpoint = process.env.AWS_ENDPOINT_URL_SESV2 ?? process.env.AWS_ENDPOINT_URL_SES;
  if (!sesEndpoint) {
    throw new RuntimeFailure(
      'no SES endpoint: set AWS_ENDPOINT_URL_SES (or AWS_ENDPOINT_URL_SESV2) to the SES emulator (npm start prints its URL) or another SES endpoint',
    );
  }
  return withLocalStore(
    options,
    async (runtime) => {
      try {
        return await runtime.detect();
      } catch (error) {
        if (error instanceof DetectorRunFailedError) throw new RuntimeFailure(error.message, error.report);
        throw error;
      }
    },
    { mail: true, sesEndpoint, clock: { now: () => now } },
  );
}
