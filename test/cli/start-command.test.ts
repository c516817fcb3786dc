import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PASSWORD_ENV } from '../../cli/identity.ts';
import { ON_FREE_PORTS } from '../../cli/start-command.ts';
import { LOCAL_DEMO_PASSWORD } from '../../local/identity-provider.ts';
import { generateSampleStream } from '../../local/sample-stream.ts';
import { sentEmails } from '../../local/ses-server.ts';
import type { SimulationResult } from '../../local/simulate.ts';
import { loadConfigDirs } from '../../shared/adapters/config-files.ts';
import { DEFAULT_CALENDAR_DEFINITION } from '../../shared/domain/calendar/default-calendar.ts';
import { dunghan } from '../support/run-cli.ts';

const run = promisify(execFile);
// The demo accounts' password, for the commands that sign in (`--as`).
process.env[PASSWORD_ENV] = LOCAL_DEMO_PASSWORD;

const approve = (id: string, newDate: string, dataDir: string) =>
  [
    'approve',
    id,
    '--reason',
    'Hồ sơ phải chờ ý kiến của Chi cục Thuế',
    '--new-date',
    newDate,
    // The district's head signs, at the demo's local sign-in server (the sample user directory).
    '--as',
    'hoa.rlt',
    '--data-dir',
    dataDir,
  ] as const;
const bin = new URL('../../bin/dunghan.js', import.meta.url).pathname;

