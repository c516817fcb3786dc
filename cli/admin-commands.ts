import { readdirSync, readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { adminDeps } from '../functions/admin-api/deps.ts';
import { platformFromEnvironment } from '../shared/adapters/platform.ts';
import { formatProblems } from '../shared/domain/calendar/calendar-definition.ts';
import { readConfig } from '../shared/settings/env.ts';
import {
  type AdminDeps,
  type ConfigDocument,
  ConfigNotFoundError,
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
  previewCalendar,
  previewRules,
  previewUnits,
  putCalendar,
  putRules,
  putUnits,
  validateCalendar,
  validateRules,
  validateUnits,
} from '../shared/use-cases/administer-config.ts';
import { listQuarantined, NotQuarantinedError, retryQuarantined } from '../shared/use-cases/quarantine.ts';
import { runCheckProvisional } from './due-command.ts';
import { BadInputError } from './errors.ts';
import { type StoreOptions, withLocalStore } from './store-commands.ts';

export interface AdminOptions extends StoreOptions {
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

/** Runs an administration use case on the local store, or on AWS with `--aws`. */
export async function withAdmin<T>(options: AdminOptions, run: (deps: AdminDeps) => Promise<T>): Promise<T> {
  try {
    // The administrators' composition root, on AWS or on the local store.
    if (options.aws) return await run(adminDeps(platformFromEnvironment(readConfig())));
    return await withLocalStore(options, (runtime) => run(adminDeps(runtime.platform)));
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

export const rulesCommands = {
  list: (o: AdminOptions) => withAdmin(o, listRules),
  get: (id: string, o: AdminOptions) => withAdmin(o, (d) => getRule(d, id)),
  validate: (files: string[], o: AdminOptions) => {
    const documents = readConfigDocuments(files, '<files>');
    return withAdmin(o, async (d) => requireValid(await validateRules(d, documents)));
  },
  diff: (files: string[], o: AdminOptions) => {
    const documents = readConfigDocuments(files, '<files>');
    return withAdmin(o, async (d) => requireValid(await diffRuleFiles(d, documents)));
  },
  preview: (files: string[], o: AdminOptions) => {
    const documents = readConfigDocuments(files, '<files>');
    return withAdmin(o, (d) => previewRules(d, documents));
  },
  put: (files: string[], o: AdminOptions & { author?: string }) => {
    const documents = readConfigDocuments(files, '<files>');
    const author = authorOf(o.author);
    return withAdmin(o, (d) => putRules(d, documents, author));
  },
};

function oneFile(file: string) {
  const [document] = readConfigDocuments([file], '<file>');
  if (!document) throw new BadInputError('<file>', 'no file given');
  return document;
}
const oneCalendar = oneFile;

export const calendarCommands = {
  list: (o: AdminOptions) => withAdmin(o, listCalendars),
  get: (id: string, o: AdminOptions) => withAdmin(o, (d) => getCalendar(d, id)),
  validate: (file: string, o: AdminOptions) => {
    const document = oneCalendar(file);
    return withAdmin(o, async (d) => requireValid(await validateCalendar(d, document)));
  },
  diff: (file: string, o: AdminOptions) => {
    const document = oneCalendar(file);
    return withAdmin(o, async (d) => requireValid(await diffCalendarFile(d, document)));
  },
  preview: (file: string, o: AdminOptions) => {
    const document = oneCalendar(file);
    return withAdmin(o, (d) => previewCalendar(d, document));
  },
  put: (file: string, o: AdminOptions & { author?: string; legalBasis?: string; effectiveFrom?: string }) => {
    const document = oneCalendar(file);
    const author = authorOf(o.author);
    if (!o.legalBasis?.trim()) {
      throw new BadInputError(
        '--legal-basis',
        'must cite the decision or notice the change implements (số hiệu văn bản)',
      );
    }
    const legalBasis = o.legalBasis.trim();
    return withAdmin(o, (d) => putCalendar(d, document, { author, legalBasis, effectiveFrom: o.effectiveFrom }));
  },
};

/** `dunghan units …`: the directory of units (ADR 0015). */
export const unitCommands = {
  list: (o: AdminOptions) => withAdmin(o, listUnits),
  get: (id: string, o: AdminOptions) => withAdmin(o, (d) => getUnit(d, id)),
  validate: (file: string, o: AdminOptions) => {
    const document = oneFile(file);
    return withAdmin(o, async (d) => requireValid(await validateUnits(d, document)));
  },
  diff: (file: string, o: AdminOptions) => {
    const document = oneFile(file);
    return withAdmin(o, async (d) => requireValid(await diffUnits(d, document)));
  },
  preview: (file: string, o: AdminOptions) => {
    const document = oneFile(file);
    return withAdmin(o, (d) => previewUnits(d, document));
  },
  put: (file: string, o: AdminOptions & { author?: string }) => {
    const document = oneFile(file);
    const author = authorOf(o.author);
    return withAdmin(o, (d) => putUnits(d, document, author));
  },
};

/** `dunghan calendars check-provisional`: a calendar file, or the calendar in force in the store. */
export async function checkProvisionalCommand(
  options: AdminOptions & { id: string; on?: string; fromDate: string; calendar?: string },
) {
  if (options.calendar !== undefined) return runCheckProvisional(options);
  const { current } = await withAdmin(options, (d) => getCalendar(d, options.id));
  return runCheckProvisional({ ...options, definition: current.definition });
}

export const auditCommand = (o: AdminOptions) => withAdmin(o, listAudit);

/** `dunghan quarantine list|retry`: the dossiers the detector parked, and an operator's retry. */
export const quarantineCommands = {
  list: (o: AdminOptions) => withAdmin(o, (d) => listQuarantined(quarantineDeps(d))),
  retry: (dossierId: string, o: AdminOptions) =>
    withAdmin(o, async (d) => {
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
