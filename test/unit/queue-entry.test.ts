import { describe, expect, it } from 'vitest';
import type { DossierRecord } from '../../shared/domain/dossier/dossier-record.ts';
import { queueEntryOf, queueOrder } from '../../shared/domain/dossier/queue-entry.ts';

/** A record as the queue reads it: only what the entry depends on is set. */
function record(state: Partial<DossierRecord['state']>, extendedDueAt: string | null = null): DossierRecord {
  return {
    extendedDueAt,
    state: {
      dossierId: 'D1',
      status: 'open',
      paused: false,
      suspensions: [],
      steps: [],
      received: { agency: { id: 'H21.65.01' }, receivedAt: '2026-11-02T09:00:00+07:00' },
      dueAt: '2026-11-12T17:00:00+07:00',
      ...state,
    },
  } as unknown as DossierRecord;
}

describe('a dossier’s place in the desks’ queues', () => {
  it('sorts the running by due date, then those waiting for a supplement, then the suspended', () => {
    const orders = [
      queueOrder('suspended', 0),
      queueOrder('running', Date.parse('2026-12-01T10:00:00Z')),
      queueOrder('supplement', Date.parse('2020-01-01T00:00:00Z')),
      queueOrder('running', Date.parse('2026-11-01T10:00:00Z')),
      queueOrder('running', 0),
    ];
    expect([...orders].sort()).toEqual([orders[4], orders[3], orders[1], orders[2], orders[0]]);
    // Short keys: a group mark and eight base-36 digits, enough for the contract's last instant (year 9999);
    // with seven, the year 9999 took eight and sorted before 2026.
    expect(queueOrder('running', Date.parse('9999-12-31T23:59:59Z'))).toHaveLength(9);
    expect(queueOrder('running', Date.parse('1970-01-01T00:00:00Z'))).toHaveLength(9);
    expect(queueOrder('running', Date.parse('9999-12-31T23:59:59Z')) > queueOrder('running', Date.now())).toBe(true);
  });

  it('queues a dossier under the unit of the step under way, by that step’s own due date', () => {
    const entry = queueEntryOf(
      record({
        holderUnitId: 'VPDKDD-KP',
        steps: [
          { unitId: 'VPDKDD-KP', dueAt: '2026-11-09T17:00:00+07:00', startedAt: '2026-11-04T15:00:00+07:00' },
          { unitId: 'CCT-KP', dueAt: '2026-11-12T17:00:00+07:00' },
        ] as DossierRecord['state']['steps'],
      }),
    );
    expect(entry).toEqual({
      unitId: 'VPDKDD-KP',
      order: queueOrder('running', Date.parse('2026-11-09T17:00:00+07:00')),
    });
  });

  it('queues it at the desk by the date in force (a re-appointment’s), and drops it once closed', () => {
    const reappointed = queueEntryOf(record({}, '2026-11-27T17:00:00+07:00'));
    expect(reappointed).toEqual({
      unitId: 'H21.65.01',
      order: queueOrder('running', Date.parse('2026-11-27T17:00:00+07:00')),
    });
    expect(queueEntryOf(record({ status: 'resolved' }))).toBeUndefined();
    expect(queueEntryOf(record({ received: undefined }))).toBeUndefined();
  });

  it('puts a dossier waiting for a supplement by when it was asked, a suspended one by when it stopped', () => {
    expect(
      queueEntryOf(
        record({
          status: 'awaiting_supplement',
          dueAt: null,
          supplement: { requests: 1, lastRequestedAt: '2026-11-05T10:00:00+07:00', waitedMs: 0 },
        }),
      )?.order,
    ).toBe(queueOrder('supplement', Date.parse('2026-11-05T10:00:00+07:00')));
    expect(
      queueEntryOf(record({ status: 'suspended', suspensions: [{ from: '2026-11-06T08:00:00+07:00', reason: 'x' }] }))
        ?.order,
    ).toBe(queueOrder('suspended', Date.parse('2026-11-06T08:00:00+07:00')));
  });
});
