import { vietnamDay, vietnamDayStart } from '../../support/vietnam-time.ts';
import { responsibleUnit } from '../dossier/responsibility.ts';
import type { ReportRow } from './report-row.ts';
import {
  addTimeliness,
  countTimeliness,
  createRiskList,
  type DossierAtRisk,
  emptyTimeliness,
  QD766_TIMELINESS,
  type TimelinessCounts,
  type TimelinessRules,
} from './timeliness.ts';

/** A report period: whole days in Asia/Ho_Chi_Minh, both ends included (`YYYY-MM-DD`). */
export interface ReportPeriod {
  from: string;
  to: string;
}

export const DAY_MS = 86_400_000;

/** The instant a Vietnamese calendar day starts. */
export const dayStart = vietnamDayStart;

/** The Vietnamese calendar day of an instant. */
export const vnDay = vietnamDay;

/** The counts of the seed report's annex for one row (a field, a unit or a month). */
export interface AnnexCounts {
  /** Received before the period and not closed when it began (số kỳ trước chuyển qua). */
  carriedOver: number;
  online: number;
  /** In person at the desk or by post (trực tiếp, dịch vụ bưu chính). */
  inPerson: number;
  /** carriedOver + online + inPerson. */
  received: number;
  resolved: number;
  early: number;
  onTime: number;
  late: number;
  /** Withdrawn by the applicant or refused in the period: what makes the totals balance. */
  withdrawn: number;
  inProgress: number;
  inProgressWithinTime: number;
  inProgressOverdue: number;
}

/** What the supervisors lacked, for one unit. */
export interface ComplianceCounts {
  /** Dossiers late in the period (resolved late, or overdue at its end) this unit answers for. */
  apologyNeeded: number;
  /** Apology issued at least one day before the due date (NĐ 61/2018 Điều 19 k9). */
  apologyInTime: number;
  apologyLate: number;
  apologyMissing: number;
  receiptWithoutAppointment: number;
  appointmentBeyondLimit: number;
  /** The printed appointment changed after receipt without the one lawful re-appointment (an approved apology). */
  unexplainedReappointments: number;
  /** Inter-agency steps this unit held past its own due date. */
  lateHandovers: number;
  /** Dossiers that passed the one re-appointed date too. */
  secondOverruns: number;
}

/**
 * Each unit's inter-agency steps finished in the period against its own allotted time (TT 01/2018
 * Điều 13, index 2: 2 points shorter, 1 equal, 0 longer): the counts; the points are the table's.
 */
export interface StepTimeliness {
  early: number;
  onTime: number;
  late: number;
}

export type ReportGrouping = 'field' | 'unit' | 'month';

export interface Report {
  period: ReportPeriod;
  unit?: string | undefined;
  /** The instant counts stop (the end of the period, or now while the period runs). */
  asOf: string;
  by: ReportGrouping;
  /** The annex table by the chosen grouping, with its total row. */
  main: { label: string; counts: AnnexCounts }[];
  total: AnnexCounts;
  byField: { label: string; counts: AnnexCounts }[];
  byUnit: { label: string; counts: AnnexCounts }[];
  byMonth: { label: string; counts: AnnexCounts }[];
  compliance: { label: string; counts: ComplianceCounts }[];
  complianceTotal: ComplianceCounts;
  /** Per unit, its steps finished in the period rated against its own allotted time (issue #15). */
  stepTimeliness: { label: string; counts: StepTimeliness }[];
  stepTimelinessTotal: StepTimeliness;
  /** The QĐ 766 timeliness indicator and on time counted two ways (timeliness.ts, ADR 0020). */
  timeliness: TimelinessSection;
  /** How many dossier rows the report was counted from. */
  rowsRead: number;
}

export interface TimelinessSection {
  rules: TimelinessRules;
  byUnit: { id: string; label: string; counts: TimelinessCounts }[];
  byField: { label: string; counts: TimelinessCounts }[];
  total: TimelinessCounts;
  /** True while the period runs: the forecast columns and the list at risk mean something. */
  forecast: boolean;
  /** The instant the list at risk was made (epoch ms). */
  asOf: number;
  /** Open dossiers on time now, by the points their unit would lose if they went late. */
  atRisk: DossierAtRisk[];
}

export function emptyAnnex(): AnnexCounts {
  return {
    carriedOver: 0,
    online: 0,
    inPerson: 0,
    received: 0,
    resolved: 0,
    early: 0,
    onTime: 0,
    late: 0,
    withdrawn: 0,
    inProgress: 0,
    inProgressWithinTime: 0,
    inProgressOverdue: 0,
  };
}

