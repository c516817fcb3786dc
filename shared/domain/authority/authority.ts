import { NotFoundError, RefusedError, UnauthenticatedError } from '../../support/errors.ts';
import type { UnitBook } from '../units/unit-directory.ts';
import type { Actor, Grant, Person, Role } from './actors.ts';

/*
 * The one authority module (issue #30, ADR 0023): every route, page, feed and command asks here whether
 * this actor may do this to that. Nothing else in the product decides it; docs/security.md is this table.
 */

/** What can be asked. Dossier-scoped actions name the units of the dossier (or of the request). */
export type Action =
  | 'dossier.read'
  | 'approvals.list'
  | 'dossier.approve'
  | 'report.read'
  | 'audit.read'
  | 'config.read'
  | 'config.write'
  | 'users.manage'
  | 'systems.manage'
  | 'quarantine.manage'
  | 'events.import'
  | 'detector.run'
  | 'dossier.sync';

/** How far a role's grant reaches for an action: its unit, the unit's subtree, or everything. */
type Reach = 'unit' | 'subtree' | 'global';

/** Who may do what: the roles allowed each action and how far their unit reaches. */
export const PERMISSIONS: Readonly<Record<Exclude<Action, 'dossier.sync'>, Partial<Record<Role, Reach>>>> = {
  'dossier.read': { official: 'unit', head: 'unit', supervisor: 'subtree' },
  'approvals.list': { official: 'unit', head: 'unit', supervisor: 'subtree' },
  // Only a head of the unit that issues the apology signs it (NĐ 61/2018 Điều 19 k9; the signer policy).
  'dossier.approve': { head: 'unit' },
  'report.read': { head: 'unit', supervisor: 'subtree', admin: 'global' },
  'audit.read': { supervisor: 'global', admin: 'global' },
  'config.read': { supervisor: 'global', admin: 'global' },
  'config.write': { admin: 'global' },
  'users.manage': { admin: 'global' },
  'systems.manage': { admin: 'global' },
  'quarantine.manage': { admin: 'global' },
  'events.import': { admin: 'global' },
  'detector.run': { admin: 'global' },
};

/** What an action is asked about. */
export interface Target {
  /** The units the thing belongs to (a dossier: the receiving unit and every step's unit). */
  units?: readonly string[] | undefined;
  /** For `dossier.approve`: the person the approval link was issued to (their e-mail), when bound. */
  boundTo?: string | undefined;
  /** For `dossier.sync`: the system that first sent the dossier, and the systems the directory names participants. */
  owner?: string | undefined;
  participants?: readonly string[] | undefined;
}

export type DenyReason = 'not_signed_in' | 'no_role' | 'out_of_scope' | 'not_bound_person' | 'not_owner';

export type Decision =
  | { allowed: true }
  | {
      allowed: false;
      reason: DenyReason;
      /**
       * Answer as if the thing did not exist: a guessed dossier id of another unit must tell nothing
       * (the same status and page as an id that does not exist).
       */
      conceal: boolean;
      message: string;
    };

const ALLOW: Decision = { allowed: true };

function deny(reason: DenyReason, message: string, conceal = false): Decision {
  return { allowed: false, reason, conceal, message };
}

/** True when a grant of this reach covers the unit. */
function reaches(grant: Grant, reach: Reach, unitId: string, units: UnitBook): boolean {
  if (reach === 'global') return true;
  if (grant.unitId === undefined) return false;
  return reach === 'unit' ? grant.unitId === unitId : units.within(unitId, grant.unitId);
}

/**
 * May this actor do this to that? `units` is the directory in force (for subtrees). The operator of a
 * local data directory may do what an administrator may, and read what a supervisor of everything
 * may — but never sign an apology: only a head signs.
 */
export function decide(actor: Actor | undefined, action: Action, target: Target, units: UnitBook): Decision {
  if (!actor) return deny('not_signed_in', 'sign in first (no session or token)');
  if (action === 'dossier.sync') {
    if (actor.kind !== 'system') return deny('no_role', 'only a sending system syncs dossiers');
    if (target.owner === undefined || target.owner === actor.id) return ALLOW;
    if (target.participants?.includes(actor.id)) return ALLOW;
    return deny('not_owner', `the dossier was sent by another system (${target.owner})`);
  }
  if (actor.kind === 'system') return deny('no_role', 'a sending system may only sync its own dossiers');
  if (actor.kind === 'operator') {
    return action === 'dossier.approve'
      ? deny('no_role', 'only a head of the issuing unit approves an apology: sign in as that head (dunghan login)')
      : ALLOW;
  }
  return decideForPerson(actor, action, target, units);
}

