import type { DossierReceived } from '../../contracts/dossier-events.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { DossierRecord } from '../dossier/dossier-record.ts';
import { appointmentInForce, dueRequestsOf, holdingUnit } from '../dossier/dossier-state.ts';
import { computeDueDate } from '../due-date/compute-due-date.ts';
import { explainDueDate } from '../due-date/explain-due-date.ts';
import { type ApologyLetter, buildApologyLetter } from '../letters/apology-letter.ts';
import { letterIssuer } from '../units/routing.ts';
import type { UnitBook } from '../units/unit-directory.ts';
import { shortDateTime, workingTimeVi } from '../vietnamese/format.ts';
import { publicApplicant } from './masking.ts';

/**
 * What a citizen sees of their dossier on the status page (issue #18), and nothing else: no one's name
 * but the receiving unit's, no phone, no identity number, no official. Dates are Vietnam time, dd/mm/yyyy.
 */
export interface CitizenView {
  code: string;
  procedure: string;
  receivingUnit: string;
  receivedAt: string;
  status: string;
  /** The unit holding the dossier now, when it is not the receiving unit (an inter-agency procedure). */
  heldBy?: string | undefined;
  appointment?: Omit<Appointment, 'instant'> | undefined;
  timeliness: { tone: 'ok' | 'warn' | 'late' | 'neutral'; text: string };
  /** Why the due date is what it is, in plain Vietnamese. */
  explanation: string[];
  /** The approved apology (phiếu xin lỗi), when there is one. */
  apology?: ApologyLetter | undefined;
  contact: { unit: string; phone?: string | undefined; address?: string | undefined; hours?: string | undefined };
}

interface Appointment {
  at: string;
  instant: number;
  kind: 'printed' | 'reappointed' | 'legal';
  note?: string | undefined;
}

/** The digits a citizen types to prove they hold the receipt: the last four of the phone or identity number. */
export const FACTOR_DIGITS = 4;

/**
 * True when `typed` is the last four digits of the phone number or of the identity number given at receipt.
 * Anything but four digits (spaces and dots aside) never matches; a dossier without either never matches.
 */
export function matchesSecondFactor(applicant: DossierReceived['applicant'], typed: string): boolean {
  const digits = typed.replace(/[\s.-]/g, '');
  if (!/^\d{4}$/.test(digits)) return false;
  let match = false;
  for (const known of [applicant.phone, applicant.idNumber]) {
    const tail = known?.replace(/\D/g, '').slice(-FACTOR_DIGITS);
    // Both compared whatever the first gives: the answer takes as long for a phone match as for none.
    if (tail?.length === FACTOR_DIGITS && tail === digits) match = true;
  }
  return match;
}

const CLOSED_STATUS = {
  withdrawn: 'Đã rút hồ sơ theo đề nghị của người nộp',
  refused: 'Không được tiếp nhận hoặc bị từ chối giải quyết (xem văn bản trả lời của cơ quan)',
} as const;

/** The citizen's view of a received dossier at `now`; undefined before its receipt. */
export function citizenView(
  record: DossierRecord,
  calendar: WorkingCalendar,
  units: UnitBook,
  now: number,
): CitizenView | undefined {
  const { state } = record;
  const received = state.received;
  if (!received || state.status === 'awaiting_receipt') return undefined;
  const at = (iso: string) => shortDateTime(calendar, Date.parse(iso));
  const receiving = units.get(received.agency.id);
  const holder = holdingUnit(state);
  const heldBy =
    holder && holder !== received.agency.id && state.status === 'open'
      ? (units.get(holder)?.name ?? holder)
      : undefined;
  const appointment = appointmentOf(record, calendar);
  const view: CitizenView = {
    code: state.dossierId,
    procedure: received.procedure.name,
    receivingUnit: received.agency.name,
    receivedAt: at(received.receivedAt),
    status: statusText(record),
    heldBy,
    appointment: appointment && { at: appointment.at, kind: appointment.kind, note: appointment.note },
    timeliness: timeliness(record, calendar, appointment, now),
    explanation: explanation(record, calendar, now),
    ...(record.apology.status === 'approved' || record.apology.status === 'issued'
      ? {
          // The letter as the page may show it: the applicant's name and number masked (issue #32).
          apology: buildApologyLetter(
            {
              ...record,
              state: { ...record.state, received: { ...received, applicant: publicApplicant(received.applicant) } },
            },
            calendar,
            Date.parse(record.apology.approvedAt ?? received.receivedAt),
            letterIssuer(record, units, now),
          ),
        }
      : {}),
    contact: {
      unit: receiving?.name ?? received.agency.name,
      phone: receiving?.contact?.phone,
      address: receiving?.contact?.address ?? received.agency.place,
      hours: receiving?.contact?.hours,
    },
  };
  return view;
}

function statusText(record: DossierRecord): string {
  const { state } = record;
  switch (state.status) {
    case 'open':
      return 'Đang giải quyết';
    case 'awaiting_supplement':
      return 'Chờ bổ sung hồ sơ: thời hạn giải quyết được tính lại khi nhận đủ hồ sơ bổ sung';
    case 'suspended': {
      const reason = state.suspensions.at(-1)?.reason;
      return reason === 'financial_obligation'
        ? 'Tạm dừng: chờ người nộp thực hiện nghĩa vụ tài chính (thời gian này không tính vào thời hạn)'
        : 'Tạm dừng giải quyết (thời gian này không tính vào thời hạn)';
    }
    case 'resolved':
      return state.returnedAt
        ? `Đã trả kết quả (${state.outcome === 'rejected' ? 'văn bản trả lời' : 'kết quả giải quyết'})`
        : 'Đã giải quyết xong, chờ trả kết quả';
    case 'withdrawn':
    case 'refused':
      return CLOSED_STATUS[state.status];
    default:
      return 'Đang giải quyết';
  }
}