function emptyCompliance(): ComplianceCounts {
  return {
    apologyNeeded: 0,
    apologyInTime: 0,
    apologyLate: 0,
    apologyMissing: 0,
    receiptWithoutAppointment: 0,
    appointmentBeyondLimit: 0,
    unexplainedReappointments: 0,
    lateHandovers: 0,
    secondOverruns: 0,
  };
}

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : undefined);

/** Adds one dossier to the annex counts of a window [start, end) whose counting stops at `cutoff`. */
function countAnnex(c: AnnexCounts, row: ReportRow, start: number, end: number, cutoff: number): boolean {
  const received = Date.parse(row.receivedAt);
  const closed = ms(row.closedAt);
  if (received >= end || (closed !== undefined && closed < start)) return false;
  if (received < start) c.carriedOver += 1;
  else if (row.channel === 'online') c.online += 1;
  else c.inPerson += 1;
  c.received += 1;
  if (closed !== undefined && closed < end) {
    if (row.status === 'resolved') {
      c.resolved += 1;
      if (row.result === 'early') c.early += 1;
      else if (row.result === 'late') c.late += 1;
      else c.onTime += 1;
    } else {
      c.withdrawn += 1;
    }
  } else {
    c.inProgress += 1;
    const due = ms(row.dueAt);
    if (due !== undefined && due < cutoff) c.inProgressOverdue += 1;
    else c.inProgressWithinTime += 1;
  }
  return true;
}

function add(into: AnnexCounts, from: AnnexCounts): void {
  for (const key of Object.keys(into) as (keyof AnnexCounts)[]) into[key] += from[key];
}

/** The unit that answers for a late dossier (the dossier domain's rule, responsibility.ts). */
function answerable(row: ReportRow, cutoff: number): { id: string; name: string } {
  const who = responsibleUnit(
    row.steps,
    { id: row.unitId, name: row.unitName },
    row.dueAt ?? row.originalDueAt,
    cutoff,
  );
  return who ? { id: who.unitId, name: who.unitName } : { id: row.unitId, name: row.unitName };
}

/** Whether step `index` held the dossier to the end: the first step not handed on. */
function isHolding(row: ReportRow, index: number): boolean {
  return row.steps.findIndex((s) => s.finishedAt === undefined) === index;
}

function monthsOf(period: ReportPeriod): { label: string; start: number; end: number }[] {
  const months: { label: string; start: number; end: number }[] = [];
  const last = dayStart(period.to) + DAY_MS;
  let cursor = period.from;
  while (dayStart(cursor) < last) {
    const [y, m] = cursor.split('-').map(Number) as [number, number];
    const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
    months.push({
      label: `${String(m).padStart(2, '0')}/${y}`,
      start: dayStart(cursor),
      end: Math.min(dayStart(next), last),
    });
    cursor = next;
  }
  return months;
}

/** True when a row belongs to the unit asked for (the unit itself or a unit under it). */
export function inUnit(row: ReportRow, unit: string | undefined): boolean {
  return unit === undefined || row.unitId === unit || row.parentId === unit;
}

/**
 * The report of a period from the rows of every dossier alive in it (received by its end and not closed
 * before its start; other rows are ignored). Pure: the same rows give the same report.
 */
export function buildReport(rows: Iterable<ReportRow>, options: ReportOptions): Report {
  const builder = createReportBuilder(options);
  for (const row of rows) builder.add(row);
  return builder.finish();
}

export interface ReportOptions {
  period: ReportPeriod;
  unit?: string | undefined;
  by: ReportGrouping;
  now: number;
  /** The QĐ 766 counting rules (default: all on, 20 points). */
  timeliness?: TimelinessRules | undefined;
  /** How many dossiers at risk to list (default 50). */
  atRiskLimit?: number | undefined;
  /** How many of them one unit may have (default: the limit); the heads' digest keeps a few of every unit. */
  atRiskPerUnit?: number | undefined;
}

/** The report counted row by row, so a province's rows are never all held in memory. */
export function createReportBuilder(options: ReportOptions): { add(row: ReportRow): void; finish(): Report } {
  const builder = new ReportBuilder(options);
  return { add: (row) => builder.add(row), finish: () => builder.finish() };
}

type Labelled<T> = { label: string; counts: T };

