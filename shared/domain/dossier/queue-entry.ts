import type { DossierRecord } from './dossier-record.ts';
import { isClosed } from './dossier-types.ts';
import { holdingUnit } from './transitions.ts';

/*
 * Where a dossier not closed yet sits in the desks' queues (issue #34): the unit holding it now — the
 * unit of the step under way, else the unit that received it — and its place in that unit's queue,
 * most urgent first: the dossiers whose clock runs, by the due date that unit answers for (the step's
 * own, else the one in force); then those waiting for a supplement, by when it was asked; then those
 * suspended. The order moves only when one of these does, so a write that changes nothing here costs
 * the queue's index nothing (ADR 0013's rule for indexes).
 */

export type QueueGroup = 'running' | 'supplement' | 'suspended';

/** The groups' first characters: they sort the groups, then the instant sorts within one. */
const GROUP_MARK: Record<QueueGroup, string> = { running: '1', supplement: '2', suspended: '3' };
/** Epoch seconds in base 36, 8 characters (past the year 9999, the contract's last): short keys are cheap keys (a write unit per KB). */
const WIDTH = 8;

export interface QueueEntry {
  unitId: string;
  /** Sorts the unit's queue: the group's mark, then the instant. */
  order: string;
}

/** The order of a group at an instant (and the bounds a query reads between). */
export function queueOrder(group: QueueGroup, at: number): string {
  const seconds = Math.max(0, Math.floor(at / 1000));
  return `${GROUP_MARK[group]}${seconds.toString(36).padStart(WIDTH, '0')}`;
}

/** The queue entry of a record: none once closed or before its receipt. */
export function queueEntryOf(record: DossierRecord): QueueEntry | undefined {
  const { state } = record;
  const received = state.received;
  if (!received || isClosed(state.status)) return undefined;
  const unitId = holdingUnit(state) ?? received.agency.id;
  // The step under way answers for its own due date; at the desk, the dossier's date in force counts.
  const step = state.steps.find((s) => s.startedAt !== undefined && s.finishedAt === undefined && s.unitId === unitId);
  if (state.status === 'awaiting_supplement')
    return {
      unitId,
      order: queueOrder('supplement', Date.parse(state.supplement?.lastRequestedAt ?? received.receivedAt)),
    };
  const due = step?.dueAt ?? record.extendedDueAt ?? state.dueAt;
  if (state.status === 'suspended' || state.paused || !due) {
    const from = state.suspensions.at(-1)?.from ?? received.receivedAt;
    return { unitId, order: queueOrder('suspended', Date.parse(from)) };
  }
  return { unitId, order: queueOrder('running', Date.parse(due)) };
}
