import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type DossierEvent, parseDossierEvent } from '../../shared/contracts/dossier-events.ts';
import type { WorkingCalendar } from '../../shared/domain/calendar/working-calendar.ts';
import { advanceStages } from '../../shared/domain/dossier/advance-stages.ts';
import { type DossierRecord, nextRecord, scheduleNextAction } from '../../shared/domain/dossier/dossier-record.ts';
import { type FoldContext, foldDossier } from '../../shared/domain/dossier/dossier-state.ts';
import { responsibleUnit } from '../../shared/domain/dossier/responsibility.ts';
import { buildApologyLetter } from '../../shared/domain/letters/apology-letter.ts';
import { composeMail } from '../../shared/domain/letters/compose-mail.ts';
import { letterIssuer } from '../../shared/domain/units/routing.ts';
import { UnitBook, type UnitDirectory } from '../../shared/domain/units/unit-directory.ts';
import { communeLandReceipt, lifecycleEvent } from '../support/dossier-factory.ts';
import { shippedFold } from '../support/in-memory.ts';

const sample = parseYaml(readFileSync(new URL('../../config/units.yaml', import.meta.url), 'utf8')) as UnitDirectory;
let context: FoldContext;
let calendar: WorkingCalendar;
beforeAll(async () => {
  ({ calendar, context } = await shippedFold());
});
const t = (iso: string) => Date.parse(iso);
const ID = 'H21.65.01-261102-0009';

/** A commune land dossier (8 wd, due 12/11/2026 17:00): land registry 5 wd, then the tax office 3 wd. */
function landDossier(...more: ReturnType<typeof lifecycleEvent>[]): DossierRecord {
  const events: DossierEvent[] = [communeLandReceipt(ID, { eventId: 'r' }), ...more].map(parseDossierEvent);
  return nextRecord(undefined, foldDossier(ID, events, context), calendar);
}

const handover = (at: string, from: string, to: string) =>
  lifecycleEvent('DossierHandedOver', {
    dossierId: ID,
    eventId: `h-${at}`,
    occurredAt: at,
    fromUnitId: from,
    toUnitId: to,
  });

describe('who answers for a delay (responsibility.ts)', () => {
  const receiving = { id: 'H21.65.01', name: 'UBND xã Ia Rmok' };
  const steps = [
    { unitId: 'A', dueAt: '2026-11-09T17:00:00+07:00', finishedAt: '2026-11-09T10:00:00+07:00' },
    { unitId: 'B', dueAt: '2026-11-12T17:00:00+07:00' },
  ];
  it('is nobody while nothing is late', () => {
    expect(
      responsibleUnit(steps, receiving, '2026-11-12T17:00:00+07:00', t('2026-11-12T16:00:00+07:00')),
    ).toBeUndefined();
  });
  it('is the holding unit once its own step overruns, then stays the first overrun', () => {
    const late = responsibleUnit(steps, receiving, '2026-11-12T17:00:00+07:00', t('2026-11-13T08:00:00+07:00'));
    expect(late).toMatchObject({ unitId: 'B', step: 2, dueAt: '2026-11-12T17:00:00+07:00' });
    const first = [{ ...steps[0], finishedAt: '2026-11-10T09:00:00+07:00' }, steps[1]] as typeof steps;
    expect(
      responsibleUnit(first, receiving, '2026-11-12T17:00:00+07:00', t('2026-11-20T08:00:00+07:00')),
    ).toMatchObject({ unitId: 'A', step: 1, until: '2026-11-10T09:00:00+07:00' });
  });
  it('is the receiving unit of a late single-agency dossier, or one whose steps all finished in time', () => {
    expect(responsibleUnit([], receiving, '2026-11-12T17:00:00+07:00', t('2026-11-13T08:00:00+07:00'))).toEqual({
      unitId: 'H21.65.01',
      unitName: 'UBND xã Ia Rmok',
      dueAt: '2026-11-12T17:00:00+07:00',
    });
  });
});