/** The tallies of one report, and what adds a row to each. */
class ReportBuilder {
  private readonly start: number;
  private readonly end: number;
  private readonly cutoff: number;
  /** The period as the QĐ 766 counting reads it. */
  private readonly window: { start: number; end: number; cutoff: number; now: number };
  private readonly months: ReturnType<typeof monthsOf>;
  private readonly byField = new Map<string, AnnexCounts>();
  private readonly byUnit = new Map<string, Labelled<AnnexCounts>>();
  private readonly byMonth: Labelled<AnnexCounts>[];
  private readonly compliance = new Map<string, Labelled<ComplianceCounts>>();
  private readonly total = emptyAnnex();
  private readonly steps = new Map<string, Labelled<StepTimeliness>>();
  private readonly rules: TimelinessRules;
  private readonly timelinessByUnit = new Map<string, { id: string } & Labelled<TimelinessCounts>>();
  private readonly timelinessByField = new Map<string, TimelinessCounts>();
  private readonly timelinessTotal = emptyTimeliness();
  private readonly atRiskLimit: number;
  private readonly risks: ReturnType<typeof createRiskList>;
  private rowsRead = 0;

  constructor(private readonly options: ReportOptions) {
    this.start = dayStart(options.period.from);
    this.end = dayStart(options.period.to) + DAY_MS;
    if (!(this.end > this.start)) throw new RangeError('the period must end on or after its first day');
    this.cutoff = Math.min(this.end, options.now);
    this.window = { start: this.start, end: this.end, cutoff: this.cutoff, now: options.now };
    this.months = monthsOf(options.period);
    this.byMonth = this.months.map((m) => ({ label: m.label, counts: emptyAnnex() }));
    this.rules = options.timeliness ?? QD766_TIMELINESS;
    this.atRiskLimit = options.atRiskLimit ?? 50;
    this.risks = createRiskList(options.atRiskPerUnit ?? this.atRiskLimit);
  }

  add(row: ReportRow): void {
    this.rowsRead += 1;
    if (!inUnit(row, this.options.unit)) return;
    this.addTimeliness(row);
    const counts = emptyAnnex();
    if (!countAnnex(counts, row, this.start, this.end, this.cutoff)) return;
    this.addAnnex(row, counts);
    this.addViolations(row);
    this.addSteps(row, counts);
    this.addApology(row, counts);
  }

  /** The QĐ 766 indicator: the row judged on time or late, and at risk if it is still open. */
  private addTimeliness(row: ReportRow): void {
    const judged = countTimeliness(row, this.rules, this.window);
    if (!judged) return;
    addTimeliness(this.timelinessTotal, judged.counts);
    const unit = this.timelinessByUnit.get(row.unitId) ?? {
      id: row.unitId,
      label: row.unitName,
      counts: emptyTimeliness(),
    };
    addTimeliness(unit.counts, judged.counts);
    this.timelinessByUnit.set(row.unitId, unit);
    const field = this.timelinessByField.get(row.field) ?? emptyTimeliness();
    addTimeliness(field, judged.counts);
    this.timelinessByField.set(row.field, field);
    if (judged.atRisk) this.risks.add(row, judged.atRisk.deadline);
  }

  /** The annex tables: the total, by field, by unit and by month. */
  private addAnnex(row: ReportRow, counts: AnnexCounts): void {
    add(this.total, counts);
    const field = this.byField.get(row.field) ?? emptyAnnex();
    add(field, counts);
    this.byField.set(row.field, field);
    const unit = this.byUnit.get(row.unitId) ?? { label: row.unitName, counts: emptyAnnex() };
    add(unit.counts, counts);
    this.byUnit.set(row.unitId, unit);
    this.months.forEach((m, i) => {
      const month = this.byMonth[i];
      if (month) countAnnex(month.counts, row, m.start, m.end, Math.min(m.end, this.options.now));
    });
  }

  private complianceOf(id: string, name: string): ComplianceCounts {
    let entry = this.compliance.get(id);
    if (!entry) {
      entry = { label: name, counts: emptyCompliance() };
      this.compliance.set(id, entry);
    }
    return entry.counts;
  }

  /** What the supervisors lacked: receipts without appointments, appointments beyond the limit, re-appointments. */
  private addViolations(row: ReportRow): void {
    if (Date.parse(row.receivedAt) < this.start) return;
    const own = this.complianceOf(row.unitId, row.unitName);
    if (row.violations.includes('receipt_without_appointment')) own.receiptWithoutAppointment += 1;
    if (row.violations.includes('appointment_after_due')) own.appointmentBeyondLimit += 1;
    if (row.violations.includes('reappointed')) own.unexplainedReappointments += 1;
  }

