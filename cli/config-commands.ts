import { readdirSync, readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { adminDeps } from '../functions/admin-api/deps.ts';
import type { Actor } from '../shared/domain/authority/actors.ts';
import type { Action, Target } from '../shared/domain/authority/authority.ts';
import { formatProblems } from '../shared/domain/calendar/calendar-definition.ts';
import {
  type AdminDeps,
  type Author,
  type ConfigDocument,
  ConfigNotFoundError,
  InvalidConfigChangeError,
  type UsersDeps,
} from '../shared/use-cases/administer-config.ts';
import { CONFIG_KINDS, type ConfigKind } from '../shared/use-cases/config-change/kinds.ts';
import { AUTHOR_HELP, type Io, onStore, printer } from './command.ts';
import { BadInputError } from './errors.ts';
import { onPlatform, type PlatformOptions } from './platform.ts';

/*
 * `dunghan rules|calendars|units|users list|get|validate|diff|preview|put` (ADR 0008, 0015, 0023): one
 * command each per configuration kind and operation, made from the one table of kinds the admin API
 * dispatches through too (shared/use-cases/config-change/kinds.ts). This file holds what is the CLI's
 * own: reading files and directories, the help texts, and turning refusals into exit codes.
 */

export type AdminOptions = PlatformOptions;

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
 * Runs an administration use case where the options say (cli/platform.ts), after asking the authority
 * whether the actor may; a change refolds the logs it moves, so it needs the seal's key (issue #31).
 */
export async function withAdmin<T>(
  options: AdminOptions,
  action: Exclude<Action, 'dossier.sync'>,
  run: (deps: UsersDeps, actor: Actor) => Promise<T>,
  target: Target = {},
): Promise<T> {
  try {
    return await onPlatform(options, { action, target, sealsEvents: action === 'config.write' }, (site) =>
      run(
        { ...adminDeps(site.platform), identities: action === 'users.manage' ? site.identities() : undefined },
        site.actor,
      ),
    );
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
function requireValid<T extends { problems: readonly { file: string; path: string; reason: string }[] }>(report: T): T {
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
export function changedBy(actor: Actor, option: string | undefined): Author {
  return actor.kind === 'person' ? actor : authorOf(option);
}

type PutOptions = AdminOptions & { author?: string; legalBasis?: string; effectiveFrom?: string };

/** The six operations of a kind, on the documents the command line names. */
export function kindCommands(kind: ConfigKind) {
  const argument = kind.documents === 'many' ? '<files>' : '<file>';
  const read = (files: string | string[]) => readConfigDocuments(typeof files === 'string' ? [files] : files, argument);
  return {
    list: (o: AdminOptions) => withAdmin(o, kind.read, (d) => kind.list(d)),
    get: (id: string, o: AdminOptions) => withAdmin(o, kind.read, (d) => kind.get(d, id)),
    validate: (files: string | string[], o: AdminOptions) => {
      const documents = read(files);
      return withAdmin(o, kind.read, async (d) => requireValid(await kind.validate(d, documents)));
    },
    diff: (files: string | string[], o: AdminOptions) => {
      const documents = read(files);
      return withAdmin(o, kind.read, async (d) => requireValid(await kind.diff(d, documents)));
    },
    preview: (files: string | string[], o: AdminOptions) => {
      const documents = read(files);
      const { preview } = kind;
      if (!preview) throw new BadInputError(argument, `${kind.name} have no preview`);
      return withAdmin(o, kind.write, (d: AdminDeps) => preview(d, documents));
    },
    put: (files: string | string[], o: PutOptions) => {
      const documents = read(files);
      if (o.as === undefined) authorOf(o.author);
      const legalBasis = o.legalBasis?.trim();
      if (kind.needsLegalBasis && !legalBasis)
        throw new BadInputError(
          '--legal-basis',
          'must cite the decision or notice the change implements (số hiệu văn bản)',
        );
      return withAdmin(o, kind.write, (d, actor) =>
        kind.put(d, documents, changedBy(actor, o.author), { legalBasis, effectiveFrom: o.effectiveFrom }),
      );
    },
  };
}

/** What the CLI says of each kind and operation (the operations themselves are the table's). */
interface KindHelp {
  summary: string;
  description: string;
  id: string;
  file: string;
  list: string;
  get: string;
  validate: string;
  diff: string;
  preview?: string;
  put: string;
}

const HELP: Record<ConfigKind['name'], KindHelp> = {
  rules: {
    summary: 'Deadline rules: list, check, preview, put',
    description:
      'Deadline rules: versioned by effective date, validated whole (every problem listed, nothing applied if any), ' +
      'previewed ("what moves?") and applied to the open dossiers, audited. Files: YAML or JSON, `rules:` list; ' +
      'a directory stands for its *.yaml and *.json files.',
    id: 'a scope (PROC#1.004227, FIELD#đất đai, GLOBAL) or one version (…@2025-07-01)',
    file: 'rules files or directories',
    list: 'Every stored rule version, by scope and effective date.',
    get: 'The versions of one rule scope, or one version.',
    validate: 'Validate rules files against the stored versions; exit 2 listing every problem.',
    diff: 'Which versions the files add, repeat (identical) or contradict (refused: versions are never rewritten).',
    preview: 'The open dossiers whose due dates or stage would change, old → new; writes nothing.',
    put:
      'Store the new versions and recompute the open dossiers they govern (each records the change in its ' +
      'history); putting the same files again writes nothing and completes an interrupted recompute.',
  },
  calendars: {
    summary: 'Working-day calendars: list, check, put',
    description:
      'Working-day calendars: versioned, validated (make-up days on weekends, compensating days for holidays on ' +
      'weekends…), previewed and applied to the open dossiers, audited.',
    id: 'calendar id (vn-civil-service)',
    file: 'calendar file (YAML or JSON)',
    list: 'The calendars in force, with version and provisional years.',
    get: 'A calendar in force and its versions.',
    validate: 'Validate a calendar file; exit 2 listing every problem.',
    diff: 'Settings and days (working ↔ day off) that differ from the calendar in force.',
    preview: '"What moves if I apply this?": the open dossiers whose due dates or stage would change; writes nothing.',
    put:
      'Store a new version and recompute the open dossiers a changed day touches (stages reached stay; one made ' +
      'overdue is handled by the next detector run).',
  },
  units: {
    summary: 'The directory of units: list, check, put',
    description:
      'The directory of units (ADR 0015): each unit with its parent, place, desk officials (who get its alerts) ' +
      'and head; and who issues the apology of an inter-agency dossier (apologyIssuer). Versioned, validated whole ' +
      '(every problem listed, nothing applied if any), previewed, audited.',
    id: 'unit id (H21.65.01, VPDKDD-KP)',
    file: 'directory file (YAML or JSON)',
    list: 'The units in force, with the directory version.',
    get: 'A unit in force and the directory versions it appears in.',
    validate: 'Validate a directory file; exit 2 listing every problem.',
    diff: 'Units added, removed and changed (which fields) against the directory in force.',
    preview:
      '"Whose alerts change?": the open dossiers at a unit the file adds, alters or removes, and the units they ' +
      'name that the file lacks; writes nothing.',
    put: 'Store a new version of the directory (the next detector run uses it); audited.',
  },
  users: {
    summary: 'People who sign in and their roles',
    description:
      'The people who sign in and their grants (ADR 0023): admin, or <role>:<unit id> with role official (cán bộ), ' +
      'head (lãnh đạo), supervisor (giám sát: the unit and the units below it). Versioned, validated, audited; with ' +
      '--aws also mirrored into the Cognito user pools (STAFF_USER_POOL_ID, ADMIN_USER_POOL_ID).',
    id: 'the user name',
    file: 'user directory (YAML or JSON), as config/users.yaml',
    list: 'The people in force, with their grants.',
    get: 'One person and their grants.',
    validate: 'Validate a user directory against the units in force; exit 2 listing every problem.',
    diff: 'People added, removed and changed against the directory in force.',
    put: 'Store a whole user directory as the next version (validated against the units; audited).',
  },
};

/** Adds `dunghan <kind> list|get|validate|diff|preview|put` for each kind of the table; returns the kinds' commands. */
export function registerConfigKinds(program: Command, io: Io): Map<ConfigKind['name'], Command> {
  const print = printer(io);
  const made = new Map<ConfigKind['name'], Command>();
  for (const kind of CONFIG_KINDS) {
    const help = HELP[kind.name];
    const run = kindCommands(kind);
    const files = kind.documents === 'many' ? '<files...>' : '<file>';
    const parent = program.command(kind.name).summary(help.summary).description(help.description);
    made.set(kind.name, parent);
    onStore(parent.command('list').description(help.list)).action(async (o) => print(await run.list(o)));
    onStore(parent.command('get').argument('<id>', help.id).description(help.get)).action(async (id: string, o) =>
      print(await run.get(id, o)),
    );
    for (const op of ['validate', 'diff', 'preview'] as const) {
      const text = help[op];
      if (text === undefined) continue;
      onStore(parent.command(op).argument(files, help.file).description(text)).action(async (f: string | string[], o) =>
        print(await run[op](f, o)),
      );
    }
    const put = parent.command('put').argument(files, help.file);
    if (kind.needsLegalBasis)
      put
        .option('--legal-basis <text>', 'the decision or notice the change implements (required)')
        .option('--effective-from <date>', 'YYYY-MM-DD the version takes effect (default: today)');
    onStore(put.option('--author <name>', AUTHOR_HELP).description(help.put)).action(async (f: string | string[], o) =>
      print(await run.put(f, o)),
    );
  }
  return made;
}
