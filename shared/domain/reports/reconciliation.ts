import { vietnamDay } from '../../support/vietnam-time.ts';
import type { ReportTable } from './report-tables.ts';

/*
 * Two sources of the same period compared per unit and month (issue #17): the store against an export or
 * the desk's register kept as a spreadsheet, or two exports — the table the seed report's supervisors
 * built by hand ("4,613 dossiers on paper, 378 on the portal").
 */

/** One dossier as a source has it. */
export interface SourceDossier {
  id: string;
  unitId?: string | undefined;
  unitName?: string | undefined;
  receivedAt: number;
  /** It reached the store through the portal sync feed (the store only). */
  viaSync?: boolean | undefined;
}

export interface SourceSummary {
  label: string;
  /** Rows of a file that could not be read as a dossier (with the first reasons). */
  unreadable: number;
}

interface Counts {
  a: number;
  b: number;
  onlyA: number;
  onlyB: number;
  aViaSync: number;
}

export interface Reconciliation {
  period: { from: string; to: string };
  a: SourceSummary & { dossiers: number; viaSync: number; isStore: boolean };
  b: SourceSummary & { dossiers: number };
  rows: { unit: string; month: string; counts: Counts }[];
  total: Counts;
  /** The dossiers in one source only, by code (the first {@link MAX_LISTED} of them). */
  onlyIn: { id: string; unit: string; month: string; side: 'A' | 'B' }[];
  onlyInCount: number;
}

export const MAX_LISTED = 5000;

/** Compares two sources' dossiers received in [start, end) (epoch ms). Each source is read once. */
export async function reconcile(
  a: { summary: SourceSummary; isStore: boolean; dossiers: AsyncIterable<SourceDossier> },
  b: { summary: SourceSummary; dossiers: AsyncIterable<SourceDossier> },
  period: { from: string; to: string; start: number; end: number },
  unitName: (id: string) => string | undefined,
): Promise<Reconciliation> {
  const inPeriod = (d: SourceDossier) => d.receivedAt >= period.start && d.receivedAt < period.end;
  const label = (d: SourceDossier) =>
    d.unitId ? (unitName(d.unitId) ?? d.unitName ?? d.unitId) : (d.unitName ?? '(không rõ đơn vị)');
  const keyOf = (d: SourceDossier) => ({ unit: label(d), month: vietnamDay(d.receivedAt).slice(0, 7) });
  const sideA = new Map<string, { unit: string; month: string }>();
  let aViaSync = 0;
  const rows = new Map<string, { unit: string; month: string; counts: Counts }>();
  const row = (k: { unit: string; month: string }) => {
    const id = `${k.unit}\u0000${k.month}`;
    let r = rows.get(id);
    if (!r) {
      r = { ...k, counts: { a: 0, b: 0, onlyA: 0, onlyB: 0, aViaSync: 0 } };
      rows.set(id, r);
    }
    return r;
  };
  for await (const d of a.dossiers) {
    if (!inPeriod(d) || sideA.has(d.id)) continue;
    const k = keyOf(d);
    sideA.set(d.id, k);
    const r = row(k);
    r.counts.a += 1;
    if (d.viaSync) {
      r.counts.aViaSync += 1;
      aViaSync += 1;
    }
  }
  const seenB = new Set<string>();
  const onlyIn: Reconciliation['onlyIn'] = [];
  let onlyInCount = 0;
  const listed = (entry: Reconciliation['onlyIn'][number]) => {
    onlyInCount += 1;
    if (onlyIn.length < MAX_LISTED) onlyIn.push(entry);
  };
  for await (const d of b.dossiers) {
    if (!inPeriod(d) || seenB.has(d.id)) continue;
    seenB.add(d.id);
    const k = keyOf(d);
    row(k).counts.b += 1;
    if (!sideA.has(d.id)) {
      row(k).counts.onlyB += 1;
      listed({ id: d.id, ...k, side: 'B' });
    }
  }
  for (const [id, k] of sideA) {
    if (seenB.has(id)) continue;
    row(k).counts.onlyA += 1;
    listed({ id, ...k, side: 'A' });
  }
  const sorted = [...rows.values()].sort(
    (x, y) => x.unit.localeCompare(y.unit, 'vi') || x.month.localeCompare(y.month),
  );
  const total = sorted.reduce<Counts>(
    (t, r) => ({
      a: t.a + r.counts.a,
      b: t.b + r.counts.b,
      onlyA: t.onlyA + r.counts.onlyA,
      onlyB: t.onlyB + r.counts.onlyB,
      aViaSync: t.aViaSync + r.counts.aViaSync,
    }),
    { a: 0, b: 0, onlyA: 0, onlyB: 0, aViaSync: 0 },
  );
  onlyIn.sort((x, y) => x.side.localeCompare(y.side) || x.unit.localeCompare(y.unit, 'vi') || x.id.localeCompare(y.id));
  return {
    period: { from: period.from, to: period.to },
    a: { ...a.summary, dossiers: sideA.size, viaSync: aViaSync, isStore: a.isStore },
    b: { ...b.summary, dossiers: seenB.size },
    rows: sorted,
    total,
    onlyIn,
    onlyInCount,
  };
}

