import { defaultCalendar } from '../shared/domain/calendar/default-calendar.ts';
import { formatIsoDate } from '../shared/domain/calendar/local-date.ts';
import { computeDueDate } from '../shared/domain/due-date/compute-due-date.ts';
import { type DeadlineRule, resolveRule } from '../shared/domain/rules/deadline-rule.ts';
import type { EventBridgeEnvelope } from './local-event-bus.ts';
import { COMMUNES, DISTRICT, FAMILY, GIVEN, LAND, SAMPLE_FIELDS } from './sample-data.ts';

export { SAMPLE_FIELDS } from './sample-data.ts';

/** An event as the provincial one-stop system publishes it to EventBridge (schema version 1). */
export function oneDoorEnvelope(id: string, type: string, detail: Record<string, unknown>): EventBridgeEnvelope {
  return {
    version: '0',
    id,
    'detail-type': type,
    source: 'vn.gialai.one-door',
    account: '123456789012',
    time: new Date(Date.parse(String(detail.occurredAt))).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'ap-southeast-1',
    resources: [],
    detail: { schemaVersion: 1, ...detail },
  };
}

/** mulberry32: small, fast, seeded. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** What was generated, to reconcile against what the pipeline made of it. */
export interface SampleStream {
  events: EventBridgeEnvelope[];
  receivedByField: Map<string, number>;
  dossiers: string[];
  /** Dossiers planned to be late (their officials will need to apologise). */
  late: Set<string>;
  start: number;
  end: number;
}

/** A receipt's detail, as the sample's one-stop system sends it (the random draws in the order they always were). */
function receivedDetail(
  rnd: () => number,
  d: {
    dossierId: string;
    procedure: { code?: string | undefined; name: string };
    field: { field: string };
    agency: unknown;
    receivedAt: string;
    online: boolean;
    official: { id: string; name: string; email: string };
    name: string;
  },
  extra: { email: string | undefined; appointmentAt: string | undefined; land: boolean },
): Record<string, unknown> {
  return {
    dossierId: d.dossierId,
    eventId: `${d.dossierId}/received`,
    occurredAt: d.receivedAt,
    procedure: {
      ...(d.procedure.code ? { code: d.procedure.code } : {}),
      name: d.procedure.name,
      field: d.field.field,
    },
    agency: d.agency,
    receivedAt: d.receivedAt,
    channel: d.online ? 'online' : rnd() < 0.08 ? 'postal' : 'in_person',
    applicant: {
      kind: rnd() < 0.1 ? 'organisation' : 'person',
      name: d.name,
      idNumber: `0641${String(Math.floor(rnd() * 1e8)).padStart(8, '0')}`,
      ...(extra.email ? { email: extra.email } : {}),
      phone: `09${String(Math.floor(rnd() * 1e8)).padStart(8, '0')}`,
    },
    official: d.official,
    head: { name: 'Rơ Lan Thị Hoa', title: 'Phó Chủ tịch UBND huyện', email: 'hoa.rlt@krongpa.example.vn' },
    ...(extra.appointmentAt === undefined ? {} : { appointmentAt: extra.appointmentAt }),
    ...(extra.land
      ? {
          steps: [
            {
              unitId: 'VPDKDD-KP',
              unitName: 'Văn phòng đăng ký đất đai – Chi nhánh huyện Krông Pa',
              duration: '5wd',
            },
            { unitId: 'CCT-KP', unitName: 'Chi cục Thuế huyện Krông Pa', duration: '3wd' },
            {
              unitId: 'VPDKDD-KP',
              unitName: 'Văn phòng đăng ký đất đai – Chi nhánh huyện Krông Pa',
              duration: '2wd',
            },
          ],
        }
      : {}),
  };
}

/**
 * What becomes of one sample dossier after its receipt — withdrawn, refused, a supplement, the land
 * office's hand-overs with a pause for financial obligations, its result early, on time or late — as
 * events; returns whether it was drawn late (the random draws in the order they always were).
 */
