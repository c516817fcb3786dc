import { InvalidInputError } from '../../support/errors.ts';
import type { ReportRow } from './report-row.ts';

/**
 * The timeliness indicator of the government's service-quality index (Bộ chỉ số 766, Quyết định
 * 766/QĐ-TTg, 2022: group 2 "tiến độ giải quyết", indicator 2.1) and on time counted two ways (ADR 0020).
 *
 * Rate = dossiers finished or in progress on time in the period / dossiers received or processed in it;
 * points = the group's maximum × rate. Each counting rule is a switch, with the source it comes from and
 * whether that source is certain: the national portal publishes the figures, not a normative formula.
 */
export type TimelinessRuleId =
  | 'onTimeAgainstAppointment'
  | 'noAppointmentUsesLegalLimit'
  | 'supplementTimeNotCounted'
  | 'repeatedSupplementIsLate'
  | 'awaitingSupplementEndsAtRequest'
  | 'closedWithoutResultCounted'
  | 'carriedOverCounted'
  | 'openCountedAtPeriodEnd';

export interface TimelinessRuleText {
  /** What the rule does when switched on, in Vietnamese (shown under the report's table). */
  on: string;
  /** What counting does when it is switched off. */
  off: string;
  source: string;
  /** False where the source is a reading of the portal's behaviour or silent (ADR 0020 lists why). */
  certain: boolean;
}

/** Where the rules come from, named once under the table of rules (the rows quote it). */
export const TIMELINESS_SOURCE =
  'Nguồn: mô tả chỉ tiêu 2.1 "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn" của Bộ chỉ số 766 (Quyết định 766/QĐ-TTg ngày 23/6/2022) trên Cổng Dịch vụ công quốc gia; điểm = điểm tối đa × tỷ lệ, như Cổng tính (ADR 0020).';

const PORTAL_SPEC = 'Chỉ tiêu 2.1';

/** Each rule, with its source (ADR 0020). */
export const TIMELINESS_RULES: Record<TimelinessRuleId, TimelinessRuleText> = {
  onTimeAgainstAppointment: {
    on: 'Đúng hạn khi thời điểm kết thúc xử lý không muộn hơn ngày hẹn trả (ngày hẹn trên phiếu, hoặc ngày hẹn lại hợp lệ duy nhất).',
    off: 'Đúng hạn khi kết thúc xử lý không muộn hơn thời hạn giải quyết theo quy định (không tính ngày hẹn).',
    source: `${PORTAL_SPEC}: "Thời gian kết thúc xử lý <= Ngày hẹn trả"; NĐ 61/2018 Điều 19 k9 (hẹn lại một lần)`,
    certain: true,
  },
  noAppointmentUsesLegalLimit: {
    on: 'Hồ sơ không có ngày hẹn trả: so với thời hạn giải quyết tối đa của thủ tục.',
    off: 'Hồ sơ không có ngày hẹn trả: tính quá hạn.',
    source: `${PORTAL_SPEC}: "Nếu không có ngày hẹn trả … <= Thời hạn tối đa giải quyết TTHC"`,
    certain: true,
  },
  supplementTimeNotCounted: {
    on: 'Không tính thời gian công dân bổ sung hồ sơ (từ khi yêu cầu đến khi nộp đủ) khi so với ngày hẹn trên phiếu.',
    off: 'Tính cả thời gian công dân bổ sung hồ sơ.',
    source: `${PORTAL_SPEC}: "Thời gian bổ sung hồ sơ = Thời điểm hoàn thành bổ sung - Thời điểm yêu cầu bổ sung"`,
    certain: true,
  },
  repeatedSupplementIsLate: {
    on: 'Hồ sơ bị yêu cầu bổ sung hơn một lần: tính quá hạn.',
    off: 'Số lần yêu cầu bổ sung không làm hồ sơ quá hạn.',
    source: `${PORTAL_SPEC}: "trừ trường hợp Yêu cầu bổ sung hồ sơ hơn 01 lần thì tính quá hạn" (nêu cho hồ sơ đang chờ bổ sung; áp dụng cho mọi hồ sơ là cách hiểu)`,
    certain: false,
  },
  awaitingSupplementEndsAtRequest: {
    on: 'Hồ sơ đang chờ công dân bổ sung: thời điểm yêu cầu bổ sung là thời điểm kết thúc xử lý.',
    off: 'Hồ sơ đang chờ bổ sung tính như hồ sơ đang giải quyết (kết thúc vào cuối kỳ).',
    source: `${PORTAL_SPEC}: "công dân chưa quay lại bổ sung hồ sơ thì lấy ngày cán bộ yêu cầu bổ sung hồ sơ là Thời gian kết thúc xử lý"`,
    certain: true,
  },
  closedWithoutResultCounted: {
    on: 'Hồ sơ từ chối, dừng xử lý, công dân rút: được tính, kết thúc vào thời điểm đó.',
    off: 'Hồ sơ từ chối, dừng xử lý, công dân rút: không tính.',
    source: `${PORTAL_SPEC}: trạng thái kết thúc xử lý gồm "Từ chối, Dừng xử lý, Đã xử lý xong, Đã trả kết quả, Công dân yêu cầu rút hồ sơ"`,
    certain: true,
  },
  carriedOverCounted: {
    on: 'Tính cả hồ sơ tiếp nhận kỳ trước còn đang giải quyết trong kỳ ("tiếp nhận, xử lý trong kỳ").',
    off: 'Chỉ tính hồ sơ tiếp nhận trong kỳ.',
    source: `${PORTAL_SPEC}: mẫu số "Tổng số hồ sơ được tiếp nhận, xử lý trong kỳ" (phạm vi hồ sơ kỳ trước chuyển qua là cách hiểu)`,
    certain: false,
  },
  openCountedAtPeriodEnd: {
    on: 'Hồ sơ chưa kết thúc: lấy ngày cuối kỳ báo cáo (hoặc thời điểm lập báo cáo) làm thời điểm kết thúc xử lý.',
    off: 'Hồ sơ chưa kết thúc: không tính.',
    source: `${PORTAL_SPEC}: "Chưa có trạng thái hoàn thành → lấy ngày cuối kỳ báo cáo là ngày kết thúc xử lý"`,
    certain: true,
  },
};

