import type { EventBridgeEnvelope } from '../../local/local-event-bus.ts';
import { oneDoorEnvelope, SAMPLE_FIELDS } from '../../local/sample-stream.ts';
import { defaultCalendar } from '../../shared/domain/calendar/default-calendar.ts';
import { formatIsoDate } from '../../shared/domain/calendar/local-date.ts';
import { computeDueDate } from '../../shared/domain/due-date/compute-due-date.ts';
import type { AnnexCounts } from '../../shared/domain/reports/build-report.ts';
import { type DeadlineRule, resolveRule } from '../../shared/domain/rules/deadline-rule.ts';

/** One row of an annex: a field and its counts (the totals are derived). */
export interface AnnexRow {
  field: string;
  carriedOver: number;
  online: number;
  inPerson: number;
  early: number;
  onTime: number;
  late: number;
  withdrawn: number;
  inProgressWithinTime: number;
  inProgressOverdue: number;
}

/**
 * The district annex of 2022 the golden test reproduces, shaped after the seed report (the district
 * council's supervision report): 2,345 dossiers newly received, 607 of them online; land 855 newly received, 494 returned
 * late. Received = carried over + online + in person = resolved + withdrawn + in progress.
 */
export const ANNEX_2022: AnnexRow[] = [
  {
    field: 'Đất đai',
    carriedOver: 61,
    online: 43,
    inPerson: 812,
    early: 120,
    onTime: 185,
    late: 494,
    withdrawn: 9,
    inProgressWithinTime: 40,
    inProgressOverdue: 68,
  },
  {
    field: 'Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)',
    carriedOver: 8,
    online: 231,
    inPerson: 189,
    early: 260,
    onTime: 140,
    late: 18,
    withdrawn: 4,
    inProgressWithinTime: 5,
    inProgressOverdue: 1,
  },
  {
    field: 'Thành lập và hoạt động của tổ hợp tác, hợp tác xã, liên hiệp hợp tác xã',
    carriedOver: 1,
    online: 7,
    inPerson: 17,
    early: 10,
    onTime: 13,
    late: 1,
    withdrawn: 0,
    inProgressWithinTime: 1,
    inProgressOverdue: 0,
  },
  {
    field: 'Bảo trợ xã hội',
    carriedOver: 12,
    online: 31,
    inPerson: 279,
    early: 150,
    onTime: 120,
    late: 37,
    withdrawn: 3,
    inProgressWithinTime: 10,
    inProgressOverdue: 2,
  },
  {
    field: 'Quản lý hoạt động xây dựng',
    carriedOver: 9,
    online: 67,
    inPerson: 123,
    early: 80,
    onTime: 90,
    late: 19,
    withdrawn: 2,
    inProgressWithinTime: 6,
    inProgressOverdue: 2,
  },
  {
    field: 'Giáo dục',
    carriedOver: 2,
    online: 19,
    inPerson: 76,
    early: 60,
    onTime: 33,
    late: 3,
    withdrawn: 0,
    inProgressWithinTime: 1,
    inProgressOverdue: 0,
  },
  {
    field: 'An toàn thực phẩm',
    carriedOver: 1,
    online: 18,
    inPerson: 27,
    early: 20,
    onTime: 22,
    late: 4,
    withdrawn: 0,
    inProgressWithinTime: 0,
    inProgressOverdue: 0,
  },
  {
    field: 'Thi đua – khen thưởng',
    carriedOver: 3,
    online: 14,
    inPerson: 56,
    early: 30,
    onTime: 35,
    late: 5,
    withdrawn: 0,
    inProgressWithinTime: 3,
    inProgressOverdue: 0,
  },
  {
    field: 'Lưu thông hàng hóa trong nước',
    carriedOver: 0,
    online: 20,
    inPerson: 28,
    early: 25,
    onTime: 20,
    late: 2,
    withdrawn: 1,
    inProgressWithinTime: 0,
    inProgressOverdue: 0,
  },
  {
    field: 'Người có công',
    carriedOver: 2,
    online: 6,
    inPerson: 54,
    early: 25,
    onTime: 30,
    late: 4,
    withdrawn: 0,
    inProgressWithinTime: 2,
    inProgressOverdue: 1,
  },
  {
    field: 'Hộ tịch',
    carriedOver: 0,
    online: 100,
    inPerson: 50,
    early: 120,
    onTime: 25,
    late: 3,
    withdrawn: 1,
    inProgressWithinTime: 1,
    inProgressOverdue: 0,
  },
  {
    field: 'Chứng thực',
    carriedOver: 0,
    online: 51,
    inPerson: 27,
    early: 70,
    onTime: 8,
    late: 0,
    withdrawn: 0,
    inProgressWithinTime: 0,
    inProgressOverdue: 0,
  },
];

