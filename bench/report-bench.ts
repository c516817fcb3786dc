/**
 * Reports on a table of `dossiers` dossiers received over three years (2021–2023): a quarter of 2022
 * and the whole of 2022, counted from the report index. Measures the rows read against the dossiers
 * alive in the period (what a report must read) and the table (what a Scan would read), the time, and
 * the heap used while counting (the rows are counted one at a time, never all held).
 */
import { startLocalRuntime } from '../local/local-runtime.ts';
import { dossierItem } from '../shared/adapters/dynamo-items.ts';
import { type DossierEvent, parseDossierEvent } from '../shared/contracts/dossier-events.ts';
import { formatIsoDate, parseIsoDate } from '../shared/domain/calendar/local-date.ts';
import { nextRecord } from '../shared/domain/dossier/dossier-record.ts';
import { foldDossier } from '../shared/domain/dossier/dossier-state.ts';
import { DAY_MS, dayStart } from '../shared/domain/reports/build-report.ts';
import { resolveRule } from '../shared/domain/rules/deadline-rule.ts';
import { parseReportRequest, produceReport } from '../shared/use-cases/produce-report.ts';
import { snapshotOf } from '../shared/use-cases/rule-book.ts';
import { benchReceipt, bulkPut } from './bulk-load.ts';
import { meterReportIndex } from './index-meter.ts';

export interface ReportBenchResult {
  dossiers: number;
  periods: { period: string; alive: number; rowsRead: number; seconds: number; heapMiB: number }[];
}

const FIELDS = ['Đất đai', 'Hộ tịch', 'Quản lý hoạt động xây dựng', 'Bảo trợ xã hội', 'Giáo dục', 'Chứng thực'];
const UNITS = ['H21.65', 'H21.65.01', 'H21.65.02', 'H21.65.03'];

export async function benchReports(dossiers = 30_000): Promise<ReportBenchResult> {
  const now = Date.parse('2026-11-26T10:00:00+07:00');
  const runtime = await startLocalRuntime({ clock: { now: () => now } });
  try {
    const rules = await runtime.config.listRules();
    const book = snapshotOf(rules, await runtime.config.listCalendars());
    const calendar = book.calendar('vn-civil-service');
    const workingDays: number[] = [];
    for (let day = parseIsoDate('2021-01-01'); day < parseIsoDate('2024-01-01'); day += 1)
      if (calendar.isWorkingDay(day)) workingDays.push(day);
    const items: Record<string, unknown>[] = [];
    const received: { at: number; closed: number }[] = [];
    for (let i = 0; i < dossiers; i += 1) {
      const day = workingDays[Math.floor((i / dossiers) * workingDays.length)] ?? workingDays[0] ?? 0;
      const date = formatIsoDate(day);
      const id = `${UNITS[i % UNITS.length]}-${date.slice(2).replaceAll('-', '')}-${String(i).padStart(6, '0')}`;
      const receivedAt = `${date}T09:00:00+07:00`;
      // Most close within days to weeks; one in twenty stays open for months, one in a hundred for ever.
      const closeAfterDays = i % 100 === 0 ? undefined : i % 20 === 0 ? 120 + (i % 90) : 1 + (i % 40);
      const events: DossierEvent[] = [
        benchReceipt({
          id,
          unitId: UNITS[i % UNITS.length] as string,
          unitName: `Đơn vị ${UNITS[i % UNITS.length]}`,
          field: FIELDS[i % FIELDS.length] as string,
          receivedAt,
          online: i % 3 === 0,
          appointmentAt: `${date}T17:00:00+07:00`,
        }),
      ];
      const closedAt =
        closeAfterDays === undefined ? Number.POSITIVE_INFINITY : Date.parse(receivedAt) + closeAfterDays * DAY_MS;
      if (closeAfterDays !== undefined) {
        events.push(
          parseDossierEvent({
            'detail-type': 'DossierResolved',
            detail: {
              schemaVersion: 1,
              dossierId: id,
              eventId: `${id}/x`,
              occurredAt: new Date(closedAt).toISOString(),
            },
          }),
        );
      }
      const state = foldDossier(id, events, { calendar: book.calendar, resolveRule: (q) => resolveRule(rules, q) });
      items.push(dossierItem({ ...nextRecord(undefined, state, undefined), version: 1 }, undefined));
      received.push({ at: Date.parse(receivedAt), closed: closedAt });
    }
    await bulkPut(runtime.clients.documents, runtime.tableName, items);
    const seen = meterReportIndex(runtime.clients.documents);
    const periods: ReportBenchResult['periods'] = [];
    for (const [from, to] of [
      ['2022-04-01', '2022-06-30'],
      ['2022-01-01', '2022-12-31'],
    ] as const) {
      const request = parseReportRequest({ from, to });
      const start = dayStart(from);
      const end = dayStart(to) + DAY_MS;
      const alive = received.filter((r) => r.at < end && r.closed >= start).length;
      globalThis.gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      const t = performance.now();
      const readBefore = seen.rows;
      const report = await produceReport(runtime.platform.table.reports, request, now);
      const seconds = (performance.now() - t) / 1000;
      const heapMiB = Math.max(0, process.memoryUsage().heapUsed - heapBefore) / 1024 ** 2;
      if (report.total.received !== alive) throw new Error(`report counted ${report.total.received}, ${alive} alive`);
      // What the index handed back, counted or not: the rows open now received after the period are read too.
      periods.push({ period: `${from} – ${to}`, alive, rowsRead: seen.rows - readBefore, seconds, heapMiB });
    }
    return { dossiers, periods };
  } finally {
    await runtime.close();
  }
}
