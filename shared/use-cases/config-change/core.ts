import { createHash } from 'node:crypto';
import { type Actor, type ActorRecord, actorRecord, describeActor } from '../../domain/authority/actors.ts';
import { type CalendarDefinition, formatProblems } from '../../domain/calendar/calendar-definition.ts';
import { type ConfigSnapshot, type DossierMove, planRecompute } from '../../domain/config-changes/recompute-dossier.ts';
import { ruleContent } from '../../domain/config-changes/rule-versions.ts';
import type { DeadlineRule, RuleProblem } from '../../domain/rules/deadline-rule.ts';
import type { UnitDirectory } from '../../domain/units/unit-directory.ts';
import type { UserDirectory } from '../../domain/users/user-directory.ts';
import type { Clock } from '../../ports/clock.ts';
import type { AuditEntry, ConfigAdminStore } from '../../ports/config-admin-store.ts';
import { authentic, type DossierStore } from '../../ports/dossier-store.ts';
import type { EventPublisher } from '../../ports/event-publisher.ts';
import type { NotClosedDossier, OpenDossierIndex } from '../../ports/open-dossier-index.ts';
import type { QuarantineStore } from '../../ports/quarantine-store.ts';
import type { ReportIndex } from '../../ports/report-index.ts';
import { InvalidInputError, NotFoundError } from '../../support/errors.ts';
import { mapLimit } from '../../support/map-limit.ts';
import { publishOwed } from '../outbox.ts';
import type { RuleBook } from '../rule-book.ts';
import { saveWithRetry } from '../save-with-retry.ts';
/*
 * Administrators' configuration changes (ADR 0008): what rules and calendar changes share — the
 * dependencies, the errors, the audit around an apply, and the recompute of the dossiers a change moves.
 */

/** Who puts a change: a signed-in person (or the local operator), or a plain name (the initial load). */
export type Author = string | Actor;

/** The audit's `author` line and, for an actor, the record of who they are (subject, name, grants). */
export function authorOf(by: Author): { author: string; actor?: ActorRecord } {
  return typeof by === 'string' ? { author: by } : { author: describeActor(by), actor: actorRecord(by) };
}

export interface AdminDeps {
  config: ConfigAdminStore;
  dossiers: DossierStore;
  /** The dossiers not closed yet, as the report index's live rows summarise them. */
  openDossiers: OpenDossierIndex;
  clock: Clock;
  /** Publishes what a recompute owes the bus (a violation that appears with the new dates). */
  publisher?: EventPublisher | undefined;
  /** Dossiers recomputed in parallel. */
  concurrency?: number | undefined;
  /** The report index supervisors' reports are counted from. */
  reports?: ReportIndex | undefined;
  /** The dossiers the detector parked (operators list and retry them). */
  quarantine?: QuarantineStore | undefined;
  /** The configuration in force, cached (a dossier read through the staff API). */
  rules?: RuleBook | undefined;
}

/** A rules or calendar file as read at the edge: its parsed content, or why it could not be parsed. */
export interface ConfigDocument {
  name: string;
  data?: unknown;
  parseError?: string | undefined;
}

/** Every problem of a change, by file and path; nothing of the change was applied. */
export class InvalidConfigChangeError extends InvalidInputError {
  override name = 'InvalidConfigChangeError';
  constructor(readonly problems: RuleProblem[]) {
    super(
      `invalid configuration change (${problems.length} problem${problems.length === 1 ? '' : 's'}), nothing applied:\n${formatProblems(problems)}`,
    );
  }
}

/** Thrown when a named rule or calendar does not exist. */
export class ConfigNotFoundError extends NotFoundError {
  override name = 'ConfigNotFoundError';
}

/** What a preview or an apply reports. */
export interface ChangeReport {
  changeId: string;
  /** Dossiers not closed that the change could touch (read from the not-closed index). */
  examined: number;
  moves: DossierMove[];
}

export interface Plan {
  changeId: string;
  reason: string;
  current: ConfigSnapshot;
  next: ConfigSnapshot;
  reresolveRule: boolean;
  touches: (dossier: NotClosedDossier) => boolean;
}

export async function audited<T extends ChangeReport>(
  deps: AdminDeps,
  entry: AuditEntry,
  work: () => Promise<T>,
): Promise<T> {
  // No change is chained over an edit made in the table (issue #31): refused before anything is written.
  await deps.config.assertUntouched();
  await deps.config.putAudit(entry);
  let result: T;
  try {
    result = await work();
  } catch (error) {
    // The change's own error is what the caller must see, even if the store refuses this write too.
    await deps.config
      .putAudit({ ...entry, status: 'failed', error: (error as Error).message?.slice(0, 500) })
      .catch(() => undefined);
    throw error;
  }
  await deps.config.putAudit({ ...entry, status: 'applied', dossiersMoved: result.moves.length });
  return result;
}

// ── recompute ────────────────────────────────────────────────────────────────────────────────────

