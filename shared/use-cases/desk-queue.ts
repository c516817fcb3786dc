import type { Actor } from '../domain/authority/actors.ts';
import { authorize, inScope, scopeOf } from '../domain/authority/authority.ts';
import { calendarOf } from '../domain/dossier/calendar-of.ts';
import { type QueueGroup, queueOrder } from '../domain/dossier/queue-entry.ts';
import type { ReportRow } from '../domain/reports/report-row.ts';
import { normaliseField } from '../domain/rules/deadline-rule.ts';
import type { Clock } from '../ports/clock.ts';
import type { QueueIndex } from '../ports/queue-index.ts';
import { InvalidInputError } from '../support/errors.ts';
import type { RuleBook } from './rule-book.ts';

/*
 * A desk's queue (issue #34, ADR 0027): the dossiers not closed that a unit holds now, most urgent
 * first — overdue, due within two working days, the rest by due date, then those waiting for a
 * supplement and those suspended — with the counts of each urgent group, a page at a time, read from
 * the unit's partition of the report index in order (a page reads its rows and nothing else). The
 * person sees the queues of their own units only (the authority's `dossier.read` scope).
 */

export const QUEUE_VIEWS = ['urgent', 'overdue', 'due_soon', 'later', 'supplement', 'suspended', 'all'] as const;
export type QueueView = (typeof QUEUE_VIEWS)[number];

/** Where a row stands at the page's instant. */
export type Standing = 'overdue' | 'due_soon' | 'later' | 'supplement' | 'suspended';

/** "Due soon" on the desk: before the end of the second working day from today (the rules' default warning). */
export const DUE_SOON_WORKING_DAYS = 2;

/** Rows a page shows, and the most a filtered page reads to fill it. */
export const QUEUE_PAGE_ROWS = 50;
const FILTER_READ_PAGES = 4;

export interface DeskQueueRequest {
  unitId?: string | undefined;
  view?: QueueView | undefined;
  field?: string | undefined;
  procedureCode?: string | undefined;
  channel?: string | undefined;
  /** The step: those the unit received itself (`desk`), or those handed to it for an inter-agency step (`step`). */
  step?: 'desk' | 'step' | undefined;
  after?: string | undefined;
  limit?: number | undefined;
}

export interface QueueRow {
  row: ReportRow;
  standing: Standing;
  /** The due date the holding unit answers for (its step's, else the dossier's in force). */
  dueAt?: number | undefined;
  procedureName?: string | undefined;
  /** 1-based step under way and the number of steps, when the procedure has inter-agency steps. */
  step?: { at: number; of: number } | undefined;
}

export interface DeskQueue {
  unitId: string;
  /** The units whose queues the person may open, for the choice. */
  units: { id: string; name: string }[];
  view: QueueView;
  counts: Record<Exclude<Standing, 'later'>, number>;
  rows: QueueRow[];
  next?: string | undefined;
  /** Rows read from the index to show this page (the bench's measure). */
  read: number;
  asOf: number;
}

export interface DeskQueueDeps {
  queue: QueueIndex;
  rules: RuleBook;
  clock: Clock;
}

/** A request the queue cannot answer: the field and why. */
export class InvalidQueueRequestError extends InvalidInputError {
  override name = 'InvalidQueueRequestError';
}

/** The order bounds of each view at an instant: one range of the unit's partition. */
function rangeOf(view: QueueView, now: number, soon: number): { from: string; to: string } {
  const running = (at: number) => queueOrder('running', at);
  const group = (g: QueueGroup) => ({ from: queueOrder(g, 0), to: queueOrder(g, Number.MAX_SAFE_INTEGER) });
  switch (view) {
    case 'overdue':
      return { from: running(0), to: running(now) };
    case 'due_soon':
      return { from: running(now), to: running(soon) };
    case 'later':
      return { from: running(soon), to: group('running').to };
    case 'urgent':
      return { from: running(0), to: running(soon) };
    case 'supplement':
      return group('supplement');
    case 'suspended':
      return group('suspended');
    default:
      return { from: running(0), to: group('suspended').to };
  }
}

