import { createHash } from 'node:crypto';

/*
 * Tamper evidence (ADR 0021). Every stored change of a dossier — an event folded, a detector move, an
 * approval, an administrator's recompute — writes an audit entry: the record version it produced, the hash
 * of the stored record's bytes, the hash of the previous entry, and its own hash. A day's entries are
 * hashed into the day's head, each day's head into the next, and the head anchored where operators cannot
 * rewrite it. This module is the one home of what is hashed and how a chain is checked.
 */

/** The id the configuration's own chain goes by among the dossiers' (issue #31). */
export const CONFIG_CHAIN_ID = '~config';

/** One stored change of a dossier. */
export interface AuditEntry {
  dossierId: string;
  /** The record version this change produced. */
  seq: number;
  /** When it was stored (ISO). */
  at: string;
  /** The previous entry's hash; '' when the dossier was first chained at this version. */
  prev: string;
  /** SHA-256 of the stored record's bytes. */
  state: string;
  /** How many log events the record was folded from (ADR 0011), and its status: for readers and checks. */
  events: number;
  status: string;
  hash: string;
}

const sha256 = (text: string | Uint8Array) => createHash('sha256').update(text).digest('base64url');

/** The hash of a record as stored (its exact bytes). */
export function stateHash(stored: Uint8Array | string): string {
  return sha256(stored);
}

/** An entry's hash: every field but the hash, in a fixed order (version 1 of the format). */
export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  return sha256(
    ['dunghan-audit-1', entry.dossierId, entry.seq, entry.at, entry.prev, entry.state, entry.events, entry.status].join(
      '\n',
    ),
  );
}

/** An entry with its hash. */
export function auditEntry(fields: Omit<AuditEntry, 'hash'>): AuditEntry {
  return { ...fields, hash: entryHash(fields) };
}

/** A day's anchor: the heads of its shards, chained to the previous day's anchor. */
export interface AuditAnchor {
  /** The Vietnamese calendar day (YYYY-MM-DD) whose entries it covers. */
  day: string;
  entries: number;
  /** Per shard, the running hash of its entries in key order ('' for a shard without entries). */
  shards: Record<string, string>;
  /** The previous anchored day's head ('' for the first). */
  prev: string;
  prevDay?: string | undefined;
  head: string;
  anchoredAt: string;
}

/**
 * A checkpoint of the day under way (issue #31): each shard's running hash of the entries written up to
 * `coveredTo`, taken every quarter of an hour where anchors are kept, so that no more than a quarter of an
 * hour of entries is unanchored; the day's anchor after midnight seals the whole day.
 */
export interface AuditCheckpoint {
  day: string;
  /** The instant up to which entries are covered (ISO): entries written later are the unanchored tail. */
  coveredTo: string;
  entries: number;
  shards: Record<string, string>;
  writtenAt: string;
}

/**
 * A clean verification (issue #31), kept where anchors are: every day from the first up to `verifiedTo`
 * was verified — each dossier changed in it refolded, each day against its anchor — and nothing was out
 * of place. A plain `dunghan verify` goes on from the day after it; `--all` starts over.
 */
export interface VerificationMark {
  /** The last day (YYYY-MM-DD) verified clean; all days up to it are anchored. */
  verifiedTo: string;
  /** The first day that verify walked. */
  from: string;
  /** That day's anchor head, as verify checked it. */
  head: string;
  dossiers: number;
  entries: number;
  /** When the verify ran (ISO). */
  at: string;
}

/**
 * The day a clean verify may be marked up to: the last day of a run of anchored, unchanged days from the
 * range's start, and before the last entry day of any dossier still waiting on an event (its check is
 * not done). Undefined: nothing to mark (a finding, or no anchored day).
 */
export function verifiedThrough(
  days: readonly { day: string; anchored: boolean; changedShards: readonly string[] }[],
  clean: boolean,
  pendingDays: readonly string[],
): string | undefined {
  if (!clean) return undefined;
  const limit = [...pendingDays].sort()[0];
  let through: string | undefined;
  for (const d of days) {
    if (!d.anchored || d.changedShards.length > 0) break;
    if (limit !== undefined && d.day >= limit) break;
    through = d.day;
  }
  return through;
}

/** Folds one entry into a shard's running hash. */
export function nextShardHead(head: string, entryHashValue: string): string {
  return sha256(`${head}\n${entryHashValue}`);
}

/** The day's head from its shards' heads and the previous day's head. */
export function dayHead(day: string, shards: Record<string, string>, prev: string): string {
  const parts = Object.keys(shards)
    .sort()
    .map((s) => `${s}=${shards[s]}`);
  return sha256(['dunghan-anchor-1', day, prev, ...parts].join('\n'));
}

/** What does not follow, for one dossier or one day: a code, and the words a supervisor reads. */
export interface AuditProblem {
  code:
    | 'entry_altered'
    | 'entry_missing'
    | 'chain_broken'
    | 'head_missing'
    | 'record_changed_outside'
    | 'field_mismatch'
    | 'result_mismatch'
    | 'events_missing'
    | 'report_row_mismatch'
    | 'record_ahead_of_chain'
    | 'event_forged'
    | 'config_changed_outside'
    | 'version_mismatch'
    | 'day_changed_since_anchor'
    | 'interrupted_not_completed';
  field?: string | undefined;
  message: string;
}

