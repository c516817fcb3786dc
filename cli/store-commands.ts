import { constants, createReadStream } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { EventBridgeEnvelope } from '../local/local-event-bus.ts';
import { CALENDARS_DIR, RULES_DIR, UNITS_FILE } from '../local/local-runtime.ts';
import { findRunningServers } from '../local/running-servers.ts';
import { InvalidConfigError, loadConfigDirs, loadUnitDirectoryFile } from '../shared/adapters/config-files.ts';
import { runsAhead } from '../shared/contracts/dossier-events.ts';
import { formatProblems } from '../shared/domain/calendar/calendar-definition.ts';
import { DEFAULT_CALENDAR_DEFINITION } from '../shared/domain/calendar/default-calendar.ts';
import { statusPageUrl } from '../shared/domain/letters/apology-letter.ts';
import { renderSlipHtml } from '../shared/domain/letters/control-slip.ts';
import { renderSlipDocx } from '../shared/domain/letters/control-slip-docx.ts';
import { renderReceiptSlipHtml } from '../shared/domain/letters/receipt-slip.ts';
import type { UnitDirectory } from '../shared/domain/units/unit-directory.ts';
import { systemClock } from '../shared/ports/clock.ts';
import { withoutByteOrderMark } from '../shared/support/byte-order-mark.ts';
import { seedConfig } from '../shared/use-cases/administer-config.ts';
import {
  type DescribeDossierDeps,
  describeDossier,
  dossierSlip,
  receiptSlip,
} from '../shared/use-cases/describe-dossier.ts';
import { RuleBook } from '../shared/use-cases/rule-book.ts';
import { DetectorRunFailedError } from '../shared/use-cases/run-detector.ts';
import { asOption, dataDirOption, type Io, printer, type Register } from './command.ts';
import { authorOf } from './config-commands.ts';
import { parseInstantWithOffset } from './due-command.ts';
import { BadInputError, RuntimeFailure } from './errors.ts';
import type { ActingOptions } from './identity.ts';
import { onPlatform, type Site, type StoreOptions, withLocalStore } from './platform.ts';

export { type StoreOptions, withLocalStore } from './platform.ts';

/** `dunghan seed`: validates the rules and calendars directories and the unit directory, and writes them to the store. */
export async function runSeed(
  options: StoreOptions & { rules?: string; calendars?: string; units?: string; aws?: boolean; author?: string },
) {
  const author = authorOf(options.author);
  const rulesDir = options.rules ?? RULES_DIR;
  const calendarsDir = options.calendars ?? CALENDARS_DIR;
  const unitsFile = options.units ?? UNITS_FILE;
  let loaded: Awaited<ReturnType<typeof loadConfigDirs>> & { units: UnitDirectory };
  try {
    loaded = {
      ...(await loadConfigDirs(rulesDir, calendarsDir, [DEFAULT_CALENDAR_DEFINITION.id])),
      units: await loadUnitDirectoryFile(unitsFile),
    };
  } catch (error) {
    if (error instanceof InvalidConfigError) {
      throw new BadInputError(
        '--rules/--calendars/--units',
        `${error.problems.length} problem(s), nothing written:\n${formatProblems(error.problems)}`,
      );
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new BadInputError('--rules/--calendars/--units', `not found: ${(error as NodeJS.ErrnoException).path}`);
    }
    throw error;
  }
  const sources = [rulesDir, calendarsDir, unitsFile];
  return onPlatform(options, { action: 'config.write' }, async (site) => {
    const seeded = await seedConfig(
      { config: site.platform.table.config, clock: systemClock },
      loaded,
      author,
      sources,
    );
    return {
      rules: seeded.rules,
      calendars: seeded.calendars,
      units: seeded.units,
      changeId: seeded.changeId,
      target: site.where,
    };
  });
}

/** `dunghan dead-letters`: the events the local pipeline rejected, with their reasons. */
export async function runDeadLetters(options: StoreOptions) {
  return withLocalStore(options, async (runtime) =>
    (await runtime.deadLetters.list()).map(({ payload: _payload, ...letter }) => letter),
  );
}

/** EventBridge's limit on one event (PutEvents entry), in UTF-8 bytes: a larger line could never arrive. */
export const MAX_EVENT_BYTES = 256 * 1024;