export const TIMELINESS_RULE_IDS = Object.keys(TIMELINESS_RULES) as TimelinessRuleId[];

/** The counting rules in force: each switch, and the group's maximum points. */
export interface TimelinessRules {
  /** Group 2 of Bộ chỉ số 766 is worth 20 points (of 100). */
  maxPoints: number;
  switches: Record<TimelinessRuleId, boolean>;
}

/** QĐ 766 as the national portal describes it: every rule on, 20 points. */
export const QD766_TIMELINESS: TimelinessRules = {
  maxPoints: 20,
  switches: Object.fromEntries(TIMELINESS_RULE_IDS.map((id) => [id, true])) as Record<TimelinessRuleId, boolean>,
};

/** The indicator's counts for one group of dossiers (a unit, a field, the total). */
export interface TimelinessCounts {
  /** Dossiers counted (the denominator). */
  counted: number;
  /** On time under the rules in force (the numerator). */
  onTime: number;
  /** On time against the legal due date (restarts and suspensions as the law counts them). */
  legalOnTime: number;
  /** On time against the date in force after the one lawful re-appointment (else the legal due date). */
  reappointedOnTime: number;
  /** While the period runs: the counts if every open dossier finishes at its current appointment. */
  forecastCounted: number;
  forecastOnTime: number;
}

export function emptyTimeliness(): TimelinessCounts {
  return { counted: 0, onTime: 0, legalOnTime: 0, reappointedOnTime: 0, forecastCounted: 0, forecastOnTime: 0 };
}

export function addTimeliness(into: TimelinessCounts, from: TimelinessCounts): void {
  for (const key of Object.keys(into) as (keyof TimelinessCounts)[]) into[key] += from[key];
}

/** The rate as a fraction, or null when nothing was counted (the portal shows "N/A"). */
export function timelinessRate(onTime: number, counted: number): number | null {
  return counted === 0 ? null : onTime / counted;
}

/** Points = maximum × rate, or null when nothing was counted. */
export function timelinessPoints(rules: TimelinessRules, onTime: number, counted: number): number | null {
  const rate = timelinessRate(onTime, counted);
  return rate === null ? null : rules.maxPoints * rate;
}

/** An open dossier that would cost points if it went late. */
export interface DossierAtRisk {
  id: string;
  unitId: string;
  unitName: string;
  field: string;
  /** The inter-agency step it is at (1-based, of how many), when it passes through several units. */
  step?: { number: number; of: number } | undefined;
  /** The unit holding it now (its inter-agency step), else the receiving unit. */
  holderId: string;
  holderName: string;
  /** The date it must finish by to count as on time (ISO). */
  deadline: string;
  /** Points its unit's indicator loses if it goes late (maximum / the unit's forecast denominator). */
  points: number;
}

