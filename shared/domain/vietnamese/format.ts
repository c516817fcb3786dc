import type { WorkingCalendar } from '../calendar/working-calendar.ts';

/*
 * How Vietnamese writes numbers, dates, times and durations (issue #33: a room of its own, read by letters,
 * reports, pages and the demo alike — dd/mm/yyyy in Asia/Ho_Chi_Minh time).
 */

const vnNumber = new Intl.NumberFormat('vi-VN');

/** "1.716" — numbers as Vietnamese write them (reports, mails, the demo's summary). */
export function formatCount(n: number): string {
  return vnNumber.format(n);
}

/** Day and month as NĐ 30/2020 writes them: a leading zero for days below 10 and for months 1 and 2. */
export function dayMonthYear(calendar: WorkingCalendar, instant: number): { day: string; month: string; year: string } {
  const local = new Date(calendar.toLocal(instant).day * 86_400_000);
  const d = local.getUTCDate();
  const m = local.getUTCMonth() + 1;
  return {
    day: d < 10 ? `0${d}` : String(d),
    month: m <= 2 ? `0${m}` : String(m),
    year: String(local.getUTCFullYear()),
  };
}

/** "ngày 05 tháng 01 năm 2026". */
export function ngayThangNam(calendar: WorkingCalendar, instant: number): string {
  const { day, month, year } = dayMonthYear(calendar, instant);
  return `ngày ${day} tháng ${month} năm ${year}`;
}

/** "17 giờ 00 phút, ngày 25 tháng 4 năm 2022". */
export function gioPhutNgay(calendar: WorkingCalendar, instant: number): string {
  const minute = Math.round(calendar.toLocal(instant).minute);
  const h = Math.floor(minute / 60);
  const m = minute % 60;
  return `${String(h).padStart(2, '0')} giờ ${String(m).padStart(2, '0')} phút, ${ngayThangNam(calendar, instant)}`;
}

/** "17:00 ngày 25/04/2022" — compact, for digests. */
export function shortDateTime(calendar: WorkingCalendar, instant: number): string {
  const iso = calendar.formatInstant(instant);
  return `${iso.slice(11, 16)} ngày ${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

/** Upper case the Vietnamese way (đ → Đ). */
export function upper(text: string): string {
  return text.toLocaleUpperCase('vi');
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Working time between two instants, in Vietnamese: "2 ngày 3 giờ làm việc". */
export function workingTimeVi(calendar: WorkingCalendar, from: number, to: number): string {
  const minutes = Math.abs(calendar.officePositionOfInstant(to) - calendar.officePositionOfInstant(from));
  const days = Math.floor(minutes / calendar.officeMinutesPerDay);
  const hours = Math.round((minutes - days * calendar.officeMinutesPerDay) / 60);
  if (days === 0 && hours === 0) return 'dưới 1 giờ làm việc';
  return `${[days > 0 ? `${days} ngày` : '', hours > 0 ? `${hours} giờ` : ''].filter(Boolean).join(' ')} làm việc`;
}

/**
 * A real calendar date as people type it — `dd/mm/yyyy` as Vietnamese readers write it, or `YYYY-MM-DD` —
 * as `YYYY-MM-DD`; undefined when it is neither or not a real date (31/02).
 */
export function enteredDate(text: string): string | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  const vn = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
  const [y, m, d] = iso
    ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    : vn
      ? [Number(vn[3]), Number(vn[2]), Number(vn[1])]
      : [Number.NaN, Number.NaN, Number.NaN];
  if (Number.isNaN(y) || y < 1000) return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return date.toISOString().slice(0, 10);
}
