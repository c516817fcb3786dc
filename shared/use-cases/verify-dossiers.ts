import {
  type AuditAnchor,
  type AuditCheckpoint,
  type AuditEntry,
  type ChainWalk,
  CONFIG_CHAIN_ID,
  checkConfig,
  checkHead,
  dayHead,
  INTERRUPTED_GRACE_MS,
  interruptedWrite,
  startWalk,
  type VerificationMark,
  verifiedThrough,
  walkEntry,
} from '../domain/audit/audit-chain.ts';
import { checkAgainstEvents, checkReportRow } from '../domain/audit/check-record.ts';
import type { VerifyReport } from '../domain/audit/render-verify.ts';
import { foldDossier } from '../domain/dossier/dossier-state.ts';
import { AnchorExistsError, type AuditAnchorStore, type AuditedRecord, type AuditTrail } from '../ports/audit-trail.ts';
import { authentic, type DossierStore } from '../ports/dossier-store.ts';
import { describeError } from '../support/describe-error.ts';
import { mapLimit } from '../support/map-limit.ts';
import { vietnamDay } from '../support/vietnam-time.ts';
import { dayAfter, hashDay } from './anchor-audit.ts';
import { foldContextOf } from './ingest-dossier-event.ts';
import type { RuleBook, RuleBookSnapshot } from './rule-book.ts';

export interface VerifyDeps {
  trail: AuditTrail;
  anchors: AuditAnchorStore;
  store: Pick<DossierStore, 'listEvents'>;
  rules: RuleBook;
}

export type { VerifyReport };

/**
 * A shard's days read a few ahead (their queries side by side) while the walk consumes them in order:
 * most days hold few entries, and one query after the other left the walk waiting on each (issue #31).
 */
function prefetchDays(trail: AuditTrail, shard: string, days: readonly string[], window = 8) {
  const fetched = new Map<string, Promise<AuditEntry[]>>();
  const fetch = (day: string) => {
    let entries = fetched.get(day);
    if (!entries) {
      entries = (async () => {
        const all: AuditEntry[] = [];
        for await (const entry of trail.entries(day, shard)) all.push(entry);
        return all;
      })();
      // A rejection is seen when the day is consumed, not as an unhandled rejection meanwhile.
      entries.catch(() => undefined);
      fetched.set(day, entries);
    }
    return entries;
  };
  return {
    shards: [shard] as const,
    async *entries(day: string) {
      const index = days.indexOf(day);
      for (const next of days.slice(index + 1, index + 1 + window)) fetch(next);
      const entries = await fetch(day);
      fetched.delete(day);
      yield* entries;
    },
  };
}

/** The days from `from` to `to`, both included. */
function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = dayAfter(day)) days.push(day);
  return days;
}

/**
 * `dunghan verify` (ADR 0021): walks the audit entries of every day in the range, shard by shard (a
 * dossier's entries are all in its shard, so memory is one shard's dossiers), checks each chain link and
 * each entry's hash, then each dossier met: its stored record must be the one its last entry recorded,
 * its report row the one its record gives, its event log must still hold every event it was folded from
 * and refold to the same status, finish instants and result. Each day's entries are rehashed and
 * compared with its anchor.
 */
export async function verifyDossiers(
  deps: VerifyDeps,
  range: { from: string; to: string },
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const verification = new Verification(deps, range, options, await deps.rules.current());
  await verification.loadAnchors();
  // Shards side by side (a few: each holds its dossiers' walks in memory), each day by day.
  await mapLimit([...deps.trail.shards], options.shardConcurrency ?? 4, (shard) => verification.walkShard(shard));
  verification.checkDays();
  return verification.finish();
}

export interface VerifyOptions {
  concurrency?: number;
  shardConcurrency?: number;
  now?: number;
  /** Called as each shard's days are walked and its dossiers checked: done of total (shards × days). */
  onProgress?: (done: number, total: number, dossiers: number) => void;
}

type Problem = VerifyReport['failed'][number]['problems'][number];

/** One verify under way: what each day and shard hashed to, each dossier's walk, and the report. */
class Verification {
  readonly report: VerifyReport;
  private readonly bounds: { to: string; startedAt: number; now: () => number; dayOf: (at: number) => string };
  private readonly days: string[];
  private readonly dayShards = new Map<string, Record<string, string>>();
  private readonly dayEntries = new Map<string, number>();
  private readonly dayTails = new Map<string, { entries: number; from?: string; to?: string }>();
  /** Each dossier's last day in the range: one still waiting on an event holds the verification mark back. */
  private readonly lastDayOf = new Map<string, string>();
  /**
   * Each day is checked against its anchor, or — the day under way, not anchored yet — against its latest
   * checkpoint: only the entries after that checkpoint are unanchored (issue #31).
   */
  private readonly anchorsOf = new Map<string, AuditAnchor | undefined>();
  private readonly checkpointsOf = new Map<string, AuditCheckpoint | undefined>();
  private progress = 0;

