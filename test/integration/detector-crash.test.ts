import { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, type LocalRuntime, startLocalRuntime } from '../../local/local-runtime.ts';
import { clearSentEmails, sentEmails } from '../../local/ses-server.ts';
import { MESSAGE_ID_HEADER, SesMailer } from '../../shared/adapters/ses-mailer.ts';
import type { DossierRecord } from '../../shared/domain/dossier/dossier-record.ts';
import type { DossierStore } from '../../shared/ports/dossier-store.ts';
import { MailDeferredError, type Mailer } from '../../shared/ports/mailer.ts';
import { type DetectorDeps, runDetector } from '../../shared/use-cases/run-detector.ts';
import { approvedApology as approveDrafted, detectorDeps, type TestClock } from '../support/approved-apology.ts';
import { receivedEvent } from '../support/dossier-factory.ts';

const clock: TestClock = { at: Date.parse('2024-03-04T09:00:00+07:00'), now: () => clock.at };
let runtime: LocalRuntime;
let ses: SESv2Client;

beforeAll(async () => {
  runtime = await startLocalRuntime({ mail: true, clock, ruleCacheMs: 0 });
  ses = new SESv2Client({ region: 'ap-southeast-1', credentials: LOCAL_CREDENTIALS, endpoint: runtime.sesEndpoint });
});
afterAll(async () => {
  ses?.destroy();
  await runtime?.close();
});

class CrashError extends Error {
  override name = 'CrashError';
}

/** The real store, except that writes releasing a lease (the "mark sent" step) crash while `armed`. */
function crashingStore(inner: DossierStore, crash: { armed: boolean }): DossierStore {
  return {
    load: (id) => inner.load(id),
    appendEvent: (e, at) => inner.appendEvent(e, at),
    removeEvent: (id, eventId) => inner.removeEvent(id, eventId),
    listEvents: (id) => inner.listEvents(id),
    saveRecord: async (record: DossierRecord, version) => {
      if (crash.armed && !record.lease && Object.values(record.notifications).some((n) => n.sentAt || n.attempts > 0)) {
        throw new CrashError('container killed between the send and the mark');
      }
      return inner.saveRecord(record, version);
    },
  };
}

function deps(store: DossierStore, mailer: Mailer = new SesMailer(ses)): DetectorDeps {
  return detectorDeps(runtime, clock, mailer, { store });
}

