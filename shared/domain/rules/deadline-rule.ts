import * as z from '../../contracts/z.ts';
import { tryParseIsoDate, tryParseTimeOfDay } from '../calendar/local-date.ts';
import type { ConfigProblem } from '../config-problem.ts';
import { type Duration, formatDuration, InvalidDurationError, parseDuration } from '../due-date/duration.ts';

const durationField = z.pipe(
  z.string(),
  z.transform((text: string, ctx): Duration => {
    try {
      return parseDuration(text);
    } catch (error) {
      ctx.issues.push({
        code: 'custom',
        input: text,
        message: error instanceof InvalidDurationError ? error.message : String(error),
      });
      return z.NEVER;
    }
  }),
);
const isoDate = z
  .string()
  .check(z.refine((s) => tryParseIsoDate(s) !== undefined, { message: 'must be a date YYYY-MM-DD' }));
const nonEmpty = z.string().check(z.trim(), z.minLength(1, 'must not be empty'));

/** A deadline rule as administrators write it in config/rules/*.yaml. */
export const deadlineRuleInputSchema = z
  .object({
    procedureCode: z.optional(nonEmpty),
    field: z.optional(nonEmpty),
    global: z.optional(z.literal(true)),
    name: z.optional(z.string()),
    effectiveFrom: isoDate,
    legalBasis: z.string().check(z.minLength(1, 'must cite the legal basis')),
    duration: durationField,
    cutoff: z._default(
      z.nullable(z.string().check(z.refine((s) => tryParseTimeOfDay(s) !== undefined, { message: 'must be HH:MM' }))),
      null,
    ),
    steps: z._default(z.array(z.object({ unit: nonEmpty, duration: durationField })), []),
    warnLeadTime: z._default(durationField, parseDuration('2wd')),
    suggestedExtension: z._default(durationField, parseDuration('5wd')),
    calendarId: z._default(z.string(), 'vn-civil-service'),
    sample: z._default(z.boolean(), false),
    note: z.optional(z.string()),
  })
  .check(
    z.superRefine((rule, ctx) => {
      const scopes = [
        rule.procedureCode !== undefined,
        rule.field !== undefined && rule.procedureCode === undefined,
        rule.global === true,
      ];
      if (scopes.filter(Boolean).length !== 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['procedureCode'],
          message: 'a rule applies to exactly one of: procedureCode, field (a field default) or global: true',
        });
      }
      const stepTotal = rule.steps.reduce(
        (sum, s) => sum + (s.duration.unit === rule.duration.unit ? s.duration.amount : 0),
        0,
      );
      if (rule.steps.length > 0 && stepTotal > rule.duration.amount + 1e-9) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps'],
          message: `the steps add up to ${stepTotal}, longer than the limit ${formatDuration(rule.duration)}`,
        });
      }
      if (rule.warnLeadTime.unit === 'calendar_days') {
        ctx.addIssue({ code: 'custom', path: ['warnLeadTime'], message: 'must be in working days or working hours' });
      }
    }),
  );

export type DeadlineRuleInput = z.input<typeof deadlineRuleInputSchema>;

/** Which rules a scope key stands for. */
export type RuleScope =
  | { kind: 'procedure'; procedureCode: string }
  | { kind: 'field'; field: string }
  | { kind: 'global' };

/** A validated deadline rule. */
export interface DeadlineRule {
  /** `PROC#<code>`, `FIELD#<normalised field>` or `GLOBAL`, then `@<effectiveFrom>`. */
  id: string;
  scopeKey: string;
  scope: RuleScope;
  name?: string | undefined;
  effectiveFrom: string;
  legalBasis: string;
  duration: Duration;
  cutoff: string | null;
  steps: { unit: string; duration: Duration }[];
  warnLeadTime: Duration;
  suggestedExtension: Duration;
  calendarId: string;
  sample: boolean;
  note?: string | undefined;
  /** The file the rule came from, for the audit trail. */
  source?: string | undefined;
}

/** Normalises a field (lĩnh vực) name for matching: NFC, trimmed, single spaces, lower case. */
export function normaliseField(field: string): string {
  return field.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('vi');
}

export function scopeKeyOf(scope: RuleScope): string {
  switch (scope.kind) {
    case 'procedure':
      return `PROC#${scope.procedureCode}`;
    case 'field':
      return `FIELD#${normaliseField(scope.field)}`;
    case 'global':
      return 'GLOBAL';
  }
}

/** One problem in a rules file. */
export type RuleProblem = ConfigProblem;

/**
 * Validates a parsed rules document (`{ rules: [...] }`, from YAML or JSON): the valid rules, and every
 * problem of the others with its path.
 */
export function readRulesData(raw: unknown, file: string): { rules: DeadlineRule[]; problems: RuleProblem[] } {
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

/** Checks a whole rule set: no two versions of one scope take effect on the same day. */
export function checkRuleSet(rules: readonly DeadlineRule[]): RuleProblem[] {
  const seen = new Map<string, DeadlineRule>();
  const problems: RuleProblem[] = [];
  for (const rule of rules) {
    const other = seen.get(rule.id);
    if (other) {
      problems.push({
        file: rule.source ?? '',
        path: rule.scopeKey,
        reason: `two versions take effect on ${rule.effectiveFrom} (also in ${other.source ?? 'another file'})`,
      });
    }
    seen.set(rule.id, rule);
  }
  if (!rules.some((r) => r.scope.kind === 'global')) {
    problems.push({ file: '', path: 'GLOBAL', reason: 'the rule set needs a global default (global: true)' });
  }
  return problems;
}

/** A validated rule input as a rule, remembering the file it came from. */
export function toRule(input: z.output<typeof deadlineRuleInputSchema>, file: string): DeadlineRule {
  const scope: RuleScope = input.procedureCode
    ? { kind: 'procedure', procedureCode: input.procedureCode }
    : input.field
      ? { kind: 'field', field: input.field }
      : { kind: 'global' };
  const scopeKey = scopeKeyOf(scope);
  return {
    id: `${scopeKey}@${input.effectiveFrom}`,
    scopeKey,
    scope,
    name: input.name,
    effectiveFrom: input.effectiveFrom,
    legalBasis: input.legalBasis,
    duration: input.duration,
    cutoff: input.cutoff,
    steps: input.steps,
    warnLeadTime: input.warnLeadTime,
    suggestedExtension: input.suggestedExtension,
    calendarId: input.calendarId,
    sample: input.sample,
    note: input.note,
    source: file,
  };
}

/** How the rule for a dossier was found. */
export type RuleMatch = 'procedure' | 'field' | 'global';

/**
 * The rule in force on the receipt date: the procedure's own rule, else the field default, else the
 * global default — the latest version whose effective date is on or before the receipt date.
 */
export function resolveRule(
  rules: readonly DeadlineRule[],
  query: { procedureCode?: string | undefined; field: string; receiptDate: string },
): { rule: DeadlineRule; matchedBy: RuleMatch } | undefined {
  const candidates: [string, RuleMatch][] = [];
  if (query.procedureCode) candidates.push([`PROC#${query.procedureCode}`, 'procedure']);
  candidates.push([`FIELD#${normaliseField(query.field)}`, 'field'], ['GLOBAL', 'global']);
  for (const [scopeKey, matchedBy] of candidates) {
    let best: DeadlineRule | undefined;
    for (const rule of rules) {
      if (rule.scopeKey !== scopeKey || rule.effectiveFrom > query.receiptDate) continue;
      if (!best || rule.effectiveFrom > best.effectiveFrom) best = rule;
    }
    if (best) return { rule: best, matchedBy };
  }
  return undefined;
}
