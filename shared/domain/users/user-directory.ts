import { parseDocument } from '../../contracts/documents.ts';
import { line } from '../../contracts/primitives.ts';
import * as z from '../../contracts/z.ts';
import { type Grant, grantName, parseGrant } from '../authority/actors.ts';
import type { ConfigProblem } from '../config-problem.ts';
import type { UnitBook } from '../units/unit-directory.ts';

/*
 * The people who sign in (issue #30, ADR 0023): each with the roles they hold in units. Administered like
 * the unit directory — validated whole, versioned, audited — by `dunghan users`; on AWS each change is
 * mirrored into the Cognito user pools (the groups are the grants), locally the embedded OpenID provider
 * signs the directory's people in. No password is kept here: Cognito (or the SSO) holds them; the local
 * provider takes the demo password.
 */

const grantText = z.string().check(
  z.refine((s) => parseGrant(s) !== undefined, {
    message: 'must be admin or <role>:<unit id> with role official, head or supervisor (e.g. head:H21.65.01)',
  }),
);

export const USERNAME = /^[a-z0-9][a-z0-9._-]{1,62}$/;

export const userSchema = z.object({
  /** What the person signs in with: lower-case letters, digits, `.`, `_`, `-`. */
  username: z.string().check(
    z.refine((s) => USERNAME.test(s), {
      message: 'must be 2–63 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit',
    }),
  ),
  name: line(200),
  email: z.email('must be an email address'),
  grants: z.array(grantText).check(z.maxLength(50, 'must hold at most 50 grants')),
  /** A disabled person cannot sign in, and their sessions end at their next request. */
  disabled: z._default(z.boolean(), false),
});

export const userDirectorySchema = z.object({
  users: z.array(userSchema).check(z.maxLength(20_000, 'must have at most 20,000 people')),
});

export type User = z.output<typeof userSchema>;
export type UserDirectory = z.output<typeof userDirectorySchema>;

export const EMPTY_USERS: UserDirectory = { users: [] };

export type UserProblem = ConfigProblem;

/**
 * Validates a user directory whole: the schema, one account per user name and per e-mail, and (given the
 * unit directory in force) every granted unit known.
 */
export function readUserDirectory(
  raw: unknown,
  file: string,
  units?: UnitBook,
): { directory?: UserDirectory; problems: UserProblem[] } {
  const parsed = parseDocument(userDirectorySchema, raw, file);
  if (!parsed.data) return { problems: parsed.problems };
  const result = { data: parsed.data };
  const problems: UserProblem[] = [];
  const seen = new Map<string, number>();
  result.data.users.forEach((user, index) => {
    for (const [key, value] of [
      ['username', user.username],
      ['email', user.email.toLowerCase()],
    ] as const) {
      const earlier = seen.get(`${key}:${value}`);
      if (earlier !== undefined)
        problems.push({ file, path: `users.${index}.${key}`, reason: `duplicates users.${earlier} (${value})` });
      else seen.set(`${key}:${value}`, index);
    }
    if (units) {
      user.grants.forEach((text, g) => {
        const unitId = parseGrant(text)?.unitId;
        if (unitId !== undefined && !units.get(unitId))
          problems.push({ file, path: `users.${index}.grants.${g}`, reason: `unit ${unitId} is not in the directory` });
      });
    }
  });
  return problems.length > 0 ? { problems } : { directory: result.data, problems };
}

/** A user's grants, parsed. */
export function grantsOfUser(user: User): Grant[] {
  return user.grants.map((g) => parseGrant(g)).filter((g): g is Grant => g !== undefined);
}

/** What a new directory changes: people added, removed, and changed (grants given and taken, disabled). */
export interface UserDirectoryDiff {
  added: string[];
  removed: string[];
  changed: { username: string; granted: string[]; revoked: string[]; fields: string[] }[];
}

export function diffUserDirectories(current: UserDirectory, next: UserDirectory): UserDirectoryDiff {
  const before = new Map(current.users.map((u) => [u.username, u]));
  const after = new Map(next.users.map((u) => [u.username, u]));
  const changed: UserDirectoryDiff['changed'] = [];
  for (const [username, user] of after) {
    const old = before.get(username);
    if (!old) continue;
    const granted = user.grants.filter((g) => !old.grants.includes(g));
    const revoked = old.grants.filter((g) => !user.grants.includes(g));
    const fields = (['name', 'email', 'disabled'] as const).filter((f) => old[f] !== user[f]);
    if (granted.length + revoked.length + fields.length > 0) changed.push({ username, granted, revoked, fields });
  }
  return {
    added: [...after.keys()].filter((u) => !before.has(u)).sort(),
    removed: [...before.keys()].filter((u) => !after.has(u)).sort(),
    changed: changed.sort((a, b) => a.username.localeCompare(b.username)),
  };
}

export { grantName };
