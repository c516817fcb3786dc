import { htmlResponse } from '../../shared/adapters/html-responses.ts';
import type { Person } from '../../shared/domain/authority/actors.ts';
import { type Action, decide } from '../../shared/domain/authority/authority.ts';
import { page } from '../../shared/domain/pages/html-page.ts';
import type { UnitBook } from '../../shared/domain/units/unit-directory.ts';
import { escapeHtml as e } from '../../shared/domain/vietnamese/format.ts';
import { refusalPage, type SignedInBar, signedInBar } from '../approval-page/page.ts';

/*
 * The console's frame (issue #34): who is signed in, the sections their roles open — each one the
 * authority's decision, so a section a person may not use is neither linked nor served — and the page.
 */

export type Section = 'queue' | 'approvals' | 'reports' | 'admin';

interface SectionEntry {
  section: Section;
  /** What opening it asks the authority (over the person's own scope). */
  action: Exclude<Action, 'dossier.sync'>;
  label: string;
  path: string;
}

export const SECTIONS: readonly SectionEntry[] = [
  { section: 'queue', action: 'dossier.read', label: 'Bàn làm việc', path: '/console' },
  { section: 'approvals', action: 'approvals.list', label: 'Chờ duyệt', path: '/console/duyet' },
  { section: 'reports', action: 'report.read', label: 'Báo cáo', path: '/console/bao-cao' },
  { section: 'admin', action: 'config.read', label: 'Quản trị', path: '/console/quan-tri' },
];

/** The signed-in person on a console page: their bar, their sections, the directory in force. */
export interface ConsoleContext {
  person: Person;
  bar: SignedInBar;
  units: UnitBook;
  sections: readonly Section[];
  /** A head somewhere: offered the approval form (which asks the authority for the dossier's issuing unit). */
  mayApprove: boolean;
}

/** The sections a person's roles open (asked of the authority, over their own scope). */
export function sectionsOf(person: Person, units: UnitBook): Section[] {
  return SECTIONS.filter((s) => decide(person, s.action, {}, units).allowed).map((s) => s.section);
}

/** The action a section asks. */
export function actionOf(section: Section): Exclude<Action, 'dossier.sync'> {
  return (SECTIONS.find((s) => s.section === section) as SectionEntry).action;
}

/** The sections as links, the current one marked for screen readers too. */
export function navigation(
  context: { bar: Pick<ConsoleContext['bar'], 'base'>; sections: readonly Section[] },
  current?: Section,
): string {
  const items = SECTIONS.filter((s) => context.sections.includes(s.section))
    .map(
      (s) =>
        `<li><a href="${e(context.bar.base)}${s.path}"${s.section === current ? ' aria-current="page"' : ''}>${e(s.label)}</a></li>`,
    )
    .join('');
  return `<nav aria-label="Các mục của bàn làm việc"><ul class="nav">${items}</ul></nav>`;
}

/** A console page: the signed-in bar, the sections, then the body. */
export function consolePage(
  context: ConsoleContext,
  current: Section | undefined,
  title: string,
  body: string,
  options: Parameters<typeof page>[2] = {},
) {
  return page(title, `${signedInBar({ ...context.bar, nav: navigation(context, current) })}${body}`, options);
}

/** "18/03/2024" from a day or an instant written with its offset. */
export function day(iso: string | null | undefined): string {
  const local = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso ?? '');
  return local ? `${local[3]}/${local[2]}/${local[1]}` : '—';
}

/** "14:30 ngày 18/03/2024" from an ISO instant written with its offset (the dossier's own instants are). */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const local = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso);
  return local ? `${local[4]}:${local[5]} ngày ${local[3]}/${local[2]}/${local[1]}` : iso;
}

/** The console's HTML answers: its pages' policy, forms allowed to post where the sign-in leads. */
export function htmlFor(deps: { formTargets?: readonly string[] | undefined }) {
  return (status: number, body: string) => htmlResponse(status, body, deps.formTargets);
}

/** A method the page does not take. */
export const METHOD_REFUSED = () => refusalPage('Không hỗ trợ', 'Phương thức không được hỗ trợ.');

/** An input's value attribute, when there is a value to show. */
export function valueAttr(value: string | undefined): string {
  return value ? ` value="${e(value)}"` : '';
}

/** A select's options, the current one selected. */
export function selectOptions(entries: readonly (readonly [string, string])[], current: string | undefined): string {
  return entries
    .map(
      ([value, label]) =>
        `<option value="${e(value)}"${value === (current ?? '') ? ' selected' : ''}>${e(label)}</option>`,
    )
    .join('');
}
