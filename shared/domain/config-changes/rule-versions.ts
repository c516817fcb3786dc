import { type DeadlineRule, normaliseField, type RuleProblem } from '../rules/deadline-rule.ts';

/** A rule's content, without where it was read from: two versions are the same when this is equal. */
export function ruleContent(rule: DeadlineRule): string {
  const { source: _source, ...content } = rule;
  return JSON.stringify(content, Object.keys(content).sort());
}

/** How a set of incoming rule versions relates to the stored ones. */
export interface RuleDiff {
  /** New versions (a scope and effective date not stored yet). */
  added: DeadlineRule[];
  /** Versions stored with exactly this content: putting them again changes nothing. */
  unchanged: DeadlineRule[];
  /** Versions whose scope and effective date are stored with other content: refused, versions are immutable. */
  conflicting: { incoming: DeadlineRule; stored: DeadlineRule }[];
}

export function diffRules(stored: readonly DeadlineRule[], incoming: readonly DeadlineRule[]): RuleDiff {
  const byId = new Map(stored.map((r) => [r.id, r]));
  const diff: RuleDiff = { added: [], unchanged: [], conflicting: [] };
  for (const rule of incoming) {
    const existing = byId.get(rule.id);
    if (!existing) diff.added.push(rule);
    else if (ruleContent(existing) === ruleContent(rule)) diff.unchanged.push(rule);
    else diff.conflicting.push({ incoming: rule, stored: existing });
  }
  return diff;
}

/**
 * Problems that make a set of incoming rule versions unacceptable against what is stored: two versions
 * of one scope on one day (in the files, or a stored version with other content — versions are never
 * rewritten: put a new one with a later effective date) and rules naming a calendar that does not exist.
 */
export function checkRuleVersions(
  stored: readonly DeadlineRule[],
  incoming: readonly DeadlineRule[],
  calendarIds: ReadonlySet<string>,
): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const seen = new Map<string, DeadlineRule>();
  for (const rule of incoming) {
    const other = seen.get(rule.id);
    if (other) {
      problems.push({
        file: rule.source ?? '',
        path: `${rule.scopeKey}.effectiveFrom`,
        reason: `overlapping versions: two versions take effect on ${rule.effectiveFrom} (also in ${other.source ?? 'another file'})`,
      });
    }
    seen.set(rule.id, rule);
    if (!calendarIds.has(rule.calendarId)) {
      problems.push({
        file: rule.source ?? '',
        path: `${rule.scopeKey}@${rule.effectiveFrom}.calendarId`,
        reason: `unknown calendar id ${JSON.stringify(rule.calendarId)} (known: ${[...calendarIds].sort().join(', ')})`,
      });
    }
  }
  for (const { incoming: rule, stored: existing } of diffRules(stored, incoming).conflicting) {
    problems.push({
      file: rule.source ?? '',
      path: `${rule.scopeKey}.effectiveFrom`,
      reason: `overlapping versions: a different version of ${rule.scopeKey} already takes effect on ${rule.effectiveFrom} (${existing.legalBasis}); versions are never rewritten — give the new one a later effectiveFrom`,
    });
  }
  return problems;
}

/** Whether a dossier may be governed by a new rule version: same scope, received on or after it takes effect. */
export function ruleMayApply(
  rule: DeadlineRule,
  dossier: { procedureCode?: string | undefined; field: string; receiptDate: string },
): boolean {
  if (dossier.receiptDate < rule.effectiveFrom) return false;
  switch (rule.scope.kind) {
    case 'procedure':
      return dossier.procedureCode === rule.scope.procedureCode;
    case 'field':
      return normaliseField(dossier.field) === normaliseField(rule.scope.field);
    case 'global':
      return true;
  }
}
