import { formatCount } from '../letters/vietnamese-format.ts';
import { vnDate } from '../reports/report-tables.ts';
import type { AuditProblem } from './audit-chain.ts';

/** What `dunghan verify` found (shared/use-cases/verify-dossiers.ts). */
export interface VerifyReport {
  from: string;
  to: string;
  /** Each day of the range: its entries, whether it is anchored, the shards changed since anchored. */
  days: {
    day: string;
    entries: number;
    anchored: boolean;
    changedShards: string[];
    /** The day under way: its latest checkpoint, and the entries written after it (unanchored). */
    checkpoint?: string | undefined;
    tail?: { entries: number; from?: string | undefined; to?: string | undefined } | undefined;
  }[];
  /** Dossiers with a change in the range: each was verified. */
  verified: number;
  passed: number;
  failed: { dossierId: string; problems: AuditProblem[] }[];
  /** Dossiers whose log holds events not folded yet (a delivery in flight): their fields wait. */
  pending: string[];
  entries: number;
  /** Entries of writers that lost the race for a version (harmless). */
  orphans: number;
  anchorLocation: string;
  /** The configuration (rules, calendars, units, people) against its chain (issue #31). */
  config?: { checked: boolean; problems: AuditProblem[] } | undefined;
}

/** An instant as `HH:mm dd/mm/yyyy`, Vietnam time. */
function timeVn(iso: string): string {
  const local = new Date(Date.parse(iso) + 7 * 3_600_000).toISOString();
  return `${local.slice(11, 16)} ${vnDate(local.slice(0, 10))}`;
}

/** The findings as the text a supervisor reads: counts first, then each day changed, then each dossier. */
export function renderVerifyText(report: VerifyReport): string {
  const anchored = report.days.filter((d) => d.anchored);
  const changed = report.days.filter((d) => d.changedShards.length > 0);
  const lines = [
    'KIỂM TRA TÍNH TOÀN VẸN CỦA HỒ SƠ (dunghan verify)',
    `Khoảng kiểm tra: từ ${vnDate(report.from)} đến ${vnDate(report.to)}; nơi neo nhật ký: ${report.anchorLocation}`,
    `Đã kiểm tra ${formatCount(report.verified)} hồ sơ có thay đổi trong khoảng (${formatCount(report.entries)} mục nhật ký): ${formatCount(report.passed)} khớp, ${formatCount(report.failed.length)} không khớp.`,
    `Ngày đã neo: ${formatCount(anchored.length)}/${formatCount(report.days.length)}; ngày có nhật ký bị thay đổi sau khi neo (hoặc sau mốc trong ngày): ${
      changed.length === 0
        ? 'không có'
        : changed.map((d) => `${vnDate(d.day)} (phân mảnh ${d.changedShards.join(', ')})`).join('; ')
    }.`,
  ];
  if (report.config)
    lines.push(
      !report.config.checked
        ? 'Cấu hình (quy tắc, lịch, đơn vị, người dùng): chưa có chuỗi nhật ký để đối chiếu.'
        : report.config.problems.length === 0
          ? 'Cấu hình (quy tắc, lịch, đơn vị, người dùng): khớp chuỗi nhật ký.'
          : `Cấu hình (quy tắc, lịch, đơn vị, người dùng) KHÔNG khớp chuỗi nhật ký: ${report.config.problems.map((p) => p.message).join(' ')}`,
    );
  if (report.pending.length > 0)
    lines.push(
      `${formatCount(report.pending.length)} hồ sơ có sự kiện đang chờ xử lý (chưa tính vào bản ghi), kiểm tra lại sau: ${report.pending.join(', ')}.`,
    );
  if (report.orphans > 0)
    lines.push(`${formatCount(report.orphans)} mục nhật ký của lần ghi bị hủy do ghi đồng thời (không phải lỗi).`);
  const unanchored = report.days.filter((d) => !d.anchored && d.entries > 0 && !d.checkpoint);
  if (unanchored.length > 0)
    lines.push(
      `Chưa neo (hôm nay, hoặc việc neo hằng ngày chưa chạy): ${unanchored.map((d) => vnDate(d.day)).join(', ')}.`,
    );
  for (const d of report.days.filter((x) => x.checkpoint)) {
    const tail = d.tail ?? { entries: 0 };
    lines.push(
      `${vnDate(d.day)} chưa neo cả ngày: đã đối chiếu với mốc ${timeVn(d.checkpoint as string)}; ${formatCount(tail.entries)} mục ghi sau mốc chưa được neo${
        tail.from && tail.to ? ` (từ ${timeVn(tail.from)} đến ${timeVn(tail.to)})` : ''
      }.`,
    );
  }
  if (report.failed.length > 0) {
    lines.push('', 'Hồ sơ không khớp nhật ký:');
    for (const f of report.failed) {
      lines.push(`- ${f.dossierId}:`);
      for (const p of f.problems) lines.push(`    • ${p.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