  /** Each unit's steps: early, on time or late when they ended in the period; late hand-overs. */
  private addSteps(row: ReportRow, counts: AnnexCounts): void {
    const { start, end, cutoff } = this;
    for (const [index, step] of row.steps.entries()) {
      // A step's part ends when the unit hands the dossier on, or with the dossier's result if it still held it.
      const ended = ms(step.finishedAt) ?? (isHolding(row, index) ? ms(row.resolvedAt) : undefined);
      if (ended !== undefined && ended >= start && ended < end) {
        const name = step.unitName ?? step.unitId;
        const entry = this.steps.get(step.unitId) ?? { label: name, counts: { early: 0, onTime: 0, late: 0 } };
        const due = Date.parse(step.dueAt);
        if (ended > due) entry.counts.late += 1;
        else if (vnDay(ended) < vnDay(due)) entry.counts.early += 1;
        else entry.counts.onTime += 1;
        this.steps.set(step.unitId, entry);
      }
    }
    for (const step of row.steps) {
      const finished = ms(step.finishedAt);
      const due = Date.parse(step.dueAt);
      const lateFinished = finished !== undefined && finished > due && finished >= start && finished < end;
      const stillHeld = finished === undefined && due < cutoff && counts.inProgress === 1;
      if (lateFinished || stillHeld) this.complianceOf(step.unitId, step.unitName ?? step.unitId).lateHandovers += 1;
    }
  }

  /** A dossier late in the period: whether the unit answerable apologised, in time, and overran again. */
  private addApology(row: ReportRow, counts: AnnexCounts): void {
    const cutoff = this.cutoff;
    if (!(counts.late === 1 || counts.inProgressOverdue === 1)) return;
    const who = answerable(row, cutoff);
    const c = this.complianceOf(who.id, who.name);
    c.apologyNeeded += 1;
    const issued = ms(row.apologyIssuedAt);
    const due = ms(row.dueAt) ?? ms(row.originalDueAt);
    if (issued === undefined || issued >= cutoff) c.apologyMissing += 1;
    else if (due !== undefined && vnDay(issued) < vnDay(due)) c.apologyInTime += 1;
    else c.apologyLate += 1;
    const extended = ms(row.extendedDueAt);
    const resolved = ms(row.resolvedAt);
    const overranAgain =
      extended !== undefined &&
      ((resolved !== undefined && resolved > extended && counts.late === 1) ||
        (counts.inProgress === 1 && extended < cutoff));
    if (overranAgain || (row.secondOverrun && counts.inProgress === 1)) c.secondOverruns += 1;
  }

  finish(): Report {
    const { options } = this;
    const complianceTotal = emptyCompliance();
    for (const { counts } of this.compliance.values()) {
      for (const key of Object.keys(complianceTotal) as (keyof ComplianceCounts)[]) complianceTotal[key] += counts[key];
    }
    const sortByLabel = <T extends { label: string }>(list: T[]) =>
      list.sort((a, b) => a.label.localeCompare(b.label, 'vi'));
    const fields = sortByLabel([...this.byField].map(([label, counts]) => ({ label, counts })));
    const units = sortByLabel([...this.byUnit.values()]);
    const steps = [...this.steps.values()];
    return {
      period: options.period,
      unit: options.unit,
      asOf: new Date(this.cutoff).toISOString(),
      by: options.by,
      main: options.by === 'field' ? fields : options.by === 'unit' ? units : this.byMonth,
      total: this.total,
      byField: fields,
      byUnit: units,
      byMonth: this.byMonth,
      compliance: sortByLabel([...this.compliance.values()]),
      complianceTotal,
      stepTimeliness: sortByLabel(steps),
      stepTimelinessTotal: steps.reduce(
        (sum, { counts }) => ({
          early: sum.early + counts.early,
          onTime: sum.onTime + counts.onTime,
          late: sum.late + counts.late,
        }),
        { early: 0, onTime: 0, late: 0 },
      ),
      timeliness: {
        rules: this.rules,
        byUnit: sortByLabel([...this.timelinessByUnit.values()]),
        byField: sortByLabel([...this.timelinessByField].map(([label, counts]) => ({ label, counts }))),
        total: this.timelinessTotal,
        forecast: options.now < this.end,
        asOf: options.now,
        atRisk: this.risks.finish(
          this.rules,
          (unitId) => this.timelinessByUnit.get(unitId)?.counts.forecastCounted ?? 0,
          this.atRiskLimit,
        ),
      },
      rowsRead: this.rowsRead,
    };
  }
}