export async function recompute(
  deps: AdminDeps,
  plan: Plan,
  why: { changeId: string; author: string; reason: string },
  write: boolean,
): Promise<ChangeReport> {
  const candidates = await deps.openDossiers.findNotClosed(plan.touches);
  const now = deps.clock.now();
  const moves = await mapLimit(candidates, deps.concurrency ?? 8, async (candidate) => {
    let failure: unknown;
    // An event or a detector run may write the dossier in between: it is read again and recounted.
    const move = await saveWithRetry<DossierMove | undefined>(deps.dossiers, candidate.dossierId, async (record) => {
      if (!record) return { done: undefined };
      const log = authentic(await deps.dossiers.listEvents(candidate.dossierId));
      const planned = planRecompute(
        record,
        log,
        { current: plan.current, next: plan.next },
        { ...why, now, reresolveRule: plan.reresolveRule },
      );
      if (!planned || !write) return { done: planned?.move };
      const flushed = deps.publisher ? await publishOwed(deps.publisher, planned.record) : { record: planned.record };
      failure = 'failure' in flushed ? flushed.failure : undefined;
      return { save: flushed.record, after: () => planned.move };
    });
    if (failure) throw failure;
    return move;
  });
  return {
    changeId: why.changeId,
    examined: candidates.length,
    moves: moves.filter((m): m is DossierMove => m !== undefined),
  };
}

export function changeIdOf(kind: string, parts: readonly string[]): string {
  return `${kind}-${createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 16)}`;
}

/**
 * The initial load of a whole configuration (`dunghan seed`, the local pipeline's first start): rules
 * and calendars as validated files, written at once and audited like any change. Open dossiers are not
 * recomputed: a seed precedes them; later changes go through put, which previews and recomputes.
 */
export async function seedConfig(
  deps: Pick<AdminDeps, 'config' | 'clock'>,
  loaded: {
    rules: readonly DeadlineRule[];
    calendars: readonly CalendarDefinition[];
    units?: UnitDirectory | undefined;
    users?: UserDirectory | undefined;
  },
  author: string,
  sources: readonly string[],
): Promise<{ changeId: string; rules: number; calendars: number; units: number; users: number }> {
  await deps.config.assertUntouched();
  const at = new Date(deps.clock.now()).toISOString();
  const changeId = changeIdOf('seed', [
    ...loaded.rules.map(ruleContent).sort(),
    ...loaded.calendars.map((c) => JSON.stringify(c)),
    ...(loaded.units ? [JSON.stringify(loaded.units)] : []),
    ...(loaded.users ? [JSON.stringify(loaded.users)] : []),
  ]);
  const entry: AuditEntry = {
    changeId,
    at,
    author,
    action: 'seed',
    status: 'applying',
    sources: [...sources],
    legalBasis: [],
    what: {
      rules: loaded.rules.length,
      calendars: loaded.calendars.map((c) => c.id),
      ...(loaded.units ? { units: loaded.units.units.length } : {}),
      ...(loaded.users ? { users: loaded.users.users.length } : {}),
    },
  };
  // Written first: a load that dies half-way is known as Đúng Hạn's own (not an edit made in the table) and
  // done again, whole, at the next start (issue #31).
  await deps.config.putAudit(entry);
  try {
    await writeSeed(deps, loaded, { author, at, changeId });
  } catch (error) {
    await deps.config
      .putAudit({ ...entry, status: 'failed', error: (error as Error).message?.slice(0, 500) })
      .catch(() => undefined);
    throw error;
  }
  await deps.config.putAudit({ ...entry, status: 'applied' });
  return {
    changeId,
    rules: loaded.rules.length,
    calendars: loaded.calendars.length,
    units: loaded.units?.units.length ?? 0,
    users: loaded.users?.users.length ?? 0,
  };
}

/** The seed's writes: rules and calendars, then the directories of units and people when they differ. */
async function writeSeed(
  deps: Pick<AdminDeps, 'config'>,
  loaded: Parameters<typeof seedConfig>[1],
  meta: { author: string; at: string; changeId: string },
): Promise<void> {
  const { author, at, changeId } = meta;
  await deps.config.putAll(loaded.rules, loaded.calendars, author, at);
  if (loaded.units) {
    const current = await deps.config.getUnitDirectoryVersion();
    if (JSON.stringify(current?.directory) !== JSON.stringify(loaded.units)) {
      await deps.config.putUnitDirectoryVersion(
        { version: (current?.version ?? 0) + 1, author, at, changeId, directory: loaded.units },
        current?.version ?? 0,
      );
    }
  }
  if (loaded.users) {
    const current = await deps.config.getUserDirectoryVersion();
    if (JSON.stringify(current?.directory) !== JSON.stringify(loaded.users)) {
      await deps.config.putUserDirectoryVersion(
        { version: (current?.version ?? 0) + 1, author, at, changeId, directory: loaded.users },
        current?.version ?? 0,
      );
    }
  }
}

/** The audited changes, oldest first. */
export async function listAudit(deps: AdminDeps): Promise<AuditEntry[]> {
  return deps.config.listAudit();
}
