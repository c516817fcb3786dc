import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_ENV } from '../../cli/identity.ts';
import { LOCAL_DEMO_PASSWORD } from '../../local/identity-provider.ts';
import { type LocalSes, sentEmails, startSesEmulator } from '../../local/ses-server.ts';
import { receivedEvent } from '../support/dossier-factory.ts';
import { dunghan } from '../support/run-cli.ts';

process.env[PASSWORD_ENV] = LOCAL_DEMO_PASSWORD;

let ses: LocalSes;
beforeAll(async () => {
  ses = await startSesEmulator();
});
afterAll(async () => {
  await ses?.close();
});

const run = promisify(execFile);
const bin = new URL('../../bin/dunghan.js', import.meta.url).pathname;

describe('dunghan detect (as a process)', () => {
  it('runs one pass at --now, mails the digest to the SES endpoint and prints the report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dunghan-detect-'));
    const file = join(dir, 'events.jsonl');
    writeFileSync(
      file,
      `${JSON.stringify(
        receivedEvent({
          dossierId: 'H21.65-240304-0900',
          eventId: 'cli-1',
          occurredAt: '2024-03-04T09:00:00+07:00',
          receivedAt: '2024-03-04T09:00:00+07:00',
          appointmentAt: '2024-03-18T17:00:00+07:00',
        }),
      )}\n`,
    );
    expect((await dunghan('replay', file, '--data-dir', dir)).code).toBe(0);
    const { stdout } = await run(
      process.execPath,
      [bin, 'detect', '--now', '2024-03-19T08:00:00+07:00', '--data-dir', dir],
      {
        env: { ...process.env, AWS_ENDPOINT_URL_SES: ses.endpoint },
      },
    );
    const report = JSON.parse(stdout);
    expect(report.moved).toEqual({ DUE_SOON: 1, APOLOGY_DEADLINE: 1, OVERDUE: 1 });
    expect(report.emailsSent).toBe(1);
    const mail = (await sentEmails(ses.endpoint)).filter((m) => m.body.text?.includes('H21.65-240304-0900'));
    expect(mail).toHaveLength(1);
    expect(mail[0]?.destination.cc).toEqual(['hoa.rlt@example.vn']);
    const again = await run(
      process.execPath,
      [bin, 'detect', '--now', '2024-03-19T08:30:00+07:00', '--data-dir', dir],
      {
        env: { ...process.env, AWS_ENDPOINT_URL_SES: ses.endpoint },
      },
    );
    expect(JSON.parse(again.stdout)).toMatchObject({ moved: {}, emailsSent: 0 });
    // Issue #16: the digest's approval link points where `dunghan serve` serves the page.
    expect(mail[0]?.body.text).toContain(
      'Duyệt phiếu xin lỗi: http://127.0.0.1:8080/approve/H21.65-240304-0900?token=',
    );

    // The desk sees what awaits approval and approves there, through the page's rules.
    const waiting = JSON.parse((await dunghan('approvals', '--data-dir', dir)).stdout);
    expect(waiting).toEqual([
      {
        dossierId: 'H21.65-240304-0900',
        field: expect.any(String),
        procedureCode: expect.any(String),
        dueDay: '2024-03-18',
        draftedAt: expect.any(String),
      },
    ]);
    // Only a head of the issuing unit signs (ADR 0023): the operator cannot, an official cannot.
    const byOperator = await dunghan(
      'approve',
      'H21.65-240304-0900',
      '--reason',
      'Chờ kết quả đo đạc',
      '--new-date',
      '22/03/2024',
      '--data-dir',
      dir,
    );
    expect(byOperator.code).toBe(2);
    expect(byOperator.stderr).toMatch(/--as/);
    const added = await dunghan(
      'users',
      'add',
      'hoa.rlt.test',
      '--name',
      'Rơ Lan Thị Hoa',
      '--email',
      'hoa.rlt@example.vn',
      '--grant',
      'head:H21.65',
      '--data-dir',
      dir,
    );
    expect(added.code, added.stderr).toBe(0);
    const byOfficial = await dunghan(
      'approve',
      'H21.65-240304-0900',
      '--reason',
      'Chờ kết quả đo đạc',
      '--new-date',
      '22/03/2024',
      '--now',
      '2024-03-15T10:00:00+07:00',
      '--as',
      'an.nv',
      '--data-dir',
      dir,
    );
    expect(byOfficial.code).toBe(2);
    expect(byOfficial.stderr).toMatch(/^dunghan: --as: an\.nv may not approve this apology/);
    // The desk's approval of this dossier, on a replayed past: the new date and the instant vary.
    const approve = (newDate: string, now: string) =>
      dunghan(
        'approve',
        'H21.65-240304-0900',
        '--reason',
        'Chờ kết quả đo đạc',
        '--new-date',
        newDate,
        '--as',
        'hoa.rlt.test',
        '--now',
        now,
        '--data-dir',
        dir,
      );
    const early = await approve('15/03/2024', '2024-03-15T10:00:00+07:00');
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/^dunghan: --new-date: newReturnAt: must be after the original due date/);
    // A date already gone at the instant of approval would be promised to the citizen: refused.
    const gone = await approve('22/03/2024', '2024-03-25T09:00:00+07:00');
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(/^dunghan: --new-date: newReturnAt: must not be a day already past/);
    const ok = await approve('22/03/2024', '2024-03-15T10:00:00+07:00');
    expect(ok.code).toBe(0);
    // The applicant gave an email and a mobile number: both channels (issue #18).
    expect(JSON.parse(ok.stdout)).toMatchObject({
      extendedDueAt: '2024-03-22T17:00:00+07:00',
      channel: 'email_and_phone',
    });
    expect(JSON.parse((await dunghan('approvals', '--data-dir', dir)).stdout)).toEqual([]);
    const history = JSON.parse((await dunghan('dossier', 'H21.65-240304-0900', '--data-dir', dir)).stdout).history;
    expect(history.at(-1)).toMatchObject({ kind: 'apology_approved', note: expect.stringContaining('Rơ Lan Thị Hoa') });
  }, 180_000);

  it('fails with a clear message when no SES endpoint is configured', async () => {
    const { AWS_ENDPOINT_URL_SES: _unset, AWS_ENDPOINT_URL_SESV2: _unset2, ...env } = process.env;
    const result = await run(
      process.execPath,
      [bin, 'detect', '--now', '2024-03-19T08:00:00+07:00', '--data-dir', mkdtempSync(join(tmpdir(), 'x-'))],
      { env },
    ).catch((e: { code: number; stderr: string }) => e);
    expect((result as { code: number }).code).toBe(1);
    expect((result as { stderr: string }).stderr).toMatch(/^dunghan: no SES endpoint: set AWS_ENDPOINT_URL_SES/);
  });

  it('exits 2 for a --now without offset', async () => {
    const result = await dunghan('detect', '--now', '2024-03-19T08:00:00');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^dunghan: --now: must be ISO-8601 with an offset/);
  });
});
