import { describe, expect, it } from 'vitest';
import type { DossierRecord } from '../../shared/domain/dossier/dossier-record.ts';
import { explainDifference } from '../support/chaos.ts';

// The chaos test's allowances are themselves attacked: each holds only in its narrow case. The dossier
// is the one a CI run found: received 26/01/2022, due 07/02 17:00 (after Tết), resolved on time at 13:32.
const at = (local: string) => `${local}+07:00`;
const CLOSED = at('2022-02-07T13:32:31');
const reached = {
  DUE_SOON: { stage: 'DUE_SOON', cycle: 1, at: at('2022-01-27T17:15:00') },
  APOLOGY_DEADLINE: { stage: 'APOLOGY_DEADLINE', cycle: 1, at: at('2022-01-28T17:15:00') },
  OVERDUE: { stage: 'OVERDUE', cycle: 1, at: at('2022-02-07T17:15:00') },
} as const;

function record(stages: (keyof typeof reached)[], changes: { closed?: boolean; apology?: string } = {}): DossierRecord {
  return {
    stage: stages.at(-1) ?? 'ON_TRACK',
    stagesReached: stages.map((s) => reached[s]),
    extendedDueAt: null,
    apology: { status: changes.apology ?? 'drafted' },
    state: {
      eventIds: ['d/received', 'd/resolved'],
      ...(changes.closed === false ? {} : { closedAt: CLOSED }),
    },
  } as unknown as DossierRecord;
}

/** When the events were first delivered and first ingested by the faulty run. */
function timing(resolvedIngestedAt: string, resolvedDeliveredAt = at('2022-02-07T12:00:00')) {
  return {
    firstDeliveredAt: new Map([
      ['d/received', Date.parse(at('2022-01-26T12:00:00'))],
      ['d/resolved', Date.parse(resolvedDeliveredAt)],
    ]),
    firstIngestedAt: new Map([
      ['d/received', Date.parse(at('2022-01-26T12:00:00'))],
      ['d/resolved', Date.parse(resolvedIngestedAt)],
    ]),
  };
}

describe('what the chaos test lets the faulty run differ in', () => {
  const onTime = timing(at('2022-02-07T12:00:00'));
  const want = record(['DUE_SOON', 'APOLOGY_DEADLINE']);

  it('nothing, when the detector did the same', () => {
    expect(explainDifference(want, record(['DUE_SOON', 'APOLOGY_DEADLINE']), onTime)).toBe('same');
  });

  it('fewer stages on a closed dossier (a delayed alert overtaken by the closing), never on an open one', () => {
    expect(explainDifference(want, record(['DUE_SOON']), onTime)).toBe('delayed past closing');
    expect(explainDifference(record(['DUE_SOON'], { closed: false }), record([], { closed: false }), onTime)).toBe(
      undefined,
    );
  });

  it('an extra stage reached while the closing, delivered on time, had failed every delivery so far', () => {
    const got = record(['DUE_SOON', 'APOLOGY_DEADLINE', 'OVERDUE']);
    expect(explainDifference(want, got, timing(at('2022-02-09T12:00:00')))).toBe('alerted before knowing');
    // Not when the closing was in by then, nor when it had not been delivered yet, nor with a different apology.
    expect(explainDifference(want, got, onTime)).toBe(undefined);
    expect(explainDifference(want, got, timing(at('2022-02-09T12:00:00'), at('2022-02-08T12:00:00')))).toBe(undefined);
    const approved = record(['DUE_SOON', 'APOLOGY_DEADLINE', 'OVERDUE'], { apology: 'approved' });
    expect(explainDifference(want, approved, timing(at('2022-02-09T12:00:00')))).toBe(undefined);
  });

  it('never a stage the fault-free run reached and the faulty one replaced', () => {
    const got = record(['DUE_SOON', 'OVERDUE']);
    expect(explainDifference(want, got, timing(at('2022-02-09T12:00:00')))).toBe(undefined);
  });

  it('a stage of a restarted clock missed (the case a CI run found), never one of the cycle still running', () => {
    const stage = (name: string, cycle: number, day: string) => ({
      stage: name,
      cycle,
      at: at(`2022-06-${day}T17:15:00`),
    });
    const open = (stages: ReturnType<typeof stage>[], apology = 'drafted') =>
      ({
        stage: stages.at(-1)?.stage ?? 'ON_TRACK',
        stagesReached: stages,
        extendedDueAt: null,
        apology: { status: apology },
        state: { eventIds: [] },
      }) as unknown as DossierRecord;
    const want = open([
      stage('DUE_SOON', 1, '09'),
      stage('APOLOGY_DEADLINE', 1, '10'),
      stage('DUE_SOON', 2, '21'),
      stage('APOLOGY_DEADLINE', 2, '22'),
    ]);
    const got = open([stage('DUE_SOON', 1, '09'), stage('DUE_SOON', 2, '21'), stage('APOLOGY_DEADLINE', 2, '22')]);
    expect(explainDifference(want, got, onTime, [])).toBe('delayed past a restart');
    // Not a stage of the cycle still running, not stages out of order, not with another apology.
    const current = open([stage('DUE_SOON', 1, '09'), stage('APOLOGY_DEADLINE', 1, '10'), stage('DUE_SOON', 2, '21')]);
    expect(explainDifference(want, current, onTime, [])).toBe(undefined);
    const swapped = open([stage('DUE_SOON', 2, '21'), stage('DUE_SOON', 1, '09'), stage('APOLOGY_DEADLINE', 2, '22')]);
    expect(explainDifference(want, swapped, onTime, [])).toBe(undefined);
    const approved = open(
      [stage('DUE_SOON', 1, '09'), stage('DUE_SOON', 2, '21'), stage('APOLOGY_DEADLINE', 2, '22')],
      'approved',
    );
    expect(explainDifference(want, approved, onTime, [])).toBe(undefined);
  });

  it('reads the events from the log it is given: the stored record keeps no event ids (ADR 0011)', () => {
    const got = record(['DUE_SOON', 'APOLOGY_DEADLINE', 'OVERDUE']);
    const stored = { ...got, state: { ...got.state, eventIds: [] } } as DossierRecord;
    expect(explainDifference(want, stored, timing(at('2022-02-09T12:00:00')))).toBe(undefined);
    expect(explainDifference(want, stored, timing(at('2022-02-09T12:00:00')), ['d/received', 'd/resolved'])).toBe(
      'alerted before knowing',
    );
  });
});
