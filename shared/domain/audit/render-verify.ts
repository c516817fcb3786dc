import { vnDate } from '../reports/report-tables.ts';
import { formatCount } from '../vietnamese/format.ts';
import type { AuditProblem, VerificationMark } from './audit-chain.ts';

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
  /**
   * Writes cut between their entry and their record (a crash) or raced by another writer: `completed`,
   * the next write finished them (their entries are orphans); `waiting`, the record is one version behind
   * its chain and its events are there: the redelivery will complete it. Neither is a change.
   */
  interrupted: { completed: string[]; waiting: string[] };
  entries: number;
  /** Entries of writers that lost the race for a version (harmless). */
  orphans: number;
  anchorLocation: string;
  /** Where the range went on from: the last clean verification (a plain verify). */
  resumedFrom?: VerificationMark | undefined;
  /** The last day of an unbroken run of anchored days verified clean from the start (none: a finding). */
  cleanThrough?: { day: string; head: string } | undefined;
  /** The verification mark this run wrote (the next plain verify goes on from the day after it). */
  marked?: VerificationMark | undefined;
  /** Why the mark could not be written (the next plain verify goes on from the one before). */
  markFailed?: string | undefined;
  /** The configuration (rules, calendars, units, people) against its chain (issue #31). */
  config?: { checked: boolean; problems: AuditProblem[] } | undefined;
}

/** An instant as `HH:mm dd/mm/yyyy`, Vietnam time. */
function timeVn(iso: string): string {
  const local = new Date(Date.parse(iso) + 7 * 3_600_000).toISOString();
  return `${local.slice(11, 16)} ${vnDate(local.slice(0, 10))}`;
}

/** Dossier codes for a line of text: the first twenty, and how many more. */
function listed(ids: readonly string[]): string {
  const shown = ids.slice(0, 20).join(', ');
  return ids.length > 20 ? `${shown} và ${formatCount(ids.length - 20)} hồ sơ khác` : shown;
}

/** The findings as the text a supervisor reads: counts first, then each day changed, then each dossier. */
export function renderVerifyText(report: VerifyReport): string {
  const anchored = report.days.filter((d) => d.anchored);
  const changed = report.days.filter((d) => d.changedShards.length > 0);
  const lines = [
    'KIỂM TRA TÍNH TOÀN VẸN CỦA HỒ SƠ (dunghan verify)',
    `Khoảng kiểm tra: từ ${vnDate(report.from)} đến ${vnDate(report.to)}; nơi neo nhật ký: ${report.anchorLocation}`,
    ...(report.resumedFrom
      ? [
          `Tiếp tục sau lần kiểm tra không phát hiện sai lệch lúc ${timeVn(report.resumedFrom.at)} (đã kiểm tra đến hết ${vnDate(report.resumedFrom.verifiedTo)}); kiểm tra lại từ đầu: dunghan verify --all.`,
        ]
      : []),
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
      `${formatCount(report.pending.length)} hồ sơ có sự kiện đang chờ xử lý (chưa tính vào bản ghi), kiểm tra lại sau: ${listed(report.pending)}.`,
    );
  const { completed, waiting } = report.interrupted;
  if (completed.length > 0)
    lines.push(
      `Gián đoạn, đã hoàn tất (không phải sửa đổi): ${formatCount(completed.length)} hồ sơ có lần ghi bị cắt giữa chừng (máy dừng giữa hai lần ghi) hoặc bị một lần ghi đồng thời vượt trước, rồi được lần ghi sau hoàn tất; ${formatCount(report.orphans)} mục nhật ký của các lần ghi đó không được dùng: ${listed(completed)}.`,
    );
  if (waiting.length > 0)
    lines.push(
      `Gián đoạn, đang chờ hoàn tất (không phải sửa đổi): ${formatCount(waiting.length)} hồ sơ có lần ghi đã vào nhật ký nhưng chưa vào bản ghi; lần gửi lại sự kiện sẽ hoàn tất: ${listed(waiting)}.`,
    );
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
  if (report.marked)
    lines.push(
      `Đã ghi mốc kiểm tra: không có sai lệch đến hết ${vnDate(report.marked.verifiedTo)}; lần kiểm tra sau tiếp tục từ ngày kế tiếp.`,
    );
  if (report.markFailed)
    lines.push(`Không ghi được mốc kiểm tra (${report.markFailed}): lần kiểm tra sau sẽ tiếp tục từ mốc trước đó.`);
  if (report.failed.length > 0) {
    lines.push('', 'Hồ sơ không khớp nhật ký:');
    for (const f of report.failed) {
      lines.push(`- ${f.dossierId}:`);
      for (const p of f.problems) lines.push(`    • ${p.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
