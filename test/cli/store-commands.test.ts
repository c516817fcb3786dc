import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dunghan } from '../support/run-cli.ts';

const stream = new URL('../fixtures/events/example-stream.jsonl', import.meta.url).pathname;
const fresh = () => mkdtempSync(join(tmpdir(), 'dunghan-store-'));

describe('commands on the local store (as processes)', () => {
  it('seeds the shipped rules, replays an export idempotently and prints a dossier', async () => {
    const dir = fresh();
    const seed = await dunghan('seed', '--author', 'quantri', '--data-dir', dir);
    expect(seed.code).toBe(0);
    expect(JSON.parse(seed.stdout)).toMatchObject({ rules: 53, calendars: 1 });
    const audit = JSON.parse((await dunghan('audit', '--data-dir', dir)).stdout) as {
      author: string;
      action: string;
    }[];
    expect(audit.at(-1)).toMatchObject({ action: 'seed', author: 'quantri' });

    const first = await dunghan('replay', stream, '--data-dir', dir);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ ingested: 11, duplicates: 0, deadLettered: 0, unrouted: 0 });
    // The same export saved by a Windows tool (a byte order mark, CRLF line ends): the same events.
    const windows = join(dir, 'export-windows.jsonl');
    writeFileSync(windows, `\uFEFF${readFileSync(stream, 'utf8').replace(/\n/g, '\r\n')}`);
    const second = await dunghan('replay', windows, '--data-dir', dir);
    expect(JSON.parse(second.stdout)).toEqual({ ingested: 0, duplicates: 11, deadLettered: 0, unrouted: 0 });
    expect(second.code).toBe(0);

    const dossier = await dunghan('dossier', 'H21.65-220408-0012', '--data-dir', dir);
    expect(dossier.code).toBe(0);
    expect(JSON.parse(dossier.stdout)).toMatchObject({
      dossierId: 'H21.65-220408-0012',
      status: 'resolved',
      stage: 'ON_TRACK',
      originalDueAt: '2022-04-25T17:00:00+07:00',
      dueAt: '2022-05-11T17:00:00+07:00',
      extendedDueAt: null,
      result: 'late',
      violations: ['appointment_after_due'],
    });
    // The receipt slip (Mẫu 01) with the status page's address (issue #18).
    const receipt = await dunghan(
      'dossier',
      'H21.65-220408-0012',
      '--receipt',
      '--base-url',
      'https://a1b2c3.execute-api.ap-southeast-1.amazonaws.com/p/',
      '--data-dir',
      dir,
    );
    expect(receipt.code).toBe(0);
    expect(receipt.stdout).toContain('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ');
    expect(receipt.stdout).toContain(
      'https://a1b2c3.execute-api.ap-southeast-1.amazonaws.com/p/tra-cuu/H21.65-220408-0012',
    );
    expect(receipt.stdout).toContain('17 giờ 00 phút, ngày 26 tháng 4 năm 2022');
    const missing = await dunghan('dossier', 'NOPE', '--data-dir', dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^dunghan: <dossierId>: no dossier "NOPE"/);
  });

  it('reaches the same dossier states when the export is replayed shuffled', async () => {
    const lines = readFileSync(stream, 'utf8').trim().split('\n');
    const shuffled = [lines[6], lines[2], lines[8], lines[0], lines[4], lines[1], lines[7], lines[5], lines[3]].join(
      '\n',
    );
    const dir = fresh();
    const file = join(dir, 'shuffled.jsonl');
    writeFileSync(file, `${shuffled}\n`);
    const reference = fresh();
    await dunghan('replay', stream, '--data-dir', reference);
    expect(JSON.parse((await dunghan('replay', file, '--data-dir', dir)).stdout)).toMatchObject({ ingested: 9 });
    for (const id of ['H21.65-220408-0012', 'H21.65-220420-0031', 'H21.65-220421-0007']) {
      const a = JSON.parse((await dunghan('dossier', id, '--data-dir', reference)).stdout);
      const b = JSON.parse((await dunghan('dossier', id, '--data-dir', dir)).stdout);
      expect({ ...b, version: 0 }).toEqual({ ...a, version: 0 });
    }
  });

  it('dead-letters an invalid line with its reason and lists it', async () => {
    const dir = fresh();
    const file = join(dir, 'bad.jsonl');
    const envelope = {
      version: '0',
      id: 'x',
      'detail-type': 'DossierResolved',
      source: 'test',
      account: '1',
      time: '2022-05-12T09:00:00Z',
      region: 'ap-southeast-1',
      resources: [],
      detail: { schemaVersion: 1, dossierId: 'H21.65-220408-0099', eventId: 'e1', occurredAt: 'yesterday' },
    };
    writeFileSync(file, `${JSON.stringify(envelope)}\n{not json\n`);
    const replay = await dunghan('replay', file, '--data-dir', dir);
    expect(JSON.parse(replay.stdout)).toEqual({ ingested: 0, duplicates: 0, deadLettered: 2, unrouted: 0 });
    const letters = JSON.parse((await dunghan('dead-letters', '--data-dir', dir)).stdout) as {
      reason: string;
      dossierId?: string;
    }[];
    expect(letters.map((l) => l.reason).sort()).toEqual([
      'InvalidEventError: invalid DossierResolved: detail.occurredAt: must be ISO-8601 with an offset, e.g. 2022-04-08T15:10:00+07:00',
      'line 2: not valid JSON',
    ]);
  });

  it('refuses an invalid rules directory with every problem and writes nothing', async () => {
    const dir = fresh();
    const rules = join(dir, 'rules');
    cpSync(new URL('../../config/rules/', import.meta.url).pathname, rules, { recursive: true });
    writeFileSync(
      join(rules, 'zz-bad.yaml'),
      [
        'rules:',
        '  - { procedureCode: "1.000001", effectiveFrom: 2024-13-01, legalBasis: x, duration: -3wd }',
        '  - { field: X, effectiveFrom: 2024-01-01, legalBasis: y, duration: 2wd, steps: [{ unit: A, duration: 3wd }] }',
        '  - { field: Y, effectiveFrom: 2024-01-01, legalBasis: z, duration: 2wd, calendarId: nowhere }',
        '',
      ].join('\n'),
    );
    const seed = await dunghan('seed', '--rules', rules, '--data-dir', join(dir, 'store'));
    expect(seed.code).toBe(2);
    expect(seed.stderr).toContain('rules.0.effectiveFrom: must be a date YYYY-MM-DD');
    expect(seed.stderr).toContain('rules.0.duration: must not be negative');
    expect(seed.stderr).toContain('rules.1.steps: the steps add up to 3, longer than the limit 2wd');
    expect(seed.stderr).toContain('FIELD#y@2024-01-01.calendarId: unknown calendar id "nowhere"');
    expect(seed.stdout).toBe('');
  });
});