function decideForPerson(person: Person, action: Exclude<Action, 'dossier.sync'>, target: Target, units: UnitBook) {
  const allowed = PERMISSIONS[action];
  const grants = person.grants.filter((g) => allowed[g.role] !== undefined);
  // Only reads conceal: a caller that may read a thing is told plainly why it may not act on it.
  const conceal = action === 'dossier.read';
  if (grants.length === 0) return deny('no_role', `${action}: none of your roles allows it`, conceal);
  const wanted = target.units ?? [];
  const covering = grants.filter((g) => {
    const reach = allowed[g.role] as Reach;
    if (reach === 'global') return true;
    // Nothing named: a unit-scoped role may act on its own scope (a list or a report filtered to it).
    if (wanted.length === 0) return action !== 'dossier.approve';
    // A dossier is in scope if any of its units is; an approval, only in the issuing unit itself.
    return action === 'dossier.approve'
      ? reaches(g, reach, wanted[0] as string, units)
      : wanted.some((u) => reaches(g, reach, u, units));
  });
  if (covering.length === 0) return deny('out_of_scope', `${action}: outside the units you may act in`, conceal);
  if (action === 'dossier.approve' && target.boundTo !== undefined) {
    const email = person.email?.toLowerCase();
    if (email !== target.boundTo.toLowerCase())
      return deny('not_bound_person', 'this approval link was issued to another person', false);
  }
  return ALLOW;
}

/**
 * The units an actor may do `action` in — `all`, or the roots of the subtrees (or the units) it may —
 * so that a list or a report is filtered to them on the server.
 */
export function scopeOf(
  actor: Actor | undefined,
  action: Exclude<Action, 'dossier.sync'>,
): { all: true } | { all: false; units: { unitId: string; subtree: boolean }[] } {
  if (actor?.kind === 'operator') return { all: true };
  if (actor?.kind !== 'person') return { all: false, units: [] };
  const allowed = PERMISSIONS[action];
  const units: { unitId: string; subtree: boolean }[] = [];
  for (const grant of actor.grants) {
    const reach = allowed[grant.role];
    if (reach === 'global') return { all: true };
    if (reach && grant.unitId !== undefined) units.push({ unitId: grant.unitId, subtree: reach === 'subtree' });
  }
  return { all: false, units };
}

/** True when a unit is inside a scope from {@link scopeOf}. */
export function inScope(scope: ReturnType<typeof scopeOf>, unitId: string, units: UnitBook): boolean {
  if (scope.all) return true;
  return scope.units.some((s) => (s.subtree ? units.within(unitId, s.unitId) : s.unitId === unitId));
}

/** Refused by the authority: the message says why (never what a concealed thing holds). */
export class AccessDeniedError extends RefusedError {
  override name = 'AccessDeniedError';
  constructor(
    message: string,
    readonly reason: DenyReason,
  ) {
    super(message);
  }
}

/** A concealed refusal: answered exactly as a thing that does not exist. */
export class ConcealedError extends NotFoundError {
  override name = 'ConcealedError';
}

/**
 * {@link decide}, thrown: nothing signed in → UnauthenticatedError (401); a concealed refusal → the
 * `notFound` error the caller gives for a missing thing; else AccessDeniedError (403).
 */
export function authorize(
  actor: Actor | undefined,
  action: Action,
  target: Target,
  units: UnitBook,
  notFound: () => Error = () => new ConcealedError('not found'),
): void {
  const decision = decide(actor, action, target, units);
  if (decision.allowed) return;
  if (decision.reason === 'not_signed_in') throw new UnauthenticatedError(decision.message);
  if (decision.conceal) throw notFound();
  throw new AccessDeniedError(decision.message, decision.reason);
}

/**
 * The unit a list or a report is about when none is asked: none (everything) for those whose reach is
 * global, the one unit of a person who acts in one; a person with several must choose among them.
 */
export function defaultUnit(
  actor: Actor | undefined,
  action: Exclude<Action, 'dossier.sync'>,
): { unit?: string | undefined } | { choose: string[] } {
  const scope = scopeOf(actor, action);
  if (scope.all) return {};
  const [first, ...more] = scope.units;
  return first && more.length === 0 ? { unit: first.unitId } : { choose: scope.units.map((u) => u.unitId) };
}