/**
 * The appointment in force: the approved apology's new date, else the printed one (or the legal due date
 * when a restart or a pause moved it later), else the legal due date; `instant` is what the countdown uses.
 */
function appointmentOf(record: DossierRecord, calendar: WorkingCalendar): Appointment | undefined {
  const { state } = record;
  const fmt = (ms: number) => shortDateTime(calendar, ms);
  if ((record.apology.status === 'approved' || record.apology.status === 'issued') && record.extendedDueAt)
    return {
      at: fmt(Date.parse(record.extendedDueAt)),
      instant: Date.parse(record.extendedDueAt),
      kind: 'reappointed',
      note: 'Ngày hẹn mới theo phiếu xin lỗi và hẹn lại ngày trả kết quả.',
    };
  if (state.dueAt === null) return undefined;
  const printed = appointmentInForce(state);
  const due = state.dueAt ? Date.parse(state.dueAt) : undefined;
  if (printed !== undefined && (due === undefined || due <= printed)) {
    const later = due !== undefined && calendar.toLocal(due).day < calendar.toLocal(printed).day;
    return {
      at: fmt(printed),
      instant: printed,
      kind: 'printed',
      ...(later && due !== undefined
        ? { note: `Ngày hẹn trên giấy tiếp nhận muộn hơn hạn giải quyết theo quy định (${fmt(due)}).` }
        : {}),
    };
  }
  if (due === undefined) return undefined;
  const note =
    printed === undefined
      ? 'Giấy tiếp nhận không ghi ngày hẹn: đây là hạn theo quy định của thủ tục.'
      : state.cycle > 1
        ? `Hồ sơ đã được bổ sung đầy đủ nên thời hạn được tính lại (ngày hẹn trên giấy tiếp nhận: ${fmt(printed)}).`
        : `Thời gian tạm dừng không tính vào thời hạn nên hạn được lùi lại (ngày hẹn trên giấy tiếp nhận: ${fmt(printed)}).`;
  return { at: fmt(due), instant: due, kind: 'legal', note };
}

function timeliness(
  record: DossierRecord,
  calendar: WorkingCalendar,
  appointment: Appointment | undefined,
  now: number,
): CitizenView['timeliness'] {
  const { state } = record;
  if (state.status === 'withdrawn' || state.status === 'refused')
    return { tone: 'neutral', text: 'Hồ sơ đã kết thúc.' };
  if (state.status === 'resolved') {
    const finished = Date.parse(state.resolvedAt ?? state.closedAt ?? '');
    // Late is measured against the legal due date, as the reports count it (issue #32): a new date set
    // by an apology is the agency's promise after being late, not a later due date.
    const late = state.result === 'late' || (state.dueAt ? finished > Date.parse(state.dueAt) : false);
    if (late) {
      const promised = record.extendedDueAt ? Date.parse(record.extendedDueAt) : undefined;
      if (promised === undefined) return { tone: 'late', text: 'Giải quyết quá hạn.' };
      const when = shortDateTime(calendar, promised);
      return finished <= promised
        ? {
            tone: 'late',
            text: `Giải quyết quá hạn; cơ quan đã xin lỗi và giải quyết xong trong ngày hẹn lại (${when}).`,
          }
        : { tone: 'late', text: `Giải quyết quá hạn, sau cả ngày hẹn lại (${when}).` };
    }
    return { tone: 'ok', text: state.result === 'early' ? 'Giải quyết trước hạn.' : 'Giải quyết đúng hạn.' };
  }
  if (state.status === 'awaiting_supplement')
    return { tone: 'neutral', text: 'Thời hạn đang chờ: được tính lại từ khi nhận đủ hồ sơ bổ sung.' };
  if (state.status === 'suspended')
    return { tone: 'neutral', text: 'Thời hạn đang tạm dừng: ngày hẹn sẽ lùi lại bằng thời gian tạm dừng.' };
  if (!appointment) return { tone: 'neutral', text: 'Chưa xác định được thời hạn.' };
  if (now > appointment.instant)
    return {
      tone: 'late',
      text: `Đã quá hạn ${workingTimeVi(calendar, appointment.instant, now)}. Cơ quan giải quyết phải gửi phiếu xin lỗi và hẹn lại ngày trả kết quả.`,
    };
  return {
    tone: 'ok',
    text: `Đang trong hạn: còn ${workingTimeVi(calendar, now, appointment.instant)} đến ${appointment.at}.`,
  };
}

/**
 * The explanation of the legal due date in force, with the restart after a supplement when there was one:
 * the citizens' page and the console's dossier page say it alike.
 */
export function explanation(record: DossierRecord, calendar: WorkingCalendar, now: number): string[] {
  const { state } = record;
  const requests = dueRequestsOf(state);
  if (!requests) return [];
  const lines: string[] = [];
  if (state.cycle > 1 && state.clockStartedAt)
    lines.push(
      `Hồ sơ đã được yêu cầu bổ sung; thời hạn giải quyết được tính lại từ khi nhận đủ hồ sơ bổ sung lúc ${shortDateTime(calendar, Date.parse(state.clockStartedAt))} (Nghị định 61/2018/NĐ-CP, Điều 19).`,
    );
  // An open suspension is projected to now: the page says the date will move when it ends.
  const request = { ...requests.current, asOf: now };
  const due = computeDueDate(calendar, request);
  lines.push(...explainDueDate(calendar, request, due).text);
  return lines;
}