/** A dossier as the indicator sees it at one instant. */
interface Judged {
  /** The instant its processing ends for counting, or 'late' when a rule makes it late whatever the dates. */
  end: number | 'late';
  /** Not finished at the instant judged (the forecast moves it to its deadline). */
  open: boolean;
  awaitingSupplement: boolean;
}

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : undefined);

/** The legal due date (null while a supplement is awaited: the due date before the request stands). */
function legalDeadline(row: ReportRow): number | undefined {
  return ms(row.dueAt) ?? ms(row.originalDueAt);
}

/** Whether the dossier waits for the citizen's supplement at `at`. */
function awaitingAt(row: ReportRow, at: number): boolean {
  const s = row.supplement;
  if (!s) return false;
  const requested = Date.parse(s.lastRequestedAt);
  const supplied = ms(s.lastSuppliedAt);
  return requested < at && (supplied === undefined || supplied >= at);
}

/** The citizen's supplement time up to `end` (answered requests only). */
function waitedBefore(row: ReportRow, end: number): number {
  const s = row.supplement;
  if (!s) return 0;
  const supplied = ms(s.lastSuppliedAt);
  if (supplied !== undefined && supplied > end) return s.waitedMs - (supplied - Date.parse(s.lastRequestedAt));
  return s.waitedMs;
}

/** How a dossier counts at `at` (the cutoff), or undefined when the rules leave it out. */
function judge(row: ReportRow, rules: TimelinessRules, at: number): Judged | undefined {
  const on = rules.switches;
  const closed = ms(row.closedAt);
  if (closed !== undefined && closed < at) {
    if (row.status === 'resolved') return { end: ms(row.resolvedAt) ?? closed, open: false, awaitingSupplement: false };
    return on.closedWithoutResultCounted ? { end: closed, open: false, awaitingSupplement: false } : undefined;
  }
  if (awaitingAt(row, at) && on.awaitingSupplementEndsAtRequest) {
    return { end: Date.parse(row.supplement?.lastRequestedAt ?? ''), open: false, awaitingSupplement: true };
  }
  return on.openCountedAtPeriodEnd ? { end: at, open: true, awaitingSupplement: false } : undefined;
}

/** The indicator's verdict on one judged dossier: on time under the rules in force. */
function onTimeUnder(row: ReportRow, rules: TimelinessRules, end: number | 'late'): boolean {
  const on = rules.switches;
  if (end === 'late') return false;
  if (on.repeatedSupplementIsLate && (row.supplement?.requests ?? 0) > 1) return false;
  const extended = ms(row.extendedDueAt);
  const printed = ms(row.appointmentAt);
  if (on.onTimeAgainstAppointment) {
    if (extended !== undefined) return end <= extended;
    if (printed !== undefined) {
      // The printed appointment does not move with a supplement: the citizen's time is taken off the end.
      const waited = on.supplementTimeNotCounted ? waitedBefore(row, end) : 0;
      return end - waited <= printed;
    }
    if (!on.noAppointmentUsesLegalLimit) return false;
  }
  const legal = legalDeadline(row);
  return legal !== undefined && end <= legal;
}

/** The date an open dossier must finish by to count as on time under the rules (its appointment in force). */
function deadlineUnder(row: ReportRow, rules: TimelinessRules): number | undefined {
  const on = rules.switches;
  if (on.onTimeAgainstAppointment) {
    const extended = ms(row.extendedDueAt);
    if (extended !== undefined) return extended;
    const printed = ms(row.appointmentAt);
    if (printed !== undefined) return printed + (on.supplementTimeNotCounted ? (row.supplement?.waitedMs ?? 0) : 0);
    if (!on.noAppointmentUsesLegalLimit) return undefined;
  }
  return legalDeadline(row);
}

/** The unit holding the dossier now: its first step not handed on, else the receiving unit. */
function holderOf(row: ReportRow): { id: string; name: string; step?: { number: number; of: number } } {
  const index = row.steps.findIndex((s) => s.finishedAt === undefined);
  const step = row.steps[index];
  return step
    ? { id: step.unitId, name: step.unitName ?? step.unitId, step: { number: index + 1, of: row.steps.length } }
    : { id: row.unitId, name: row.unitName };
}

