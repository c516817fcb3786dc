import { tryParseIsoDate } from '../domain/calendar/local-date.ts';
import {
  createReportBuilder,
  DAY_MS,
  dayStart,
  type Report,
  type ReportGrouping,
  type ReportPeriod,
} from '../domain/reports/build-report.ts';
import type { TimelinessRules } from '../domain/reports/timeliness.ts';
import type { ReportIndex } from '../ports/report-index.ts';
import { InvalidInputError } from '../support/errors.ts';

export const REPORT_GROUPINGS: readonly ReportGrouping[] = ['field', 'unit', 'month'];
export const REPORT_FORMATS = ['md', 'csv', 'xlsx', 'html', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** A report request as the CLI and the API take it, validated. */
export interface ReportRequest {
  period: ReportPeriod;
  unit?: string | undefined;
  by: ReportGrouping;
  /** The QĐ 766 counting rules (default: all on, 20 points). */
  timeliness?: TimelinessRules | undefined;
  /** How many dossiers at risk to list (default 50), and how many of one unit (default: the limit). */
  atRiskLimit?: number | undefined;
  atRiskPerUnit?: number | undefined;
}

/** A request that cannot be answered: the field and the reason. */
export class InvalidReportRequestError extends InvalidInputError {
  override name = 'InvalidReportRequestError';
  constructor(
    override readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`, field);
  }
}

/** The longest period one report covers: five years. */
const MAX_DAYS = 5 * 366;

/** Validates `from`, `to` (YYYY-MM-DD, Vietnam days, both included), `unit` and `by`. */
export function parseReportRequest(input: {
  from?: string | undefined;
  to?: string | undefined;
  unit?: string | undefined;
  by?: string | undefined;
}): ReportRequest {
  const day = (field: 'from' | 'to', value: string | undefined) => {
    if (!value) throw new InvalidReportRequestError(field, 'is required (YYYY-MM-DD)');
    if (tryParseIsoDate(value) === undefined)
      throw new InvalidReportRequestError(
        field,
        `must be a date YYYY-MM-DD, got ${JSON.stringify(value.slice(0, 40))}`,
      );
    return value;
  };
  const from = day('from', input.from);
  const to = day('to', input.to);
  if (to < from) throw new InvalidReportRequestError('to', `must not be before from (${from})`);
  if ((dayStart(to) - dayStart(from)) / DAY_MS > MAX_DAYS)
    throw new InvalidReportRequestError('to', 'the period must not be longer than five years');
  const by = input.by ?? 'field';
  if (!(REPORT_GROUPINGS as readonly string[]).includes(by))
    throw new InvalidReportRequestError('by', `must be one of ${REPORT_GROUPINGS.join(', ')}`);
  const unit = input.unit?.trim();
  if (
    unit !== undefined &&
    (unit.length === 0 || unit.length > 60 || [...unit].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
  )
    throw new InvalidReportRequestError('unit', 'must be a unit id (1–60 characters, no control characters)');
  return { period: { from, to }, ...(unit ? { unit } : {}), by: by as ReportGrouping };
}

/** Counts the report of a period from the report index (no Scan), row by row. */
export async function produceReport(index: ReportIndex, request: ReportRequest, now: number): Promise<Report> {
  const builder = createReportBuilder({ ...request, now });
  const start = dayStart(request.period.from);
  const end = dayStart(request.period.to) + DAY_MS;
  for await (const row of index.reportRows(start, end, now)) builder.add(row);
  return builder.finish();
}
