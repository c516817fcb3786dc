import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { CalendarDefinition } from '../domain/calendar/calendar-definition.ts';
import { formatProblems } from '../domain/calendar/calendar-definition.ts';
import { InvalidCalendarError, parseCalendarText } from '../domain/calendar/parse-calendar.ts';
import { checkRuleSet, type DeadlineRule, type RuleProblem } from '../domain/rules/deadline-rule.ts';
import { readRulesFile } from '../domain/rules/parse-rules.ts';
import { readUnitDirectoryText } from '../domain/units/parse-unit-directory.ts';
import { UnitBook, type UnitDirectory } from '../domain/units/unit-directory.ts';
import { readUserDirectory, type UserDirectory } from '../domain/users/user-directory.ts';
import { InvalidInputError } from '../support/errors.ts';

const CONFIG_FILE = /\.(ya?ml|json)$/i;

/** Every problem found in a configuration directory, by file and path. */
export class InvalidConfigError extends InvalidInputError {
  override name = 'InvalidConfigError';
  constructor(readonly problems: RuleProblem[]) {
    super(
      `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${formatProblems(problems)}`,
    );
  }
}

async function filesIn(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names
    .filter((n) => CONFIG_FILE.test(n))
    .sort()
    .map((n) => join(dir, n));
}

/**
 * Reads and validates every rules file and calendar file; returns all of them or throws
 * {@link InvalidConfigError} listing every problem, including rules naming an unknown calendar.
 */
export async function loadConfigDirs(
  rulesDir: string,
  calendarsDir: string,
  builtInCalendarIds: readonly string[] = [],
): Promise<{ rules: DeadlineRule[]; calendars: CalendarDefinition[] }> {
  const problems: RuleProblem[] = [];
  const rules: DeadlineRule[] = [];
  const calendars: CalendarDefinition[] = [];
  for (const file of await filesIn(calendarsDir)) {
    try {
      calendars.push(parseCalendarText(await readFile(file, 'utf8'), file));
    } catch (error) {
      if (!(error instanceof InvalidCalendarError)) throw error;
      problems.push(...error.problems);
    }
  }
  for (const file of await filesIn(rulesDir)) {
    const read = readRulesFile(await readFile(file, 'utf8'), file);
    rules.push(...read.rules);
    problems.push(...read.problems);
  }
  problems.push(...checkRuleSet(rules));
  const calendarIds = new Set([...builtInCalendarIds, ...calendars.map((c) => c.id)]);
  for (const rule of rules) {
    if (!calendarIds.has(rule.calendarId)) {
      problems.push({
        file: rule.source ?? '',
        path: `${rule.id}.calendarId`,
        reason: `unknown calendar id ${JSON.stringify(rule.calendarId)}`,
      });
    }
  }
  if (problems.length > 0) throw new InvalidConfigError(problems);
  return { rules, calendars };
}

/** Reads and validates a unit directory file; throws {@link InvalidConfigError} listing every problem. */
export async function loadUnitDirectoryFile(file: string): Promise<UnitDirectory> {
  const { directory, problems } = readUnitDirectoryText(await readFile(file, 'utf8'), file);
  if (!directory) throw new InvalidConfigError(problems);
  return directory;
}

/** Reads and validates a user directory file (YAML or JSON) against the unit directory it will be used with. */
export async function loadUserDirectoryFile(file: string, units: UnitDirectory): Promise<UserDirectory> {
  let raw: unknown;
  try {
    raw = parseYaml(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code) throw error;
    throw new InvalidConfigError([
      { file, path: '', reason: `not valid YAML: ${(error as Error).message.split('\n')[0]}` },
    ]);
  }
  const { directory, problems } = readUserDirectory(raw, file, new UnitBook(units));
  if (!directory) throw new InvalidConfigError(problems);
  return directory;
}