describe('step clocks and the apology issuer (units directory)', () => {
  it('owes the holding unit one warning and one overrun alert, never again, and an overrun found after the hand-over', () => {
    const r = landDossier();
    // The rule's 2-day lead scaled to the 5-of-8-day step: 1.25 working days (of 7.5 h) before 09/11 17:00.
    expect(r.nextActionAt).toBe('2026-11-06T15:07:00+07:00');
    const warned = advanceStages(r, calendar, t('2026-11-06T15:10:00+07:00'));
    expect(warned.owed.map((n) => [n.kind, n.step])).toEqual([['step_due_soon', 0]]);
    expect(advanceStages(warned.record, calendar, t('2026-11-06T16:00:00+07:00')).owed).toEqual([]);
    // Once sent, the next look is the step's own due instant.
    const sent = Object.fromEntries(
      Object.entries(warned.record.notifications).map(([id, n]) => [id, { ...n, sentAt: '2026-11-06T08:10:00.000Z' }]),
    );
    expect(scheduleNextAction({ ...warned.record, notifications: sent }, calendar)).toBe('2026-11-09T17:00:00+07:00');
    // Handed over late before any run saw the overrun: the alert is still owed once.
    const moved = landDossier(handover('2026-11-10T09:00:00+07:00', 'VPDKDD-KP', 'CCT-KP'));
    const found = advanceStages(
      { ...moved, notifications: warned.record.notifications },
      calendar,
      t('2026-11-10T09:15:00+07:00'),
    );
    expect(found.owed.map((n) => [n.kind, n.step])).toEqual([['step_overdue', 0]]);
    expect(advanceStages(found.record, calendar, t('2026-11-10T09:30:00+07:00')).owed).toEqual([]);
  });

  it('lets the unit at fault issue the apology when the province says so: its name, place, head; the draft goes to it', () => {
    const late = landDossier(handover('2026-11-10T09:00:00+07:00', 'VPDKDD-KP', 'CCT-KP'));
    const atFault = new UnitBook({ ...sample, apologyIssuer: 'unit_at_fault' });
    const now = t('2026-11-10T17:10:00+07:00');
    const moved = advanceStages(late, calendar, now).record;
    const letter = buildApologyLetter(moved, calendar, now, letterIssuer(moved, atFault, now));
    expect(letter.agency).toBe('VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI – CHI NHÁNH HUYỆN KRÔNG PA');
    expect(letter.parentAgency).toBeUndefined();
    expect(letter.placeAndDate).toBe('Krông Pa, ngày 10 tháng 11 năm 2026');
    expect(letter.signatureName).toBe('Siu Thị Lan');
    expect(letter.paragraphs[0]).toMatch(/^Ngày 02 tháng 11 năm 2026, UBND xã Ia Rmok tiếp nhận hồ sơ/);
    expect(letter.closing).toContain('Văn phòng đăng ký đất đai – Chi nhánh huyện Krông Pa xin lỗi Ông/Bà');
    expect(letter.reason).toBe(
      'Bước xử lý hồ sơ tại Văn phòng đăng ký đất đai – Chi nhánh huyện Krông Pa quá thời hạn được giao (hạn 17 giờ 00 phút, ngày 09 tháng 11 năm 2026).',
    );
    const { envelopes } = composeMail(
      [{ record: moved, sending: Object.values(moved.notifications).filter((n) => n.kind === 'due_soon') }],
      { senderEmail: 'dunghan@example.vn', units: atFault, approvalLink: () => 'https://example.vn/approve' },
      calendar,
      now,
    );
    expect(envelopes.map((e) => [e.mail.to, e.mail.cc])).toEqual([
      [['hung.hv@vpdkdd.krongpa.example.vn'], ['lan.st@vpdkdd.krongpa.example.vn']],
      [['minh.rc@thue.krongpa.example.vn'], []],
    ]);
  });

  it('names the responsible unit in the stage events on the bus', () => {
    const late = landDossier(handover('2026-11-10T09:00:00+07:00', 'VPDKDD-KP', 'CCT-KP'));
    const moved = advanceStages(late, calendar, t('2026-11-13T08:00:00+07:00')).record;
    const overdue = Object.values(moved.outbox).find((e) => e.type === 'DossierOverdue');
    expect(overdue?.detail).toMatchObject({
      responsibleUnit: { id: 'VPDKDD-KP', name: 'VPDKDD-KP', step: 1, dueAt: '2026-11-09T17:00:00+07:00' },
    });
    expect(JSON.stringify(moved.outbox)).not.toMatch(/Ksor|@/);
  });
});
