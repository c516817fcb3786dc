import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DossierEvent, parseDossierEvent } from '../../shared/contracts/dossier-events.ts';
import { nextRecord } from '../../shared/domain/dossier/dossier-record.ts';
import { type FoldContext, foldDossier } from '../../shared/domain/dossier/dossier-state.ts';
import { resolveRule } from '../../shared/domain/rules/deadline-rule.ts';
import { landDossierEvents } from '../support/fixtures.ts';
import { shippedRuleBook } from '../support/in-memory.ts';

let context: FoldContext;
let events: DossierEvent[];

beforeAll(async () => {
  const book = await (await shippedRuleBook()).current();
  context = { calendar: book.calendar, resolveRule: (q) => resolveRule(book.rules, q) };
  events = landDossierEvents().map(parseDossierEvent);
});

const fold = (list: DossierEvent[]) => foldDossier('H21.65-220408-0012', list, context);
const byType = (type: string) => {
  const e = events.find((x) => x.type === type);
  if (!e) throw new Error(type);
  return e;
};

describe('the dossier state machine (a fold over the set of events)', () => {
  it('walks the land dossier of the example stream through every step', () => {
    const state = fold(events);
    expect(state.status).toBe('resolved');
    expect(state.rule).toMatchObject({
      ruleId: 'PROC#1.013831@2018-06-21',
      matchedBy: 'procedure',
      duration: { amount: 10, unit: 'working_days' },
    });
    expect(state.ruleFallback).toBe(false);
    // Received Fri 8/4/2022 15:10; 10 working days (11/4 is the Giỗ Tổ compensating day) → Mon 25/4.
    expect(state.originalDueAt).toBe('2022-04-25T17:00:00+07:00');
    // Supplemented Mon 25/4 09:00: the clock restarts from zero → Wed 11/5 (30/4–3/5 closed).
    expect(state.cycle).toBe(2);
    expect(state.clockStartedAt).toBe('2022-04-25T09:00:00+07:00');
    expect(state.dueAt).toBe('2022-05-11T17:00:00+07:00');
    expect(state.suspensions).toEqual([]);
    expect(state.result).toBe('late');
    expect(state.violations).toEqual([
      {
        code: 'appointment_after_due',
        at: '2022-04-08T15:10:00+07:00',
        detail: { appointmentAt: '2022-04-26T17:00:00+07:00', legalDueAt: '2022-04-25T17:00:00+07:00' },
      },
    ]);
    expect(state.history.map((h) => h.kind)).toEqual([
      'received',
      'handed_over',
      'suspended',
      'resumed',
      'supplement_requested',
      'restarted',
      'resolved',
    ]);
    expect(state.steps.map((s) => [s.unitId, s.dueAt])).toEqual([
      ['VPDKDD-KP', '2022-05-04T17:00:00+07:00'],
      ['CCT-KP', '2022-05-09T17:00:00+07:00'],
      ['VPDKDD-KP', '2022-05-11T17:00:00+07:00'],
    ]);
  });

  it('summarises the supplements, bounded whatever their number: requests, the last, the time the citizen took', () => {
    const request = byType('DossierSupplementRequested');
    const supplied = events.find((e) => e.type === 'DossierSupplemented' || e.type === 'DossierProcessing');
    const state = fold(events);
    expect(state.supplement).toMatchObject({ requests: 1, lastRequestedAt: request.detail.occurredAt });
    const waited = Date.parse(state.supplement?.lastSuppliedAt ?? '') - Date.parse(request.detail.occurredAt);
    expect(waited).toBeGreaterThan(0);
    expect(state.supplement?.waitedMs).toBe(waited);
    expect(supplied).toBeDefined();
    // A second request after the restart: two requests, waiting again, the first wait kept.
    const again = {
      ...request,
      detail: { ...request.detail, eventId: 'second-request', occurredAt: '2022-04-27T09:00:00+07:00' },
    } as DossierEvent;
    const resolvedLater = events.filter((e) => e.type !== 'DossierResolved');
    const twice = fold([...resolvedLater, again]);
    expect(twice.status).toBe('awaiting_supplement');
    expect(twice.supplement).toEqual({
      requests: 2,
      lastRequestedAt: '2022-04-27T09:00:00+07:00',
      waitedMs: waited,
    });
  });

  it('extends the due date while a suspension is closed, pauses it while open, and stops it while waiting for a supplement', () => {
    const upToResume = fold([byType('DossierReceived'), byType('DossierSuspended'), byType('DossierResumed')]);
    expect(upToResume.status).toBe('open');
    expect(upToResume.dueAt).toBe('2022-04-28T15:30:00+07:00');
    const paused = fold([byType('DossierReceived'), byType('DossierSuspended')]);
    expect(paused.status).toBe('suspended');
    expect(paused.paused).toBe(true);
    const waiting = fold([byType('DossierReceived'), byType('DossierSupplementRequested')]);
    expect(waiting.status).toBe('awaiting_supplement');
    expect(waiting.dueAt).toBeNull();
  });

  it('keeps events that arrive before the receipt and applies them once it is there', () => {
    const early = fold([byType('DossierResolved'), byType('DossierHandedOver')]);
    expect(early.status).toBe('awaiting_receipt');
    expect(early.eventIds).toHaveLength(2);
    expect(early.dueAt).toBeUndefined();
    const complete = fold([byType('DossierResolved'), byType('DossierHandedOver'), byType('DossierReceived')]);
    expect(complete.status).toBe('resolved');
    expect(complete.result).toBe('late');
  });

  it('records events after closure as ignored instead of reopening the dossier', () => {
    const late = {
      ...byType('DossierSuspended'),
      detail: { ...byType('DossierSuspended').detail, eventId: 'late', occurredAt: '2022-05-20T09:00:00+07:00' },
    } as DossierEvent;
    const state = fold([...events, late]);
    expect(state.status).toBe('resolved');
    expect(state.history.at(-1)).toMatchObject({
      kind: 'ignored',
      eventId: 'late',
      note: 'DossierSuspended after resolved',
    });
  });

  it('gives the same state for every arrival order and any duplicates (fast-check)', () => {
    const reference = JSON.stringify(fold(events));
    fc.assert(
      fc.property(
        fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
        fc.array(fc.nat({ max: events.length - 1 }), { maxLength: 6 }),
        (shuffled, dupes) => {
          const withDuplicates = [...shuffled, ...dupes.map((i) => shuffled[i] as DossierEvent)];
          expect(JSON.stringify(fold(withDuplicates))).toBe(reference);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('flags a dossier whose procedure has no rule and counts it with the field default', () => {
    const received = byType('DossierReceived');
    const unknown = {
      ...received,
      detail: {
        ...received.detail,
        procedure: {
          ...(received.type === 'DossierReceived' ? received.detail.procedure : { name: '', field: '' }),
          code: '9.999999',
        },
      },
    } as DossierEvent;
    const state = fold([unknown]);
    expect(state.ruleFallback).toBe(true);
    expect(state.rule).toMatchObject({ matchedBy: 'field', ruleId: 'FIELD#đất đai@2018-06-21' });
  });

  it('records a receipt without appointment as a violation and puts one event in the outbox', () => {
    const received = byType('DossierReceived');
    if (received.type !== 'DossierReceived') throw new Error('fixture');
    const { appointmentAt: _dropped, ...withoutAppointment } = received.detail;
    const state = fold([{ type: 'DossierReceived', detail: withoutAppointment }]);
    expect(state.violations.map((v) => v.code)).toEqual(['receipt_without_appointment']);
    const calendar = context.calendar('vn-civil-service');
    const record = nextRecord(undefined, state, calendar);
    expect(Object.values(record.outbox)).toEqual([
      {
        type: 'ReceiptWithoutAppointment',
        detail: expect.objectContaining({
          eventId: 'H21.65-220408-0012#receipt_without_appointment',
          dossierId: 'H21.65-220408-0012',
          legalDueAt: '2022-04-25T17:00:00+07:00',
        }),
      },
    ]);
    expect(JSON.stringify(record.outbox)).not.toContain('Ksor');
    // Open and running: the detector must look at it when it becomes due soon. Issue #15: this land dossier
    // passes through the land registry first (5 of its 10 working days, due 18/04), so its first look is
    // that step's warning, the rule's 2-day lead scaled to the step (1 working day before).
    expect(record.nextActionAt).toBe('2022-04-15T17:00:00+07:00');
    // The same violation seen again adds nothing.
    expect(nextRecord({ ...record, outbox: {} }, state, calendar).outbox).toEqual({});
  });
});