describe('a detector crash', () => {
  it('between the send and the mark: an official’s alert is sent again by the next run (at least once, same Message-ID), then never again', async () => {
    await runtime.deliver(
      receivedEvent({
        dossierId: 'H21.65-240304-0301',
        eventId: 'crash-1',
        occurredAt: '2024-03-04T09:00:00+07:00',
        receivedAt: '2024-03-04T09:00:00+07:00',
        appointmentAt: '2024-03-18T17:00:00+07:00',
      }),
    );
    await clearSentEmails(runtime.sesEndpoint ?? '');
    const crash = { armed: true };
    clock.at = Date.parse('2024-03-14T17:30:00+07:00');
    const report = await runDetector(deps(crashingStore(runtime.store, crash), new SesMailer(ses)), 'run-1');
    expect(report.failures.map((f) => f.reason)).toEqual([
      'CrashError: container killed between the send and the mark',
    ]);
    expect(await sentEmails(runtime.sesEndpoint ?? '')).toHaveLength(1);
    crash.armed = false;

    // Nothing recorded the move or the send: the next run makes both again (ADR 0013: officials' alerts
    // are at least once and take no lease; the detector runs one at a time).
    clock.at = Date.parse('2024-03-14T17:45:00+07:00');
    await runDetector(deps(runtime.store), 'run-2');
    const emails = await sentEmails(runtime.sesEndpoint ?? '');
    expect(emails).toHaveLength(2);
    const messageIds = emails.map((m) => m.headers?.find((h) => h.name === MESSAGE_ID_HEADER)?.value);
    expect(messageIds[0]).toMatch(/@dunghan\.vn>$/);
    expect(messageIds[1]).toBe(messageIds[0]);
    clock.at = Date.parse('2024-03-14T18:00:00+07:00');
    await runDetector(deps(runtime.store), 'run-3');
    expect(await sentEmails(runtime.sesEndpoint ?? '')).toHaveLength(2);
    const { record } = await runtime.store.load('H21.65-240304-0301');
    expect(Object.values(record?.notifications ?? {}).map((n) => Boolean(n.sentAt))).toEqual([true]);
    expect(record?.lease).toBeUndefined();

    clock.at = Date.parse('2024-03-14T18:30:00+07:00');
    await runDetector(deps(runtime.store), 'run-4');
    expect(await sentEmails(runtime.sesEndpoint ?? '')).toHaveLength(2);
  });

  it('before the send: the owed notification is sent by the next run, once', async () => {
    await runtime.deliver(
      receivedEvent({
        dossierId: 'H21.65-240311-0302',
        eventId: 'crash-2',
        occurredAt: '2024-03-11T09:00:00+07:00',
        receivedAt: '2024-03-11T09:00:00+07:00',
        appointmentAt: '2024-03-25T17:00:00+07:00',
      }),
    );
    await clearSentEmails(runtime.sesEndpoint ?? '');
    clock.at = Date.parse('2024-03-21T17:30:00+07:00');
    const dying = {
      send: async () => {
        throw new CrashError('container killed before the send');
      },
    };
    const crash = { armed: true };
    await runDetector(deps(crashingStore(runtime.store, crash), dying), 'run-5');
    expect(await sentEmails(runtime.sesEndpoint ?? '')).toHaveLength(0);
    crash.armed = false;
    // Nothing was recorded (no lease for an official's alert): the dossier is where it was, owed.
    const stuck = (await runtime.store.load('H21.65-240311-0302')).record;
    expect(stuck?.lease).toBeUndefined();
    expect(Object.values(stuck?.notifications ?? {}).every((n) => !n.sentAt)).toBe(true);

    clock.at = Date.parse('2024-03-21T17:45:00+07:00');
    await runDetector(deps(runtime.store), 'run-6');
    await runDetector(deps(runtime.store), 'run-7');
    const emails = await sentEmails(runtime.sesEndpoint ?? '');
    expect(emails.filter((m) => m.body.text?.includes('H21.65-240311-0302'))).toHaveLength(1);
  });
});

describe('a dossier that fails to move', () => {
  it('keeps its bucket in reach: the watermark does not pass it, and a later run moves it', async () => {
    await runtime.deliver(
      receivedEvent({
        dossierId: 'H21.65-240318-0303',
        eventId: 'stuck-1',
        occurredAt: '2024-03-18T09:00:00+07:00',
        receivedAt: '2024-03-18T09:00:00+07:00',
        appointmentAt: '2024-04-01T17:00:00+07:00',
      }),
    );
    // Its next action is in the bucket of 28/3; the failing run is the next day's.
    clock.at = Date.parse('2024-03-29T17:30:00+07:00');
    const failing: DossierStore = {
      ...runtime.store,
      load: (id) => runtime.store.load(id),
      appendEvent: (e, at) => runtime.store.appendEvent(e, at),
      removeEvent: (id, eventId) => runtime.store.removeEvent(id, eventId),
      listEvents: (id) => runtime.store.listEvents(id),
      saveRecord: async (record, version) => {
        if (record.state.dossierId === 'H21.65-240318-0303') throw new Error('table unavailable');
        return runtime.store.saveRecord(record, version);
      },
    };
    const first = await runDetector(deps(failing), 'run-8');
    expect(first.failures.map((f) => f.dossierId)).toEqual(['H21.65-240318-0303']);
    // Two days later, with the table back, the dossier is still found and moved.
    clock.at = Date.parse('2024-04-01T08:00:00+07:00');
    const later = await runDetector(deps(runtime.store), 'run-9');
    expect(later.moved.DUE_SOON ?? 0).toBeGreaterThanOrEqual(1);
    expect((await runtime.store.load('H21.65-240318-0303')).record?.stagesReached.map((s) => s.stage)).toContain(
      'DUE_SOON',
    );
  });
});

