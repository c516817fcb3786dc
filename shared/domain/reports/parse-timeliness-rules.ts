import { parse as parseYaml } from 'yaml';
import {
  InvalidTimelinessRulesError,
  QD766_TIMELINESS,
  TIMELINESS_RULE_IDS,
  type TimelinessRuleId,
  type TimelinessRules,
} from './timeliness.ts';

/*
 * The counting rules' file form, read by the CLI only: the YAML parser stays out of the function
 * bundles (ADR 0007), which count with the rules they are given.
 */

/**
 * Reads a counting-rules file (YAML or JSON): `maxPoints` (0–100) and `rules` switching any rule by its
 * id; what it leaves out keeps QĐ 766's setting. Unknown keys are refused, naming them.
 */
export function parseTimelinessRules(text: string): TimelinessRules {
  let input: unknown;
  try {
    input = parseYaml(text);
  } catch (error) {
    throw new InvalidTimelinessRulesError(`not YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const fail = (field: string, reason: string): never => {
    throw new InvalidTimelinessRulesError(`${field}: ${reason}`, field);
  };
  if (input === null || input === undefined) return QD766_TIMELINESS;
  if (typeof input !== 'object' || Array.isArray(input)) return fail('(file)', 'must be a mapping');
  const rules: TimelinessRules = { maxPoints: QD766_TIMELINESS.maxPoints, switches: { ...QD766_TIMELINESS.switches } };
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (key === 'maxPoints') {
      if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 100)
        fail('maxPoints', 'must be a number above 0 and at most 100');
      rules.maxPoints = value as number;
    } else if (key === 'rules') {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        fail('rules', `must map rule ids (${TIMELINESS_RULE_IDS.join(', ')}) to true or false`);
      for (const [id, on] of Object.entries(value as Record<string, unknown>)) {
        if (!(TIMELINESS_RULE_IDS as string[]).includes(id))
          fail(`rules.${id}`, `is not a rule (one of ${TIMELINESS_RULE_IDS.join(', ')})`);
        if (typeof on !== 'boolean') fail(`rules.${id}`, 'must be true or false');
        rules.switches[id as TimelinessRuleId] = on as boolean;
      }
    } else {
      fail(key, 'is not a setting (maxPoints, rules)');
    }
  }
  return rules;
}