/** The annex counts of a row, totals included. */
export function annexCounts(row: AnnexRow): AnnexCounts {
  const resolved = row.early + row.onTime + row.late;
  const inProgress = row.inProgressWithinTime + row.inProgressOverdue;
  return {
    carriedOver: row.carriedOver,
    online: row.online,
    inPerson: row.inPerson,
    received: row.carriedOver + row.online + row.inPerson,
    resolved,
    early: row.early,
    onTime: row.onTime,
    late: row.late,
    withdrawn: row.withdrawn,
    inProgress,
    inProgressWithinTime: row.inProgressWithinTime,
    inProgressOverdue: row.inProgressOverdue,
  };
}

type Fate = 'early' | 'onTime' | 'late' | 'withdrawn' | 'inProgressWithinTime' | 'inProgressOverdue';

const DISTRICT = { id: 'H21.65', name: 'UBND huyện Krông Pa', parentName: 'UBND tỉnh Gia Lai', place: 'Krông Pa' };

/**
 * Events that reproduce an annex for 2022 exactly: each dossier received on a working day chosen so its
 * fate is possible under the shipped rules (carried-over ones in December 2021, ones still in time at
 * the year's end in its last days), resolved early, on time or late against its legal due date,
 * withdrawn, or left open — plus noise the report must leave out (closed in 2021, received in 2023)
 * and dossiers still open at the end of 2022 that close in 2023.
 */
