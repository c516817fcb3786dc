import type { CalendarDefinition } from '../../domain/calendar/calendar-definition.ts';
import { DEFAULT_CALENDAR_DEFINITION } from '../../domain/calendar/default-calendar.ts';
import { checkRuleVersions, diffRules, ruleContent, ruleMayApply } from '../../domain/config-changes/rule-versions.ts';
import { type DeadlineRule, type RuleProblem, readRulesData } from '../../domain/rules/deadline-rule.ts';
import type { AuditEntry } from '../../ports/config-admin-store.ts';
import { snapshotOf } from '../rule-book.ts';
import {
  type AdminDeps,
  type Author,
  audited,
  authorOf,
  type ChangeReport,
  type ConfigDocument,
  ConfigNotFoundError,
  changeIdOf,
  InvalidConfigChangeError,
  type Plan,
  recompute,
} from './core.ts';

// ── rules ────────────────────────────────────────────────────────────────────────────────────────

/** Every stored rule version, by scope then effective date. */
export async function listRules(deps: AdminDeps): Promise<DeadlineRule[]> {
  return (await deps.config.listRules()).sort(
    (a, b) => a.scopeKey.localeCompare(b.scopeKey) || a.effectiveFrom.localeCompare(b.effectiveFrom),
  );
}

/** The versions of one scope (`PROC#1.004227`, `FIELD#đất đai`, `GLOBAL`) or one version (`…@2025-07-01`). */
export async function getRule(deps: AdminDeps, id: string): Promise<DeadlineRule[]> {
  const found = (await listRules(deps)).filter((r) => r.id === id || r.scopeKey === id);
  if (found.length === 0) throw new ConfigNotFoundError(`no rule ${JSON.stringify(id)}`);
  return found;
}

interface CheckedRules {
  incoming: DeadlineRule[];
  stored: DeadlineRule[];
  calendars: CalendarDefinition[];
  problems: RuleProblem[];
}

async function checkRules(deps: AdminDeps, documents: readonly ConfigDocument[]): Promise<CheckedRules> {
  const problems: RuleProblem[] = [];
  const incoming: DeadlineRule[] = [];
  for (const document of documents) {
    if (document.parseError !== undefined) {
      problems.push({ file: document.name, path: '', reason: document.parseError });
      continue;
    }
    const read = readRulesData(document.data, document.name);
    incoming.push(...read.rules);
    problems.push(...read.problems);
  }
  if (documents.length === 0) problems.push({ file: '', path: '', reason: 'no rules file given' });
  const [stored, calendars] = await Promise.all([deps.config.listRules(), deps.config.listCalendars()]);
  const calendarIds = new Set([DEFAULT_CALENDAR_DEFINITION.id, ...calendars.map((c) => c.id)]);
  problems.push(...checkRuleVersions(stored, incoming, calendarIds));
  if (![...stored, ...incoming].some((r) => r.scope.kind === 'global')) {
    // Without one, a dossier of a procedure and field with no rule could not be counted at all.
    problems.push({ file: '', path: 'GLOBAL', reason: 'the rule set needs a global default (global: true)' });
  }
  return { incoming, stored, calendars, problems };
}

/** Validates rules files against the stored rules: every problem, nothing written. */
export async function validateRules(
  deps: AdminDeps,
  documents: readonly ConfigDocument[],
): Promise<{ valid: boolean; rules: number; problems: RuleProblem[] }> {
  const { incoming, problems } = await checkRules(deps, documents);
  return { valid: problems.length === 0, rules: incoming.length, problems };
}

/** What the files add to the stored rules (new versions), repeat (identical) or contradict. */
export async function diffRuleFiles(deps: AdminDeps, documents: readonly ConfigDocument[]) {
  const { incoming, stored, problems } = await checkRules(deps, documents);
  const diff = diffRules(stored, incoming);
  return {
    added: diff.added.map(summariseRule),
    unchanged: diff.unchanged.map((r) => r.id),
    conflicting: diff.conflicting.map(({ incoming: i, stored: s }) => ({
      id: i.id,
      stored: summariseRule(s),
      incoming: summariseRule(i),
    })),
    problems,
  };
}

/** "What moves if I apply these rules?" — the open dossiers whose dates or stage would change; writes nothing. */
export async function previewRules(deps: AdminDeps, documents: readonly ConfigDocument[]): Promise<ChangeReport> {
  const checked = await checkRules(deps, documents);
  if (checked.problems.length > 0) throw new InvalidConfigChangeError(checked.problems);
  const plan = rulesPlan(checked);
  return recompute(deps, plan, { changeId: plan.changeId, author: '', reason: plan.reason }, false);
}

/**
 * Puts new rule versions (validated as a whole: one problem and nothing is written), then recomputes
 * the open dossiers received since they take effect, recording the change in each one's history and in
 * the audit. Putting the same files again writes nothing new and completes an interrupted recompute.
 */
export async function putRules(
  deps: AdminDeps,
  documents: readonly ConfigDocument[],
  by: Author,
): Promise<ChangeReport & { written: number; added: string[] }> {
  const { author, actor } = authorOf(by);
  const checked = await checkRules(deps, documents);
  if (checked.problems.length > 0) throw new InvalidConfigChangeError(checked.problems);
  const plan = rulesPlan(checked);
  const at = new Date(deps.clock.now()).toISOString();
  const added = diffRules(checked.stored, checked.incoming).added;
  const entry: AuditEntry = {
    changeId: plan.changeId,
    at,
    author,
    ...(actor ? { actor } : {}),
    action: 'rules.put',
    status: 'applying',
    sources: documents.map((d) => d.name),
    legalBasis: [...new Set(checked.incoming.map((r) => r.legalBasis))],
    what: { added: added.map((r) => r.id), repeated: checked.incoming.length - added.length },
  };
  return audited(deps, entry, async () => {
    const written = await deps.config.putRuleVersions(added, { author, at, changeId: plan.changeId });
    const report = await recompute(deps, plan, { changeId: plan.changeId, author, reason: plan.reason }, true);
    return { ...report, written, added: added.map((r) => r.id) };
  });
}

function rulesPlan(checked: CheckedRules): Plan {
  const known = new Set(checked.stored.map((r) => r.id));
  const nextRules = [...checked.stored, ...checked.incoming.filter((r) => !known.has(r.id))];
  const bases = [...new Set(checked.incoming.map((r) => r.legalBasis))].join('; ');
  return {
    changeId: changeIdOf('rules', checked.incoming.map(ruleContent).sort()),
    reason: `Áp dụng quy tắc thời hạn mới (${bases})`,
    current: snapshotOf(checked.stored, checked.calendars),
    next: snapshotOf(nextRules, checked.calendars),
    reresolveRule: true,
    // Repeated versions count too, so putting a change again completes an interrupted recompute.
    touches: (dossier) => checked.incoming.some((rule) => ruleMayApply(rule, dossier)),
  };
}

function summariseRule(rule: DeadlineRule) {
  return {
    id: rule.id,
    effectiveFrom: rule.effectiveFrom,
    legalBasis: rule.legalBasis,
    duration: rule.duration,
    cutoff: rule.cutoff,
    steps: rule.steps.length,
    calendarId: rule.calendarId,
    source: rule.source,
  };
}
