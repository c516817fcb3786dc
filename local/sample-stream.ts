import { defaultCalendar } from '../shared/domain/calendar/default-calendar.ts';
import { formatIsoDate } from '../shared/domain/calendar/local-date.ts';
import { computeDueDate } from '../shared/domain/due-date/compute-due-date.ts';
import { type DeadlineRule, resolveRule } from '../shared/domain/rules/deadline-rule.ts';
import type { EventBridgeEnvelope } from './local-event-bus.ts';

/** One procedure the sample uses: its field, code (absent: counted with the field default) and name. */
interface SampleProcedure {
  field: string;
  code?: string;
  name: string;
}

/** A field of the seed report's annex: its procedures, dossiers per year, online share and late share. */
interface SampleField {
  field: string;
  level: 'district' | 'commune';
  perYear: number;
  online: number;
  late: number;
  procedures: SampleProcedure[];
}

const LAND = 'Đất đai';
/**
 * Shaped after the Krông Pa figures (the district council's supervision report): 2,345 dossiers in 2022 with 607 online
 * (here 2,367: 2,117 district, 250 at three communes); land 855 received, 494 overdue (58%); district
 * overall 702 of 4,061 overdue over two years; commune dossiers 2,722 overdue of 37,795 (7%).
 */
export const SAMPLE_FIELDS: SampleField[] = [
  {
    field: LAND,
    level: 'district',
    perYear: 855,
    online: 0.05,
    late: 0.58,
    procedures: [
      {
        field: LAND,
        code: '1.013831',
        name: 'Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất',
      },
      { field: LAND, code: '1.012784', name: 'Tách thửa hoặc hợp thửa đất' },
      {
        field: LAND,
        code: '1.012783',
        name: 'Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất',
      },
      { field: LAND, code: '1.012786', name: 'Cấp lại Giấy chứng nhận do bị mất' },
    ],
  },
  {
    field: 'Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)',
    level: 'district',
    perYear: 420,
    online: 0.55,
    late: 0.06,
    procedures: [
      {
        field: 'Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)',
        code: '1.001612',
        name: 'Đăng ký thành lập hộ kinh doanh',
      },
      {
        field: 'Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)',
        code: '2.000720',
        name: 'Đăng ký thay đổi nội dung đăng ký hộ kinh doanh',
      },
    ],
  },
  {
    field: 'Thành lập và hoạt động của tổ hợp tác, hợp tác xã, liên hiệp hợp tác xã',
    level: 'district',
    perYear: 24,
    online: 0.3,
    late: 0.05,
    procedures: [
      {
        field: 'Thành lập và hoạt động của tổ hợp tác, hợp tác xã, liên hiệp hợp tác xã',
        code: '1.005280',
        name: 'Đăng ký thành lập hợp tác xã',
      },
    ],
  },
  {
    field: 'Bảo trợ xã hội',
    level: 'district',
    perYear: 310,
    online: 0.1,
    late: 0.12,
    procedures: [{ field: 'Bảo trợ xã hội', name: 'Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng' }],
  },
  {
    field: 'Quản lý hoạt động xây dựng',
    level: 'district',
    perYear: 190,
    online: 0.35,
    late: 0.1,
    procedures: [
      { field: 'Quản lý hoạt động xây dựng', code: '1.013225', name: 'Cấp giấy phép xây dựng nhà ở riêng lẻ' },
    ],
  },
  {
    field: 'Giáo dục',
    level: 'district',
    perYear: 95,
    online: 0.2,
    late: 0.03,
    procedures: [{ field: 'Giáo dục', name: 'Chuyển trường đối với học sinh trung học cơ sở' }],
  },
  {
    field: 'An toàn thực phẩm',
    level: 'district',
    perYear: 45,
    online: 0.4,
    late: 0.08,
    procedures: [
      {
        field: 'An toàn thực phẩm',
        code: '2.001827',
        name: 'Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm',
      },
    ],
  },
  {
    field: 'Thi đua – khen thưởng',
    level: 'district',
    perYear: 70,
    online: 0.05,
    late: 0.15,
    procedures: [{ field: 'Thi đua – khen thưởng', name: 'Tặng Giấy khen của Chủ tịch UBND cấp huyện' }],
  },
  {
    field: 'Lưu thông hàng hóa trong nước',
    level: 'district',
    perYear: 48,
    online: 0.45,
    late: 0.05,
    procedures: [{ field: 'Lưu thông hàng hóa trong nước', code: '2.000620', name: 'Cấp Giấy phép bán lẻ rượu' }],
  },
  {
    field: 'Người có công',
    level: 'district',
    perYear: 60,
    online: 0.05,
    late: 0.1,
    procedures: [{ field: 'Người có công', name: 'Giải quyết chế độ trợ cấp thờ cúng liệt sĩ' }],
  },
  {
    field: 'Hộ tịch',
    level: 'commune',
    perYear: 150,
    online: 0.3,
    late: 0.05,
    procedures: [
      { field: 'Hộ tịch', code: '1.001193', name: 'Thủ tục đăng ký khai sinh' },
      { field: 'Hộ tịch', code: '1.000894', name: 'Thủ tục đăng ký kết hôn' },
      { field: 'Hộ tịch', code: '1.004873', name: 'Thủ tục cấp Giấy xác nhận tình trạng hôn nhân' },
    ],
  },
  {
    field: 'Chứng thực',
    level: 'commune',
    perYear: 100,
    online: 0.1,
    late: 0.03,
    procedures: [
      { field: 'Chứng thực', code: '2.000815', name: 'Chứng thực bản sao từ bản chính giấy tờ, văn bản' },
      {
        field: 'Chứng thực',
        code: '2.001035',
        name: 'Chứng thực giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất, nhà ở',
      },
    ],
  },
];

const DISTRICT = { id: 'H21.65', name: 'UBND huyện Krông Pa', parentName: 'UBND tỉnh Gia Lai', place: 'Krông Pa' };
const COMMUNES = [
  { id: 'H21.65.01', name: 'UBND xã Ia Rmok', parentName: 'UBND huyện Krông Pa', place: 'Ia Rmok' },
  { id: 'H21.65.02', name: 'UBND xã Chư Gu', parentName: 'UBND huyện Krông Pa', place: 'Chư Gu' },
  { id: 'H21.65.03', name: 'UBND thị trấn Phú Túc', parentName: 'UBND huyện Krông Pa', place: 'Phú Túc' },
];
const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Ksor', 'Rơ Chăm', 'Siu', 'Rah Lan', 'Phạm', 'Hoàng', 'Nay'];
const GIVEN = ['Văn An', 'Thị Hoa', "H'Bia", 'Minh', 'Thị Lan', 'Văn Hùng', "H'Nhi", 'Đức Thắng', 'Thị Mai', 'Y Dơk'];

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
