import type { ReportRow } from '../domain/reports/report-row.ts';

/** Reads the report rows of the dossiers alive in a period, without a Scan. */
export interface ReportIndex {
  /**
   * Every dossier received before `end` and not closed before `start` (epoch ms), and possibly a few
   * closed earlier in the month `start` falls in; `now` bounds the closing months to read.
   */
  reportRows(start: number, end: number, now: number): AsyncIterable<ReportRow>;
}