// Last: these runs move the detector's watermark into April.
describe('a citizen’s apology is emailed at most once', () => {
  const approvedApology = (dossierId: string, day: string) =>
    approveDrafted(runtime, clock, deps(runtime.store), dossierId, day);

  it('a run dies between the send and the mark: never resent, the desk is asked to confirm, the apology counts as issued', async () => {
    const id = 'H21.65-240401-0401';
    const { citizen } = await approvedApology(id, '2024-04-01');
    expect(citizen).toMatch(/@/);
    await clearSentEmails(runtime.sesEndpoint ?? '');
    const crash = { armed: true };
    await runDetector(deps(crashingStore(runtime.store, crash)), 'run-citizen-1');
    crash.armed = false;
    const toCitizen = async () =>
      (await sentEmails(runtime.sesEndpoint ?? '')).filter((m) => m.destination.to.includes(citizen));
    expect(await toCitizen()).toHaveLength(1);

    clock.at += 5 * 60_000; // inside the lease: nothing happens
    await runDetector(deps(runtime.store), 'run-citizen-2');
    clock.at += 20 * 60_000; // the lease is over: the dead run's send is settled as uncertain
    await runDetector(deps(runtime.store), 'run-citizen-3');
    await runDetector(deps(runtime.store), 'run-citizen-4');
    clock.at += 2 * 86_400_000;
    await runDetector(deps(runtime.store), 'run-citizen-5');
    expect(await toCitizen()).toHaveLength(1);
    const desk = (await sentEmails(runtime.sesEndpoint ?? '')).filter(
      (m) => !m.destination.to.includes(citizen) && m.body.text?.includes('Chưa xác nhận được phiếu xin lỗi'),
    );
    expect(desk).toHaveLength(1);
    expect(desk[0]?.body.text).toContain('PHIẾU XIN LỖI');
    const { record } = await runtime.store.load(id);
    const citizenNotice = Object.values(record?.notifications ?? {}).find((n) => n.kind === 'apology_to_citizen');
    expect(citizenNotice).toMatchObject({ uncertainAt: expect.any(String) });
    expect(citizenNotice?.sentAt).toBeUndefined();
    expect(citizenNotice?.inFlight).toBeUndefined();
    expect(record?.apology.status).toBe('issued');
  });

  it('SES does not answer (a timeout): not resent either, handed to the desk; a throttled send is simply retried', async () => {
    const id = 'H21.65-240408-0402';
    const { citizen } = await approvedApology(id, '2024-04-08');
    await clearSentEmails(runtime.sesEndpoint ?? '');
    const real = new SesMailer(ses);
    let calls = 0;
    const flaky: Mailer = {
      send: async (message) => {
        if (!message.to.includes(citizen)) return real.send(message);
        calls += 1;
        if (calls === 1) throw new MailDeferredError('SES deferred the message (TooManyRequestsException)');
        if (calls === 2) throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
        return real.send(message);
      },
    };
    await runDetector(deps(runtime.store, flaky), 'run-flaky-1'); // throttled: retried later
    clock.at += 16 * 60_000;
    await runDetector(deps(runtime.store, flaky), 'run-flaky-2'); // timeout: outcome unknown
    clock.at += 2 * 86_400_000;
    await runDetector(deps(runtime.store, flaky), 'run-flaky-3');
    await runDetector(deps(runtime.store, flaky), 'run-flaky-4');
    expect(calls).toBe(2);
    const { record } = await runtime.store.load(id);
    const citizenNotice = Object.values(record?.notifications ?? {}).find((n) => n.kind === 'apology_to_citizen');
    expect(citizenNotice).toMatchObject({ attempts: 1, uncertainAt: expect.any(String) });
    expect(
      (await sentEmails(runtime.sesEndpoint ?? '')).some((m) =>
        m.body.text?.includes('Chưa xác nhận được phiếu xin lỗi'),
      ),
    ).toBe(true);
  });
});
