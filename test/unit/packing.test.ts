import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { CALENDARS_DIR, RULES_DIR } from '../../local/local-runtime.ts';
import { generateSampleStream } from '../../local/sample-stream.ts';
import { loadConfigDirs } from '../../shared/adapters/config-files.ts';
import { dossierItem, dynamoItemBytes, pack, unpack } from '../../shared/adapters/dynamo-items.ts';
import { PACK_DICTIONARIES, RECORD_DICTIONARY, REPORT_DICTIONARY } from '../../shared/adapters/pack-dictionaries.ts';
import { parseDossierEvent } from '../../shared/contracts/dossier-events.ts';
import { DEFAULT_CALENDAR_DEFINITION } from '../../shared/domain/calendar/default-calendar.ts';
import type { WorkingCalendar } from '../../shared/domain/calendar/working-calendar.ts';
import { advanceStages } from '../../shared/domain/dossier/advance-stages.ts';
import { type DossierRecord, nextRecord } from '../../shared/domain/dossier/dossier-record.ts';
import { type FoldContext, foldDossier } from '../../shared/domain/dossier/dossier-state.ts';
import { reportRowOf } from '../../shared/domain/reports/report-row.ts';
import { communeLandReceipt } from '../support/dossier-factory.ts';
import { shippedFold } from '../support/in-memory.ts';

let context: FoldContext;
let calendar: WorkingCalendar;
beforeAll(async () => {
  ({ calendar, context } = await shippedFold());
});

const ID = 'H21.65.01-261102-0009';

/** A late inter-agency land dossier with every alert of its cycle sent: the largest record a dossier usually has. */
function lateLandDossier(): DossierRecord {
  let record = nextRecord(
    undefined,
    foldDossier(ID, [parseDossierEvent(communeLandReceipt(ID, { eventId: 'r' }))], context),
    calendar,
  );
  for (const at of ['2026-11-06T16:00:00+07:00', '2026-11-10T08:00:00+07:00', '2026-11-13T08:00:00+07:00']) {
    const moved = advanceStages(record, calendar, Date.parse(at));
    const sentAt = new Date(Date.parse(at)).toISOString();
    record = {
      ...moved.record,
      notifications: Object.fromEntries(
        Object.entries(moved.record.notifications).map(([id, n]) => [
          id,
          n.sentAt ? n : { ...n, sentAt, attempts: 1, lastAttemptAt: sentAt },
        ]),
      ),
    };
  }
  return record;
}

const bytesOf = (item: Record<string, unknown>) =>
  Object.entries(item).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + dynamoItemBytes(v), 0);

describe('packing stored values with a preset dictionary (ADR 0022)', () => {
  it('reads back what it packed, with each dictionary and with none', () => {
    const value = { state: { dossierId: ID, status: 'open', note: 'Hồ sơ đất đai – chờ ý kiến' }, n: [1, 2, 3] };
    for (const dictionary of [RECORD_DICTIONARY, REPORT_DICTIONARY, undefined]) {
      expect(unpack(pack(value, dictionary))).toEqual(value);
    }
    expect(pack(value, RECORD_DICTIONARY)[0]).toBe(0b110 | (RECORD_DICTIONARY.id << 3));
    expect(pack(value, REPORT_DICTIONARY)[0]).toBe(0b110 | (REPORT_DICTIONARY.id << 3));
  });

  it('still reads values stored before dictionaries existed (raw deflate, whatever its first byte)', () => {
    for (let i = 0; i < 300; i += 1) {
      const value = { i, text: 'x'.repeat(i % 40), at: new Date(1_700_000_000_000 + i * 7_919_000).toISOString() };
      const legacy = deflateRawSync(Buffer.from(JSON.stringify(value), 'utf8'), { level: i % 10 });
      expect(unpack(legacy)).toEqual(value);
    }
    expect(unpack('{"plain":"json"}')).toEqual({ plain: 'json' });
  });

  it('refuses, naming it, a value packed with a dictionary this code does not know', () => {
    const packed = pack({ a: 1 }, RECORD_DICTIONARY);
    packed[0] = 0b110 | (31 << 3);
    expect(() => unpack(packed)).toThrow(/dictionary 31/);
  });

  it('never changes a released dictionary: stored items are read back with it for years', () => {
    const pinned: Record<number, string> = {
      1: 'cb7d2fbb0a55fe28a885559f757e6ffcdfeb6bd90639cd803e747858bc0b861c',
      2: '13b0624ba3363b767515a493a7753fe5658aebfdd157b2249103a151af57fc46',
    };
    for (const [id, dictionary] of PACK_DICTIONARIES) {
      expect(dictionary.id).toBe(id);
      expect(createHash('sha256').update(dictionary.bytes).digest('hex'), `dictionary ${id}`).toBe(pinned[id]);
      expect(dictionary.bytes.byteLength).toBeLessThanOrEqual(32 * 1024);
    }
  });

  it('holds no value of the sample pipeline it is measured on (no unit, place, procedure or person)', async () => {
    const { rules } = await loadConfigDirs(RULES_DIR, CALENDARS_DIR, [DEFAULT_CALENDAR_DEFINITION.id]);
    const stream = generateSampleStream({ seed: 2022, days: 30, start: '2022-01-01', rules });
    const specific = new Set<string>();
    for (const { detail } of stream.events) {
      const d = detail as Record<string, Record<string, unknown> & { name?: string; email?: string }>;
      for (const part of [d.agency, d.applicant, d.official, d.head]) {
        for (const key of ['name', 'email', 'place', 'parentName', 'idNumber', 'phone'] as const) {
          const value = part?.[key];
          if (typeof value === 'string') specific.add(value);
        }
      }
      if (typeof d.procedure?.name === 'string') specific.add(d.procedure.name);
      const { reason } = detail as { reason?: unknown };
      if (typeof reason === 'string') specific.add(reason);
    }
    expect(specific.size).toBeGreaterThan(20);
    for (const dictionary of PACK_DICTIONARIES.values()) {
      const text = dictionary.bytes.toString('utf8');
      expect([...specific].filter((value) => text.includes(value))).toEqual([]);
    }
  });

  it('keeps a late inter-agency dossier with its alerts sent inside one write unit (1 KB), less than half its size without', () => {
    // The stage events leave the outbox in the same write (ADR 0013): the stored item carries none.
    const record = { ...lateLandDossier(), outbox: {}, version: 7 };
    expect(Object.keys(record.notifications).length).toBeGreaterThanOrEqual(3);
    expect(record.state.steps.length).toBe(2);
    const item = dossierItem(record, { gsi1pk: 'DUE#2026-11-13#07', gsi1sk: `2026-11-13T01:00:00.000Z#${ID}` });
    item.chainHead = 'f'.repeat(43);
    expect(bytesOf(item)).toBeLessThanOrEqual(1024);
    const stored = unpack(item.data) as DossierRecord;
    expect((item.data as Uint8Array).byteLength).toBeLessThan(pack(stored).byteLength / 2);
    expect(unpack(item.report)).toEqual(reportRowOf(record));
  });
});
