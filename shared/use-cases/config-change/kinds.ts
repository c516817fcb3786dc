import type { Action } from '../../domain/authority/authority.ts';
import {
  diffCalendarFile,
  getCalendar,
  listCalendars,
  previewCalendar,
  putCalendar,
  validateCalendar,
} from './calendars.ts';
import { type AdminDeps, type Author, type ConfigDocument, InvalidConfigChangeError } from './core.ts';
import { diffRuleFiles, getRule, listRules, previewRules, putRules, validateRules } from './rules.ts';
import { diffUnits, getUnit, listUnits, previewUnits, putUnits, validateUnits } from './units.ts';
import { diffUsers, getUser, listUsers, putUsers, type UsersDeps, validateUsers } from './users.ts';

/*
 * The one table of configuration kinds (issue #33): what an administrator can list, get, validate, diff,
 * preview and put — and what each asks the authority. The CLI (`dunghan <kind> …`), the admin API
 * (`/admin/<kind>…`) and the console dispatch through it, so a kind is written once and its six
 * operations mean the same everywhere.
 */

/** What a put may carry beyond its documents (a calendar's legal basis and effective date). */
export interface PutDetails {
  legalBasis?: string | undefined;
  effectiveFrom?: string | undefined;
}

/** A validation or a diff: what it found wrong, every problem by file and path. */
export interface Checked {
  problems: readonly { file: string; path: string; reason: string }[];
}

export interface ConfigKind {
  /** Its name in the CLI (`dunghan units`) and the API (`/admin/units`). */
  readonly name: 'rules' | 'calendars' | 'units' | 'users';
  /** Rules come as several files (a directory stands for its files); the others as one document. */
  readonly documents: 'many' | 'one';
  /** What one document is, for messages ("a unit directory is one file"). */
  readonly document: string;
  /** What reading it (list, get, validate, diff) asks the authority. */
  readonly read: Exclude<Action, 'dossier.sync'>;
  /** What changing it (preview, put) asks the authority. */
  readonly write: Exclude<Action, 'dossier.sync'>;
  /** The put must cite the decision it implements (calendars: ADR 0008). */
  readonly needsLegalBasis: boolean;
  list(deps: AdminDeps): Promise<unknown>;
  get(deps: AdminDeps, id: string): Promise<unknown>;
  validate(deps: AdminDeps, documents: readonly ConfigDocument[]): Promise<Checked & { valid: boolean }>;
  diff(deps: AdminDeps, documents: readonly ConfigDocument[]): Promise<Checked>;
  /** "What moves if I apply this?", writing nothing; absent where nothing moves (users). */
  preview?(deps: AdminDeps, documents: readonly ConfigDocument[]): Promise<unknown>;
  put(deps: UsersDeps, documents: readonly ConfigDocument[], by: Author, details: PutDetails): Promise<unknown>;
}

/** The one document of a kind that takes one (refused, naming it, when there are several or none). */
function only(documents: readonly ConfigDocument[], what: string): ConfigDocument {
  const [document, ...more] = documents;
  if (!document || more.length > 0)
    throw new InvalidConfigChangeError([{ file: '', path: '', reason: `${what} is one file` }]);
  return document;
}

export const CONFIG_KINDS: readonly ConfigKind[] = [
  {
    name: 'rules',
    documents: 'many',
    document: 'a rules file',
    read: 'config.read',
    write: 'config.write',
    needsLegalBasis: false,
    list: listRules,
    get: getRule,
    validate: validateRules,
    diff: diffRuleFiles,
    preview: previewRules,
    put: (deps, documents, by) => putRules(deps, documents, by),
  },
  {
    name: 'calendars',
    documents: 'one',
    document: 'a calendar',
    read: 'config.read',
    write: 'config.write',
    needsLegalBasis: true,
    list: listCalendars,
    get: getCalendar,
    validate: (deps, documents) => validateCalendar(deps, only(documents, 'a calendar')),
    diff: (deps, documents) => diffCalendarFile(deps, only(documents, 'a calendar')),
    preview: (deps, documents) => previewCalendar(deps, only(documents, 'a calendar')),
    put: (deps, documents, by, details) =>
      putCalendar(deps, only(documents, 'a calendar'), {
        author: by,
        legalBasis: details.legalBasis ?? '',
        effectiveFrom: details.effectiveFrom,
      }),
  },
  {
    name: 'units',
    documents: 'one',
    document: 'a unit directory',
    read: 'config.read',
    write: 'config.write',
    needsLegalBasis: false,
    list: listUnits,
    get: getUnit,
    validate: (deps, documents) => validateUnits(deps, only(documents, 'a unit directory')),
    diff: (deps, documents) => diffUnits(deps, only(documents, 'a unit directory')),
    preview: (deps, documents) => previewUnits(deps, only(documents, 'a unit directory')),
    put: (deps, documents, by) => putUnits(deps, only(documents, 'a unit directory'), by),
  },
  {
    name: 'users',
    documents: 'one',
    document: 'a user directory',
    read: 'users.manage',
    write: 'users.manage',
    needsLegalBasis: false,
    list: listUsers,
    get: getUser,
    validate: (deps, documents) => validateUsers(deps, only(documents, 'a user directory')),
    diff: (deps, documents) => diffUsers(deps, only(documents, 'a user directory')),
    put: (deps, documents, by) => putUsers(deps, only(documents, 'a user directory'), by),
  },
];

/** The kind of this name (`rules`, `calendars`, `units`, `users`). */
export function configKind(name: ConfigKind['name']): ConfigKind {
  return CONFIG_KINDS.find((k) => k.name === name) as ConfigKind;
}