const vnMonth = (month: string) => `${month.slice(5, 7)}/${month.slice(0, 4)}`;
const vnDay = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

/** The reconciliation as titled tables, for every report format. */
export function reconciliationDocument(r: Reconciliation): {
  heading: { title: string; lines: string[] };
  tables: ReportTable[];
} {
  const withSync = r.a.isStore;
  const cells = (c: Counts) => [
    c.a,
    c.b,
    c.a - c.b,
    c.onlyA,
    c.onlyB,
    ...(withSync ? [c.aViaSync, c.a - c.aViaSync] : []),
  ];
  const lines = [
    `Kỳ đối chiếu: hồ sơ tiếp nhận từ ngày ${vnDay(r.period.from)} đến ngày ${vnDay(r.period.to)}`,
    `Nguồn A: ${r.a.label}; nguồn B: ${r.b.label}`,
  ];
  for (const side of [r.a, r.b])
    if (side.unreadable > 0)
      lines.push(`${side.label}: ${side.unreadable} dòng không đọc được (xem dunghan import --dry-run)`);
  return {
    heading: { title: 'ĐỐI CHIẾU SỐ LIỆU HỒ SƠ THỦ TỤC HÀNH CHÍNH', lines },
    tables: [
      {
        sheet: 'Đối chiếu',
        title: 'Biểu 1. Số hồ sơ tiếp nhận theo đơn vị và tháng, ở hai nguồn',
        groups: [
          { title: '', span: 3 },
          { title: 'Số hồ sơ', span: 3 },
          { title: 'Hồ sơ chỉ có ở một nguồn', span: 2 },
          ...(withSync ? [{ title: 'Nguồn A: hồ sơ đến từ', span: 2 }] : []),
        ],
        columns: [
          { header: 'STT', kind: 'index', width: 5 },
          { header: 'Đơn vị', kind: 'text', width: 40 },
          { header: 'Tháng', kind: 'text', width: 9 },
          { header: 'Nguồn A', kind: 'count', width: 10 },
          { header: 'Nguồn B', kind: 'count', width: 10 },
          { header: 'Chênh lệch (A − B)', kind: 'count', width: 11 },
          { header: 'Chỉ có ở A', kind: 'count', width: 10 },
          { header: 'Chỉ có ở B', kind: 'count', width: 10 },
          ...(withSync
            ? [
                { header: 'Dữ liệu đồng bộ Cổng DVCQG hoặc tệp xuất', kind: 'count' as const, width: 14 },
                { header: 'Sự kiện trực tiếp của hệ thống một cửa', kind: 'count' as const, width: 14 },
              ]
            : []),
        ],
        rows: r.rows.map((x, i) => [i + 1, x.unit, vnMonth(x.month), ...cells(x.counts)]),
        total: ['', 'Tổng cộng', '', ...cells(r.total)],
      },
      {
        sheet: 'Chỉ có ở một nguồn',
        title: `Biểu 2. Hồ sơ chỉ có ở một nguồn${r.onlyInCount > r.onlyIn.length ? ` (${r.onlyIn.length} đầu tiên trong ${r.onlyInCount})` : ''}`,
        columns: [
          { header: 'STT', kind: 'index', width: 5 },
          { header: 'Mã hồ sơ', kind: 'text', width: 24 },
          { header: 'Đơn vị', kind: 'text', width: 40 },
          { header: 'Tháng', kind: 'text', width: 9 },
          { header: 'Chỉ có ở', kind: 'text', width: 9 },
        ],
        rows: r.onlyIn.map((x, i) => [i + 1, x.id, x.unit, vnMonth(x.month), x.side === 'A' ? 'Nguồn A' : 'Nguồn B']),
        total: ['', 'Tổng cộng', '', '', r.onlyInCount],
      },
    ],
  };
}
