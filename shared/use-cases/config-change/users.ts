import { EMPTY_DIRECTORY, UnitBook } from '../../domain/units/unit-directory.ts';
import {
  diffUserDirectories,
  EMPTY_USERS,
  readUserDirectory,
  type User,
  type UserDirectory,
} from '../../domain/users/user-directory.ts';
import type { AuditEntry } from '../../ports/config-admin-store.ts';
import type { IdentityMirror } from '../../ports/identity-mirror.ts';
import {
  type AdminDeps,
  type Author,
  audited,
  authorOf,
  type ConfigDocument,
  ConfigNotFoundError,
  changeIdOf,
  InvalidConfigChangeError,
} from './core.ts';

/*
 * The people who sign in (issue #30, ADR 0023), administered like the unit directory: validated whole
 * (every granted unit must be in the directory of units in force), diffed, put as a new version under
 * optimistic locking, audited with who changed whom. `add`, `disable` and `roles` are puts of the
 * directory with one person changed. An identity provider to mirror (Cognito) is told after the version
 * is stored; the audit entry stays `applying` until it has been.
 */

export type UsersDeps = AdminDeps & { identities?: IdentityMirror | undefined };

async function unitBook(deps: AdminDeps): Promise<UnitBook> {
  return new UnitBook((await deps.config.getUnitDirectoryVersion())?.directory ?? EMPTY_DIRECTORY);
}

/** The people in force: user name, name, grants, disabled — never anything more. */
export async function listUsers(deps: AdminDeps) {
  const current = await deps.config.getUserDirectoryVersion();
  return { version: current?.version ?? 0, users: (current?.directory ?? EMPTY_USERS).users };
}

export async function getUser(deps: AdminDeps, username: string): Promise<User> {
  const user = (await deps.config.getUserDirectoryVersion())?.directory.users.find((u) => u.username === username);
  if (!user) throw new ConfigNotFoundError(`no user ${JSON.stringify(username)}`);
  return user;
}

export async function validateUsers(deps: AdminDeps, document: ConfigDocument) {
  const { directory, problems } = check(document, await unitBook(deps));
  return { valid: problems.length === 0, users: directory?.users.length, problems };
}

function check(document: ConfigDocument, units: UnitBook) {
  if (document.parseError !== undefined)
    return { problems: [{ file: document.name, path: '', reason: document.parseError }] };
  return readUserDirectory(document.data, document.name, units);
}

export async function diffUsers(deps: AdminDeps, document: ConfigDocument) {
  const { directory, problems } = check(document, await unitBook(deps));
  if (!directory) return { added: [], removed: [], changed: [], problems };
  const current = await deps.config.getUserDirectoryVersion();
  return { ...diffUserDirectories(current?.directory ?? EMPTY_USERS, directory), problems };
}

/** Puts a whole user directory (a file), audited; the same directory again adds no version. */
export async function putUsers(deps: UsersDeps, document: ConfigDocument, by: Author) {
  const { directory, problems } = check(document, await unitBook(deps));
  if (!directory) throw new InvalidConfigChangeError(problems);
  return putDirectory(deps, directory, document.name, by);
}

async function putDirectory(deps: UsersDeps, directory: UserDirectory, source: string, by: Author) {
  const { author, actor } = authorOf(by);
  const current = await deps.config.getUserDirectoryVersion();
  const diff = diffUserDirectories(current?.directory ?? EMPTY_USERS, directory);
  const unchanged = current !== undefined && JSON.stringify(current.directory) === JSON.stringify(directory);
  const version = unchanged ? current.version : (current?.version ?? 0) + 1;
  const at = new Date(deps.clock.now()).toISOString();
  const changeId = changeIdOf('users', [JSON.stringify(directory)]);
  const entry: AuditEntry = {
    changeId,
    at,
    author,
    ...(actor ? { actor } : {}),
    action: 'users.put',
    status: 'applying',
    sources: [source],
    legalBasis: [],
    what: { version, ...diff },
  };
  return audited(deps, entry, async () => {
    if (!unchanged) {
      await deps.config.putUserDirectoryVersion(
        { version, author, at, changeId, source, directory },
        current?.version ?? 0,
      );
    }
    await deps.identities?.apply(diff, directory);
    return { changeId, version, diff, examined: 0, moves: [] as [] };
  });
}

/** Changes one person in the directory in force and puts the result (validated whole, audited). */
async function changeOne(
  deps: UsersDeps,
  by: Author,
  what: string,
  change: (users: User[]) => User[],
): Promise<Awaited<ReturnType<typeof putDirectory>>> {
  const current = (await deps.config.getUserDirectoryVersion())?.directory ?? EMPTY_USERS;
  const next = { users: change(current.users.map((u) => ({ ...u, grants: [...u.grants] }))) };
  const { directory, problems } = readUserDirectory(next, what, await unitBook(deps));
  if (!directory) throw new InvalidConfigChangeError(problems);
  return putDirectory(deps, directory, what, by);
}

/** `dunghan users add`: a new person with their grants (a user name already taken is refused). */
export async function addUser(deps: UsersDeps, user: Omit<User, 'disabled'>, by: Author) {
  return changeOne(deps, by, `users add ${user.username}`, (users) => {
    if (users.some((u) => u.username === user.username))
      throw new InvalidConfigChangeError([
        { file: 'users add', path: 'username', reason: `${user.username} already exists (use users roles)` },
      ]);
    return [...users, { ...user, disabled: false }];
  });
}

/** `dunghan users disable|enable`: the person can no longer sign in; their sessions end at the next request. */
export async function setUserDisabled(deps: UsersDeps, username: string, disabled: boolean, by: Author) {
  await getUser(deps, username);
  return changeOne(deps, by, `users ${disabled ? 'disable' : 'enable'} ${username}`, (users) =>
    users.map((u) => (u.username === username ? { ...u, disabled } : u)),
  );
}

/** `dunghan users roles`: grants given and taken from one person. */
export async function changeUserGrants(
  deps: UsersDeps,
  username: string,
  change: { grant?: readonly string[]; revoke?: readonly string[] },
  by: Author,
) {
  await getUser(deps, username);
  return changeOne(deps, by, `users roles ${username}`, (users) =>
    users.map((u) =>
      u.username === username
        ? {
            ...u,
            grants: [...new Set([...u.grants, ...(change.grant ?? [])])].filter((g) => !change.revoke?.includes(g)),
          }
        : u,
    ),
  );
}
