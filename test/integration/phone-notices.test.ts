import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalRuntime, localPhoneChannels, startLocalRuntime } from '../../local/local-runtime.ts';
import type { PhoneEmulator } from '../../local/phone-server.ts';
import { clearSentEmails, sentEmails } from '../../local/ses-server.ts';
import { SesMailer } from '../../shared/adapters/ses-mailer.ts';
import { SMS_SEGMENT } from '../../shared/domain/notices/phone-notices.ts';
import { type DetectorDeps, runDetector } from '../../shared/use-cases/run-detector.ts';
import { approvedApology, detectorDeps, localSesClients, type TestClock } from '../support/approved-apology.ts';

/*
 * Issue #18: the approved apology reaches a citizen's phone — Zalo ZNS, else SMS, else the desk's
 * printed letter — each channel at most once, through the production adapters talking to the local
 * phone emulator over HTTP (faults injected there, below every client).
 */

const clock: TestClock = {
  at: Date.parse('2024-03-01T09:00:00+07:00'),
  now() {
    return this.at;
  },
};
let runtime: LocalRuntime;
let phone: PhoneEmulator;
let deps: DetectorDeps;
let n = 0;

/** A person with a mobile number and no email. */
const PHONE_ONLY = {
  applicant: { kind: 'person', name: 'Nay H\u2019Lan', idNumber: '064190005678', phone: '0905 123 456' },
};

beforeAll(async () => {
  runtime = await startLocalRuntime({ mail: true, clock, ruleCacheMs: 0 });
  phone = runtime.phone as PhoneEmulator;
  const ses = localSesClients(runtime.sesEndpoint ?? '');
  deps = detectorDeps(runtime, clock, new SesMailer(ses.atLeastOnce), {
    citizenMailer: new SesMailer(ses.atMostOnce),
    phone: localPhoneChannels(phone.endpoint),
  });
}, 60_000);
afterAll(async () => {
  await runtime?.close();
});
beforeEach(async () => {
  phone.messages.length = 0;
  await clearSentEmails(runtime.sesEndpoint ?? '');
});

/**
 * A new dossier, its apology approved (the clock left at the approval, 17:00). Each received a week after
 * the last: the detector's index walks forward in time, so every test starts after the previous ended.
 */
async function approved(changes: Record<string, unknown> = PHONE_ONLY): Promise<string> {
  n += 1;
  const day = new Date(Date.parse('2024-04-01T00:00:00Z') + 7 * n * 86_400_000).toISOString().slice(0, 10);
  const id = `H21.65-${day.slice(2).replaceAll('-', '')}-${String(500 + n).padStart(4, '0')}`;
  clock.at = Date.parse(`${day}T08:00:00+07:00`);
  await approvedApology(runtime, clock, deps, id, day, changes);
  return id;
}

const notices = async (id: string) => Object.values((await runtime.store.load(id)).record?.notifications ?? {});
const to = (id: string) => phone.messages.filter((m) => m.templateData?.ma_ho_so === id || m.text?.includes(id));

