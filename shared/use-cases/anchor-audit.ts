import {
  type AuditAnchor,
  type AuditCheckpoint,
  type AuditEntry,
  dayHead,
  nextShardHead,
} from '../domain/audit/audit-chain.ts';
import { AnchorExistsError, type AuditAnchorStore, type AuditTrail } from '../ports/audit-trail.ts';
import type { Clock } from '../ports/clock.ts';
import { mapLimit } from '../support/map-limit.ts';
import { vietnamDay } from '../support/vietnam-time.ts';

export interface AnchorDeps {
  trail: AuditTrail;
  anchors: AuditAnchorStore;
  clock: Clock;
}

/** The day after a `YYYY-MM-DD` day. */
export function dayAfter(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/**
 * A day's shard heads and entry count, read from the trail (what an anchor and a verify both compute);
 * `onEntry` sees each entry on the way (verify walks the chains in the same pass).
 */
export async function hashDay(
  trail: Pick<AuditTrail, 'shards' | 'entries'>,
  day: string,
  options: {
    shards?: readonly string[];
    onEntry?: (entry: AuditEntry) => void;
    /** Hash only the entries written up to this instant (a checkpoint); the others are the tail. */
    upTo?: number | undefined;
  } = {},
): Promise<{ shards: Record<string, string>; entries: number; tail: { entries: number; from?: string; to?: string } }> {
  const shards: Record<string, string> = {};
  let entries = 0;
  const tail: { entries: number; from?: string; to?: string } = { entries: 0 };
  // Shards are read side by side: a dossier lies in one shard, so each walk still sees its entries in order.
  await mapLimit([...(options.shards ?? trail.shards)], 8, async (shard) => {
    let head = '';
    for await (const entry of trail.entries(day, shard)) {
      options.onEntry?.(entry);
      if (options.upTo !== undefined && Date.parse(entry.at) > options.upTo) {
        tail.entries += 1;
        if (!tail.from || entry.at < tail.from) tail.from = entry.at;
        if (!tail.to || entry.at > tail.to) tail.to = entry.at;
        continue;
      }
      head = nextShardHead(head, entry.hash);
      entries += 1;
    }
    shards[shard] = head;
  });
  return { shards, entries, tail };
}

/** How far behind "now" a checkpoint stops: a write whose entry is stamped but not yet stored is not missed. */
export const CHECKPOINT_LAG_MS = 60_000;

/**
 * A checkpoint of the day under way (issue #31): each shard's hash of the entries written up to a minute
 * ago, written once where anchors are kept. Every quarter of an hour, so at most that much of the trail is
 * ever unanchored; verify checks the day's entries against its latest checkpoint until the day is anchored.
 */
export async function checkpointToday(deps: AnchorDeps): Promise<AuditCheckpoint | undefined> {
  const coveredTo = deps.clock.now() - CHECKPOINT_LAG_MS;
  const day = vietnamDay(coveredTo);
  const latest = await deps.anchors.latest();
  if (latest && latest.day >= day) return undefined;
  const { shards, entries } = await hashDay(deps.trail, day, { upTo: coveredTo });
  const checkpoint: AuditCheckpoint = {
    day,
    coveredTo: new Date(coveredTo).toISOString(),
    entries,
    shards,
    writtenAt: new Date(deps.clock.now()).toISOString(),
  };
  try {
    await deps.anchors.putCheckpoint(checkpoint);
  } catch (error) {
    if (!(error instanceof AnchorExistsError)) throw error;
  }
  await deps.trail.markSealed(checkpoint.coveredTo);
  return checkpoint;
}

/**
 * Anchors every whole day not anchored yet, up to yesterday (Vietnam time), each chained to the one
 * before (ADR 0021); the first anchor starts at the first day an entry was written (else yesterday), so
 * no day of the trail is left out of the anchors. At most `maxDays` a run, so a long gap is closed over
 * several runs. Two runs racing: the second finds the day anchored and goes on from it —
 * reporting it as a conflict if that anchor's head is not the one it computed.
 */
export async function anchorAuditDays(
  deps: AnchorDeps,
  maxDays = 31,
): Promise<{ anchored: string[]; conflicts: string[] }> {
  const now = deps.clock.now();
  const yesterday = vietnamDay(now - 86_400_000);
  let last = await deps.anchors.latest();
  const first = last ? undefined : await deps.trail.firstDay();
  let day = last ? dayAfter(last.day) : first && first < yesterday ? first : yesterday;
  const anchored: string[] = [];
  // Days someone else anchored with another head: the anchoring function is the only writer, so a
  // different head means the day's entries changed since, or the anchor was not ours.
  const conflicts: string[] = [];
  while (day <= yesterday && anchored.length < maxDays) {
    const { shards, entries } = await hashDay(deps.trail, day);
    const prev = last?.head ?? '';
    const anchor: AuditAnchor = {
      day,
      entries,
      shards,
      prev,
      ...(last ? { prevDay: last.day } : {}),
      head: dayHead(day, shards, prev),
      anchoredAt: new Date(deps.clock.now()).toISOString(),
    };
    try {
      await deps.anchors.put(anchor);
      anchored.push(day);
      last = anchor;
    } catch (error) {
      if (!(error instanceof AnchorExistsError)) throw error;
      const existing = await deps.anchors.get(day);
      if (existing && existing.head !== anchor.head) conflicts.push(day);
      last = existing ?? anchor;
    }
    day = dayAfter(day);
  }
  // Nothing is stamped into an anchored day from now on, whatever a writer's clock says.
  const sealed = anchored.at(-1);
  if (sealed) await deps.trail.markSealed(new Date(Date.parse(`${dayAfter(sealed)}T00:00:00+07:00`) - 1).toISOString());
  return { anchored, conflicts };
}
