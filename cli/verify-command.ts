import cliProgress from 'cli-progress';
import type { VerificationMark } from '../shared/domain/audit/audit-chain.ts';
import { renderVerifyText } from '../shared/domain/audit/render-verify.ts';
import { tryParseIsoDate } from '../shared/domain/calendar/local-date.ts';
import { describeError } from '../shared/support/describe-error.ts';
import { vietnamDay } from '../shared/support/vietnam-time.ts';
import { dayAfter } from '../shared/use-cases/anchor-audit.ts';
import { RuleBook } from '../shared/use-cases/rule-book.ts';
import { markVerified, type VerifyReport, verifyDossiers } from '../shared/use-cases/verify-dossiers.ts';
import { onStore, type Register } from './command.ts';
import { BadInputError, RuntimeFailure } from './errors.ts';
import { onPlatform, type PlatformOptions } from './platform.ts';

export interface VerifyOptions extends PlatformOptions {
  from?: string;
  to?: string;
  all?: boolean;
  format?: string;
}

/** The longest range one `--from` verify walks: a year; a plain verify walks everything. */
const MAX_DAYS = 366;

/**
 * The days to verify: `--from`/`--to` as given (at most a year), else everything not verified yet — from
 * the day after the last clean verification, or (none, or `--all`) from the first anchored day (anchors
 * cannot be moved) or the first day an entry was written — to the last day of evidence (issue #31).
 */
async function range(
  options: VerifyOptions,
  today: string,
  deps: Pick<Parameters<typeof verifyDossiers>[0], 'anchors' | 'trail'>,
): Promise<{ from: string; to: string; resumedFrom?: VerificationMark | undefined }> {
  if (options.all && options.from !== undefined) throw new BadInputError('--all', 'cannot be given with --from');
  const day = (flag: string, value: string | undefined, fallback: string) => {
    if (value === undefined) return fallback;
    if (tryParseIsoDate(value) === undefined)
      throw new BadInputError(flag, `must be a date YYYY-MM-DD, got ${JSON.stringify(value.slice(0, 40))}`);
    return value;
  };
  // The last day of evidence (the last entry written, the latest anchor), not past today: a simulated
  // world's trail may stop years before today, and its empty days need no reading.
  let end = options.to;
  if (end === undefined) {
    const last = [await deps.trail.lastDay(), (await deps.anchors.latest())?.day].filter(
      (d): d is string => d !== undefined,
    );
    end = [last.sort().at(-1) ?? today, today].sort()[0];
  }
  const to = day('--to', end, today);
  let start = options.from;
  let resumedFrom: VerificationMark | undefined;
  if (start === undefined && !options.all) {
    // Every day up to the last clean verification was verified: go on from the day after it (never past
    // the range's last day, which is walked again: its tail may have grown).
    resumedFrom = await deps.anchors.latestVerification();
    if (resumedFrom) start = [dayAfter(resumedFrom.verifiedTo), to].sort()[0];
  }
  if (start === undefined) {
    const anchored = (await deps.anchors.first())?.day;
    const written = await deps.trail.firstDay();
    start = [anchored, written, to].filter((d): d is string => d !== undefined).sort()[0];
  }
  const from = day('--from', start, to);
  if (to < from) throw new BadInputError('--to', `must not be before --from (${from})`);
  if (options.from !== undefined && (Date.parse(to) - Date.parse(from)) / 86_400_000 >= MAX_DAYS)
    throw new BadInputError('--from', 'the range must not be longer than a year: verify it in parts');
  return { from, to, resumedFrom };
}

/**
 * `dunghan verify [--aws] [--from] [--to] [--format text|json]` (ADR 0021): re-folds each dossier changed
 * in the range from its audit trail and event log and checks each anchored day; exit 1 when anything
 * does not follow (the findings are printed first).
 */
export async function runVerify(options: VerifyOptions, out: (text: string) => void): Promise<VerifyReport> {
  const format = options.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new BadInputError('--format', 'must be text or json');
  const verify = async (deps: Parameters<typeof verifyDossiers>[0], now: number) => {
    const { resumedFrom, ...days } = await range(options, vietnamDay(now), deps);
    // A province's trail takes a while: the days walked, with the percentage and the time left.
    const bar = new cliProgress.SingleBar(
      {
        format: 'Kiểm tra {bar} {percentage}% | còn {eta_formatted} | {dossiers} hồ sơ',
        stream: process.stderr,
        noTTYOutput: false,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(1, 0, { dossiers: 0 });
    let report: VerifyReport;
    try {
      report = await verifyDossiers(deps, days, {
        onProgress: (done, total, dossiers) => {
          bar.setTotal(total);
          bar.update(done, { dossiers });
        },
      });
    } finally {
      bar.stop();
    }
    report.resumedFrom = resumedFrom;
    // A run over everything not verified yet, clean: the next one goes on from where this one got.
    if (options.from === undefined && options.to === undefined) {
      try {
        report.marked = await markVerified(deps.anchors, report, Date.now());
      } catch (error) {
        // The findings stand without it (a caller who may read the anchors but not write beside them).
        report.markFailed = describeError(error);
      }
    }
    return report;
  };
  // Who may read the audit (ADR 0023); the store on a core of its own locally: verify reads it as fast
  // as it refolds (issue #31). On AWS with the seal's key when the caller may read it: then forged events
  // are named too.
  const report = await onPlatform(options, { action: 'audit.read', local: { dynamoThread: true } }, (site) =>
    verify(
      {
        trail: site.platform.table.audit,
        anchors: site.anchors(),
        store: site.platform.table.dossiers,
        rules: new RuleBook(site.platform.table.config, site.platform.clock),
      },
      site.platform.clock.now(),
    ),
  );
  out(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderVerifyText(report));
  const changedDays = report.days.filter((d) => d.changedShards.length > 0).length;
  const configChanged = (report.config?.problems.length ?? 0) > 0;
  if (report.failed.length > 0 || changedDays > 0 || configChanged)
    throw new RuntimeFailure(
      `${report.failed.length} dossier(s) and ${changedDays} anchored day(s)${configChanged ? ', and the configuration,' : ''} do not follow from the audit trail`,
    );
  return report;
}

/** `dunghan verify`. */
export const registerVerify: Register = (program, io) => {
  onStore(
    program
      .command('verify')
      .summary('Check the audit trail against its anchors')
      .description(
        'Tamper evidence (ADR 0021): walk the audit trail of every dossier changed in the range, check each ' +
          "entry's hash and link, that each stored record is the one its last entry recorded, that its report row " +
          'follows from it and its event log still refolds to it; rehash each day against its anchor. Prints how many ' +
          'dossiers were verified and how many failed, naming each and what does not follow; exit 1 if any. A plain ' +
          'verify goes on from the last clean one (kept beside the anchors) and, when clean, records how far it got.',
      )
      .option(
        '--from <YYYY-MM-DD>',
        'first day of changes to verify (Vietnam time; default: the day after the last clean verification, or the first day)',
      )
      .option('--to <YYYY-MM-DD>', 'last day, included (default: the last day with changes, at most today)')
      .option('--all', 'verify from the first day, not from the last clean verification')
      .option('--format <format>', 'text (Vietnamese) or json', 'text'),
  ).action(async (options) => {
    await runVerify(options, io.out);
  });
};
