/*
 * One problem in a configuration file (rules, calendars, units, users, an export's mapping): where it is
 * and what is wrong — every validator lists all of them, and nothing is applied while there is one.
 */

export interface ConfigProblem {
  file: string;
  /** The path inside the document (`rules[2].duration`), empty for the whole file. */
  path: string;
  reason: string;
}

/** Problems one per line, indented: `  file: path: reason` (the form every command and error uses). */
export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((p) => `  ${p.file}: ${p.path || '(root)'}: ${p.reason}`).join('\n');
}
