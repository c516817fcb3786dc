import { composeTimelinessDigest, DIGEST_AT_RISK } from '../domain/letters/timeliness-digest.ts';
import type { TimelinessRules } from '../domain/reports/timeliness.ts';
import type { Clock } from '../ports/clock.ts';
import { type Mailer, MailRejectedError } from '../ports/mailer.ts';
import type { NoticeStore } from '../ports/notice-store.ts';
import type { ReportIndex } from '../ports/report-index.ts';
import { UnavailableError } from '../support/errors.ts';
import { VIETNAM_OFFSET_MS } from '../support/vietnam-time.ts';
import { produceReport } from './produce-report.ts';
import type { RuleBook } from './rule-book.ts';

export interface TimelinessForecastDeps {
  reports: ReportIndex;
  rules: RuleBook;
  notices: NoticeStore;
  mailer: Mailer;
  clock: Clock;
  config: {
    senderEmail: string;
    timeliness?: TimelinessRules | undefined;
    /** How long a run holds a unit's notice before another may send it (default 10 min). */
    leaseMs?: number | undefined;
  };
}

/** The quarter an instant falls in (Vietnam time), and its ISO week: what the weekly notice is keyed by. */
export function forecastPeriodOf(now: number): { from: string; to: string; label: string; week: string } {
  const local = new Date(now + VIETNAM_OFFSET_MS);
  const year = local.getUTCFullYear();
  const quarter = Math.floor(local.getUTCMonth() / 3);
  const first = new Date(Date.UTC(year, quarter * 3, 1));
  const last = new Date(Date.UTC(year, quarter * 3 + 3, 0));
  // ISO 8601 week: the Thursday of this week decides the year.
  const day = Date.UTC(year, local.getUTCMonth(), local.getUTCDate());
  const weekday = (local.getUTCDay() + 6) % 7;
  const thursday = new Date(day + (3 - weekday) * 86_400_000);
  const weekYear = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(weekYear, 0, 1)) / (7 * 86_400_000)) + 1;
  return {
    from: first.toISOString().slice(0, 10),
    to: last.toISOString().slice(0, 10),
    label: `quý ${quarter + 1}/${year}`,
    week: `${weekYear}-W${String(week).padStart(2, '0')}`,
  };
}

/**
 * Once a week (the first detector run of each ISO week), each unit head in the directory with an email
 * gets the QĐ 766 section of their digest: the quarter's score so far, its forecast, and the open
 * dossiers the unit received or holds that would cost the most points if late (ADR 0020). One claim per
 * unit and week, taken before sending and marked after: overlapping runs and crashes neither duplicate
 * nor lose a head's mail. The report is counted once for every unit.
 */
export async function notifyTimelinessForecast(
  deps: TimelinessForecastDeps,
): Promise<{ sent: string[]; refused: string[] }> {
  const sent: string[] = [];
  const refused: string[] = [];
  const failed: string[] = [];
  const now = deps.clock.now();
  const period = forecastPeriodOf(now);
  const units = (await deps.rules.current()).units;
  const heads = units.directory.units.filter((u) => u.head?.email);
  if (heads.length === 0) return { sent, refused };
  // The week's marker: once every head's mail is out, later runs of the week stop here (one conditional
  // write), without counting the quarter again.
  const week = `timeliness#${period.week}`;
  const lease = (from: number) => new Date(from + (deps.config.leaseMs ?? 10 * 60_000)).toISOString();
  if (!(await deps.notices.claimNotice(week, new Date(now).toISOString(), lease(now)))) return { sent, refused };
  const report = await produceReport(
    deps.reports,
    {
      period: { from: period.from, to: period.to },
      by: 'unit',
      timeliness: deps.config.timeliness,
      // A few of every unit, however many units: each head's mail lists its own.
      atRiskLimit: Number.MAX_SAFE_INTEGER,
      atRiskPerUnit: DIGEST_AT_RISK,
    },
    now,
  );
  // The directory's names for the units holding dossiers (a receipt's step may name only the id).
  const section = {
    ...report.timeliness,
    atRisk: report.timeliness.atRisk.map((d) => ({ ...d, holderName: units.get(d.holderId)?.name ?? d.holderName })),
  };
  for (const unit of heads) {
    const head = unit.head;
    if (!head?.email) continue;
    const digest = composeTimelinessDigest(
      { id: unit.id, name: unit.name, headName: head.name, headTitle: head.title },
      section,
      { ...period, asOf: now },
    );
    if (!digest) continue;
    const id = `${week}#${unit.id}`;
    if (!(await deps.notices.claimNotice(id, new Date(now).toISOString(), lease(now)))) continue;
    try {
      await deps.mailer.send({
        from: deps.config.senderEmail,
        to: [head.email],
        subject: digest.subject,
        text: digest.text,
        html: digest.html,
        messageId: `<timeliness-${period.week}-${unit.id.replace(/[^A-Za-z0-9.-]/g, '_')}@dunghan>`,
      });
    } catch (error) {
      // One head's address never stops the others. Refused for good: not tried again this week (the
      // administrators fix the directory); anything else: the claim lapses and a later run retries.
      if (error instanceof MailRejectedError) {
        await deps.notices.markNoticeSent(id, new Date(deps.clock.now()).toISOString());
        refused.push(unit.id);
      } else {
        failed.push(unit.id);
      }
      continue;
    }
    await deps.notices.markNoticeSent(id, new Date(deps.clock.now()).toISOString());
    sent.push(unit.id);
  }
  if (failed.length > 0) {
    throw new UnavailableError(
      `the weekly QĐ 766 mail could not be sent to the heads of ${failed.join(', ')}; a later run retries`,
    );
  }
  await deps.notices.markNoticeSent(week, new Date(deps.clock.now()).toISOString());
  return { sent, refused };
}
