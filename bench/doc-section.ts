import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The one place benchmarks write docs/benchmarks.md: replaces the lines between `begin` and `end`, or appends the section. */
export function writeBenchSection(name: string, title: string, lines: readonly string[]): void {
  const doc = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
  const begin = `<!-- bench:${name}:begin -->`;
  const end = `<!-- bench:${name}:end -->`;
  const current = readFileSync(doc, 'utf8');
  const from = current.indexOf(begin);
  const to = current.indexOf(end);
  const body = `${begin}\n${lines.join('\n')}\n${end}`;
  writeFileSync(
    doc,
    from >= 0 && to > from
      ? `${current.slice(0, from)}${body}${current.slice(to + end.length)}`
      : `${current.trimEnd()}\n\n## ${title}\n\n${body}\n`,
  );
  // Formatted as the lint wants it (markdown tables aligned), so a benchmark run never breaks CI's lint.
  execFileSync('npx', ['biome', 'format', '--write', doc], { stdio: 'ignore' });
  console.log(`\nupdated ${doc}`);
}
