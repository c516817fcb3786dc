import { describe, expect, it } from 'vitest';
import { DOSSIER_EVENT_TYPES, InvalidEventError, parseDossierEvent } from '../../shared/contracts/dossier-events.ts';
import { parseDossierCode } from '../../shared/domain/dossier/dossier-code.ts';
import { exampleStream, fixture, invalidFixtures } from '../support/fixtures.ts';

describe('event contracts', () => {
  it('accepts one real-shaped example of every event type', () => {
    const types = exampleStream().map((e) => parseDossierEvent(e).type);
    expect(new Set(types)).toEqual(new Set(DOSSIER_EVENT_TYPES));
  });

  it.each([
    ['missing-received-at', 'detail.receivedAt'],
    ['received-at-without-offset', 'detail.receivedAt: must be ISO-8601 with an offset'],
    ['impossible-date', 'detail.appointmentAt: must be a real date and time'],
    ['unknown-channel-and-kind', 'detail.channel'],
    ['crlf-in-applicant-name', 'detail.applicant.name: must not contain control characters'],
    ['schema-version-2', 'detail.schemaVersion: must be 1'],
    ['unknown-detail-type', 'detail-type: unknown event type'],
    ['bad-step-duration', 'detail.steps.0.duration: must be <N>wd'],
    ['detail-not-an-object', 'detail: '],
  ])('rejects %s with an error naming the field', (name, expected) => {
    const envelope = invalidFixtures().find(([n]) => n === name)?.[1];
    expect(envelope).toBeDefined();
    let error: unknown;
    try {
      parseDossierEvent(envelope);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as Error).message).toContain(expected);
  });

  it('lists every bad field of one event, not only the first', () => {
    const envelope = invalidFixtures().find(([n]) => n === 'unknown-channel-and-kind')?.[1];
    const error = (() => {
      try {
        parseDossierEvent(envelope);
      } catch (e) {
        return e as InvalidEventError;
      }
    })();
    expect(error?.problems.map((p) => p.path)).toEqual(['detail.channel', 'detail.applicant.kind']);
  });

  it('says what each field should have been: the expected type, the allowed options', () => {
    const envelope = invalidFixtures().find(([n]) => n === 'unknown-channel-and-kind')?.[1] as {
      detail: Record<string, unknown>;
    };
    const error = (() => {
      try {
        parseDossierEvent({ ...envelope, detail: { ...envelope.detail, dossierId: 42, receivedAt: undefined } });
      } catch (e) {
        return e as InvalidEventError;
      }
    })();
    const reasons = Object.fromEntries(error?.problems.map((p) => [p.path, p.reason]) ?? []);
    expect(reasons['detail.dossierId']).toBe('Invalid input: expected string, received number');
    expect(reasons['detail.receivedAt']).toBe('Invalid input: expected string, received undefined');
    expect(reasons['detail.channel']).toBe('Invalid option: expected one of "online"|"in_person"|"postal"');
  });

  it('never puts a rejected value (personal data) in the error message', () => {
    const envelope = invalidFixtures().find(([n]) => n === 'crlf-in-applicant-name')?.[1];
    expect(() => parseDossierEvent(envelope)).toThrow(InvalidEventError);
    try {
      parseDossierEvent(envelope);
    } catch (error) {
      expect((error as Error).message).not.toContain('Bia');
      expect((error as Error).message).not.toContain('victim');
    }
  });
});

describe('detail-types named like object members (found by fuzzing)', () => {
  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])('refuses %s as an unknown type', (type) => {
    expect(() => parseDossierEvent({ 'detail-type': type, detail: {} })).toThrow(/detail-type: unknown event type/);
  });
});

describe('dossier codes', () => {
  it.each([
    ['H21.65-220914-0011', { format: 'tt01-2018', agencyCode: 'H21.65', date: '2022-09-14', sequence: '0011' }],
    ['H21.65.12-220408-0012', { format: 'tt01-2018', agencyCode: 'H21.65.12', date: '2022-04-08' }],
    ['H21.123.45-260105-AB0012', { format: '2026', agencyCode: 'H21.123.45', date: '2026-01-05', sequence: 'AB0012' }],
    ['000.00.12.H21-220913-0001', { format: 'unknown' }],
    ['H21.65-221399-0001', { format: 'tt01-2018', agencyCode: 'H21.65' }],
    ['hồ sơ giấy số 12/2022', { format: 'unknown' }],
  ])('reads %s leniently', (raw, expected) => {
    expect(parseDossierCode(raw)).toMatchObject({ raw, ...expected });
  });

  it('leaves out an impossible date written in a code rather than rejecting it', () => {
    expect(parseDossierCode('H21.65-221399-0001').date).toBeUndefined();
  });

  it('refuses an event dated more than a day after the envelope it was sent in (issue #32)', () => {
    const base = fixture('dossier-received');
    const at = (occurredAt: string, time: string) => ({
      ...base,
      time,
      detail: { ...(base.detail as object), occurredAt, receivedAt: occurredAt },
    });
    expect(() => parseDossierEvent(at('2099-04-08T15:10:00+07:00', '2022-04-08T08:10:00Z'))).toThrow(
      /detail\.occurredAt: \(2099-04-08T08:10:00\.000Z\) is more than a day after the envelope's time/,
    );
    // A sender's clock a few hours behind is not that.
    expect(parseDossierEvent(at('2022-04-08T20:00:00+07:00', '2022-04-08T08:10:00Z')).type).toBe('DossierReceived');
    const { time: _time, ...untimed } = at('2099-04-08T15:10:00+07:00', '');
    expect(parseDossierEvent(untimed).type).toBe('DossierReceived');
  });
});