describe('the apology on the citizen’s phone', () => {
  it('goes by Zalo once, whatever runs overlap or repeat', async () => {
    const id = await approved();
    await Promise.all([runDetector(deps, 'run-a'), runDetector(deps, 'run-b')]);
    await runDetector(deps, 'run-c');
    clock.at += 3_600_000;
    await runDetector(deps, 'run-d');
    const sent = to(id);
    expect(sent.map((m) => m.channel)).toEqual(['zns']);
    expect(sent[0]?.to).toBe('84905123456');
    expect(sent[0]?.templateData).toMatchObject({ ma_ho_so: id, ly_do: 'Chờ ý kiến của cơ quan thuế' });
    expect(sent[0]?.templateData?.tra_cuu).toContain(`/tra-cuu/${id}`);
    const { record } = await runtime.store.load(id);
    expect(record?.apology.status).toBe('issued');
    expect(record?.apology.channel).toBe('phone');
    // No email: nothing went to the desk.
    expect((await sentEmails(runtime.sesEndpoint ?? '')).filter((m) => m.subject.includes(id))).toEqual([]);
  });

  it('falls back to one SMS when Zalo cannot deliver it, within one segment and without diacritics', async () => {
    const id = await approved();
    phone.notOnZalo.add('84905123456');
    try {
      await runDetector(deps, 'sms-a');
      await runDetector(deps, 'sms-b');
    } finally {
      phone.notOnZalo.delete('84905123456');
    }
    const sent = to(id);
    expect(sent.map((m) => m.channel)).toEqual(['sms']);
    expect(sent[0]?.to).toBe('+84905123456');
    expect(sent[0]?.sender).toBe('DUNGHAN');
    expect(sent[0]?.text?.length).toBeLessThanOrEqual(SMS_SEGMENT);
    expect(sent[0]?.text).toMatch(/^[\x20-\x7e]+$/);
    expect(sent[0]?.text).toContain(id);
    const kinds = (await notices(id)).map((x) => [x.kind, Boolean(x.sentAt), Boolean(x.failedAt)]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        ['apology_zns', false, true],
        ['apology_sms', true, false],
      ]),
    );
  });

  it('ends with the desk’s printable letter when both channels refuse it', async () => {
    const id = await approved();
    phone.fail('zns', 'reject');
    phone.fail('sms', 'reject');
    // One hop a run: Zalo refuses (SMS owed), the SMS is refused (the desk's letter owed), the letter goes.
    await runDetector(deps, 'desk-a');
    await runDetector(deps, 'desk-b');
    await runDetector(deps, 'desk-c');
    await runDetector(deps, 'desk-d');
    expect(to(id)).toEqual([]);
    const desk = (await sentEmails(runtime.sesEndpoint ?? '')).filter((m) => m.body.text?.includes(id));
    expect(desk).toHaveLength(1);
    expect(desk[0]?.body.text).toContain('không gửi được qua email, Zalo hoặc tin nhắn SMS');
    expect(desk[0]?.attachments.some((a) => a.filename?.endsWith('.docx'))).toBe(true);
    const { record } = await runtime.store.load(id);
    expect(record?.apology.status).toBe('issued');
  });

  it('never resends when Zalo may have taken it (an error after accepting): the desk confirms instead', async () => {
    const id = await approved();
    phone.fail('zns', 'server_error_after_accepting');
    await runDetector(deps, 'lost-a');
    await runDetector(deps, 'lost-b');
    clock.at += 86_400_000;
    await runDetector(deps, 'lost-c');
    expect(to(id).map((m) => m.channel)).toEqual(['zns']);
    const kinds = (await notices(id)).map((x) => x.kind);
    expect(kinds).toContain('apology_unconfirmed');
    expect(kinds).not.toContain('apology_sms');
  });

  it('never resends an SMS whose connection dropped after the service took it (one attempt below the SDK)', async () => {
    const id = await approved();
    phone.fail('zns', 'reject');
    phone.fail('sms', 'drop_after_accepting');
    for (const run of ['drop-a', 'drop-b', 'drop-c']) await runDetector(deps, run);
    clock.at += 86_400_000;
    await runDetector(deps, 'drop-d');
    expect(to(id).map((m) => m.channel)).toEqual(['sms']);
    const kinds = (await notices(id)).map((x) => x.kind);
    expect(kinds).toContain('apology_unconfirmed');
    expect(kinds).not.toContain('apology_letter_for_desk');
  });

  it('holds a message owed at night until 07:00 Vietnam time', async () => {
    const held = await approved();
    const day = new Date(clock.at + 7 * 3_600_000).toISOString().slice(0, 10);
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    clock.at = Date.parse(`${day}T22:30:00+07:00`);
    await runDetector(deps, 'night');
    expect(to(held)).toEqual([]);
    expect((await runtime.store.load(held)).record?.nextActionAt).toBe(`${next}T07:00:00+07:00`);
    clock.at = Date.parse(`${next}T06:59:00+07:00`);
    await runDetector(deps, 'dawn');
    expect(to(held)).toEqual([]);
    clock.at = Date.parse(`${next}T07:00:00+07:00`);
    await runDetector(deps, 'morning');
    expect(to(held).map((m) => m.channel)).toEqual(['zns']);
  });

  it('refreshes an expired Zalo access token once and sends one message', async () => {
    const id = await approved();
    phone.expireAccessToken();
    await runDetector(deps, 'token');
    expect(to(id).map((m) => m.channel)).toEqual(['zns']);
  });

  it('sends by email and by phone when the dossier has both, once each', async () => {
    const id = await approved({});
    await runDetector(deps, 'both-a');
    await runDetector(deps, 'both-b');
    expect(to(id).map((m) => m.channel)).toEqual(['zns']);
    const mails = (await sentEmails(runtime.sesEndpoint ?? '')).filter((m) => m.subject.includes(id));
    expect(mails.map((m) => m.destination.to)).toEqual([['hbia.ksor@example.vn']]);
    expect((await runtime.store.load(id)).record?.apology.channel).toBe('email_and_phone');
  });
});
