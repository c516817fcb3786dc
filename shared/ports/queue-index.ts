import type { ReportRow } from '../domain/reports/report-row.ts';

/** A page of a unit's queue, in order, and where the next one starts (an opaque cursor). */
export interface QueuePage {
  rows: ReportRow[];
  next?: string | undefined;
}

/** The desks' queues (issue #34, ADR 0027): the rows not closed a unit holds, most urgent first, without a Scan. */
export interface QueueIndex {
  /**
   * Up to `limit` rows of the unit's queue whose order lies in [from, to), after the cursor `after` when
   * given (a cursor another unit's page gave is refused).
   */
  queuePage(
    unitId: string,
    range: { from: string; to: string },
    options: { limit: number; after?: string | undefined },
  ): Promise<QueuePage>;
  /** How many rows of the unit's queue lie in [from, to): counted by the store, no row read out. */
  countQueue(unitId: string, range: { from: string; to: string }): Promise<number>;
}