/**
 * A dossier's chain as a verify pass streams it (entries in key order, each day after the other): the
 * last version seen and its hashes (several when writers raced for a version: only one of them was
 * stored, the others are orphans), and what did not follow.
 */
export interface ChainWalk {
  lastSeq: number;
  /** Hashes of the entries seen at `lastSeq`, with the record state each recorded. */
  candidates: WalkCandidate[];
  /** Those of the version before `lastSeq`: a write interrupted after its entry leaves the record there. */
  behind: WalkCandidate[];
  problems: AuditProblem[];
  entries: number;
  orphans: number;
  /**
   * The finding against the entries of `lastSeq` while none of them links to the version before: another
   * entry of the same version may still (a writer that lost its race wrote first, linking to nothing).
   */
  unlinked?: AuditProblem | undefined;
}

/** An entry a record may point at: its hash, the state it recorded, when, and the events folded. */
interface WalkCandidate {
  hash: string;
  state: string;
  at: string;
  events: number;
}

/** How long an interrupted write may wait for the redelivery that completes it (EventBridge retries for 24 h). */
export const INTERRUPTED_GRACE_MS = 24 * 3_600_000;

/** Starts a walk at the first entry seen (its predecessors lie before the range, trusted). */
export function startWalk(): ChainWalk {
  return { lastSeq: 0, candidates: [], behind: [], problems: [], entries: 0, orphans: 0 };
}

/** Adds the next entry of a dossier to its walk; records what does not follow. */
export function walkEntry(walk: ChainWalk, entry: AuditEntry): void {
  walk.entries += 1;
  const { hash, ...fields } = entry;
  if (entryHash(fields) !== hash) {
    walk.problems.push({
      code: 'entry_altered',
      message: `Mục nhật ký của phiên bản ${entry.seq} đã bị sửa: mã băm không khớp nội dung.`,
    });
  }
  const candidate = { hash, state: entry.state, at: entry.at, events: entry.events };
  if (walk.candidates.length === 0) {
    walk.lastSeq = entry.seq;
    walk.candidates = [candidate];
    return;
  }
  if (entry.seq === walk.lastSeq) {
    // Two writers raced for this version, or a write was cut after its entry and done again: one was
    // stored, the other's entry is an orphan (interrupted, then completed).
    walk.candidates.push(candidate);
    walk.orphans += 1;
    // The version is linked after all when one of its entries links to the version before.
    if (walk.unlinked && walk.behind.some((c) => c.hash === entry.prev)) {
      walk.problems.splice(walk.problems.indexOf(walk.unlinked), 1);
      walk.unlinked = undefined;
    }
    return;
  }
  walk.unlinked = undefined;
  if (entry.seq !== walk.lastSeq + 1) {
    walk.problems.push({
      code: 'entry_missing',
      message: `Thiếu mục nhật ký của phiên bản ${walk.lastSeq + 1}${
        entry.seq > walk.lastSeq + 2 ? ` đến ${entry.seq - 1}` : ''
      } (đã bị xóa).`,
    });
  } else if (!walk.candidates.some((c) => c.hash === entry.prev)) {
    walk.unlinked = {
      code: 'chain_broken',
      message: `Chuỗi nhật ký đứt ở phiên bản ${entry.seq}: mục của phiên bản ${walk.lastSeq} không phải mục nó nối tới.`,
    };
    walk.problems.push(walk.unlinked);
  }
  walk.behind = entry.seq === walk.lastSeq + 1 ? walk.candidates : [];
  walk.lastSeq = entry.seq;
  walk.candidates = [candidate];
}

/**
 * A write cut between its entry and its record (a crash, a timeout): the record sits exactly one version
 * behind the chain, being the entry before it. It is completed by the event's redelivery, which folds the
 * same log again; until then it is in flight, not a change — provided the log still holds the events that
 * unstored write folded, and it is recent. Returns that write's entry, or undefined.
 */
export function interruptedWrite(
  walk: ChainWalk,
  record: StoredRecordFacts,
): { at: string; events: number } | undefined {
  if (record.version !== walk.lastSeq - 1) return undefined;
  const stored = walk.behind.find((c) => c.hash === record.chainHead);
  if (!stored || stored.state !== record.state) return undefined;
  const latest = walk.candidates.reduce((a, b) => (a.at >= b.at ? a : b));
  return { at: latest.at, events: latest.events };
}

/** A stored record as verify reads it: its version, chain head and the hash of its exact bytes. */
export interface StoredRecordFacts {
  version: number;
  /** The hash of the entry the last write recorded; absent on records stored before the chain existed. */
  chainHead?: string | undefined;
  /** When that entry was written (absent on records stored before issue #31). */
  chainAt?: string | undefined;
  /** The item's own version attribute, which the next conditional write compares (it must be `version`). */
  attributeVersion?: number | undefined;
  state: string;
}