export function annexStream(rows: readonly AnnexRow[], rules: DeadlineRule[]): EventBridgeEnvelope[] {
  const calendar = defaultCalendar();
  const events: EventBridgeEnvelope[] = [];
  const iso = (ms: number) => calendar.formatInstant(ms);
  const dayOf = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
  const working = (from: string, to: string) => {
    const days: number[] = [];
    for (let d = dayOf(from); d <= dayOf(to); d += 1) if (calendar.isWorkingDay(d)) days.push(d);
    return days;
  };
  const envelope = (type: string, detail: Record<string, unknown>) =>
    oneDoorEnvelope(`annex-${events.length}`, type, detail);
  const yearEnd = calendar.fromLocal(dayOf('2023-01-01'), 0);
  const yearStart = calendar.fromLocal(dayOf('2022-01-01'), 0);
  let serial = 0;
  const emit = (
    field: string,
    options: { day: number; minute: number; online: boolean; fate: Fate | 'closedIn2021' | 'in2023' },
  ) => {
    serial += 1;
    const procedure = SAMPLE_FIELDS.find((f) => f.field === field)?.procedures[0];
    if (!procedure) throw new Error(`no sample procedure for ${field}`);
    const receivedAt = calendar.fromLocal(options.day, options.minute);
    const dossierId = `H21.65-${formatIsoDate(options.day).replaceAll('-', '').slice(2)}-${String(serial).padStart(4, '0')}`;
    const found = resolveRule(rules, { procedureCode: procedure.code, field, receiptDate: formatIsoDate(options.day) });
    if (!found) throw new Error(`no rule for ${field}`);
    const { dueAt } = computeDueDate(calendar, {
      receivedAt,
      rule: { duration: found.rule.duration, cutoff: found.rule.cutoff },
    });
    const dueDay = calendar.toLocal(dueAt).day;
    events.push(
      envelope('DossierReceived', {
        dossierId,
        eventId: `${dossierId}/received`,
        occurredAt: iso(receivedAt),
        procedure: { ...(procedure.code ? { code: procedure.code } : {}), name: procedure.name, field },
        agency: DISTRICT,
        receivedAt: iso(receivedAt),
        channel: options.online ? 'online' : serial % 9 === 0 ? 'postal' : 'in_person',
        applicant: { kind: 'person', name: `Người nộp ${serial}` },
        official: { id: 'cb-017', name: 'Nguyễn Văn An', email: 'an.nv@krongpa.example.vn' },
        appointmentAt: iso(dueAt),
      }),
    );
    const close = (type: 'DossierResolved' | 'DossierWithdrawn', at: number) =>
      events.push(envelope(type, { dossierId, eventId: `${dossierId}/${type}`, occurredAt: iso(at) }));
    const expect = (ok: boolean, why: string) => {
      if (!ok) throw new Error(`${field}: ${options.fate} impossible for ${dossierId} (${why})`);
    };
    switch (options.fate) {
      case 'early': {
        const at = Math.max(receivedAt + 60_000, firstMorning2022);
        expect(calendar.toLocal(at).day < dueDay && at >= yearStart && at < yearEnd, 'due the same day');
        close('DossierResolved', at);
        break;
      }
      case 'onTime': {
        const at = Math.max(receivedAt + 60_000, calendar.fromLocal(dueDay, 0) + 60_000);
        expect(
          at <= dueAt && calendar.toLocal(at).day === dueDay && at >= yearStart && at < yearEnd,
          'not on the due day',
        );
        close('DossierResolved', at);
        break;
      }
      case 'late': {
        const at = dueAt + 2 * 86_400_000;
        expect(at >= yearStart && at < yearEnd, 'late return outside 2022');
        close('DossierResolved', at);
        break;
      }
      case 'withdrawn':
        close('DossierWithdrawn', Math.max(receivedAt + 3_600_000, firstMorning2022));
        break;
      case 'closedIn2021':
        close('DossierWithdrawn', receivedAt + 3_600_000);
        break;
      case 'inProgressWithinTime':
        expect(dueAt >= yearEnd, 'falls due in 2022');
        // Returned in 2023: still in progress at the end of 2022.
        close('DossierResolved', dueAt - 60_000);
        break;
      case 'inProgressOverdue':
        expect(dueAt < yearEnd, 'not due in 2022');
        break;
      case 'in2023':
        break;
    }
  };
  const firstMorning2022 = calendar.fromLocal(working('2022-01-01', '2022-01-10')[0] as number, 8 * 60);
  const carriedDays = working('2021-12-31', '2021-12-31');
  const mainDays = working('2022-01-10', '2022-10-31');
  const lastDays = working('2022-12-30', '2022-12-30');
  rows.forEach((row) => {
    const fates: Fate[] = [
      ...Array<Fate>(row.late).fill('late'),
      ...Array<Fate>(row.inProgressOverdue).fill('inProgressOverdue'),
      ...Array<Fate>(row.early).fill('early'),
      ...Array<Fate>(row.onTime).fill('onTime'),
      ...Array<Fate>(row.withdrawn).fill('withdrawn'),
      ...Array<Fate>(row.inProgressWithinTime).fill('inProgressWithinTime'),
    ];
    let online = row.online;
    fates.forEach((fate, i) => {
      const carried = i < row.carriedOver;
      const days = carried ? carriedDays : fate === 'inProgressWithinTime' ? lastDays : mainDays;
      const day = days[(i * 7) % days.length] as number;
      const isOnline = !carried && online > 0 && (fate === 'early' || fates.length - i <= online);
      if (isOnline) online -= 1;
      // In person during office hours; online ones early in the morning so "early" stays possible.
      // Carried over into 2022, or still in time at its end: received after closing on a year's last
      // working day, so the clock starts in the next year.
      // Returned early: received after the 15:00 cut-off, so even a same-day procedure falls due the
      // next working day.
      const minute =
        carried || fate === 'inProgressWithinTime'
          ? 17 * 60 + 30
          : fate === 'early'
            ? 15 * 60 + 30
            : isOnline
              ? 7 * 60
              : 8 * 60 + (i % 5) * 30;
      emit(row.field, { day, minute, online: isOnline, fate });
    });
    if (online !== 0) throw new Error(`${row.field}: ${online} online dossiers not placed`);
    // Noise the 2022 report must leave out.
    emit(row.field, {
      day: working('2021-06-01', '2021-06-30')[0] as number,
      minute: 540,
      online: false,
      fate: 'closedIn2021',
    });
    emit(row.field, {
      day: working('2023-01-03', '2023-01-31')[0] as number,
      minute: 540,
      online: true,
      fate: 'in2023',
    });
  });
  return events;
}
