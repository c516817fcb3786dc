import { describe, expect, it } from 'vitest';
import type { ReportRow } from '../../shared/domain/reports/report-row.ts';
import { type Mailer, type MailMessage, MailRejectedError } from '../../shared/ports/mailer.ts';
import type { NoticeStore } from '../../shared/ports/notice-store.ts';
import { notifyTimelinessForecast } from '../../shared/use-cases/notify-timeliness-forecast.ts';
import { fixedClock, shippedRuleBook } from '../support/in-memory.ts';

/** Notices as the config store keeps them: a claim with a lease, then sent for good. */
class MemoryNotices implements NoticeStore {
  readonly items = new Map<string, { until?: string; sentAt?: string }>();
  async claimNotice(id: string, at: string, until: string): Promise<boolean> {
    const item = this.items.get(id);
    if (item?.sentAt || (item?.until && item.until >= at)) return false;
    this.items.set(id, { until });
    return true;
  }
  async markNoticeSent(id: string, at: string): Promise<void> {
    this.items.set(id, { sentAt: at });
  }
}

/** One open dossier at each of the sample directory's communes (config/units.yaml). */
function rows(): ReportRow[] {
  return ['H21.65.01', 'H21.65.02', 'H21.65.03'].map((unitId, i) => ({
    id: `${unitId}-261102-000${i}`,
    unitId,
    unitName: unitId,
    field: 'Hộ tịch',
    channel: 'in_person',
    receivedAt: '2026-11-02T09:00:00+07:00',
    appointmentAt: '2026-11-20T17:00:00+07:00',
    status: 'open',
    dueAt: '2026-11-20T17:00:00+07:00',
    originalDueAt: '2026-11-20T17:00:00+07:00',
    violations: [],
    steps: [],
    secondOverrun: false,
  }));
}

describe("the heads' weekly QĐ 766 mail when an address fails", () => {
  it('sends the other heads theirs; a refused address is not retried this week, a failing one is', async () => {
    const clock = fixedClock('2026-11-11T01:00:00Z');
    const notices = new MemoryNotices();
    const sent: MailMessage[] = [];
    let flaky = true;
    const mailer: Mailer = {
      async send(message) {
        const to = message.to[0] ?? '';
        if (to.startsWith('bia.nh@')) throw new MailRejectedError('address rejected');
        if (to.includes('chugu') && flaky) throw new Error('socket hang up');
        sent.push(message);
        return { messageId: 'm' };
      },
    };
    const deps = {
      reports: {
        reportRows: async function* () {
          yield* rows();
        },
      },
      rules: await shippedRuleBook(clock),
      notices,
      mailer,
      clock,
      config: { senderEmail: 'dunghan@example.gov.vn', leaseMs: 0 },
    };
    // First run: Ia Rmok's head refused for good, Chư Gu's failed for now, the third sent; the run fails.
    await expect(notifyTimelinessForecast(deps)).rejects.toThrow(/could not be sent to the heads of H21\.65\.02/);
    const first = sent.map((m) => m.to[0]);
    expect(first).toHaveLength(1);
    // A later run retries only the one that failed for now; the week is then done.
    flaky = false;
    clock.now = () => Date.parse('2026-11-11T01:15:00Z');
    const second = await notifyTimelinessForecast(deps);
    expect(second).toEqual({ sent: ['H21.65.02'], refused: [] });
    expect(await notifyTimelinessForecast(deps)).toEqual({ sent: [], refused: [] });
    expect(sent).toHaveLength(2);
  });
});