/** What a walk is checked against beyond its entries: where the range ends, and when the verify began. */
export interface WalkBounds {
  /** The last day of the range (YYYY-MM-DD, Vietnam time). */
  to: string;
  /** The verify's start: a write since it (and not in the future) is a write in flight, not a forgery. */
  startedAt: number;
  /** The instant of the check (a head entry written later than this was not written: it is forged). */
  now(): number;
  /** The Vietnamese day of an instant (the domain takes it from its caller). */
  dayOf(instant: number): string;
}

/**
 * Checks the stored record against its walk: its head must be an entry seen at its version, recording
 * exactly its bytes. A record changed after the range (a later version) is only checked by its own head.
 */
export function checkHead(
  walk: ChainWalk,
  record: StoredRecordFacts,
  bounds?: WalkBounds,
  /** The record is one write behind its chain, cut after its entry (interruptedWrite): checked apart. */
  interrupted = false,
): AuditProblem[] {
  const problems: AuditProblem[] = [];
  if (record.attributeVersion !== undefined && record.attributeVersion !== record.version) {
    problems.push({
      code: 'version_mismatch',
      message: `Số phiên bản của bản ghi (${record.attributeVersion}) không khớp nội dung lưu (phiên bản ${record.version}): đã bị sửa ngoài Đúng Hạn.`,
    });
  }
  return interrupted ? problems : [...problems, ...checkVersionAgainstChain(walk, record, bounds)];
}

/** A record ahead of its chain is legitimate only if its last write lies after the range (or the verify's start). */
function aheadExplained(record: StoredRecordFacts, bounds: WalkBounds | undefined): boolean {
  if (!bounds) return true;
  const at = record.chainAt ? Date.parse(record.chainAt) : Number.NaN;
  if (Number.isNaN(at) || at > bounds.now() + 60_000) return false;
  return at >= bounds.startedAt || bounds.dayOf(at) > bounds.to;
}

function checkVersionAgainstChain(walk: ChainWalk, record: StoredRecordFacts, bounds?: WalkBounds): AuditProblem[] {
  if (record.version > walk.lastSeq) {
    if (aheadExplained(record, bounds)) return [];
    return [
      {
        code: 'record_ahead_of_chain',
        message: `Bản ghi ở phiên bản ${record.version} nhưng không có mục nhật ký nào của phiên bản này (nhật ký dừng ở phiên bản ${walk.lastSeq}): bản ghi đã bị ghi ngoài Đúng Hạn.`,
      },
    ];
  }
  if (!record.chainHead) {
    // Only a record never written since the chain began has no head, and such a record has no entries.
    return [
      {
        code: 'head_missing',
        message: `Bản ghi không còn trỏ tới mục nhật ký nào dù nhật ký có phiên bản ${walk.lastSeq} của nó: bản ghi đã bị ghi đè ngoài Đúng Hạn.`,
      },
    ];
  }
  if (record.version < walk.lastSeq) {
    return [
      {
        code: 'record_changed_outside',
        message: `Bản ghi ở phiên bản ${record.version} nhưng nhật ký đã tới phiên bản ${walk.lastSeq}: bản ghi bị thay bằng một bản cũ hơn.`,
      },
    ];
  }
  const head = walk.candidates.find((c) => c.hash === record.chainHead);
  if (!head) {
    return [
      {
        code: 'head_missing',
        message: `Không còn mục nhật ký của phiên bản ${record.version} mà bản ghi trỏ tới (đã bị xóa hoặc sửa).`,
      },
    ];
  }
  if (head.state !== record.state) {
    return [
      {
        code: 'record_changed_outside',
        message: `Bản ghi đã bị sửa ngoài Đúng Hạn: nội dung lưu không khớp mục nhật ký của phiên bản ${record.version}.`,
      },
    ];
  }
  return [];
}

/**
 * The configuration as it now stands against the entry its chain's pointer names (issue #31): the entry
 * must be there, unaltered, and record exactly the configuration's hash.
 */
export function checkConfig(
  chain: { version: number; entry?: AuditEntry | undefined; snapshot: { hash: string } } | undefined,
): AuditProblem[] {
  if (!chain) return [];
  if (!chain.entry)
    return [
      {
        code: 'entry_missing',
        message: `Không còn mục nhật ký của cấu hình phiên bản ${chain.version} (đã bị xóa, hoặc con trỏ chuỗi bị sửa).`,
      },
    ];
  const { hash, ...fields } = chain.entry;
  if (entryHash(fields) !== hash)
    return [{ code: 'entry_altered', message: 'Mục nhật ký của cấu hình đã bị sửa: mã băm không khớp nội dung.' }];
  if (chain.entry.state !== chain.snapshot.hash)
    return [
      {
        code: 'config_changed_outside',
        message: `Cấu hình đã bị sửa ngoài Đúng Hạn sau phiên bản ${chain.version}: nội dung hiện tại không khớp nhật ký (một quy tắc, lịch, đơn vị hoặc người dùng bị ghi thẳng vào bảng).`,
      },
    ];
  return [];
}