/**
 * `dunghan replay`: feeds an export of EventBridge envelopes (one per line) through the ingest function.
 * The file is read line by line (any size); a line that is not JSON or is larger than EventBridge
 * accepts is dead-lettered with its line number and the replay goes on. The pipeline's clock follows the
 * events (the latest occurrence so far), as if they were happening live, so a later `dunghan detect
 * --now` at any instant sees the dossiers as they were. Exits 1 (after printing the summary) when any
 * line was dead-lettered.
 */
export async function runReplay(file: string, options: StoreOptions) {
  let input: ReturnType<typeof createReadStream>;
  try {
    // Opened before the store so a wrong path fails fast; lines larger than memory are never built.
    await access(file, constants.R_OK);
    input = createReadStream(file);
  } catch (error) {
    throw new BadInputError(
      '<events.jsonl>',
      `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  let current = 0;
  const clock = { now: () => current || Date.now() };
  const summary = await withLocalStore(
    options,
    async (runtime) => {
      const summary = { ingested: 0, duplicates: 0, deadLettered: 0, unrouted: 0 };
      const reject = async (lineNumber: number, reason: string, payload: string) => {
        await runtime.deadLetters.put({
          at: new Date(clock.now()).toISOString(),
          reason: `line ${lineNumber}: ${reason}`,
          payload,
        });
        summary.deadLettered += 1;
      };
      let lineNumber = 0;
      for await (const line of readLines(input)) {
        lineNumber += 1;
        if (line === undefined) {
          await reject(lineNumber, `larger than ${MAX_EVENT_BYTES / 1024} KB, EventBridge's limit for one event`, '');
          continue;
        }
        if (!line.trim()) continue;
        let envelope: EventBridgeEnvelope;
        try {
          envelope = JSON.parse(line) as EventBridgeEnvelope;
        } catch {
          await reject(lineNumber, 'not valid JSON', line);
          continue;
        }
        const occurred = Date.parse(
          String((envelope?.detail as { occurredAt?: unknown } | null)?.occurredAt ?? envelope?.time),
        );
        // An event is sent after it happens: one dated far past its envelope (a 2099 typo that passes the
        // contract) would move the replay's clock there and file every later dossier under it (issue #32).
        const ahead = runsAhead(
          String((envelope?.detail as { occurredAt?: unknown } | null)?.occurredAt ?? ''),
          typeof envelope?.time === 'string' ? envelope.time : undefined,
        );
        if (ahead) {
          await reject(lineNumber, `detail.occurredAt ${ahead}`, line);
          continue;
        }
        const before = current;
        if (Number.isFinite(occurred)) current = Math.max(current, occurred);
        const deliveries = await runtime.deliver(envelope);
        if (deliveries.length === 0) summary.unrouted += 1;
        // A line dead-lettered leaves the clock where it was: one bad line changes nothing after it.
        if (deliveries.length === 0 || deliveries.some((d) => !d.ok)) current = before;
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
  if (summary.deadLettered > 0 || summary.unrouted > 0) {
    throw new RuntimeFailure(
      `${summary.deadLettered} event(s) dead-lettered, ${summary.unrouted} unrouted: see dunghan dead-letters`,
      summary,
    );
  }
  return summary;
}

/**
 * The lines of a stream, without building any line longer than {@link MAX_EVENT_BYTES}: such a line
 * is yielded as `undefined` (its bytes skipped), so one huge line costs no memory and stops nothing.
 */
export async function* readLines(input: AsyncIterable<Buffer | string>): AsyncGenerator<string | undefined> {
  let parts: Buffer[] = [];
  let size = 0;
  let oversize = false;
  let first = true; // a leading byte order mark belongs to the file, not to its first line
  const line = (): string => {
    const text = Buffer.concat(parts).toString('utf8').replace(/\r$/, '');
    return first ? withoutByteOrderMark(text) : text;
  };
  for await (const raw of input) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    let start = 0;
    for (let newline = chunk.indexOf(10, start); ; newline = chunk.indexOf(10, start)) {
      const end = newline === -1 ? chunk.length : newline;
      if (!oversize) {
        size += end - start;
        if (size > MAX_EVENT_BYTES) {
          oversize = true;
          parts = [];
        } else parts.push(chunk.subarray(start, end));
      }
      if (newline === -1) break;
      yield oversize ? undefined : line();
      first = false;
      parts = [];
      size = 0;
      oversize = false;
      start = newline + 1;
    }
  }
  if (oversize) yield undefined;
  else if (size > 0) yield line();
}