/** The units a person may open the queue of: their own, and those below them for a subtree's reach. */
function queueUnits(actor: Actor | undefined, book: Awaited<ReturnType<RuleBook['current']>>) {
  const scope = scopeOf(actor, 'dossier.read');
  return book.units.directory.units
    .filter((u) => inScope(scope, u.id, book.units))
    .map((u) => ({ id: u.id, name: u.name }));
}

export async function deskQueue(
  deps: DeskQueueDeps,
  actor: Actor | undefined,
  request: DeskQueueRequest,
): Promise<DeskQueue> {
  const book = await deps.rules.current();
  const units = queueUnits(actor, book);
  const unitId = request.unitId ?? units[0]?.id;
  if (!unitId) throw new InvalidQueueRequestError('unit: none of your roles holds a queue', 'unit');
  // The unit asked is the authority's to allow (another unit's queue is refused, not emptied).
  authorize(actor, 'dossier.read', { units: [unitId] }, book.units);
  const view = request.view ?? 'urgent';
  const now = deps.clock.now();
  const calendar = calendarOf({}, book.calendar);
  const today = calendar.toLocal(now).day;
  const soon = calendar.fromLocal(calendar.nthWorkingDayAfter(today, DUE_SOON_WORKING_DAYS) + 1, 0);
  const count = (v: QueueView) => deps.queue.countQueue(unitId, rangeOf(v, now, soon));
  const [overdue, dueSoon, supplement, suspended] = await Promise.all([
    count('overdue'),
    count('due_soon'),
    count('supplement'),
    count('suspended'),
  ]);
  const names = new Map(
    book.rules.flatMap((r) =>
      r.scope.kind === 'procedure' && r.name ? [[r.scope.procedureCode, r.name] as const] : [],
    ),
  );
  const limit = Math.min(Math.max(request.limit ?? QUEUE_PAGE_ROWS, 1), 200);
  const filtered = Boolean(request.field || request.procedureCode || request.channel || request.step);
  const keep = (row: ReportRow) =>
    (!request.field || normaliseField(row.field) === normaliseField(request.field)) &&
    (!request.procedureCode || row.procedureCode === request.procedureCode) &&
    (!request.channel || row.channel === request.channel) &&
    (!request.step || (request.step === 'desk') === (row.unitId === unitId));
  const rows: QueueRow[] = [];
  let after = request.after;
  let read = 0;
  // A filtered view reads on until its page is full, up to a few pages, and offers the next.
  for (let round = 0; round < (filtered ? FILTER_READ_PAGES : 1); round += 1) {
    const page = await deps.queue.queuePage(unitId, rangeOf(view, now, soon), { limit: limit - rows.length, after });
    read += page.rows.length;
    for (const row of page.rows.filter(keep)) rows.push(queueRow(row, now, soon, names));
    after = page.next;
    if (!after || rows.length >= limit) break;
  }
  return {
    unitId,
    units,
    view,
    counts: { overdue, due_soon: dueSoon, supplement, suspended },
    rows,
    ...(after ? { next: after } : {}),
    read,
    asOf: now,
  };
}

function queueRow(row: ReportRow, now: number, soon: number, names: ReadonlyMap<string, string>): QueueRow {
  const step = row.steps.findIndex((s) => !s.finishedAt);
  const current = step >= 0 ? row.steps[step] : undefined;
  const dueIso = current?.dueAt ?? row.extendedDueAt ?? row.dueAt ?? undefined;
  const dueAt = dueIso ? Date.parse(dueIso) : undefined;
  const standing: Standing =
    row.status === 'awaiting_supplement'
      ? 'supplement'
      : row.status === 'suspended' || dueAt === undefined
        ? 'suspended'
        : dueAt < now
          ? 'overdue'
          : dueAt < soon
            ? 'due_soon'
            : 'later';
  return {
    row,
    standing,
    ...(dueAt !== undefined ? { dueAt } : {}),
    ...(row.procedureCode && names.get(row.procedureCode) ? { procedureName: names.get(row.procedureCode) } : {}),
    ...(row.steps.length > 0 ? { step: { at: step >= 0 ? step + 1 : row.steps.length, of: row.steps.length } } : {}),
  };
}
