import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generateSampleStream } from '../../local/sample-stream.ts';
import type { SimulationResult } from '../../local/simulate.ts';
import { loadConfigDirs } from '../../shared/adapters/config-files.ts';
import { DEFAULT_CALENDAR_DEFINITION } from '../../shared/domain/calendar/default-calendar.ts';

const run = promisify(execFile);
const bin = new URL('../../bin/dunghan.js', import.meta.url).pathname;

describe('npm start -- --once (the whole pipeline on a year of sample data)', () => {
  it('runs to the summary, and the summary reconciles with the generated data', async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      [bin, 'start', '--once', '--json', '--dynamo-port', '0', '--ses-port', '0', '--api-port', '0'],
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
          '--days',
          '45',
          '--scale',
          '0.4',
          '--seed',
          '7',
          '--dynamo-port',
          '0',
          '--ses-port',
          '0',
          '--api-port',
          '0',
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

  it('keeps the inbox and the approval page up until Ctrl-C, then stops cleanly', async () => {
    const child = spawn(
      process.execPath,
      [
        bin,
        'start',
        '--days',
        '10',
        '--from',
        '2022-03-01',
        '--dynamo-port',
        '0',
        '--ses-port',
        '0',
        '--api-port',
        '0',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no prompt; got ${out}`)), 60_000);
      child.stdout.on('data', () => {
        if (out.includes('Nhấn Ctrl-C để dừng.')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const inbox = /Hộp thư \(SES emulator\): (\S+)/.exec(out)?.[1] ?? '';
    const page = await fetch(inbox);
    expect(page.status).toBe(200);
    await page.text();
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    expect(out).toContain('Đã dừng.');
  }, 90_000);

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
