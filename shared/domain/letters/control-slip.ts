import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { DossierState, StepState } from '../dossier/dossier-state.ts';
import { describeDurationVi } from '../due-date/duration.ts';
import type { UnitBook } from '../units/unit-directory.ts';
import { escapeHtml, gioPhutNgay, upper, workingTimeVi } from '../vietnamese/format.ts';
import { REFORM_DATE } from './apology-letter.ts';

/*
 * The process-control slip (phiếu kiểm soát quá trình giải quyết hồ sơ: TT 01/2018/TT-VPCP Mẫu số 05,
 * TT 03/2025/TT-VPCP Mẫu số 06; NĐ 61/2018 Điều 19 k5–k7): every hand-over of the dossier — who gave it,
 * who took it, when — and each unit's result against its own allotted time (TT 01/2018 Điều 13: trước
 * hạn / đúng hạn / quá hạn), built from the step clocks Đúng Hạn already keeps (ADR 0015).
 */

export type SlipResult = 'Trước hạn' | 'Đúng hạn' | 'Quá hạn' | 'Đang giải quyết';

/** One row of the form: a hand-over, and the result of the unit that handed the dossier on. */
export interface SlipRow {
  giao: string;
  nhan: string;
  at: string;
  result?: SlipResult | undefined;
  note: string;
}

export interface ControlSlip {
  title: string;
  formNote: string;
  parentAgency?: string | undefined;
  agency: string;
  dossierId: string;
  applicant: string;
  procedure: string;
  receivedAt: string;
  appointment: string;
  lead: string;
  partners: string[];
  rows: SlipRow[];
}

const DESK = 'Bộ phận Một cửa';
const RESULT: Record<NonNullable<StepState['result']>, SlipResult> = {
  early: 'Trước hạn',
  on_time: 'Đúng hạn',
  late: 'Quá hạn',
};

function resultAt(calendar: WorkingCalendar, finished: number, due: number): SlipResult {
  if (finished > due) return 'Quá hạn';
  return calendar.toLocal(finished).day < calendar.toLocal(due).day ? 'Trước hạn' : 'Đúng hạn';
}

/** The slip of a dossier at `now`: one row per hand-over, the last one open while a unit still holds it. */
export function buildControlSlip(
  state: DossierState,
  calendar: WorkingCalendar,
  units: UnitBook,
  now: number,
): ControlSlip {
  const received = state.received;
  if (!received) throw new Error(`dossier ${state.dossierId} has no receipt`);
  const reform = calendar.formatInstant(Date.parse(received.receivedAt)).slice(0, 10) >= REFORM_DATE;
  const nameOf = (step: StepState) => step.unitName ?? units.get(step.unitId)?.name ?? step.unitId;
  const desk = `${DESK} ${received.agency.name}`;
  const rows: SlipRow[] = [];
  const at = (iso: string | undefined) => (iso ? gioPhutNgay(calendar, Date.parse(iso)) : '');
  let giver = desk;
  let givenAt = state.clockStartedAt ?? received.receivedAt;
  let holding = false;
  for (const step of state.steps) {
    const start = step.startedAt ?? givenAt;
    const due = Date.parse(step.dueAt);
    const end = step.finishedAt;
    rows.push({ giao: giver, nhan: nameOf(step), at: at(start), note: '' });
    const row = rows[rows.length - 1] as SlipRow;
    const allotted = `Thời gian được giao: ${describeDurationVi(step.duration)}, hạn ${gioPhutNgay(calendar, due)}`;
    if (end !== undefined) {
      row.result = step.result ? RESULT[step.result] : resultAt(calendar, Date.parse(end), due);
      row.note = `${allotted}; đã dùng ${workingTimeVi(calendar, Date.parse(start), Date.parse(end))}`;
      giver = nameOf(step);
      givenAt = end;
      continue;
    }
    const closedAt = state.resolvedAt ?? state.closedAt;
    if (closedAt) {
      // Resolved while this unit held it: its part ends with the result handed back to the desk.
      row.result = resultAt(calendar, Date.parse(closedAt), due);
      row.note = `${allotted}; đã dùng ${workingTimeVi(calendar, Date.parse(start), Date.parse(closedAt))}`;
      giver = nameOf(step);
      givenAt = closedAt;
      break;
    }
    holding = true;
    row.result = 'Đang giải quyết';
    row.note = `${allotted}; ${due >= now ? `còn ${workingTimeVi(calendar, now, due)}` : `đã quá hạn ${workingTimeVi(calendar, due, now)}`}`;
    break;
  }
  if (!holding && (state.resolvedAt || state.closedAt)) {
    const closed = (state.resolvedAt ?? state.closedAt) as string;
    if (giver !== desk) rows.push({ giao: giver, nhan: desk, at: at(closed), note: 'Trả kết quả về Bộ phận Một cửa' });
    if (state.status === 'resolved') {
      const due = Date.parse(state.dueAt ?? state.originalDueAt ?? closed);
      rows.push({
        giao: desk,
        nhan: 'Tổ chức, cá nhân',
        at: at(state.returnedAt ?? closed),
        result: resultAt(calendar, Date.parse(closed), due),
        note: `Kết quả giải quyết hồ sơ so với hạn ${gioPhutNgay(calendar, due)}`,
      });
    }
  }
  return {
    title: 'PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ',
    formNote: reform
      ? 'Mẫu số 06 ban hành kèm theo Thông tư số 03/2025/TT-VPCP'
      : 'Mẫu số 05 ban hành kèm theo Thông tư số 01/2018/TT-VPCP',
    parentAgency: received.agency.parentName ? upper(received.agency.parentName) : undefined,
    agency: upper(received.agency.name),
    dossierId: state.dossierId,
    applicant: received.applicant.name,
    procedure: received.procedure.name,
    receivedAt: gioPhutNgay(calendar, Date.parse(received.receivedAt)),
    appointment: gioPhutNgay(
      calendar,
      Date.parse(received.appointmentAt ?? state.originalDueAt ?? received.receivedAt),
    ),
    lead: received.agency.name,
    partners: [...new Set(state.steps.map(nameOf))].filter((n) => n !== received.agency.name),
    rows,
  };
}