export interface TimelinessWindow {
  /** The period [start, end), epoch ms. */
  start: number;
  end: number;
  /** When counting stops: the end of the period, or now while it runs. */
  cutoff: number;
  /** Now: the forecast runs only while the period does (now < end). */
  now: number;
}

/**
 * One dossier's part in the indicator (its counts, to be added to its unit's, field's and the total),
 * and, while the period runs, its deadline if it is open and still on time. Undefined when the dossier
 * is outside the period or the rules leave it out.
 */
export function countTimeliness(
  row: ReportRow,
  rules: TimelinessRules,
  window: TimelinessWindow,
): { counts: TimelinessCounts; atRisk?: { deadline: number } | undefined } | undefined {
  const received = Date.parse(row.receivedAt);
  const closed = ms(row.closedAt);
  if (received >= window.end || (closed !== undefined && closed < window.start)) return undefined;
  if (received < window.start && !rules.switches.carriedOverCounted) return undefined;
  const judged = judge(row, rules, window.cutoff);
  if (!judged) return undefined;
  const counts = emptyTimeliness();
  counts.counted = 1;
  if (onTimeUnder(row, rules, judged.end)) counts.onTime = 1;
  // On time two ways: the law's due date, and the date after the one lawful re-appointment. A supplement
  // restarts the legal clock itself (NĐ 61/2018 Điều 19 k4), so nothing is taken off here.
  const end = judged.end === 'late' ? Number.POSITIVE_INFINITY : judged.end;
  const legal = legalDeadline(row);
  if (legal !== undefined && end <= legal) counts.legalOnTime = 1;
  const after = ms(row.extendedDueAt) ?? legal;
  if (after !== undefined && end <= after) counts.reappointedOnTime = 1;
  let atRisk: { deadline: number } | undefined;
  if (window.now < window.end) {
    // The forecast: every dossier open now finishes at its current appointment (late if that has passed).
    counts.forecastCounted = 1;
    if (judged.open) {
      const deadline = deadlineUnder(row, rules);
      const repeated = rules.switches.repeatedSupplementIsLate && (row.supplement?.requests ?? 0) > 1;
      if (deadline !== undefined && deadline >= window.now && !repeated) {
        counts.forecastOnTime = 1;
        atRisk = { deadline };
      }
    } else {
      counts.forecastOnTime = counts.onTime;
    }
  }
  return { counts, atRisk };
}

/**
 * Keeps, per unit, the open dossiers on time that would cost points if late: within a unit each costs
 * the same (maximum / the unit's denominator), so the soonest deadlines first; bounded per unit.
 */
export function createRiskList(limitPerUnit: number) {
  const byUnit = new Map<string, { deadline: number; row: ReportRow }[]>();
  return {
    add(row: ReportRow, deadline: number): void {
      const list = byUnit.get(row.unitId) ?? [];
      if (list.length >= limitPerUnit && deadline >= (list.at(-1)?.deadline ?? Number.POSITIVE_INFINITY)) return;
      let at = list.findIndex((entry) => entry.deadline > deadline);
      if (at < 0) at = list.length;
      list.splice(at, 0, { deadline, row });
      if (list.length > limitPerUnit) list.pop();
      byUnit.set(row.unitId, list);
    },
    /** The ranked list: the most points first, then the soonest deadline. */
    finish(rules: TimelinessRules, forecastCounted: (unitId: string) => number, limit: number): DossierAtRisk[] {
      const all: DossierAtRisk[] = [];
      for (const [unitId, list] of byUnit) {
        const n = forecastCounted(unitId);
        if (n === 0) continue;
        for (const { deadline, row } of list) {
          const holder = holderOf(row);
          all.push({
            id: row.id,
            unitId,
            unitName: row.unitName,
            field: row.field,
            ...(holder.step ? { step: holder.step } : {}),
            holderId: holder.id,
            holderName: holder.name,
            deadline: new Date(deadline).toISOString(),
            points: rules.maxPoints / n,
          });
        }
      }
      all.sort((a, b) => b.points - a.points || a.deadline.localeCompare(b.deadline) || a.id.localeCompare(b.id));
      return all.slice(0, limit);
    },
  };
}

/** A counting-rules file that cannot be used: the field and the reason. */
export class InvalidTimelinessRulesError extends InvalidInputError {
  override name = 'InvalidTimelinessRulesError';
}
