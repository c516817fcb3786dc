import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALENDARS_DIR, type LocalRuntime, RULES_DIR, startLocalRuntime } from '../../local/local-runtime.ts';
import { loadConfigDirs } from '../../shared/adapters/config-files.ts';
import { DEFAULT_CALENDAR_DEFINITION } from '../../shared/domain/calendar/default-calendar.ts';
import {
  type AnnexCounts,
  DAY_MS,
  dayStart,
  emptyAnnex,
  type Report,
} from '../../shared/domain/reports/build-report.ts';
import { renderMarkdown } from '../../shared/domain/reports/render-report.ts';
import { parseReportRequest, produceReport } from '../../shared/use-cases/produce-report.ts';
import { ANNEX_2022, annexCounts, annexStream } from '../support/annex-stream.ts';
import { allDossierRecords } from '../support/records.ts';

let runtime: LocalRuntime;
let now = Date.parse('2022-01-01T00:00:00+07:00');
let report: Report;
const REPORTED_AT = Date.parse('2023-06-01T08:00:00+07:00');

beforeAll(async () => {
  runtime = await startLocalRuntime({ clock: { now: () => now } });
  const { rules } = await loadConfigDirs(RULES_DIR, CALENDARS_DIR, [DEFAULT_CALENDAR_DEFINITION.id]);
  const events = annexStream(ANNEX_2022, rules);
  for (const event of events) {
    now = Date.parse(String((event.detail as { occurredAt: string }).occurredAt));
    for (const delivery of await runtime.deliver(event)) if (!delivery.ok) throw delivery.error;
  }
  now = REPORTED_AT;
  report = await produceReport(
    runtime.platform.table.reports,
    parseReportRequest({ from: '2022-01-01', to: '2022-12-31' }),
    now,
  );
}, 300_000);

afterAll(async () => {
  await runtime?.close();
});

const allRecords = () => allDossierRecords(runtime);

describe('the 2022 district annex, from a generated event stream through ingest and the report index', () => {
  it('reproduces the annex exactly, field by field and in total', () => {
    const expected = ANNEX_2022.map((row) => ({ label: row.field, counts: annexCounts(row) })).sort((a, b) =>
      a.label.localeCompare(b.label, 'vi'),
    );
    expect(report.byField).toEqual(expected);
    const total = emptyAnnex();
    for (const row of expected)
      for (const key of Object.keys(total) as (keyof AnnexCounts)[]) total[key] += row.counts[key];
    expect(report.total).toEqual(total);
    expect(report.total.online + report.total.inPerson).toBe(2_345);
    expect(report.total.online).toBe(607);
    expect(report.byField.find((r) => r.label === 'Đất đai')?.counts).toMatchObject({ late: 494, received: 916 });
  });

  it('writes the annex with Vietnamese headers and numbers as "2.444"', () => {
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('Kỳ báo cáo: từ ngày 01/01/2022 đến ngày 31/12/2022');
    expect(markdown).toContain('Số hồ sơ nhận giải quyết: Kỳ trước chuyển qua');
    expect(markdown).toMatch(/\| {2}\| Tổng cộng \| 2\.444 \| 99 \| 607 \| 1\.738 \|/);
  });

  it('reads only the dossiers alive in the period from the index, never the noise around it', async () => {
    const records = await allRecords();
    const inAnnex = ANNEX_2022.reduce((n, row) => n + annexCounts(row).received, 0);
    expect(records.length).toBe(inAnnex + 2 * ANNEX_2022.length);
    // The dossiers closed in 2021 are never read; the 2023 receipts are cut by the sort key.
    expect(report.rowsRead).toBe(inAnnex);
  });

  it('agrees with a recount from the raw dossiers', async () => {
    const start = dayStart('2022-01-01');
    const end = dayStart('2022-12-31') + DAY_MS;
    const recount = new Map<string, AnnexCounts>();
    for (const { state } of await allRecords()) {
      const received = Date.parse(state.received?.receivedAt ?? '');
      const closed = state.closedAt ? Date.parse(state.closedAt) : Number.POSITIVE_INFINITY;
      if (!(received < end && closed >= start)) continue;
      const c = recount.get(state.received?.procedure.field ?? '') ?? emptyAnnex();
      recount.set(state.received?.procedure.field ?? '', c);
      c.received += 1;
      if (received < start) c.carriedOver += 1;
      else if (state.received?.channel === 'online') c.online += 1;
      else c.inPerson += 1;
      if (closed < end && state.status === 'resolved') {
        c.resolved += 1;
        c[state.result === 'early' ? 'early' : state.result === 'late' ? 'late' : 'onTime'] += 1;
      } else if (closed < end) c.withdrawn += 1;
      else {
        c.inProgress += 1;
        if (state.dueAt && Date.parse(state.dueAt) < end) c.inProgressOverdue += 1;
        else c.inProgressWithinTime += 1;
      }
    }
    expect(Object.fromEntries(report.byField.map((r) => [r.label, r.counts]))).toEqual(Object.fromEntries(recount));
  });
});