/** The rows as an HTML table (for the digest and the page): giao / nhận, time, result, note. */
export function renderSlipTable(slip: ControlSlip): string {
  const e = escapeHtml;
  const cell = 'border:1px solid #555;padding:4px;vertical-align:top';
  return `<table style="border-collapse:collapse;width:100%;font-size:13px">
<tr style="font-size:11px"><th style="${cell};width:31%">TÊN CƠ QUAN</th><th style="${cell};width:22%">THỜI GIAN GIAO, NHẬN HỒ SƠ</th><th style="${cell};width:17%">KẾT QUẢ GIẢI QUYẾT HỒ SƠ <span style="font-weight:normal">(Trước hạn/ đúng hạn/ quá hạn)</span></th><th style="${cell}">GHI CHÚ</th></tr>
${slip.rows
  .map(
    (r, i) =>
      `<tr><td style="${cell}">${i + 1}. Giao: ${e(r.giao)}<br>Nhận: ${e(r.nhan)}</td><td style="${cell}">${e(r.at)}</td><td style="${cell}">${e(r.result ?? '')}</td><td style="${cell}">${e(r.note)}</td></tr>`,
  )
  .join('\n')}
</table>`;
}

/** The whole slip as a self-contained page (A5 when printed), in Vietnamese. */
export function renderSlipHtml(slip: ControlSlip): string {
  const e = escapeHtml;
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(slip.title)} — ${e(slip.dossierId)}</title>
<style>@page{size:A5;margin:15mm 10mm 15mm 20mm}body{font-family:'Times New Roman',Times,serif;font-size:14px;margin:0 auto;max-width:760px;padding:8px}
.head{display:flex;justify-content:space-between;text-align:center;gap:8px}.head div{flex:1}h1{font-size:15px;text-align:center;margin:16px 0 8px}
p{margin:4px 0}.note{font-size:12px;color:#444}</style></head><body>
<div class="head"><div>${slip.parentAgency ? `${e(slip.parentAgency)}<br>` : ''}<b>${e(slip.agency)}</b></div><div><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br><b>Độc lập - Tự do - Hạnh phúc</b></div></div>
<h1>${e(slip.title)}</h1>
<p>Mã hồ sơ: <b>${e(slip.dossierId)}</b></p>
<p>Kèm theo hồ sơ của: ${e(slip.applicant)}</p>
<p>Thủ tục: ${e(slip.procedure)}</p>
<p>Ngày nhận hồ sơ: ${e(slip.receivedAt)}; hẹn trả kết quả: ${e(slip.appointment)}</p>
<p>Cơ quan giải quyết hồ sơ: ${e(slip.lead)}</p>
${slip.partners.length > 0 ? `<p>Cơ quan phối hợp giải quyết hồ sơ: ${e(slip.partners.join('; '))}</p>` : ''}
${renderSlipTable(slip)}
<p class="note">${e(slip.formNote)}</p>
</body></html>`;
}

/** The rows as plain text lines (the text part of a digest). */
export function renderSlipText(slip: ControlSlip): string[] {
  return slip.rows.map(
    (r, i) =>
      `${i + 1}. Giao: ${r.giao} → Nhận: ${r.nhan}; ${r.at}${r.result ? `; ${r.result}` : ''}${r.note ? ` (${r.note})` : ''}`,
  );
}