/**
 * `dunghan dossier <id> --slip`: the process-control slip as HTML (stdout or --out) or .docx (--out, or
 * `phieu-kiem-soat-<id>.docx` in the working directory). Returns the file written, if any.
 */
export async function runDossierSlip(
  dossierId: string,
  options: ActingOptions & { format: string; out?: string },
): Promise<{ html?: string; file?: string } | undefined> {
  if (options.format !== 'html' && options.format !== 'docx')
    throw new BadInputError('--format', 'must be html or docx');
  const slip = await onPlatform(options, {}, (site) => dossierSlip(describeDeps(site), dossierId, site.actor));
  if (!slip) return undefined;
  if (options.format === 'html') {
    const html = renderSlipHtml(slip);
    if (!options.out) return { html };
    await writeFile(options.out, html);
    return { file: options.out };
  }
  const file = options.out ?? `phieu-kiem-soat-${dossierId.replace(/[^A-Za-z0-9.-]+/g, '_')}.docx`;
  await writeFile(file, await renderSlipDocx(slip));
  return { file };
}

/**
 * `dunghan dossier <id> --receipt`: the receipt slip (Mẫu 01) with the QR code of the citizens' status
 * page, as a printable HTML page (issue #18). The page's base URL: `--base-url`, else APPROVAL_BASE_URL
 * (the deployed public pages), else the running local page.
 */
export async function runReceiptSlip(
  dossierId: string,
  options: StoreOptions & { out?: string; baseUrl?: string },
): Promise<{ html?: string; file?: string } | undefined> {
  const slip = await onPlatform(options, {}, (site) => {
    const base = options.baseUrl ?? process.env.APPROVAL_BASE_URL ?? site.runtime?.apiUrl ?? 'http://127.0.0.1:8080';
    return receiptSlip(describeDeps(site), dossierId, site.actor, statusPageUrl(base, dossierId));
  });
  if (!slip) return undefined;
  const html = renderReceiptSlipHtml(slip);
  if (!options.out) return { html };
  await writeFile(options.out, html);
  return { file: options.out };
}

/** `dunghan dossier <id>`: the dossier's state as JSON. */
export async function runDossier(dossierId: string, options: ActingOptions) {
  return onPlatform(options, {}, (site) => describeDossier(describeDeps(site), dossierId, site.actor));
}

/** What describing a dossier reads: the store, the rules in force (read afresh), the clock. */
function describeDeps(site: Site): DescribeDossierDeps {
  return {
    store: site.platform.table.dossiers,
    rules: new RuleBook(site.platform.table.config, systemClock, 0),
    clock: systemClock,
  };
}

export async function runDetect(options: StoreOptions & { now: string; approvalBaseUrl?: string }) {
  const now = parseInstantWithOffset(options.now, '--now');
  // While `npm start` or `dunghan serve` serves the directory, its emulator and its page are the defaults.
  const running = await findRunningServers(resolve(options.dataDir, 'dynamodb'));
  const sesEndpoint = process.env.AWS_ENDPOINT_URL_SESV2 ?? process.env.AWS_ENDPOINT_URL_SES ?? running?.sesEndpoint;
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
    {
      mail: true,
      // The links must open after this command: no page of its own.
      page: false,
      sesEndpoint,
      clock: { now: () => now },
      ...(options.approvalBaseUrl ? { approvalBaseUrl: options.approvalBaseUrl } : {}),
    },
  );
}

