import { vietnamDay } from '../../support/vietnam-time.ts';
import type { DossierRecord } from '../dossier/dossier-record.ts';
import type { DossierState } from '../dossier/dossier-state.ts';
import { type ReportRow, reportRowOf } from '../reports/report-row.ts';
import { vnDateTime } from '../reports/report-tables.ts';
import type { AuditProblem } from './audit-chain.ts';

/** The fields of a record that must follow from its event log, as a supervisor names them. */
const FIELDS: { key: 'status' | 'resolvedAt' | 'closedAt' | 'returnedAt'; label: string }[] = [
  { key: 'status', label: 'trạng thái' },
  { key: 'resolvedAt', label: 'ngày giải quyết xong' },
  { key: 'returnedAt', label: 'ngày trả kết quả' },
  { key: 'closedAt', label: 'ngày kết thúc' },
];

const WORDS: Record<string, string> = {
  early: 'trước hạn',
  on_time: 'đúng hạn',
  late: 'quá hạn',
  open: 'đang giải quyết',
  suspended: 'tạm dừng',
  awaiting_supplement: 'chờ bổ sung',
  awaiting_receipt: 'chưa tiếp nhận',
  resolved: 'đã giải quyết',
  withdrawn: 'rút hồ sơ',
  refused: 'từ chối',
};

/** A value as a supervisor reads it: instants as dd/mm/yyyy HH:mm (Vietnam time), states in words. */
function show(value: unknown): string {
  if (value === undefined || value === null) return '(không có)';
  const text = String(value);
  if (/^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(Date.parse(text))) return vnDateTime(text);
  return WORDS[text] ?? text;
}

/**
 * Whether a record follows from its event log (ADR 0021): the log must hold every event the record was
 * folded from, and folding it again must give the same status, finish instants and receipt; the result
 * must be what the finish instant and the record's own legal due date give. `pending` when the log holds
 * events the record has not folded yet (a delivery in flight), which is not a fault.
 */
export function checkAgainstEvents(
  record: DossierRecord,
  refolded: DossierState,
  logCount: number,
): { pending: boolean; problems: AuditProblem[] } {
  const folded = record.folded?.count;
  if (folded !== undefined && logCount < folded) {
    return {
      pending: false,
      problems: [
        {
          code: 'events_missing',
          message: `Nhật ký sự kiện chỉ còn ${logCount} sự kiện, bản ghi được tính từ ${folded}: có sự kiện đã bị xóa.`,
        },
      ],
    };
  }
  if (folded !== undefined && logCount > folded) return { pending: true, problems: [] };
  const problems: AuditProblem[] = [];
  const { state } = record;
  for (const { key, label } of FIELDS) {
    if (show(state[key]) === show(refolded[key])) continue;
    problems.push({
      code: 'field_mismatch',
      field: key,
      message: `${label} (${key}): bản ghi ghi ${show(state[key])}, các sự kiện cho ${show(refolded[key])}.`,
    });
  }
  if (show(state.received?.receivedAt) !== show(refolded.received?.receivedAt)) {
    problems.push({
      code: 'field_mismatch',
      field: 'receivedAt',
      message: `ngày tiếp nhận (receivedAt): bản ghi ghi ${show(state.received?.receivedAt)}, các sự kiện cho ${show(refolded.received?.receivedAt)}.`,
    });
  }
  const expected = resultOf(state);
  if (show(state.result) !== show(expected)) {
    problems.push({
      code: 'result_mismatch',
      field: 'result',
      message: `kết quả (result): bản ghi ghi ${show(state.result)}, nhưng giải quyết xong ${show(state.resolvedAt)} so với hạn ${show(state.dueAt)} là ${show(expected)}.`,
    });
  }
  return { pending: false, problems };
}

/**
 * Early, on time or late, from the finish instant and the legal due date the record holds (the due
 * date itself is protected by the chain: it depends on the calendar version that computed it).
 */
function resultOf(state: DossierState): DossierState['result'] {
  if (state.status !== 'resolved' || !state.resolvedAt || !state.dueAt) return state.result;
  const at = Date.parse(state.resolvedAt);
  const due = Date.parse(state.dueAt);
  if (at > due) return 'late';
  // Early means finished on an earlier day than the due date (Vietnam time), as the fold decides it.
  return vietnamDay(at) < vietnamDay(due) ? 'early' : 'on_time';
}

/** The report row stored beside the record must be the one the record gives (reports read only rows). */
export function checkReportRow(record: DossierRecord, stored: ReportRow | undefined): AuditProblem[] {
  const expected = reportRowOf(record);
  if (!expected && !stored) return [];
  const keys = new Set([...Object.keys(expected ?? {}), ...Object.keys(stored ?? {})]);
  const differ = [...keys].filter(
    (k) =>
      JSON.stringify((expected as Record<string, unknown> | undefined)?.[k]) !==
      JSON.stringify((stored as Record<string, unknown> | undefined)?.[k]),
  );
  if (differ.length === 0) return [];
  return [
    {
      code: 'report_row_mismatch',
      field: differ.join(','),
      message: `Dòng báo cáo không khớp bản ghi (${differ.join(', ')}): số liệu báo cáo của hồ sơ đã bị sửa riêng.`,
    },
  ];
}