  constructor(
    private readonly deps: VerifyDeps,
    private readonly range: { from: string; to: string },
    private readonly options: VerifyOptions,
    private readonly book: RuleBookSnapshot,
  ) {
    this.bounds = { to: range.to, startedAt: options.now ?? Date.now(), now: Date.now, dayOf: vietnamDay };
    this.days = daysOf(range.from, range.to);
    this.report = {
      from: range.from,
      to: range.to,
      days: [],
      verified: 0,
      passed: 0,
      failed: [],
      pending: [],
      interrupted: { completed: [], waiting: [] },
      entries: 0,
      orphans: 0,
      anchorLocation: deps.anchors.location,
    };
  }

  async loadAnchors(): Promise<void> {
    await mapLimit(this.days, 8, async (day) => {
      const anchor = await this.deps.anchors.get(day);
      this.anchorsOf.set(day, anchor);
      if (!anchor) this.checkpointsOf.set(day, await this.deps.anchors.latestCheckpoint(day));
    });
  }

  /** One shard, day by day: the anchor's running hash and each dossier's walk; then each dossier met. */
  async walkShard(shard: string): Promise<void> {
    const walks = new Map<string, ChainWalk>();
    const ahead = prefetchDays(this.deps.trail, shard, this.days);
    const total = this.deps.trail.shards.length * this.days.length;
    for (const day of this.days) {
      const checkpoint = this.checkpointsOf.get(day);
      const { shards, entries, tail } = await hashDay(ahead, day, {
        shards: [shard],
        upTo: checkpoint ? Date.parse(checkpoint.coveredTo) : undefined,
        onEntry: (entry) => {
          // The configuration's own chain is checked apart (below), not as a dossier.
          if (entry.dossierId === CONFIG_CHAIN_ID) return;
          this.lastDayOf.set(entry.dossierId, day);
          let walk = walks.get(entry.dossierId);
          if (!walk) {
            walk = startWalk();
            walks.set(entry.dossierId, walk);
          }
          walkEntry(walk, entry);
        },
      });
      this.progress += 1;
      this.options.onProgress?.(this.progress, total, this.report.verified);
      this.countDay(day, shards, entries, tail, checkpoint !== undefined);
    }
    const ids = [...walks.keys()];
    for (let i = 0; i < ids.length; i += 100) {
      const batch = ids.slice(i, i + 100);
      const stored = await this.deps.trail.auditedRecords(batch);
      await mapLimit(batch, this.options.concurrency ?? 8, (dossierId) =>
        this.checkDossier(dossierId, walks.get(dossierId) as ChainWalk, stored.get(dossierId)),
      );
    }
  }

  private countDay(
    day: string,
    shards: Record<string, string>,
    entries: number,
    tail: { entries: number; from?: string | undefined; to?: string | undefined },
    checkpointed: boolean,
  ): void {
    this.dayShards.set(day, { ...(this.dayShards.get(day) ?? {}), ...shards });
    this.dayEntries.set(day, (this.dayEntries.get(day) ?? 0) + entries + tail.entries);
    this.report.entries += entries + tail.entries;
    if (!checkpointed) return;
    const known = this.dayTails.get(day) ?? { entries: 0 };
    known.entries += tail.entries;
    if (tail.from && (!known.from || tail.from < known.from)) known.from = tail.from;
    if (tail.to && (!known.to || tail.to > known.to)) known.to = tail.to;
    this.dayTails.set(day, known);
  }

  /** A dossier met in the range: its chain, its stored record and report row, its event log refolded. */
  private async checkDossier(dossierId: string, walk: ChainWalk, audited: AuditedRecord | undefined): Promise<void> {
    const { report } = this;
    report.orphans += walk.orphans;
    if (walk.orphans > 0) report.interrupted.completed.push(dossierId);
    report.verified += 1;
    const problems = [...walk.problems];
    if (!audited) {
      problems.push({
        code: 'head_missing',
        message: 'Bản ghi hồ sơ không còn trong bảng dù nhật ký có thay đổi của nó (đã bị xóa).',
      });
    } else {
      const interrupted = interruptedWrite(walk, audited.facts);
      problems.push(...checkHead(walk, audited.facts, this.bounds, interrupted !== undefined));
      problems.push(...checkReportRow(audited.record, audited.reportRow));
      problems.push(...(await this.checkEvents(dossierId, walk, audited, interrupted)));
    }
    if (problems.length === 0) report.passed += 1;
    else report.failed.push({ dossierId, problems });
  }

