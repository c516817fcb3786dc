/**
 * An administrator adds a holiday: `dossiers` open dossiers in dynalite (receipts spread over the last
 * three months, limits of 5 to 30 working days), one new day off three weeks ahead. Measures the preview
 * and the apply of `dunghan calendars put`: how many index entries and whole dossiers they read, how
 * many move, and how long each takes (what fits in the API's 29 seconds).
 */

import { adminDeps } from '../functions/admin-api/deps.ts';
import { startLocalRuntime } from '../local/local-runtime.ts';
import { dossierItem, eventItem, nextActionKeys } from '../shared/adapters/dynamo-items.ts';
import { parseDossierEvent } from '../shared/contracts/dossier-events.ts';
import { DEFAULT_CALENDAR_DEFINITION } from '../shared/domain/calendar/default-calendar.ts';
import { formatIsoDate, isoWeekday, parseIsoDate } from '../shared/domain/calendar/local-date.ts';
import { nextRecord } from '../shared/domain/dossier/dossier-record.ts';
import { foldDossier } from '../shared/domain/dossier/dossier-state.ts';
import { readRulesData, resolveRule } from '../shared/domain/rules/deadline-rule.ts';
import { TABLE_DESIGN } from '../shared/settings/table-design.ts';
import { previewCalendar, putCalendar } from '../shared/use-cases/administer-config.ts';
import { snapshotOf } from '../shared/use-cases/rule-book.ts';
import { bulkPut } from './bulk-load.ts';

export interface RecomputeBenchResult {
  dossiers: number;
  indexEntriesRead: number;
  /** Whole dossier items the preview read (the candidates only). */
  dossiersRead: number;
  candidates: number;
  moved: number;
  previewSeconds: number;
  applySeconds: number;
}

const LIMITS = ['5wd', '8wd', '10wd', '15wd', '20wd', '30wd'];

export async function benchRecomputeOnDynalite(dossiers = 20_000): Promise<RecomputeBenchResult> {
  const now = Date.parse('2026-11-26T10:00:00+07:00');
  const clock = { now: () => now };
  const runtime = await startLocalRuntime({ clock, ruleCacheMs: 3_600_000 });
  try {
    // One procedure per limit.
    const { rules: benchRules } = readRulesData(
      {
        rules: LIMITS.map((duration, k) => ({
          procedureCode: `9.${String(k).padStart(6, '0')}`,
          effectiveFrom: '2018-06-21',
          legalBasis: 'benchmark',
          duration,
        })),
      },
      'benchmark-rules.yaml',
    );
    await runtime.config.putRuleVersions(benchRules, {
      author: 'benchmark',
      at: new Date(now).toISOString(),
      changeId: 'bench',
    });
    const rules = await runtime.config.listRules();
    const book = snapshotOf(rules, await runtime.config.listCalendars());
    const calendar = book.calendar('vn-civil-service');
    const firstDay = parseIsoDate('2026-08-26');
    const workingDays: number[] = [];
    for (let day = firstDay; day < parseIsoDate('2026-11-26'); day += 1)
      if (calendar.isWorkingDay(day)) workingDays.push(day);
    const fields = ['Đất đai', 'Hộ tịch', 'Xây dựng', 'Bảo trợ xã hội', 'Giáo dục', 'Chứng thực'];
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < dossiers; i += 1) {
      const day = formatIsoDate(workingDays[i % workingDays.length] ?? firstDay);
      const id = `H21.65-${day.slice(2).replaceAll('-', '')}-${String(i).padStart(6, '0')}`;
      const event = parseDossierEvent({
        'detail-type': 'DossierReceived',
        detail: {
          schemaVersion: 1,
          dossierId: id,
          eventId: `${id}/r`,
          occurredAt: `${day}T09:00:00+07:00`,
          procedure: {
            code: `9.${String(i % LIMITS.length).padStart(6, '0')}`,
            name: 'Thủ tục mẫu',
            field: fields[i % fields.length] ?? 'Đất đai',
          },
          agency: { id: 'H21.65', name: 'UBND huyện Krông Pa', parentName: 'UBND tỉnh Gia Lai', place: 'Krông Pa' },
          receivedAt: `${day}T09:00:00+07:00`,
          channel: 'in_person',
          applicant: { kind: 'person', name: `Người nộp ${i}` },
          official: { id: `cb-${i % 50}`, name: `Cán bộ ${i % 50}`, email: `cb${i % 50}@example.vn` },
          appointmentAt: `${day}T17:00:00+07:00`,
        },
      });
      const state = foldDossier(id, [event], {
        calendar: book.calendar,
        resolveRule: (q) => resolveRule(rules, q),
      });
      const record = { ...nextRecord(undefined, state, calendar), version: 1 };
      const keys = record.nextActionAt ? nextActionKeys(id, record.nextActionAt, '2026-11-26') : undefined;
      items.push(eventItem(event, record.state.received?.receivedAt ?? ''), dossierItem(record, keys));
    }
    await bulkPut(runtime.clients.documents, runtime.tableName, items);

    // Count what DynamoDB hands back: report-index entries (its live partitions) and whole dossiers.
    let indexEntries = 0;
    let wholeDossiers = 0;
    runtime.clients.documents.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        const input = args.input as { IndexName?: string };
        const output = result.output as { Items?: unknown[]; Item?: unknown };
        if (input.IndexName === TABLE_DESIGN.reportByClose.indexName) indexEntries += output.Items?.length ?? 0;
        else if (output.Item && (output.Item as { entity?: string }).entity === 'dossier') wholeDossiers += 1;
        return result;
      },
      { step: 'initialize', name: 'recomputeBenchCounter' },
    );
    const definition = structuredClone(DEFAULT_CALENDAR_DEFINITION);
    const holiday = '2026-12-16';
    if (isoWeekday(parseIsoDate(holiday)) > 5) throw new Error('the benchmark holiday must be a weekday');
    definition.years['2026']?.daysOff.push({ date: holiday, name: 'Ngày nghỉ (benchmark)', kind: 'holiday' });
    const document = { name: 'benchmark-calendar.json', data: definition };
    const deps = { ...adminDeps(runtime.platform), clock, concurrency: 16 };

    let start = performance.now();
    const preview = await previewCalendar(deps, document);
    const previewSeconds = (performance.now() - start) / 1000;
    const indexEntriesRead = indexEntries;
    const dossiersRead = wholeDossiers;
    start = performance.now();
    const applied = await putCalendar(deps, document, { author: 'benchmark', legalBasis: 'benchmark' });
    const applySeconds = (performance.now() - start) / 1000;
    if (applied.moves.length !== preview.moves.length) {
      throw new Error(`preview listed ${preview.moves.length}, apply moved ${applied.moves.length}`);
    }
    return {
      dossiers,
      indexEntriesRead,
      dossiersRead,
      candidates: preview.examined,
      moved: applied.moves.length,
      previewSeconds,
      applySeconds,
    };
  } finally {
    await runtime.close();
  }
}
