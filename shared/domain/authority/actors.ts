/*
 * Who acts (issue #30, ADR 0023): a signed-in person with grants, a sending system of the sync feed, or
 * the operator of a local data directory (the person at this machine's shell, who could edit its files).
 * A grant is a role in a unit; the administrator's role is not scoped to a unit.
 */

/** The roles of the product, as the user pool's groups and the SSO's role claims name them. */
export const ROLES = ['official', 'head', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What people read: the role's Vietnamese name. */
export const ROLE_NAMES: Readonly<Record<Role, string>> = {
  official: 'cán bộ',
  head: 'lãnh đạo',
  supervisor: 'giám sát',
  admin: 'quản trị',
};

/** A role held in a unit (`unitId`); the administrator's role is global (no unit). */
export interface Grant {
  role: Role;
  unitId?: string | undefined;
}

/** A signed-in person: the issuer and its subject identify them; the grants say what they may do where. */
export interface Person {
  kind: 'person';
  issuer: string;
  subject: string;
  /** The user name the person signs in with (Cognito's `cognito:username`, the SSO's `preferred_username`). */
  username?: string | undefined;
  name: string;
  email?: string | undefined;
  grants: readonly Grant[];
}

/** A one-stop system sending the portal sync feed, authenticated by its own signing key. */
export interface SendingSystem {
  kind: 'system';
  id: string;
}

/** Whoever runs a command on a local data directory: they hold its files, so they may do what an administrator may there. */
export interface LocalOperator {
  kind: 'operator';
  name: string;
}

export type Actor = Person | SendingSystem | LocalOperator;

const UNIT_ID = /^[\p{L}\p{N}._-]{1,60}$/u;

/**
 * A grant as written in a group or role claim: `admin`, or `<role>:<unit id>` (`head:H21.65.01`). Anything
 * else (another application's groups, a role without its unit) grants nothing.
 */
export function parseGrant(text: string): Grant | undefined {
  const [role, unitId, extra] = text.trim().split(':');
  if (extra !== undefined || !(ROLES as readonly string[]).includes(role ?? '')) return undefined;
  if (role === 'admin') return unitId === undefined ? { role } : undefined;
  return unitId !== undefined && UNIT_ID.test(unitId) ? { role: role as Role, unitId } : undefined;
}

/** The claim and group form of a grant: `admin`, `head:H21.65.01`. */
export function grantName(grant: Grant): string {
  return grant.unitId === undefined ? grant.role : `${grant.role}:${grant.unitId}`;
}

/**
 * Who did it, as the audit chain and a dossier's history record it: the subject, the name, and the
 * grants used (id, name, role, unit) — never a token.
 */
export interface ActorRecord {
  kind: Actor['kind'];
  id: string;
  name: string;
  issuer?: string | undefined;
  grants?: string[] | undefined;
}

export function actorRecord(actor: Actor): ActorRecord {
  switch (actor.kind) {
    case 'person':
      return {
        kind: 'person',
        id: actor.subject,
        name: actor.name,
        issuer: actor.issuer,
        grants: actor.grants.map(grantName),
      };
    case 'system':
      return { kind: 'system', id: actor.id, name: actor.id };
    default:
      return { kind: 'operator', id: actor.name, name: actor.name };
  }
}

/** One line naming who acted, for the audit's `author` and the CLI: `Nay H’Bia (head:H21.65.01)`. */
export function describeActor(actor: Actor): string {
  switch (actor.kind) {
    case 'person': {
      const grants = actor.grants.map(grantName).join(', ');
      return `${actor.name}${actor.username ? ` <${actor.username}>` : ''}${grants ? ` (${grants})` : ''}`;
    }
    case 'system':
      return `hệ thống ${actor.id}`;
    default:
      return `${actor.name} (local operator)`;
  }
}
