import { provisionalYearsToConfirm } from '../domain/calendar/provisional-check.ts';
import { buildProvisionalNotice } from '../domain/letters/provisional-notice.ts';
import type { Clock } from '../ports/clock.ts';
import type { Mailer } from '../ports/mailer.ts';
import type { NoticeStore } from '../ports/notice-store.ts';
import type { RuleBook } from './rule-book.ts';

export interface ProvisionalNoticeDeps {
  rules: RuleBook;
  calendarIds: () => Promise<string[]>;
  notices: NoticeStore;
  mailer: Mailer;
  clock: Clock;
  config: {
    senderEmail: string;
    adminEmails: readonly string[];
    /** MM-DD from which next year is checked (default 11-01). */
    checkFrom?: string | undefined;
    /** How long a run holds a notice before another may send it (default 10 min). */
    leaseMs?: number | undefined;
  };
}

/**
 * Emails the administrators, once per calendar and year, when a year their deadlines reach is still
 * provisional (the current year without official data; next year from 1 November or the configured
 * day). A claim with a lease is taken before sending and marked sent after, so overlapping runs and
 * crashes neither duplicate nor lose the notice.
 */
export async function notifyProvisionalYears(
  deps: ProvisionalNoticeDeps,
): Promise<{ sent: { calendarId: string; year: number }[] }> {
  const sent: { calendarId: string; year: number }[] = [];
  if (deps.config.adminEmails.length === 0) return { sent };
  const now = deps.clock.now();
  const book = await deps.rules.current();
  for (const calendarId of await deps.calendarIds()) {
    const calendar = book.calendar(calendarId);
    const today = calendar.toLocal(now).day;
    const checkedOn = calendar.formatInstant(now).slice(0, 10);
    for (const year of provisionalYearsToConfirm(calendar, today, deps.config.checkFrom ?? '11-01')) {
      const id = `provisional#${calendarId}#${year.year}`;
      const at = new Date(now).toISOString();
      const until = new Date(now + (deps.config.leaseMs ?? 10 * 60_000)).toISOString();
      if (!(await deps.notices.claimNotice(id, at, until))) continue;
      const notice = buildProvisionalNotice({ id: calendarId, name: calendar.name }, year, checkedOn);
      await deps.mailer.send({
        from: deps.config.senderEmail,
        to: [...deps.config.adminEmails],
        subject: notice.subject,
        text: notice.text,
        html: notice.html,
        messageId: `<provisional-${calendarId}-${year.year}@dunghan>`,
      });
      await deps.notices.markNoticeSent(id, new Date(deps.clock.now()).toISOString());
      sent.push({ calendarId, year: year.year });
    }
  }
  return { sent };
}
