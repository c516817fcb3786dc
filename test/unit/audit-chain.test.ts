import { describe, expect, it } from 'vitest';
import { FileAuditAnchorStore } from '../../shared/adapters/audit-anchor-stores.ts';
import {
  type AuditEntry,
  auditEntry,
  checkHead,
  entryHash,
  interruptedWrite,
  startWalk,
  verifiedThrough,
  walkEntry,
} from '../../shared/domain/audit/audit-chain.ts';
import type { AuditTrail } from '../../shared/ports/audit-trail.ts';
import { anchorAuditDays } from '../../shared/use-cases/anchor-audit.ts';

/** A dossier's chain of versions 1..n, each linked to the one before. */
function chain(dossierId: string, n: number, day = '2026-11-02'): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let seq = 1; seq <= n; seq += 1) {
    entries.push(
      auditEntry({
        dossierId,
        seq,
        at: `${day}T0${seq}:00:00.000Z`,
        prev: entries.at(-1)?.hash ?? '',
        state: `state-${seq}`,
        events: seq,
        status: 'open',
      }),
    );
  }
  return entries;
}

function walked(entries: AuditEntry[]) {
  const walk = startWalk();
  for (const e of entries) walkEntry(walk, e);
  return walk;
}

describe('the audit chain (ADR 0021)', () => {
  it("hashes every field, so changing any one changes the entry's hash", () => {
    const [first] = chain('D', 1);
    if (!first) throw new Error('no entry');
    const { hash, ...fields } = first;
    expect(entryHash(fields)).toBe(hash);
    for (const key of ['dossierId', 'seq', 'at', 'prev', 'state', 'events', 'status'] as const) {
      const changed = { ...fields, [key]: typeof fields[key] === 'number' ? 99 : 'x' };
      expect(entryHash(changed), key).not.toBe(hash);
    }
  });

  it('walks a whole chain without a problem, and names an altered, a missing and a relinked entry', () => {
    expect(walked(chain('D', 4)).problems).toEqual([]);
    const altered = chain('D', 4).map((e) => (e.seq === 2 ? { ...e, state: 'edited' } : e));
    expect(walked(altered).problems.map((p) => p.code)).toEqual(['entry_altered']);
    const missing = chain('D', 4).filter((e) => e.seq !== 3);
    expect(walked(missing).problems.map((p) => p.code)).toEqual(['entry_missing']);
    const relinked = chain('D', 4).map((e) => (e.seq === 3 ? auditEntry({ ...e, prev: 'elsewhere' }) : e));
    // Entry 3 re-hashed onto another predecessor: its own link and the next one's are both broken.
    expect(walked(relinked).problems.map((p) => p.code)).toEqual(['chain_broken', 'chain_broken']);
  });

  it('takes a lost writer’s entry for an orphan, not a fault, and follows the stored one', () => {
    const entries = chain('D', 3);
    const orphan = auditEntry({ ...(entries[1] as AuditEntry), state: 'the loser' });
    const walk = walked([entries[0] as AuditEntry, orphan, entries[1] as AuditEntry, entries[2] as AuditEntry]);
    expect(walk.problems).toEqual([]);
    expect(walk.orphans).toBe(1);
  });

  it('takes a lost writer’s entry that links to nothing, met first, for an orphan; a version none of whose entries links is broken', () => {
    const entries = chain('D', 3);
    // Written before this store refused a stale writer up front: its entry came first and linked to nothing.
    const loser = auditEntry({ ...(entries[1] as AuditEntry), prev: '', state: 'the loser' });
    const walk = walked([entries[0] as AuditEntry, loser, entries[1] as AuditEntry, entries[2] as AuditEntry]);
    expect(walk.problems).toEqual([]);
    expect(walk.orphans).toBe(1);
    const alone = walked([entries[0] as AuditEntry, loser]);
    expect(alone.problems.map((p) => p.code)).toEqual(['chain_broken']);
    const relinkedTwice = auditEntry({ ...(entries[1] as AuditEntry), prev: 'elsewhere', state: 'another' });
    expect(walked([entries[0] as AuditEntry, loser, relinkedTwice]).problems.map((p) => p.code)).toEqual([
      'chain_broken',
    ]);
  });

  it('checks the stored record against its last entry: bytes, head, version, a head taken away', () => {
    const entries = chain('D', 3);
    const walk = walked(entries);
    const last = entries[2] as AuditEntry;
    expect(checkHead(walk, { version: 3, chainHead: last.hash, state: 'state-3' })).toEqual([]);
    expect(checkHead(walk, { version: 3, chainHead: last.hash, state: 'edited' }).map((p) => p.code)).toEqual([
      'record_changed_outside',
    ]);
    expect(checkHead(walk, { version: 3, chainHead: 'forged', state: 'state-3' }).map((p) => p.code)).toEqual([
      'head_missing',
    ]);
    expect(checkHead(walk, { version: 2, chainHead: entries[1]?.hash, state: 'state-2' }).map((p) => p.code)).toEqual([
      'record_changed_outside',
    ]);
    expect(checkHead(walk, { version: 3, state: 'state-3' }).map((p) => p.code)).toEqual(['head_missing']);
    // Changed after the range: only its own later entry could say; nothing to check here.
    expect(checkHead(walk, { version: 5, chainHead: 'later', state: 'x' })).toEqual([]);
  });

  it('tells a record ahead of its chain from one written after the range or while verifying (issue #31)', () => {
    const walk = walked(chain('D', 3));
    const bounds = {
      to: '2026-11-20',
      startedAt: Date.parse('2026-11-25T08:00:00+07:00'),
      now: () => Date.parse('2026-11-25T08:05:00+07:00'),
      dayOf: (t: number) => new Date(t + 7 * 3_600_000).toISOString().slice(0, 10),
    };
    const ahead = (chainAt?: string) =>
      checkHead(walk, { version: 4, chainHead: 'x', state: 'x', attributeVersion: 4, chainAt }, bounds).map(
        (p) => p.code,
      );
    // Written inside the range with no entry there, or with no time at all: forged.
    expect(ahead('2026-11-19T10:00:00+07:00')).toEqual(['record_ahead_of_chain']);
    expect(ahead(undefined)).toEqual(['record_ahead_of_chain']);
    // Written while verifying: a write in flight. Written in the future: forged.
    expect(ahead('2026-11-25T08:01:00+07:00')).toEqual([]);
    expect(ahead('2026-11-30T10:00:00+07:00')).toEqual(['record_ahead_of_chain']);
    // Written after the range ended and before the verify: its entry lies beyond the range.
    expect(ahead('2026-11-22T10:00:00+07:00')).toEqual([]);
    // The version attribute moved by hand (what the next conditional write compares).
    expect(
      checkHead(walk, { version: 3, chainHead: 'x', state: 'state-3', attributeVersion: 9 }, bounds).map((p) => p.code),
    ).toContain('version_mismatch');
  });
});

