/**
 * The desk's queue (issue #34, ADR 0027): a unit holding 10,000 dossiers not closed (and 2,000 more held
 * by other units), its first page as the console renders it — the time, the rows read from the index
 * against the rows shown, the entries the counts went through (counted by the store, none read out), and
 * the page's size as sent. The local store (dynalite) on this machine.
 */
import { queuePage } from '../functions/console/queue.ts';
import { startLocalRuntime } from '../local/local-runtime.ts';
import { dossierItem } from '../shared/adapters/dynamo-items.ts';
import type { Person } from '../shared/domain/authority/actors.ts';
import { nextRecord } from '../shared/domain/dossier/dossier-record.ts';
import { foldDossier } from '../shared/domain/dossier/dossier-state.ts';
import { resolveRule } from '../shared/domain/rules/deadline-rule.ts';
import { deskQueue } from '../shared/use-cases/desk-queue.ts';
import { RuleBook, snapshotOf } from '../shared/use-cases/rule-book.ts';
import { benchReceipt, bulkPut } from './bulk-load.ts';
import { meterReportIndex } from './index-meter.ts';

export const QUEUE_TARGETS = { firstPageSeconds: 1, readPerRow: 1.2, pageBytes: 200 * 1024 } as const;

export interface QueueBenchResult {
  open: number;
  rowsShown: number;
  rowsRead: number;
  counted: number;
  firstPageSeconds: number;
  nextPageSeconds: number;
  pageBytes: number;
}

const UNIT = 'H21.65.01';
const FIELDS = ['Đất đai', 'Hộ tịch', 'Chứng thực', 'Bảo trợ xã hội', 'Quản lý hoạt động xây dựng'];

export async function benchQueue(open = 10_000): Promise<QueueBenchResult> {
  const now = Date.parse('2026-11-20T10:00:00+07:00');
  const runtime = await startLocalRuntime({ clock: { now: () => now } });
  try {
    const rules = await runtime.config.listRules();
    const book = snapshotOf(rules, await runtime.config.listCalendars());
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < open + open / 5; i += 1) {
      const unit = i < open ? UNIT : `H21.65.0${2 + (i % 2)}`;
      // Received over the last four weeks, so some are overdue, some due soon, most still in time.
      const received = new Date(now - ((i * 7919) % 28) * 86_400_000 - (i % 8) * 3_600_000);
      const receivedAt = `${received.toISOString().slice(0, 10)}T08:${String(i % 60).padStart(2, '0')}:00+07:00`;
      const id = `${unit}-${receivedAt.slice(2, 10).replaceAll('-', '')}-${String(i).padStart(5, '0')}`;
      const events = [
        benchReceipt({
          id,
          unitId: unit,
          unitName: `UBND xã ${unit}`,
          field: FIELDS[i % FIELDS.length] as string,
          receivedAt,
          online: i % 3 === 0,
        }),
      ];
      const state = foldDossier(id, events, { calendar: book.calendar, resolveRule: (q) => resolveRule(rules, q) });
      items.push(dossierItem({ ...nextRecord(undefined, state, undefined), version: 1 }, undefined));
    }
    await bulkPut(runtime.clients.documents, runtime.tableName, items);
    const seen = meterReportIndex(runtime.clients.documents);
    const person: Person = {
      kind: 'person',
      issuer: 'https://bench.example',
      subject: 'bench',
      name: 'Cán bộ một cửa',
      grants: [{ role: 'official', unitId: UNIT }],
    };
    const deps = {
      queue: runtime.platform.table.reports,
      rules: new RuleBook(runtime.config, runtime.platform.clock),
      clock: runtime.platform.clock,
    };
    const context = {
      person,
      bar: { name: person.name, csrf: 'x'.repeat(43), base: '' },
      units: (await deps.rules.current()).units,
      sections: ['queue', 'approvals'] as const,
      mayApprove: false,
    };
    let t = performance.now();
    const first = await deskQueue(deps, person, { view: 'all' });
    const html = queuePage({ ...context, sections: [...context.sections] }, first, {}, FIELDS);
    const firstPageSeconds = (performance.now() - t) / 1000;
    const rowsRead = seen.rows;
    const counted = seen.counted;
    t = performance.now();
    await deskQueue(deps, person, { view: 'all', after: first.next });
    const nextPageSeconds = (performance.now() - t) / 1000;
    return {
      open,
      rowsShown: first.rows.length,
      rowsRead,
      counted,
      firstPageSeconds,
      nextPageSeconds,
      pageBytes: Buffer.byteLength(html, 'utf8'),
    };
  } finally {
    await runtime.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchQueue());
