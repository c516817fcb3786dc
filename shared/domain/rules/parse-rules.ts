import { parse as parseYaml } from 'yaml';
import { InvalidInputError } from '../../support/errors.ts';
import { formatProblems } from '../calendar/calendar-definition.ts';
import { type DeadlineRule, type RuleProblem, readRulesData } from './deadline-rule.ts';

export class InvalidRulesError extends InvalidInputError {
  override name = 'InvalidRulesError';
  constructor(readonly problems: RuleProblem[]) {
    super(
      `invalid rules (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${formatProblems(problems)}`,
    );
  }
}

/**
 * Parses a rules file (`rules:` list, YAML or JSON) into validated rules, or throws
 * {@link InvalidRulesError} listing every problem; nothing of an invalid file is used.
 */
export function parseRulesText(textContent: string, file: string): DeadlineRule[] {
  const { rules, problems } = readRulesFile(textContent, file);
  if (problems.length > 0) throw new InvalidRulesError(problems);
  return rules;
}

/** Reads a rules file into its valid rules and the problems of the others (for whole-set checks). */
export function readRulesFile(textContent: string, file: string): { rules: DeadlineRule[]; problems: RuleProblem[] } {
  let raw: unknown;
  try {
    raw = parseYaml(textContent);
  } catch (error) {
    const reason = `not valid YAML/JSON: ${(error as Error).message.split('\n')[0]}`;
    return { rules: [], problems: [{ file, path: '', reason }] };
  }
  return readRulesData(raw, file);
}