function lifecycle(
  rnd: () => number,
  calendar: ReturnType<typeof defaultCalendar>,
  d: {
    receivedAt: number;
    due: number;
    rule: Parameters<typeof computeDueDate>[1]['rule'];
    late: number;
    land: boolean;
  },
  push: (type: string, when: number, extra?: Record<string, unknown>) => void,
): boolean {
  let clockStart = d.receivedAt;
  let due = d.due;
  const fate = rnd();
  if (fate < 0.01) {
    push('DossierWithdrawn', d.receivedAt + (1 + rnd() * 3) * 86_400_000, { reason: 'Người nộp rút hồ sơ' });
    return false;
  }
  if (fate < 0.015) {
    push('DossierRefused', d.receivedAt + (1 + rnd() * 2) * 86_400_000, {
      reason: 'Không thuộc thẩm quyền giải quyết',
    });
    return false;
  }
  if (rnd() < 0.07) {
    const asked = d.receivedAt + (1 + rnd() * 3) * 86_400_000;
    const back = asked + (2 + rnd() * 6) * 86_400_000;
    push('DossierSupplementRequested', asked, { reason: 'Hồ sơ còn thiếu giấy tờ theo quy định' });
    push('DossierSupplemented', back);
    clockStart = back;
    due = computeDueDate(calendar, { receivedAt: back, rule: d.rule }).dueAt;
  }
  const late = rnd() < d.late;
  if (d.land) {
    const handover = calendar.instantAtPosition(
      calendar.officePositionOfInstant(clockStart) + (2 + rnd() * 4) * 450,
      true,
    );
    push('DossierHandedOver', handover, { fromUnitId: 'VPDKDD-KP', toUnitId: 'CCT-KP' });
    if (rnd() < 0.5) {
      const pause = handover + (1 + rnd() * 2) * 86_400_000;
      const resume = pause + (1 + rnd() * 5) * 86_400_000;
      push('DossierSuspended', pause, {
        reason: 'financial_obligation',
        note: 'Chờ người sử dụng đất nộp nghĩa vụ tài chính',
      });
      push('DossierResumed', resume);
      due += resume - pause;
    }
    push('DossierHandedOver', handover + (late ? 4 + rnd() * 8 : 1 + rnd() * 2) * 86_400_000, {
      fromUnitId: 'CCT-KP',
      toUnitId: 'VPDKDD-KP',
    });
  }
  const span = Math.max(
    60,
    (calendar.officePositionOfInstant(due) - calendar.officePositionOfInstant(clockStart)) / 450,
  );
  const resolvedAt = late
    ? calendar.instantAtPosition(calendar.officePositionOfInstant(due) + (0.3 + rnd() * 12) * 450, true)
    : calendar.instantAtPosition(
        calendar.officePositionOfInstant(due) - rnd() * Math.min(span, 3) * 450 * (rnd() < 0.5 ? 1 : 0.1),
        true,
      );
  push('DossierResolved', Math.max(resolvedAt, clockStart + 30 * 60_000), { outcome: 'approved' });
  return late;
}

/**
 * A year (or `days`) of dossier events for a district and three communes, deterministic for a seed:
 * receipts on working days (online any time), appointments printed on the receipt (a few missing or too
 * late), supplement requests, land dossiers handed between the land registry office and the tax office
 * with a pause for financial obligations, withdrawals and refusals, and results early, on time or late
 * at each field's rate — land far worse than the rest.
 */
