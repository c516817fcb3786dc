import { describe, expect, it } from 'vitest';
import { settleUncertainApologies } from '../../shared/domain/dossier/delivery.ts';
import type { DossierRecord, OwedNotification } from '../../shared/domain/dossier/dossier-record.ts';

const id = 'H21.65-240401-0001';
const citizen = (changes: Partial<OwedNotification>): OwedNotification => ({
  id: `${id}#apology#apology_to_citizen`,
  kind: 'apology_to_citizen',
  createdAt: '2024-04-10T10:00:00.000Z',
  attempts: 0,
  ...changes,
});
const record = (n: OwedNotification) =>
  ({ state: { dossierId: id }, notifications: { [n.id]: n } }) as unknown as DossierRecord;
const now = Date.parse('2024-04-10T11:00:00.000Z');

describe('settling a citizen’s apology whose send outcome nobody recorded', () => {
  it('marks it uncertain (never emailed again) and owes the desk one confirmation alert', () => {
    const settled = settleUncertainApologies(
      record(citizen({ inFlight: { runId: 'dead-run', at: '2024-04-10T10:00:00.000Z' } })),
      'run-2',
      now,
    );
    const notice = settled.notifications[`${id}#apology#apology_to_citizen`];
    expect(notice?.uncertainAt).toBe('2024-04-10T11:00:00.000Z');
    expect(notice?.inFlight).toBeUndefined();
    expect(settled.notifications[`${id}#apology#apology_unconfirmed`]).toMatchObject({
      kind: 'apology_unconfirmed',
      attempts: 0,
    });
    // Settling again changes nothing: one desk alert, however many runs look.
    expect(settleUncertainApologies(settled, 'run-3', now + 60_000)).toBe(settled);
  });

  it('leaves the run’s own send, and a send already recorded, alone', () => {
    const own = record(citizen({ inFlight: { runId: 'run-2', at: '2024-04-10T11:00:00.000Z' } }));
    expect(settleUncertainApologies(own, 'run-2', now)).toBe(own);
    const sent = record(citizen({ sentAt: '2024-04-10T10:00:01.000Z' }));
    expect(settleUncertainApologies(sent, 'run-2', now)).toBe(sent);
  });
});