/** `dunghan dossier <id> [--slip|--receipt]`. */
function registerDossier(program: Command, io: Io): void {
  const print = printer(io);
  program
    .command('dossier')
    .summary('Print one dossier, or its control slip')
    .argument('<dossierId>', 'the dossier code')
    .description(
      'Print a dossier from the local store as JSON (status, stage, due dates, steps, the unit responsible for a ' +
        'delay, result, violations); with --slip, its process-control slip (phiếu kiểm soát quá trình giải quyết).',
    )
    .option('--slip', 'the process-control slip instead of the JSON')
    .option(
      '--receipt',
      "the receipt slip (giấy tiếp nhận, Mẫu 01) with the QR code of the citizens' status page, HTML",
    )
    .option(
      '--base-url <url>',
      "the public pages' base URL for --receipt (default: $APPROVAL_BASE_URL, else the local page)",
    )
    .option('--format <format>', 'slip format: html or docx', 'html')
    .option('--out <file>', 'write the slip to this file (docx default: phieu-kiem-soat-<id>.docx)')
    .addOption(dataDirOption())
    .addOption(asOption())
    .action(async (dossierId: string, options) => {
      if (options.receipt) {
        const receipt = await runReceiptSlip(dossierId, options);
        if (!receipt)
          throw new BadInputError(
            '<dossierId>',
            `no received dossier ${JSON.stringify(dossierId)} in ${options.dataDir}`,
          );
        if (receipt.html) io.out(receipt.html);
        else print({ file: receipt.file });
        return;
      }
      if (options.slip) {
        const slip = await runDossierSlip(dossierId, options);
        if (!slip)
          throw new BadInputError('<dossierId>', `no dossier ${JSON.stringify(dossierId)} in ${options.dataDir}`);
        if (slip.html) io.out(slip.html);
        else print({ file: slip.file });
        return;
      }
      const dossier = await runDossier(dossierId, options);
      if (!dossier)
        throw new BadInputError('<dossierId>', `no dossier ${JSON.stringify(dossierId)} in ${options.dataDir}`);
      print(dossier);
    });
}

/** The commands on the local store: load the configuration, replay events, look at a dossier, its slips and the dead letters, run the detector. */
export const registerStore: Register = (program, io) => {
  const print = printer(io);
  program
    .command('seed')
    .summary('Validate and load rules, calendars, units')
    .description(
      'Validate the deadline rules, calendars and the directory of units (every problem listed; nothing written if ' +
        'any) and load them ' +
        'into the store: the local one under --data-dir, or with --aws the table named by TABLE_NAME.',
    )
    .option('--rules <dir>', 'rules directory (*.yaml, *.json)', 'config/rules')
    .option('--calendars <dir>', 'calendars directory (*.yaml, *.json)', 'config/calendars')
    .option('--units <file>', 'the directory of units (YAML or JSON)', 'config/units.yaml')
    .option('--aws', 'write to the AWS table named by TABLE_NAME (credentials from the environment)')
    .option('--author <name>', 'who loads it, for the audit (default: $DUNGHAN_AUTHOR or the OS user)')
    .addOption(dataDirOption())
    .action(async (options) => print(await runSeed(options)));

  program
    .command('replay')
    .summary('Feed an events file through the ingest')
    .argument('<events.jsonl>', 'EventBridge envelopes, one per line')
    .description(
      'Feed an export of dossier events through the ingest function on the local store; prints\n{ingested, duplicates, deadLettered, unrouted}. Replaying the same file twice changes nothing.',
    )
    .addOption(dataDirOption())
    .action(async (file: string, options) => print(await runReplay(file, options)));

  registerDossier(program, io);

  program
    .command('dead-letters')
    .summary('The events the local pipeline rejected')
    .description('List the events the local pipeline rejected, with the reason (the local dead-letter queue).')
    .addOption(dataDirOption())
    .action(async (options) => print(await runDeadLetters(options)));

  program
    .command('detect')
    .summary('Run one detector pass')
    .description(
      'Run one detector pass at --now on the local store: move dossiers through their stages, send the digests ' +
        'and apologies to the SES endpoint in AWS_ENDPOINT_URL_SES (or, while `npm start` or `dunghan serve` ' +
        'serves the data directory, to its emulator), print the run report as JSON. Exit 1 when a dossier ' +
        'failed (the others are handled; what was not sent stays owed for the next pass).',
    )
    .requiredOption('--now <iso>', 'the instant of the pass, ISO-8601 with offset')
    .option(
      '--approval-base-url <url>',
      'where the approval links in the digests point (default: the page of the `npm start` or `dunghan serve` ' +
        'serving the data directory, else http://127.0.0.1:8080, where `dunghan serve` listens)',
    )
    .addOption(dataDirOption())
    .action(async (options) => print(await runDetect(options)));
};