  /** The event log: no forged event, an interrupted write completed or waiting, the record refolded. */
  private async checkEvents(
    dossierId: string,
    walk: ChainWalk,
    audited: AuditedRecord,
    interrupted: ReturnType<typeof interruptedWrite>,
  ): Promise<Problem[]> {
    const problems: Problem[] = [];
    try {
      const logged = await this.deps.store.listEvents(dossierId);
      // An event no writer of events sealed was written behind Đúng Hạn's back (issue #31).
      for (const forged of logged.filter((l) => l.forged))
        problems.push({
          code: 'event_forged',
          message: `Sự kiện ${forged.event.detail.eventId} (${forged.event.type}) trong nhật ký sự kiện không do Đúng Hạn ghi (không có dấu niêm phong hợp lệ): đã bị ghi vào bảng từ bên ngoài.`,
        });
      const log = authentic(logged);
      if (interrupted) {
        // In flight while its events are all there and its redelivery may still come; else a record
        // put back to the version before, or a write that never completed: either needs a look.
        if (
          log.length >= interrupted.events &&
          Date.parse(interrupted.at) >= this.bounds.startedAt - INTERRUPTED_GRACE_MS
        )
          this.report.interrupted.waiting.push(dossierId);
        else
          problems.push({
            code: 'interrupted_not_completed',
            message: `Bản ghi ở phiên bản ${audited.facts.version}, nhật ký đã ghi phiên bản ${walk.lastSeq} (lúc ${interrupted.at}) mà lần ghi đó không hoàn tất${
              log.length < interrupted.events
                ? ` và nhật ký sự kiện thiếu sự kiện nó đã tính (còn ${log.length}/${interrupted.events})`
                : ' sau hơn 24 giờ'
            }: bản ghi đã bị đưa về phiên bản cũ, hoặc sự kiện của lần ghi đó nằm trong hàng đợi lỗi cần xử lý lại.`,
          });
      }
      const refolded = foldDossier(dossierId, log, foldContextOf(this.book, audited.record));
      const events = checkAgainstEvents(audited.record, refolded, log.length);
      if (events.pending) this.report.pending.push(dossierId);
      problems.push(...events.problems);
    } catch (error) {
      problems.push({
        code: 'field_mismatch',
        message: `Không tính lại được hồ sơ từ các sự kiện: ${describeError(error)}`,
      });
    }
    return problems;
  }

  /** Each day rehashed against its anchor (or its latest checkpoint), and each anchor against the one before. */
  checkDays(): void {
    let previous: AuditAnchor | undefined;
    for (const day of this.days) {
      const shards = this.dayShards.get(day) ?? {};
      const anchor = this.anchorsOf.get(day);
      const checkpoint = this.checkpointsOf.get(day);
      const entries = this.dayEntries.get(day) ?? 0;
      if (!anchor && checkpoint) {
        // Every shard's entries up to the checkpoint must hash as they did then: none cut, none slipped in.
        const changedShards = differing(checkpoint.shards, shards);
        const tail = this.dayTails.get(day) ?? { entries: 0 };
        this.report.days.push({ day, entries, anchored: false, changedShards, checkpoint: checkpoint.coveredTo, tail });
        continue;
      }
      const changedShards = anchor ? differing(anchor.shards, shards) : [];
      if (anchor && changedShards.length === 0 && dayHead(day, anchor.shards, anchor.prev) !== anchor.head) {
        changedShards.push('(head)');
      }
      // Each anchor names the one before it: a day anchored out of the chain is a sign too.
      if (anchor && previous && anchor.prevDay === previous.day && anchor.prev !== previous.head) {
        changedShards.push('(chain)');
      }
      if (anchor) previous = anchor;
      this.report.days.push({ day, entries, anchored: anchor !== undefined, changedShards });
    }
  }

  async finish(): Promise<VerifyReport> {
    const { report } = this;
    const chain = await this.deps.trail.configChain();
    report.config = { checked: chain !== undefined, problems: checkConfig(chain) };
    report.failed.sort((a, b) => a.dossierId.localeCompare(b.dossierId));
    report.pending.sort();
    report.interrupted.completed.sort();
    report.interrupted.waiting.sort();
    const through = verifiedThrough(
      report.days,
      report.failed.length === 0 && report.config.problems.length === 0,
      report.pending.map((id) => this.lastDayOf.get(id) ?? this.range.from),
    );
    const head = through ? this.anchorsOf.get(through)?.head : undefined;
    if (through && head) report.cleanThrough = { day: through, head };
    return report;
  }
}

/** The shards whose hash differs between what was recorded and what the trail hashes to now. */
function differing(recorded: Record<string, string>, now: Record<string, string>): string[] {
  return Object.keys({ ...recorded, ...now })
    .filter((s) => (recorded[s] ?? '') !== (now[s] ?? ''))
    .sort();
}

/**
 * Records a clean verify's reach where the anchors are (issue #31), so that the next plain verify goes on
 * from the day after it. Returns the mark written, or undefined when there is nothing (new) to mark.
 */
export async function markVerified(
  anchors: AuditAnchorStore,
  report: VerifyReport,
  now: number,
): Promise<VerificationMark | undefined> {
  if (!report.cleanThrough) return undefined;
  const previous = await anchors.latestVerification();
  if (previous && previous.verifiedTo >= report.cleanThrough.day) return undefined;
  const mark: VerificationMark = {
    verifiedTo: report.cleanThrough.day,
    from: report.from,
    head: report.cleanThrough.head,
    dossiers: report.verified,
    entries: report.entries,
    at: new Date(now).toISOString(),
  };
  try {
    await anchors.putVerification(mark);
  } catch (error) {
    // Another verify marked the same day meanwhile: the day is marked, which is all that matters.
    if (!(error instanceof AnchorExistsError)) throw error;
  }
  return mark;
}
