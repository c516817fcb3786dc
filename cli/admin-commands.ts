import { readdirSync, readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { parse as parseYaml } from 'yaml';
import { adminDeps } from '../functions/admin-api/deps.ts';
import { CognitoIdentityMirror } from '../shared/adapters/cognito-identity-mirror.ts';
import type { Actor } from '../shared/domain/authority/actors.ts';
import type { Action, Target } from '../shared/domain/authority/authority.ts';
import { formatProblems } from '../shared/domain/calendar/calendar-definition.ts';
import type { IdentityMirror } from '../shared/ports/identity-mirror.ts';
import {
  type AdminDeps,
  type Author,
  addUser,
  type ConfigDocument,
  ConfigNotFoundError,
  changeUserGrants,
  diffCalendarFile,
  diffRuleFiles,
  diffUnits,
  getCalendar,
  getRule,
  getUnit,
  InvalidConfigChangeError,
  listAudit,
  listCalendars,
  listRules,
  listUnits,
  listUsers,
  previewCalendar,
  previewRules,
  previewUnits,
  putCalendar,
  putRules,
  putUnits,
  putUsers,
  setUserDisabled,
  type UsersDeps,
  validateCalendar,
  validateRules,
  validateUnits,
} from '../shared/use-cases/administer-config.ts';
import { listQuarantined, NotQuarantinedError, retryQuarantined } from '../shared/use-cases/quarantine.ts';
import { runCheckProvisional } from './due-command.ts';
import { BadInputError } from './errors.ts';
import { type ActingOptions, askAuthority, localOperator, withActor } from './identity.ts';
import { awsPlatform } from './local-store.ts';

export interface AdminOptions extends ActingOptions {
  /** Work on the AWS table named by TABLE_NAME instead of the local store. */
  aws?: boolean;
}

const CONFIG_FILE = /\.(ya?ml|json)$/i;

/** Reads rules or calendar files (a directory stands for its *.yaml and *.json files) for the use cases. */
export function readConfigDocuments(paths: readonly string[], argument: string): ConfigDocument[] {
  const files: string[] = [];
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch (error) {
      throw new BadInputError(argument, `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (isDirectory) {
      files.push(
        ...readdirSync(path)
          .filter((n) => CONFIG_FILE.test(n))
          .sort()
          .map((n) => join(path, n)),
      );
    } else files.push(path);
  }
  if (files.length === 0) throw new BadInputError(argument, 'no rules or calendar file given');
  return files.map((name) => {
    try {
      return { name, data: parseYaml(readFileSync(name, 'utf8')) as unknown };
    } catch (error) {
      return { name, parseError: `not valid YAML/JSON: ${(error as Error).message.split('\n')[0]}` };
    }
  });
}

/**
 * Runs an administration use case on the local store, or on AWS with `--aws`, after asking the
 * authority whether the actor may (ADR 0023): the local operator, or the person `--as` signs in; with
 * `--aws`, whoever holds the AWS credentials (the break-glass path; people use the API and the console).
 */
export async function withAdmin<T>(
  options: AdminOptions,
  action: Exclude<Action, 'dossier.sync'>,
  run: (deps: AdminDeps, actor: Actor) => Promise<T>,
  target: Target = {},
): Promise<T> {
  const asked = async (deps: AdminDeps, actor: Actor) => {
    await askAuthority(actor, action, target, deps.config);
    return run(deps, actor);
  };
  try {
    // The administrators' composition root, on AWS or on the local store.
    if (options.aws) {
      if (options.as !== undefined)
        throw new BadInputError('--as', 'is for the local store: on AWS, sign in to the API');
      // A configuration change refolds the logs it moves: it needs the seal's key (issue #31).
      return await asked(adminDeps(await awsPlatform({ sealsEvents: action === 'config.write' })), localOperator());
    }
    return await withActor(options, (runtime, actor) => asked(adminDeps(runtime.platform), actor));
  } catch (error) {
    if (error instanceof InvalidConfigChangeError) {
      throw new BadInputError(
        '<files>',
        `${error.problems.length} problem(s), nothing applied:\n${formatProblems(error.problems)}`,
        { valid: false, problems: error.problems },
      );
    }
    if (error instanceof ConfigNotFoundError) throw new BadInputError('<id>', error.message);
    throw error;
  }
}

/** Fails with exit code 2 when a validation report lists problems (the report is printed too). */
function requireValid<T extends { problems: { file: string; path: string; reason: string }[] }>(report: T): T {
  if (report.problems.length === 0) return report;
  throw new BadInputError(
    '<files>',
    `${report.problems.length} problem(s):\n${formatProblems(report.problems)}`,
    report,
  );
}

/** Who makes a change, for the audit: `--author`, else the operating-system user. */
export function authorOf(option: string | undefined): string {
  const author = (option ?? process.env.DUNGHAN_AUTHOR ?? userInfo().username).trim();
  if (!author) throw new BadInputError('--author', 'must name who makes the change');
  return author.slice(0, 200);
}

/** The author of a change: the signed-in person (`--as`), else the operator named by `--author`. */
function changedBy(actor: Actor, option: string | undefined): Author {
  return actor.kind === 'person' ? actor : authorOf(option);
}

export const rulesCommands = {
  list: (o: AdminOptions) => withAdmin(o, 'config.read', listRules),
  get: (id: string, o: AdminOptions) => withAdmin(o, 'config.read', (d) => getRule(d, id)),
  validate: (files: string[], o: AdminOptions) => {
    const documents = readConfigDocuments(files, '<files>');
    return withAdmin(o, 'config.read', async (d) => requireValid(await validateRules(d, documents)));
  },
  diff: (files: string[], o: AdminOptions) => {
    const documents = readConfigDocuments(files, '<files>');
    return withAdmin(o, 'config.read', async (d) => requireValid(await diffRuleFiles(d, documents)));
  },
  preview: (files: string[], o: AdminOptions) => {
    const documents = readConfigDocuments(files, '<files>');
    return withAdmin(o, 'config.write', (d) => previewRules(d, documents));
  },
  put: (files: string[], o: AdminOptions & { author?: string }) => {
    const documents = readConfigDocuments(files, '<files>');
    if (o.as === undefined) authorOf(o.author);
    return withAdmin(o, 'config.write', (d, actor) => putRules(d, documents, changedBy(actor, o.author)));
  },
};

function oneFile(file: string) {
  const [document] = readConfigDocuments([file], '<file>');
  if (!document) throw new BadInputError('<file>', 'no file given');
  return document;
}
const oneCalendar = oneFile;

export const calendarCommands = {
  list: (o: AdminOptions) => withAdmin(o, 'config.read', listCalendars),
  get: (id: string, o: AdminOptions) => withAdmin(o, 'config.read', (d) => getCalendar(d, id)),
  validate: (file: string, o: AdminOptions) => {
    const document = oneCalendar(file);
    return withAdmin(o, 'config.read', async (d) => requireValid(await validateCalendar(d, document)));
  },
  diff: (file: string, o: AdminOptions) => {
    const document = oneCalendar(file);
    return withAdmin(o, 'config.read', async (d) => requireValid(await diffCalendarFile(d, document)));
  },
  preview: (file: string, o: AdminOptions) => {
    const document = oneCalendar(file);
    return withAdmin(o, 'config.write', (d) => previewCalendar(d, document));
  },
  put: (file: string, o: AdminOptions & { author?: string; legalBasis?: string; effectiveFrom?: string }) => {
    const document = oneCalendar(file);
    if (o.as === undefined) authorOf(o.author);
    if (!o.legalBasis?.trim()) {
      throw new BadInputError(
        '--legal-basis',
        'must cite the decision or notice the change implements (số hiệu văn bản)',
      );
    }
    const legalBasis = o.legalBasis.trim();
    return withAdmin(o, 'config.write', (d, actor) =>
      putCalendar(d, document, { author: changedBy(actor, o.author), legalBasis, effectiveFrom: o.effectiveFrom }),
    );
  },
};

/** `dunghan units …`: the directory of units (ADR 0015). */
export const unitCommands = {
  list: (o: AdminOptions) => withAdmin(o, 'config.read', listUnits),
  get: (id: string, o: AdminOptions) => withAdmin(o, 'config.read', (d) => getUnit(d, id)),
  validate: (file: string, o: AdminOptions) => {
    const document = oneFile(file);
    return withAdmin(o, 'config.read', async (d) => requireValid(await validateUnits(d, document)));
  },
  diff: (file: string, o: AdminOptions) => {
    const document = oneFile(file);
    return withAdmin(o, 'config.read', async (d) => requireValid(await diffUnits(d, document)));
  },
  preview: (file: string, o: AdminOptions) => {
    const document = oneFile(file);
    return withAdmin(o, 'config.write', (d) => previewUnits(d, document));
  },
  put: (file: string, o: AdminOptions & { author?: string }) => {
    const document = oneFile(file);
    if (o.as === undefined) authorOf(o.author);
    return withAdmin(o, 'config.write', (d, actor) => putUnits(d, document, changedBy(actor, o.author)));
  },
};

/** `dunghan calendars check-provisional`: a calendar file, or the calendar in force in the store. */
export async function checkProvisionalCommand(
  options: AdminOptions & { id: string; on?: string; fromDate: string; calendar?: string },
) {
  if (options.calendar !== undefined) return runCheckProvisional(options);
  const { current } = await withAdmin(options, 'config.read', (d) => getCalendar(d, options.id));
  return runCheckProvisional({ ...options, definition: current.definition });
}

export const auditCommand = (o: AdminOptions) => withAdmin(o, 'audit.read', listAudit);

/** `dunghan quarantine list|retry`: the dossiers the detector parked, and an operator's retry. */
export const quarantineCommands = {
  list: (o: AdminOptions) => withAdmin(o, 'quarantine.manage', (d) => listQuarantined(quarantineDeps(d))),
  retry: (dossierId: string, o: AdminOptions) =>
    withAdmin(o, 'quarantine.manage', async (d) => {
      try {
        return await retryQuarantined(quarantineDeps(d), dossierId);
      } catch (error) {
        if (error instanceof NotQuarantinedError) throw new BadInputError('<dossierId>', error.message);
        throw error;
      }
    }),
};

function quarantineDeps(d: AdminDeps) {
  if (!d.quarantine) throw new Error('no quarantine store');
  return { quarantine: d.quarantine, store: d.dossiers, clock: d.clock };
}

/** The Cognito mirror of `dunghan users --aws`: the pools named by STAFF_USER_POOL_ID and ADMIN_USER_POOL_ID. */
function cognitoMirror(): IdentityMirror {
  const staff = process.env.STAFF_USER_POOL_ID;
  const admins = process.env.ADMIN_USER_POOL_ID;
  if (!staff || !admins)
    throw new BadInputError(
      '--aws',
      'set STAFF_USER_POOL_ID and ADMIN_USER_POOL_ID (the stack outputs) to mirror people into Cognito',
    );
  return new CognitoIdentityMirror(new CognitoIdentityProviderClient({}), { staff, admins });
}

function withUsers<T>(o: AdminOptions, run: (deps: UsersDeps, actor: Actor) => Promise<T>): Promise<T> {
  const identities = o.aws ? cognitoMirror() : undefined;
  return withAdmin(o, 'users.manage', (deps, actor) => run({ ...deps, identities }, actor));
}

/** `dunghan users …`: the people who sign in, their roles and units (ADR 0023). */
export const userCommands = {
  list: (o: AdminOptions) => withUsers(o, (d) => listUsers(d)),
  add: (username: string, o: AdminOptions & { name: string; email: string; grant: string[]; author?: string }) =>
    withUsers(o, (d, actor) =>
      addUser(d, { username, name: o.name, email: o.email, grants: o.grant }, changedBy(actor, o.author)),
    ),
  disable: (username: string, o: AdminOptions & { author?: string }) =>
    withUsers(o, (d, actor) => setUserDisabled(d, username, true, changedBy(actor, o.author))),
  enable: (username: string, o: AdminOptions & { author?: string }) =>
    withUsers(o, (d, actor) => setUserDisabled(d, username, false, changedBy(actor, o.author))),
  roles: (username: string, o: AdminOptions & { grant?: string[]; revoke?: string[]; author?: string }) =>
    withUsers(o, (d, actor) =>
      changeUserGrants(d, username, { grant: o.grant, revoke: o.revoke }, changedBy(actor, o.author)),
    ),
  put: (file: string, o: AdminOptions & { author?: string }) => {
    const document = oneFile(file);
    return withUsers(o, (d, actor) => putUsers(d, document, changedBy(actor, o.author)));
  },
};