export function generateSampleStream(options: {
  seed: number;
  days: number;
  start: string;
  rules: DeadlineRule[];
  scale?: number;
}): SampleStream {
  const rnd = random(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const calendar = defaultCalendar();
  const startDay = Date.parse(`${options.start}T00:00:00Z`) / 86_400_000;
  const start = calendar.fromLocal(startDay, 0);
  const end = calendar.fromLocal(startDay + options.days, 0);
  const workingDays: number[] = [];
  for (let d = startDay; d < startDay + options.days; d += 1) if (calendar.isWorkingDay(d)) workingDays.push(d);
  const events: EventBridgeEnvelope[] = [];
  const receivedByField = new Map<string, number>();
  const dossiers: string[] = [];
  const lateSet = new Set<string>();
  const iso = (ms: number) => calendar.formatInstant(ms);
  const envelope = (type: string, detail: Record<string, unknown>) =>
    oneDoorEnvelope(`sample-${events.length}`, type, detail);
  const sequence = new Map<string, number>();
  for (const field of workingDays.length > 0 ? SAMPLE_FIELDS : []) {
    const count = Math.round((field.perYear * options.days * (options.scale ?? 1)) / 365);
    for (let i = 0; i < count; i += 1) {
      const procedure = pick(field.procedures);
      const agency = field.level === 'district' ? DISTRICT : pick(COMMUNES);
      const day = pick(workingDays);
      const online = rnd() < field.online;
      const minute = online ? Math.floor(rnd() * 24 * 60) : 450 + Math.floor(rnd() * 570);
      const receivedAt = calendar.fromLocal(day, minute);
      const ymd = formatIsoDate(day).replaceAll('-', '').slice(2);
      const n = (sequence.get(`${agency.id}${ymd}`) ?? 0) + 1;
      sequence.set(`${agency.id}${ymd}`, n);
      const dossierId = `${agency.id}-${ymd}-${String(n).padStart(4, '0')}`;
      const found = resolveRule(options.rules, {
        procedureCode: procedure.code,
        field: field.field,
        receiptDate: formatIsoDate(day),
      });
      if (!found) continue;
      const rule = { duration: found.rule.duration, cutoff: found.rule.cutoff };
      const legal = computeDueDate(calendar, { receivedAt, rule });
      const roll = rnd();
      const appointmentAt = roll < 0.02 ? undefined : roll < 0.03 ? legal.dueAt + 3 * 86_400_000 : legal.dueAt;
      const official = pick([
        { id: 'cb-017', name: 'Nguyễn Văn An', email: 'an.nv@krongpa.example.vn' },
        { id: 'cb-021', name: 'Siu H’Lan', email: 'lan.sh@krongpa.example.vn' },
        { id: 'cb-033', name: 'Trần Minh Đức', email: 'duc.tm@krongpa.example.vn' },
      ]);
      const land = field.field === LAND && procedure.code === '1.013831';
      const name = `${pick(FAMILY)} ${pick(GIVEN)}`;
      const hasEmail = rnd() < 0.6;
      events.push(
        envelope(
          'DossierReceived',
          receivedDetail(
            rnd,
            { dossierId, procedure, field, agency, receivedAt: iso(receivedAt), online, official, name },
            {
              email: hasEmail ? `nguoinop${dossiers.length}@example.vn` : undefined,
              appointmentAt: appointmentAt === undefined ? undefined : iso(appointmentAt),
              land,
            },
          ),
        ),
      );
      dossiers.push(dossierId);
      receivedByField.set(field.field, (receivedByField.get(field.field) ?? 0) + 1);
      const push = (type: string, when: number, extra: Record<string, unknown> = {}) => {
        if (when < end)
          events.push(
            envelope(type, {
              dossierId,
              eventId: `${dossierId}/${type}/${when}`,
              occurredAt: iso(Math.min(when, end - 60_000)),
              ...extra,
            }),
          );
      };
      if (lifecycle(rnd, calendar, { receivedAt, due: legal.dueAt, rule, late: field.late, land }, push))
        lateSet.add(dossierId);
    }
  }
  events.sort(
    (a, b) =>
      Date.parse(String((a.detail as { occurredAt: string }).occurredAt)) -
      Date.parse(String((b.detail as { occurredAt: string }).occurredAt)),
  );
  return { events, receivedByField, dossiers, late: lateSet, start, end };
}
