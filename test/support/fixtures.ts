import { readdirSync, readFileSync } from 'node:fs';
import type { EventBridgeEnvelope } from '../../local/local-event-bus.ts';

const dir = new URL('../fixtures/events/', import.meta.url).pathname;

/** A fixture envelope by file name (without .json). */
export function fixture(name: string): EventBridgeEnvelope {
  return JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8')) as EventBridgeEnvelope;
}

/** Every invalid fixture, by name. */
export function invalidFixtures(): [string, EventBridgeEnvelope][] {
  return readdirSync(`${dir}invalid`)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [
      f.replace(/\.json$/, ''),
      JSON.parse(readFileSync(`${dir}invalid/${f}`, 'utf8')) as EventBridgeEnvelope,
    ]);
}

/** The example stream of the events' contract (test/fixtures/events/example-stream.jsonl). */
export function exampleStream(): EventBridgeEnvelope[] {
  return readFileSync(`${dir}example-stream.jsonl`, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as EventBridgeEnvelope);
}

/** The land dossier's seven events (the stream's first dossier). */
export function landDossierEvents(): EventBridgeEnvelope[] {
  return exampleStream().filter((e) => (e.detail as { dossierId: string }).dossierId === 'H21.65-220408-0012');
}

/** The same events for another dossier id (and event ids), so one table can hold many copies. */
export function renamed(events: EventBridgeEnvelope[], dossierId: string): EventBridgeEnvelope[] {
  return events.map((e) => {
    const detail = e.detail as Record<string, unknown>;
    return { ...e, detail: { ...detail, dossierId, eventId: `${dossierId}/${String(detail.eventId)}` } };
  });
}

/** The heads' weekly QĐ 766 mail (issue #19): tests about alerts and letters leave it aside. */
export const WEEKLY_DIGEST_SUBJECT = '[Đúng Hạn] Tiến độ giải quyết';

/** The mails of a test about alerts and letters: without the heads' weekly QĐ 766 section. */
export function alertsAndLetters<T extends { subject: string }>(mails: readonly T[]): T[] {
  return mails.filter((m) => !m.subject.startsWith(WEEKLY_DIGEST_SUBJECT));
}