describe('anchoring the days', () => {
  const byDay = new Map<string, AuditEntry[]>([
    ['2026-11-02', chain('A', 2, '2026-11-02')],
    ['2026-11-03', chain('B', 1, '2026-11-03')],
  ]);
  const trail: Pick<AuditTrail, 'shards' | 'entries'> & AuditTrail = {
    shards: ['00', '01'],
    async *entries(day: string, shard: string) {
      if (shard === '00') yield* byDay.get(day) ?? [];
    },
    auditedRecords: async () => new Map(),
    firstDay: async () => undefined,
    lastDay: async () => undefined,
    configChain: async () => undefined,
    markSealed: async () => undefined,
  };

  it('anchors every whole day up to yesterday, each chained to the one before, once', async () => {
    const anchors = new FileAuditAnchorStore(undefined);
    let now = Date.parse('2026-11-03T08:00:00+07:00');
    const clock = { now: () => now };
    expect(await anchorAuditDays({ trail, anchors, clock })).toEqual({ anchored: ['2026-11-02'], conflicts: [] });
    now = Date.parse('2026-11-05T08:00:00+07:00');
    expect(await anchorAuditDays({ trail, anchors, clock })).toEqual({
      anchored: ['2026-11-03', '2026-11-04'],
      conflicts: [],
    });
    const [d2, d3] = [await anchors.get('2026-11-02'), await anchors.get('2026-11-03')];
    expect(d2?.entries).toBe(2);
    expect(d3?.prev).toBe(d2?.head);
    expect(d3?.prevDay).toBe('2026-11-02');
    expect(await anchorAuditDays({ trail, anchors, clock })).toEqual({ anchored: [], conflicts: [] });
  });

  it('starts the first anchor at the first day an entry was written, not at yesterday (issue #31)', async () => {
    const anchors = new FileAuditAnchorStore(undefined);
    const clock = { now: () => Date.parse('2026-11-06T08:00:00+07:00') };
    const first = { ...trail, firstDay: async () => '2026-11-02' };
    expect((await anchorAuditDays({ trail: first, anchors, clock })).anchored).toEqual([
      '2026-11-02',
      '2026-11-03',
      '2026-11-04',
      '2026-11-05',
    ]);
    expect((await anchors.first())?.day).toBe('2026-11-02');
  });

  it('reports a day someone else anchored with another head, and goes on from it', async () => {
    const anchors = new FileAuditAnchorStore(undefined);
    await anchors.put({ day: '2026-11-02', entries: 0, shards: {}, prev: '', head: 'not ours', anchoredAt: 'x' });
    // The first anchor starts at yesterday; a store that already holds the 2nd goes on from it.
    const clock = { now: () => Date.parse('2026-11-04T08:00:00+07:00') };
    const result = await anchorAuditDays({ trail, anchors, clock });
    expect(result.anchored).toEqual(['2026-11-03']);
    expect((await anchors.get('2026-11-03'))?.prev).toBe('not ours');
    // Racing for a day: the existing anchor differs from what the entries give.
    const racing = new FileAuditAnchorStore(undefined);
    const put = racing.put.bind(racing);
    racing.put = async (anchor) => {
      await put({ ...anchor, head: 'written first by someone else' });
      await put(anchor);
    };
    expect(
      await anchorAuditDays({ trail, anchors: racing, clock: { now: () => Date.parse('2026-11-03T08:00:00+07:00') } }),
    ).toEqual({
      anchored: [],
      conflicts: ['2026-11-02'],
    });
  });
});

