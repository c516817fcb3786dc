import { formatCount } from '../shared/domain/vietnamese/format.ts';
import type { LocalRuntime } from './local-runtime.ts';

/*
 * What `npm start` prints at the end: the sample's dossiers counted per field, as a text table with
 * Vietnamese headers that fits the terminal.
 */

export interface FieldSummary {
  field: string;
  received: number;
  early: number;
  onTime: number;
  late: number;
  /** Still being handled at the end, within time; with `overdueNow` and `closedOtherwise` the row adds up to `received`. */
  inProgress: number;
  overdueNow: number;
  /** Withdrawn or refused. */
  closedOtherwise: number;
  drafted: number;
  approved: number;
  issued: number;
  missing: number;
  withoutAppointment: number;
}

/** A field's row before any dossier is counted. */
function emptySummary(field: string): FieldSummary {
  return {
    field,
    received: 0,
    early: 0,
    onTime: 0,
    late: 0,
    inProgress: 0,
    overdueNow: 0,
    closedOtherwise: 0,
    drafted: 0,
    approved: 0,
    issued: 0,
    missing: 0,
    withoutAppointment: 0,
  };
}

/** The dossiers of the sample, counted per field at the simulation's last instant. */
export async function summarise(runtime: LocalRuntime, dossiers: string[], now: number): Promise<FieldSummary[]> {
  const byField = new Map<string, FieldSummary>();
  for (const id of dossiers) {
    const { record } = await runtime.store.load(id);
    const received = record?.state.received;
    if (!record || !received) continue;
    const field = received.procedure.field;
    const row = byField.get(field) ?? emptySummary(field);
    row.received += 1;
    const { state } = record;
    if (state.result === 'early') row.early += 1;
    if (state.result === 'on_time') row.onTime += 1;
    if (state.result === 'late') row.late += 1;
    const overdue =
      ['open', 'suspended', 'awaiting_supplement'].includes(state.status) &&
      !!state.dueAt &&
      Date.parse(state.dueAt) < now;
    const inProgress = ['open', 'suspended', 'awaiting_supplement', 'awaiting_receipt'].includes(state.status);
    if (overdue) row.overdueNow += 1;
    else if (inProgress) row.inProgress += 1;
    if (state.status === 'withdrawn' || state.status === 'refused') row.closedOtherwise += 1;
    if (record.apology.status !== 'none') row.drafted += 1;
    if (record.apology.status === 'approved' || record.apology.status === 'issued') row.approved += 1;
    if (record.apology.status === 'issued') row.issued += 1;
    if ((state.result === 'late' || overdue) && record.apology.status !== 'issued') row.missing += 1;
    if (state.violations.some((v) => v.code === 'receipt_without_appointment')) row.withoutAppointment += 1;
    byField.set(field, row);
  }
  return [...byField.values()].sort((a, b) => b.received - a.received);
}

const num = formatCount;

/**
 * The per-field summary as a text table with Vietnamese headers. Given a terminal's width narrower than
 * the table, the field names are shortened and the counts go into as many tables one under the other as
 * the width needs, each led by the field: nothing wraps.
 */
export function summaryTable(fields: FieldSummary[], width = Number.POSITIVE_INFINITY): string {
  const headers = [
    'Lĩnh vực',
    'Tiếp nhận',
    'Trước hạn',
    'Đúng hạn',
    'Trễ hạn',
    'Đang giải quyết',
    'Đang quá hạn',
    'Rút, từ chối',
    'PXL soạn',
    'PXL duyệt',
    'PXL đã gửi',
    'PXL thiếu',
    'Không hẹn',
  ];
  const total = totalOf(fields);
  const rows = [...fields, total].map((f) => [
    shorten(f.field, 40),
    ...[
      f.received,
      f.early,
      f.onTime,
      f.late,
      f.inProgress,
      f.overdueNow,
      f.closedOtherwise,
      f.drafted,
      f.approved,
      f.issued,
      f.missing,
      f.withoutAppointment,
    ].map(num),
  ]);
  return fitTable(headers, rows, width);
}

/** `text` cut to `max` characters, an ellipsis marking the cut. */
function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

/** The columns after the first, in order, in blocks no wider than `limit` with the first column leading each. */
function packColumns(widths: readonly number[], limit: number, separator: number): number[][] {
  const blocks: number[][] = [];
  let used = 0;
  for (let i = 1; i < widths.length; i += 1) {
    const need = separator + (widths[i] ?? 0);
    if (blocks.length === 0 || used + need > limit) {
      blocks.push([]);
      used = widths[0] ?? 0;
    }
    blocks.at(-1)?.push(i);
    used += need;
  }
  return blocks;
}

/** The "Tổng cộng" row: every count summed over the fields. */
function totalOf(fields: readonly FieldSummary[]): FieldSummary {
  const total = emptySummary('Tổng cộng');
  const counts = Object.keys(total).filter((k) => k !== 'field') as Exclude<keyof FieldSummary, 'field'>[];
  for (const f of fields) for (const k of counts) total[k] += f[k];
  return total;
}

/**
 * The rows under their headers in as few blocks as fit the width (each led by the field, shortened
 * when the table is too wide): nothing wraps.
 */
function fitTable(headers: readonly string[], rows: string[][], width: number): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const SEPARATOR = 3; // ' │ '
  const full = widths.reduce((sum, w) => sum + w, 0) + SEPARATOR * (widths.length - 1);
  if (full > width) {
    const FIELD_NARROW = 24;
    if ((widths[0] ?? 0) > FIELD_NARROW) {
      widths[0] = FIELD_NARROW;
      for (const row of rows) row[0] = shorten(row[0] ?? '', FIELD_NARROW);
    }
  }
  // Columns after the field in as few blocks as fit the width, each led by the field; then evened out:
  // the narrowest limit that needs no more blocks.
  let blocks = packColumns(widths, width, SEPARATOR);
  for (let limit = Math.min(width, full) - 1; limit > 0; limit -= 1) {
    const tighter = packColumns(widths, limit, SEPARATOR);
    if (tighter.length > blocks.length) break;
    blocks = tighter;
  }
  const table = (columns: number[]) => {
    const pick = (cells: readonly string[]) => [0, ...columns].map((i) => [cells[i] ?? '', widths[i] ?? 0, i] as const);
    const line = (cells: readonly string[]) =>
      pick(cells)
        .map(([c, w, i]) => (i === 0 ? c.padEnd(w) : c.padStart(w)))
        .join(' │ ');
    const rule = [0, ...columns].map((i) => '─'.repeat(widths[i] ?? 0)).join('─┼─');
    return [line(headers), rule, ...rows.slice(0, -1).map(line), rule, line(rows.at(-1) ?? [])].join('\n');
  };
  return blocks.map(table).join('\n\n');
}
