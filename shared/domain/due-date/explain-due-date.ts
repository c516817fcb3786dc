import {
  formatIsoDate,
  formatTimeOfDay,
  formatVietnameseDate,
  type IsoDate,
  vietnameseWeekday,
  yearOf,
} from '../calendar/local-date.ts';
import type { NonWorkingKind, WorkingCalendar } from '../calendar/working-calendar.ts';
import {
  cutoffMinute,
  type DueDate,
  type DueDateRequest,
  mergeSuspensions,
  type ReceiptReason,
} from './compute-due-date.ts';
import { type Duration, describeDurationVi } from './duration.ts';

/** A day the count passed over, and why. */
export interface SkippedDay {
  date: IsoDate;
  weekday: string;
  kind: NonWorkingKind;
  name: string;
  provisional: boolean;
}

/** Why a due date is what it is: structured for machines, and `text` in Vietnamese for people. */
export interface DueDateExplanation {
  receipt: {
    localDate: IsoDate;
    localTime: string;
    weekday: string;
    reason: ReceiptReason;
    cutoff: string;
    /** Set when the receipt day itself is a day off. */
    dayOff?: { kind: NonWorkingKind; name: string };
  };
  effectiveReceiptDate: IsoDate;
  duration: Duration & { text: string };
  /** Non-working days between the receipt day and the due day (inclusive), in order. */
  skippedDays: SkippedDay[];
  /** Normally closed days counted as working days (ngày làm bù). */
  makeUpDays: { date: IsoDate; name: string }[];
  suspensions: { from: string; to: string | null; addedMinutes: number }[];
  provisionalYears: number[];
  dueAt: string;
  text: string[];
}

const KIND_VI: Record<NonWorkingKind, string> = {
  weekend: 'ngày nghỉ hằng tuần',
  holiday: 'nghỉ lễ, Tết',
  compensatory: 'nghỉ bù',
  swapped: 'nghỉ hoán đổi',
};

/** Explains a computed due date: the effective receipt day and every day skipped, with its name. */
export function explainDueDate(calendar: WorkingCalendar, request: DueDateRequest, due: DueDate): DueDateExplanation {
  const local = calendar.toLocal(request.receivedAt);
  const cutoff = formatTimeOfDay(cutoffMinute(calendar, request.rule.cutoff));
  const receiptStatus = calendar.dayStatus(local.day);
  const skipped: SkippedDay[] = calendar.nonWorkingDaysBetween(local.day, due.dueDay).map((d) => ({
    date: d.date,
    weekday: vietnameseWeekday(dayNumber(d.date)),
    kind: d.kind ?? 'weekend',
    name: d.name ?? (vietnameseWeekday(dayNumber(d.date)) === 'Chủ nhật' ? 'Chủ nhật' : 'Thứ Bảy'),
    provisional: d.provisional,
  }));
  const makeUps = calendar
    .makeUpDaysBetween(local.day, due.dueDay)
    .map((d) => ({ date: d.date, name: d.name ?? 'Ngày làm bù' }));
  const provisionalYears: number[] = [];
  for (let year = yearOf(local.day); year <= yearOf(due.dueDay); year += 1) {
    if (calendar.isProvisional(year)) provisionalYears.push(year);
  }
  const suspensions = mergeSuspensions(request.suspensions ?? [], request.asOf).map((s) => ({
    from: calendar.formatInstant(s.from),
    to: s.open ? null : calendar.formatInstant(s.to),
    addedMinutes: Math.max(
      0,
      calendar.officePositionOfInstant(s.to) -
        Math.max(calendar.officePositionOfInstant(s.from), calendar.officePositionOfInstant(due.clockStartsAt)),
    ),
  }));
  const explanation: DueDateExplanation = {
    receipt: {
      localDate: formatIsoDate(local.day),
      localTime: formatTimeOfDay(Math.floor(local.minute)),
      weekday: vietnameseWeekday(local.day),
      reason: due.receiptReason,
      cutoff,
      ...(receiptStatus.working
        ? {}
        : {
            dayOff: { kind: receiptStatus.kind ?? 'weekend', name: receiptStatus.name ?? vietnameseWeekday(local.day) },
          }),
    },
    effectiveReceiptDate: due.effectiveReceiptDate,
    duration: { ...request.rule.duration, text: describeDurationVi(request.rule.duration) },
    skippedDays: skipped,
    makeUpDays: makeUps,
    suspensions,
    provisionalYears,
    dueAt: calendar.formatInstant(due.dueAt),
    text: [],
  };
  explanation.text = describeVi(calendar, due, explanation);
  return explanation;
}

