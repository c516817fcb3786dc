import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliverApologyHandler } from '../../functions/deliver-apology/handler.ts';
import { type LocalRuntime, localContext, startLocalRuntime } from '../../local/local-runtime.ts';
import { clearSentEmails, sentEmails } from '../../local/ses-server.ts';
import { SesMailer } from '../../shared/adapters/ses-mailer.ts';
import { runDetector } from '../../shared/use-cases/run-detector.ts';
import { approvedApology, detectorDeps, localSesClients, type TestClock } from '../support/approved-apology.ts';
import { type SesFault, startFaultySes } from '../support/faulty-ses.ts';

/**
 * Issue #13, part 2: at most once *to the wire*. The faults are injected below the AWS SDK — a fake
 * SES server that accepts the message and then answers 500, drops the connection or hangs — so the
 * SDK's own retries and timeouts are inside the test. The citizen must receive exactly one copy.
 */
const clock: TestClock = { at: Date.parse('2024-05-06T09:00:00+07:00'), now: () => clock.at };
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startLocalRuntime({ mail: true, clock, ruleCacheMs: 0 });
});
afterAll(async () => {
  await runtime?.close();
});

describe.each<[SesFault, string]>([
  ['accept-then-500', '2024-05-06'],
  ['accept-then-reset', '2024-05-13'],
  ['accept-then-hang', '2024-05-20'],
])('SES %s on the citizen’s apology', (fault, day) => {
  it('the citizen gets exactly one copy; the desk is asked to confirm; the run ends', async () => {
    const emulator = runtime.sesEndpoint ?? '';
    const dossierId = `WIRE-${fault}`;
    let citizen = '';
    const fake = await startFaultySes(emulator, (body) =>
      citizen && body.includes(citizen) && body.includes('PHI') ? fault : undefined,
    );
    // The production clients (retries on the officials' client, none on the citizens'), short timeouts.
    const ses = localSesClients(fake.endpoint);
    const deps = detectorDeps(runtime, clock, new SesMailer(ses.atLeastOnce), {
      citizenMailer: new SesMailer(ses.atMostOnce),
    });
    try {
      ({ citizen } = await approvedApology(runtime, clock, deps, dossierId, day));
      expect(citizen).toMatch(/@/);
      await clearSentEmails(emulator);
      const started = Date.now();
      await runDetector(deps, `${dossierId}-1`);
      expect(Date.now() - started).toBeLessThan(20_000);
      for (const minutes of [5, 20, 60, 2 * 24 * 60]) {
        clock.at += minutes * 60_000;
        await runDetector(deps, `${dossierId}-${minutes}`);
      }
      const mails = await sentEmails(emulator);
      expect(mails.filter((m) => m.destination.to.includes(citizen))).toHaveLength(1);
      expect(mails.some((m) => m.body.text?.includes('Chưa xác nhận được phiếu xin lỗi'))).toBe(true);
      const { record } = await runtime.store.load(dossierId);
      const notice = Object.values(record?.notifications ?? {}).find((n) => n.kind === 'apology_to_citizen');
      expect(notice).toMatchObject({ uncertainAt: expect.any(String) });
    } finally {
      ses.atLeastOnce.destroy();
      ses.atMostOnce.destroy();
      await fake.close();
    }
  });
});

describe('SES failing on the officials’ digests', () => {
  it('the SDK retries a refused digest (at least once), below the detector', async () => {
    const emulator = runtime.sesEndpoint ?? '';
    let refusals = 0;
    const fake = await startFaultySes(emulator, () => (refusals++ < 2 ? 'refuse-500' : undefined));
    const ses = localSesClients(fake.endpoint);
    const deps = detectorDeps(runtime, clock, new SesMailer(ses.atLeastOnce), {
      citizenMailer: new SesMailer(ses.atMostOnce),
    });
    try {
      clock.at = Date.parse('2024-06-03T09:00:00+07:00');
      await approvedApology(runtime, clock, deps, 'WIRE-DIGEST', '2024-06-03');
      expect(refusals).toBeGreaterThanOrEqual(3);
      const digests = (await sentEmails(emulator)).filter(
        (m) => m.subject.includes('WIRE-DIGEST') || m.body.text?.includes('WIRE-DIGEST'),
      );
      expect(digests.length).toBeGreaterThanOrEqual(1);
    } finally {
      ses.atLeastOnce.destroy();
      ses.atMostOnce.destroy();
      await fake.close();
    }
  });
});

// Last: its detector runs move the due index's watermark past the earlier tests' days.
describe('SES accepting and then failing under the function that delivers an approval at once (issue #16)', () => {
  it('the citizen gets exactly one copy, whatever EventBridge retries and the schedule add', async () => {
    const emulator = runtime.sesEndpoint ?? '';
    const dossierId = 'WIRE-deliver-at-once';
    let citizen = '';
    const fake = await startFaultySes(emulator, (body) =>
      citizen && body.includes(citizen) && body.includes('PHI') ? 'accept-then-500' : undefined,
    );
    const ses = localSesClients(fake.endpoint);
    const deps = detectorDeps(runtime, clock, new SesMailer(ses.atLeastOnce), {
      citizenMailer: new SesMailer(ses.atMostOnce),
    });
    const deliver = createDeliverApologyHandler({ detector: deps });
    const approved = {
      version: '0',
      id: 'approval-1',
      'detail-type': 'ApologyApproved',
      source: 'vn.dunghan',
      account: '000000000000',
      time: new Date(clock.at).toISOString(),
      region: 'ap-southeast-1',
      resources: [],
      detail: { dossierId },
    } as never;
    try {
      ({ citizen } = await approvedApology(runtime, clock, deps, dossierId, '2024-07-01'));
      await clearSentEmails(emulator);
      // The approval's event, then EventBridge's retries of a failed invocation, then the schedule.
      for (let attempt = 0; attempt < 5; attempt += 1) {
        await deliver(approved, localContext('deliver-apology')).catch(() => undefined);
        clock.at += 60_000;
      }
      for (const minutes of [15, 60, 24 * 60]) {
        clock.at += minutes * 60_000;
        await runDetector(deps, `${dossierId}-${minutes}`);
      }
      const mails = await sentEmails(emulator);
      expect(mails.filter((m) => m.destination.to.includes(citizen))).toHaveLength(1);
      expect(mails.some((m) => m.body.text?.includes('Chưa xác nhận được phiếu xin lỗi'))).toBe(true);
    } finally {
      ses.atLeastOnce.destroy();
      ses.atMostOnce.destroy();
      await fake.close();
    }
  });
});