describe('how far a clean verify may be marked (issue #31)', () => {
  const day = (d: string, anchored = true, changedShards: string[] = []) => ({ day: d, anchored, changedShards });
  const days = [day('2026-11-01'), day('2026-11-02'), day('2026-11-03'), day('2026-11-04', false)];

  it('up to the last of the anchored days from the start', () => {
    expect(verifiedThrough(days, true, [])).toBe('2026-11-03');
  });
  it('nowhere after a finding, or from a day not anchored', () => {
    expect(verifiedThrough(days, false, [])).toBeUndefined();
    expect(verifiedThrough([day('2026-11-01', false), ...days.slice(1)], true, [])).toBeUndefined();
  });
  it('not over a day changed since anchored, nor up to the day of a dossier still waiting on an event', () => {
    expect(verifiedThrough([day('2026-11-01'), day('2026-11-02', true, ['3']), ...days.slice(2)], true, [])).toBe(
      '2026-11-01',
    );
    expect(verifiedThrough(days, true, ['2026-11-03', '2026-11-02'])).toBe('2026-11-01');
  });
});

describe('a write cut between its entry and its record', () => {
  const entries = chain('D', 3);
  const walked = (list: AuditEntry[]) => {
    const walk = startWalk();
    for (const e of list) walkEntry(walk, e);
    return walk;
  };
  const facts = (e: AuditEntry) => ({ version: e.seq, chainHead: e.hash, state: e.state, attributeVersion: e.seq });

  it('is recognised when the record is exactly the entry one version behind the chain', () => {
    const [, second, third] = entries as [AuditEntry, AuditEntry, AuditEntry];
    expect(interruptedWrite(walked(entries), facts(second))).toEqual({ at: third.at, events: 3 });
    expect(checkHead(walked(entries), facts(second), undefined, true)).toEqual([]);
  });
  it('is not, when the record is two versions behind, or its bytes are not what that entry recorded', () => {
    const [first, second] = entries as [AuditEntry, AuditEntry, AuditEntry];
    expect(interruptedWrite(walked(entries), facts(first))).toBeUndefined();
    expect(interruptedWrite(walked(entries), { ...facts(second), state: 'edited' })).toBeUndefined();
    expect(interruptedWrite(walked(entries.slice(0, 2)), facts(second))).toBeUndefined();
  });
});
