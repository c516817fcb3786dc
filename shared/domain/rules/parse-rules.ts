import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { type DeadlineRule, deadlineRuleInputSchema, type RuleProblem, toRule } from './deadline-rule.ts';

export class InvalidRulesError extends Error {
  override name = 'InvalidRulesError';
  constructor(readonly problems: RuleProblem[]) {
    super(
      `invalid rules (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  ${p.file}: ${p.path || '(root)'}: ${p.reason}`).join('\n')}`,
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
  const parsed = z.object({ rules: z.array(z.unknown()) }).safeParse(raw);
  if (!parsed.success) return { rules: [], problems: [{ file, path: 'rules', reason: 'must be a list of rules' }] };
  const problems: RuleProblem[] = [];
  const rules: DeadlineRule[] = [];
  parsed.data.rules.forEach((item, index) => {
    const result = deadlineRuleInputSchema.safeParse(item);
    if (!result.success) {
      for (const issue of result.error.issues) {
        problems.push({ file, path: ['rules', index, ...issue.path].map(String).join('.'), reason: issue.message });
      }
      return;
    }
    rules.push(toRule(result.data, file));
  });
  return { rules, problems };
}
