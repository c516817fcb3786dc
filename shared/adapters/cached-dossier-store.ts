import type { DossierEvent } from '../contracts/dossier-events.ts';
import type { DossierRecord } from '../domain/dossier/dossier-record.ts';
import { type Clock, systemClock } from '../ports/clock.ts';
import { type DossierStore, type LoadedDossier, VersionConflictError } from '../ports/dossier-store.ts';

/**
 * A container-local read-through cache in front of a dossier store. Events of one dossier often come in
 * bursts (hand-overs, a replay), and every write is conditional on the version it read: a stale entry
 * can only cause a version conflict, after which the entry is dropped and the next load reads the
 * table. So the cache saves reads without ever making a decision on stale data. Least recently used
 * entries are evicted beyond `capacity`.
 */
export class CachedDossierStore implements DossierStore {
  private readonly entries = new Map<string, LoadedDossier & { at: number }>();

  constructor(
    private readonly inner: DossierStore,
    private readonly capacity = 2_000,
    /**
     * How long an entry is trusted. Other writers (the detector, approvals) change records too: an entry
     * older than this is likely stale, and a failed conditional write costs more than a fresh read (a
     * write unit per KB against half a read unit per 4 KB), so it is read again. Bursts of events on one
     * dossier (a hand-over and its result, a replay) still hit.
     */
    private readonly options: { maxAgeMs?: number; clock?: Clock } = {},
  ) {}

  async load(dossierId: string): Promise<LoadedDossier> {
    const hit = this.entries.get(dossierId);
    if (hit && this.now() - hit.at > (this.options.maxAgeMs ?? 60_000)) this.entries.delete(dossierId);
    else if (hit) {
      this.entries.delete(dossierId);
      this.entries.set(dossierId, hit);
      return { record: hit.record && structuredCopy(hit.record) };
    }
    const loaded = await this.inner.load(dossierId);
    if (loaded.record) this.remember(dossierId, loaded);
    return loaded;
  }

  async saveRecord(record: DossierRecord, expectedVersion: number): Promise<DossierRecord> {
    const id = record.state.dossierId;
    try {
      const saved = await this.inner.saveRecord(record, expectedVersion);
      this.remember(id, { record: structuredCopy(saved) });
      return saved;
    } catch (error) {
      if (error instanceof VersionConflictError) this.entries.delete(id);
      throw error;
    }
  }

  appendEvent(event: DossierEvent, storedAt: string, options?: { replaceForged?: boolean }): Promise<boolean> {
    return this.inner.appendEvent(event, storedAt, options);
  }

  removeEvent(dossierId: string, eventId: string): Promise<void> {
    return this.inner.removeEvent(dossierId, eventId);
  }

  listEvents(dossierId: string) {
    return this.inner.listEvents(dossierId);
  }

  private now(): number {
    return (this.options.clock ?? systemClock).now();
  }

  private remember(dossierId: string, loaded: LoadedDossier): void {
    this.entries.delete(dossierId);
    this.entries.set(dossierId, { ...loaded, at: this.now() });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}

/** Records are plain JSON data; callers may mutate what they get, so each gets its own copy. */
function structuredCopy(record: DossierRecord): DossierRecord {
  return JSON.parse(JSON.stringify(record)) as DossierRecord;
}