function dayNumber(date: IsoDate): number {
  return Date.parse(`${date}T00:00:00Z`) / 86_400_000;
}

function longDate(day: number): string {
  return `${vietnameseWeekday(day)}, ${formatVietnameseDate(day)}`;
}

function describeVi(calendar: WorkingCalendar, due: DueDate, e: DueDateExplanation): string[] {
  const lines: string[] = [];
  const receiptDay = dayNumber(e.receipt.localDate);
  const effectiveDay = due.effectiveReceiptDay;
  lines.push(`Hồ sơ nhận lúc ${e.receipt.localTime} ${longDate(receiptDay)}.`);
  const next = `nên được tính là nhận vào ngày làm việc tiếp theo: ${longDate(effectiveDay)}`;
  switch (e.receipt.reason) {
    case 'working_day_before_cutoff':
      lines.push(`Nhận trước ${e.receipt.cutoff} của ngày làm việc nên ngày nhận là ${longDate(effectiveDay)}.`);
      break;
    case 'after_cutoff':
      lines.push(`Nhận từ ${e.receipt.cutoff} trở đi ${next}.`);
      break;
    case 'non_working_day':
      lines.push(
        `Ngày nhận là ngày không làm việc (${e.receipt.dayOff ? describeDayOff(e.receipt.dayOff) : 'ngày nghỉ'}) ${next}.`,
      );
      break;
    case 'in_office_hours':
      lines.push('Nhận trong giờ hành chính: thời hạn tính từ thời điểm nhận.');
      break;
    case 'before_opening':
      lines.push(`Nhận trước giờ làm việc: thời hạn tính từ ${formatTimeOfDay(calendar.openingMinute)} cùng ngày.`);
      break;
    case 'lunch_break':
      lines.push('Nhận trong giờ nghỉ trưa: thời hạn tính từ đầu buổi làm việc chiều.');
      break;
    case 'outside_office_hours':
      lines.push(`Nhận ngoài giờ hành chính ${next}.`);
      break;
  }
  if (e.duration.unit === 'working_hours') {
    lines.push(`Thời hạn giải quyết: ${e.duration.text}, tính theo giờ hành chính.`);
  } else if (e.duration.unit === 'working_days' && e.duration.amount === 0) {
    lines.push('Thời hạn giải quyết: trong ngày làm việc nhận hồ sơ.');
  } else {
    lines.push(
      `Thời hạn giải quyết: ${e.duration.text}, không tính ngày nhận hồ sơ (Bộ luật Dân sự 2015 Điều 147)${
        e.duration.unit === 'calendar_days'
          ? '; nếu ngày cuối là ngày nghỉ thì chuyển sang ngày làm việc tiếp theo (Điều 148)'
          : ''
      }.`,
    );
  }
  if (e.skippedDays.length > 0) {
    const listed = e.skippedDays.map(
      (d) => `${formatVietnameseDate(dayNumber(d.date))} (${d.weekday}${d.kind === 'weekend' ? '' : ` – ${d.name}`})`,
    );
    lines.push(`Các ngày không làm việc không được tính: ${listed.join('; ')}.`);
  }
  for (const makeUp of e.makeUpDays) {
    lines.push(
      `Ngày ${formatVietnameseDate(dayNumber(makeUp.date))} (Thứ Bảy) là ngày làm bù, được tính là ngày làm việc.`,
    );
  }
  for (const s of e.suspensions) {
    if (s.addedMinutes > 0) {
      lines.push(
        `Thời gian tạm dừng (không tính vào thời hạn) từ ${s.from} ${s.to ? `đến ${s.to}` : 'đến nay'}: cộng thêm ${formatMinutesVi(s.addedMinutes)}.`,
      );
    }
  }
  const dueLocal = calendar.toLocal(due.dueAt);
  lines.push(`Hạn trả kết quả: ${formatTimeOfDay(Math.round(dueLocal.minute))} ${longDate(dueLocal.day)}.`);
  if (e.provisionalYears.length > 0) {
    lines.push(
      `Lưu ý: lịch nghỉ năm ${e.provisionalYears.join(', ')} là lịch dự kiến (chưa có thông báo chính thức); hạn có thể thay đổi khi cập nhật lịch.`,
    );
  }
  return lines;
}

function describeDayOff(dayOff: { kind: NonWorkingKind; name: string }): string {
  return dayOff.kind === 'weekend' ? dayOff.name : `${KIND_VI[dayOff.kind]}: ${dayOff.name}`;
}

function formatMinutesVi(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = Math.round(minutes % 60);
  if (hours === 0) return `${rest} phút làm việc`;
  return rest === 0 ? `${hours} giờ làm việc` : `${hours} giờ ${rest} phút làm việc`;
}