describe('npm start -- --once (the whole pipeline on a year of sample data)', () => {
  it('runs to the summary, and the summary reconciles with the generated data', async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      [bin, 'start', '--once', '--json', '--in-memory', '--dynamo-port', '0', '--ses-port', '0', '--api-port', '0'],
      { timeout: 600_000, maxBuffer: 20_000_000 },
    );
    const result = JSON.parse(stdout) as SimulationResult;
    expect(stderr).toContain('Mô phỏng');
    expect(result.reconciled).toBe(true);
    expect(result.ingested + result.duplicates + result.deadLettered).toBe(result.generatedEvents);

    const config = await loadConfigDirs(
      new URL('../../config/rules/', import.meta.url).pathname,
      new URL('../../config/calendars/', import.meta.url).pathname,
      [DEFAULT_CALENDAR_DEFINITION.id],
    );
    const stream = generateSampleStream({ seed: 2022, days: 365, start: '2022-01-01', rules: config.rules });
    expect(result.generatedEvents).toBe(stream.events.length);
    expect(Object.fromEntries(result.fields.map((f) => [f.field, f.received]))).toEqual(
      Object.fromEntries(stream.receivedByField),
    );
    const land = result.fields.find((f) => f.field === 'Đất đai');
    expect(land?.received).toBe(855);
    // Land is far worse than the rest, as in the seed report (494 of 855 overdue).
    const lateShare = (f: { late: number; received: number }) => f.late / f.received;
    expect(lateShare(land ?? { late: 0, received: 1 })).toBeGreaterThan(0.4);
    const rest = result.fields
      .filter((f) => f.field !== 'Đất đai')
      .reduce((t, f) => ({ late: t.late + f.late, received: t.received + f.received }), { late: 0, received: 0 });
    expect(lateShare(rest)).toBeLessThan(0.15);
    expect(result.approvals).toBeGreaterThan(0);
    expect(result.fields.reduce((n, f) => n + f.issued, 0)).toBeGreaterThan(0);
    expect(result.fields.reduce((n, f) => n + f.withoutAppointment, 0)).toBeGreaterThan(0);
    // Issue #16: each row adds up to "Tiếp nhận" (resolved, still in progress, withdrawn or refused).
    for (const f of result.fields)
      expect(f.early + f.onTime + f.late + f.inProgress + f.overdueNow + f.closedOtherwise, f.field).toBe(f.received);
  }, 660_000);

  it('gives the same figures for the same seed, run after run (issue #16)', async () => {
    const once = async () => {
      const { stdout } = await run(
        process.execPath,
        [
          bin,
          'start',
          '--once',
          '--json',
          '--in-memory',
          '--days',
          '45',
          '--scale',
          '0.4',
          '--seed',
          '7',
          ...ON_FREE_PORTS,
        ],
        { timeout: 300_000, maxBuffer: 20_000_000 },
      );
      const { fields, approvals, emails } = JSON.parse(stdout) as SimulationResult;
      return { fields, approvals, emails };
    };
    const first = await once();
    expect(first.approvals).toBeGreaterThan(0);
    expect(await once()).toEqual(first);
  }, 660_000);

  it('keeps its data, and the other commands work through its servers while it is up (issue #16)', async () => {
    const dataDir = join(tmpdir(), `dunghan-start-${process.pid}-${Date.now()}`);
    const child = spawn(
      process.execPath,
      [
        bin,
        'start',
        '--days',
        '20',
        '--from',
        '2022-03-01',
        // No simulated approvals: the desk approves below, through the running servers.
        '--approval-rate',
        '0',
        '--data-dir',
        dataDir,
        ...ON_FREE_PORTS,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no prompt; got ${out}`)), 300_000);
      child.stdout.on('data', () => {
        if (out.includes('Nhấn Ctrl-C để dừng.')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // Numbers as Vietnamese write them, in the summary's sentences too.
      expect(out).toMatch(/Sự kiện: \d{1,3}(\.\d{3})* sinh ra/);
      expect(out).toContain(`Dữ liệu: ${dataDir}`);
      const inbox = /Hộp thư \(SES emulator\): (\S+)/.exec(out)?.[1] ?? '';
      const page = await fetch(inbox);
      expect(page.status).toBe(200);
      await page.text();

      // The data directory is held by the demo's database: commands work through its servers instead.
      const waiting = JSON.parse((await dunghan('approvals', '--data-dir', dataDir)).stdout) as {
        dossierId: string;
        dueDay: string;
      }[];
      const dossier = waiting.find((w) => w.dueDay < '2022-03-28');
      expect(dossier).toBeDefined();
      const id = dossier?.dossierId ?? '';
      const mailsBefore = (await sentEmails(inbox.replace(/\/$/, ''))).length;
      // The demo's world stopped on 20/03/2022: an approval acts then (a day already past there is refused).
      const past = await dunghan(...approve(id, '18/03/2022', dataDir));
      expect(past.code).toBe(2);
      expect(past.stderr).toContain('must not be a day already past');
      const approved = await dunghan(...approve(id, '28/03/2022', dataDir));
      expect(approved.code, approved.stderr).toBe(0);
      // Delivered by the running demo's delivery function at once, not at some later detector pass.
      const letters = (await sentEmails(inbox.replace(/\/$/, '')))
        .slice(mailsBefore)
        .filter((m) => m.subject.includes(`Phiếu xin lỗi và hẹn lại ngày trả kết quả — hồ sơ ${id}`));
      expect(letters).toHaveLength(1);
      const history = JSON.parse((await dunghan('dossier', id, '--data-dir', dataDir)).stdout).history as {
        kind: string;
        at: string;
      }[];
      expect(history.filter((h) => h.kind.startsWith('apology_')).map((h) => [h.kind, h.at])).toEqual([
        ['apology_approved', '2022-03-20T23:59:59+07:00'],
        ['apology_issued', '2022-03-20T23:59:59+07:00'],
      ]);
      const during = await dunghan('report', '--from', '2022-03-01', '--to', '2022-03-20', '--data-dir', dataDir);
      expect(during.code, during.stderr).toBe(0);
      expect(during.stdout).toContain('BÁO CÁO TÌNH HÌNH');
      // A one-stop system's sync feed, sent to the running demo as the system would (issue #17); the
      // example saved by a Windows editor, with a byte order mark.
      const payload = join(mkdtempSync(join(tmpdir(), 'dunghan-sync-')), 'dong-bo-ho-so.json');
      writeFileSync(payload, `\uFEFF${readFileSync('docs/examples/sync/dong-bo-ho-so.json', 'utf8')}`);
      const synced = await dunghan('sync', payload, '--data-dir', dataDir);
      expect(synced.code, synced.stderr).toBe(0);
      expect(JSON.parse(synced.stdout)).toMatchObject({ error_code: '00', accepted: 2 });
      // Ingested after the answer, as EventBridge does: the dossier appears within moments.
      let fed: { code: number; stdout: string } = { code: 1, stdout: '' };
      for (let i = 0; i < 10 && fed.code !== 0; i += 1) {
        fed = await dunghan('dossier', 'H21.65-260410-0001', '--data-dir', dataDir);
        if (fed.code !== 0) await new Promise((r) => setTimeout(r, 500));
      }
      expect(JSON.parse(fed.stdout)).toMatchObject({ status: 'open', procedure: { code: '1.013831' } });
      // A second demo or server on the same data is refused in one sentence, not with a database error.
      const second = await dunghan('serve', '--data-dir', dataDir, '--api-port', '0', '--ses-port', '0');
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/is served by another process \(pid \d+, npm start or dunghan serve/);
    } finally {
      child.kill('SIGINT');
      expect(await exit).toBe(0);
    }
    expect(out).toContain('Đã dừng.');
    // After Ctrl-C the data stays, and the commands open it directly.
    expect(existsSync(join(dataDir, 'dynamodb', 'servers.json'))).toBe(false);
    const after = await dunghan(
      'report',
      '--from',
      '2022-03-01',
      '--to',
      '2022-03-20',
      '--format',
      'json',
      '--data-dir',
      dataDir,
    );
    expect(after.code, after.stderr).toBe(0);
    expect(JSON.parse(after.stdout).rowsRead).toBeGreaterThan(0);
  }, 420_000);

  it('generates the same stream for the same seed and a different one for another seed', async () => {
    const { rules } = await loadConfigDirs(
      new URL('../../config/rules/', import.meta.url).pathname,
      new URL('../../config/calendars/', import.meta.url).pathname,
      [DEFAULT_CALENDAR_DEFINITION.id],
    );
    const a = generateSampleStream({ seed: 7, days: 30, start: '2022-03-01', rules });
    const b = generateSampleStream({ seed: 7, days: 30, start: '2022-03-01', rules });
    const c = generateSampleStream({ seed: 8, days: 30, start: '2022-03-01', rules });
    expect(JSON.stringify(a.events)).toBe(JSON.stringify(b.events));
    expect(JSON.stringify(a.events)).not.toBe(JSON.stringify(c.events));
    const types = new Set(a.events.map((e) => e['detail-type']));
    for (const type of [
      'DossierReceived',
      'DossierResolved',
      'DossierHandedOver',
      'DossierSupplementRequested',
      'DossierSupplemented',
    ]) {
      expect(types.has(type), type).toBe(true);
    }
    const online = a.events.filter((e) => (e.detail as { channel?: string }).channel === 'online').length;
    const received = a.events.filter((e) => e['detail-type'] === 'DossierReceived').length;
    expect(online / received).toBeGreaterThan(0.1);
    expect(online / received).toBeLessThan(0.5);
  });
});
