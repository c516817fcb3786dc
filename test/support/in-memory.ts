import { loadConfigDirs, loadUnitDirectoryFile } from '../../shared/adapters/config-files.ts';
import type { DossierEvent } from '../../shared/contracts/dossier-events.ts';
import type { OutboundEvent } from '../../shared/contracts/outbound-events.ts';
import { DEFAULT_CALENDAR_DEFINITION } from '../../shared/domain/calendar/default-calendar.ts';
import type { WorkingCalendar } from '../../shared/domain/calendar/working-calendar.ts';
import type { DossierRecord } from '../../shared/domain/dossier/dossier-record.ts';
import { type FoldContext, sortEvents } from '../../shared/domain/dossier/dossier-state.ts';
import { resolveRule } from '../../shared/domain/rules/deadline-rule.ts';
import type { Clock } from '../../shared/ports/clock.ts';
import type { ConfigSource } from '../../shared/ports/config-source.ts';
import { type DossierStore, type LoadedDossier, VersionConflictError } from '../../shared/ports/dossier-store.ts';
import type { EventPublisher } from '../../shared/ports/event-publisher.ts';
import { RuleBook, type RuleBookSnapshot } from '../../shared/use-cases/rule-book.ts';

/** A hand-written fake of the store port, for use-case tests (integration tests use dynalite). */
export class InMemoryDossierStore implements DossierStore {
  readonly records = new Map<string, DossierRecord>();
  /** The event logs. */
  readonly events = new Map<string, DossierEvent[]>();
  /** Conflicts to inject on the next saves (simulating a concurrent writer). */
  conflictsToInject = 0;
  saves = 0;

  async load(dossierId: string): Promise<LoadedDossier> {
    const record = this.records.get(dossierId);
    return { record: record && structuredClone(record) };
  }

  async appendEvent(event: DossierEvent): Promise<boolean> {
    const list = this.events.get(event.detail.dossierId) ?? [];
    if (list.some((e) => e.detail.eventId === event.detail.eventId)) return false;
    list.push(structuredClone(event));
    this.events.set(event.detail.dossierId, list);
    return true;
  }

  async removeEvent(dossierId: string, eventId: string): Promise<void> {
    const list = this.events.get(dossierId) ?? [];
    this.events.set(
      dossierId,
      list.filter((e) => e.detail.eventId !== eventId),
    );
  }

  async listEvents(dossierId: string) {
    return sortEvents(structuredClone(this.events.get(dossierId) ?? [])).map((event) => ({ event, storedAt: '' }));
  }

  async saveRecord(record: DossierRecord, expectedVersion: number): Promise<DossierRecord> {
    if (this.conflictsToInject > 0) {
      this.conflictsToInject -= 1;
      throw new VersionConflictError('injected');
    }
    const current = this.records.get(record.state.dossierId)?.version ?? 0;
    if (current !== expectedVersion) throw new VersionConflictError(`expected ${expectedVersion}, found ${current}`);
    const saved = structuredClone({ ...record, version: expectedVersion + 1 });
    this.records.set(record.state.dossierId, saved);
    this.saves += 1;
    return structuredClone(saved);
  }
}

export class RecordingPublisher implements EventPublisher {
  readonly published: OutboundEvent[] = [];
  failNext = false;

  async publish(events: readonly OutboundEvent[]): Promise<string[]> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('bus unavailable');
    }
    this.published.push(...events);
    return events.map((e) => e.detail.eventId);
  }
}

export const fixedClock = (iso: string): Clock => ({ now: () => Date.parse(iso) });

/** The shipped rules and calendars, as a config source. */
export async function shippedConfig(): Promise<ConfigSource> {
  const rulesDir = new URL('../../config/rules/', import.meta.url).pathname;
  const calendarsDir = new URL('../../config/calendars/', import.meta.url).pathname;
  const { rules, calendars } = await loadConfigDirs(rulesDir, calendarsDir, [DEFAULT_CALENDAR_DEFINITION.id]);
  const units = await loadUnitDirectoryFile(new URL('../../config/units.yaml', import.meta.url).pathname);
  return { listRules: async () => rules, listCalendars: async () => calendars, getUnitDirectory: async () => units };
}

export async function shippedRuleBook(clock: Clock = fixedClock('2026-11-25T00:00:00Z')): Promise<RuleBook> {
  return new RuleBook(await shippedConfig(), clock);
}

/** The shipped configuration as the fold sees it: the civil-service calendar and the rule resolver. */
export async function shippedFold(): Promise<{
  context: FoldContext;
  calendar: WorkingCalendar;
  book: RuleBookSnapshot;
}> {
  const book = await (await shippedRuleBook()).current();
  return {
    book,
    calendar: book.calendar('vn-civil-service'),
    context: { calendar: book.calendar, resolveRule: (q) => resolveRule(book.rules, q) },
  };
}
