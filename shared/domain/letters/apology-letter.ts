import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { DossierRecord } from '../dossier/dossier-record.ts';
import type { LetterIssuer } from '../units/routing.ts';
import { escapeHtml, gioPhutNgay, ngayThangNam, upper } from '../vietnamese/format.ts';

/** The day TT 03/2025/TT-VPCP (with NĐ 118/2025) replaced TT 01/2018 for dossiers received from then on. */
export const REFORM_DATE = '2025-07-01';
const BLANK = '……………………';

/** Everything the apology form (Mẫu 04) shows, already in Vietnamese; rendered as HTML, text and .docx. */
export interface ApologyLetter {
  form: 'TT01/2018' | 'TT03/2025';
  formNote: string;
  title: string;
  parentAgency?: string | undefined;
  agency: string;
  number: string;
  placeAndDate: string;
  addressee: string;
  /** Whom the closing thanks: the person by name; an organisation as "Quý tổ chức" (its name is above). */
  thanksTo: string;
  paragraphs: string[];
  reason: string;
  newReturnDate: string;
  closing: string;
  signatureTitle: string;
  signatureNote: string;
  signatureName?: string | undefined;
  /** True while the reason and date are a draft for the official to complete. */
  draft: boolean;
  /** The citizens' status page of the dossier (issue #18): a QR code on the printed letter, a link in mail. */
  statusUrl?: string | undefined;
  /** The line under the QR code (empty without one). */
  statusCaption?: string | undefined;
}

/** The citizens' status page of a dossier, under the public pages' base URL (ADR 0018). */
export function statusPageUrl(baseUrl: string, dossierId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/tra-cuu/${encodeURIComponent(dossierId)}`;
}

/**
 * Builds the apology letter (phiếu xin lỗi và hẹn lại ngày trả kết quả) for a dossier, in the form in
 * force on its receipt date: TT 01/2018 Mẫu 04 before 1/7/2025, TT 03/2025 Mẫu 04 from then on. Dates
 * are written in Asia/Ho_Chi_Minh time as NĐ 30/2020 prescribes.
 */
export function buildApologyLetter(
  record: DossierRecord,
  calendar: WorkingCalendar,
  now: number,
  issuer?: LetterIssuer,
  statusUrl?: string,
): ApologyLetter {
  const { state, apology } = record;
  const received = state.received;
  if (!received || !state.originalDueAt) throw new Error(`dossier ${state.dossierId} has no receipt to apologise for`);
  const reform = formatLocalDate(calendar, received.receivedAt) >= REFORM_DATE;
  // The unit the letter is issued by (inter-agency: by the province's policy, ADR 0015).
  const agencyName = issuer?.name ?? received.agency.name;
  const receivingName = received.agency.name;
  const person = received.applicant.kind === 'person';
  const who = person ? 'Ông/Bà' : 'Quý tổ chức';
  const addresseeName = person ? `Ông/Bà ${received.applicant.name}` : received.applicant.name;
  const proposed = apology.proposedReturnAt ?? record.extendedDueAt;
  const draft = apology.status === 'none' || apology.status === 'drafted';
  const appointment = received.appointmentAt ?? state.originalDueAt;
  const paragraphs = [
    `Ngày ${ngayThangNam(calendar, Date.parse(received.receivedAt)).replace(/^ngày /, '')}, ${receivingName} tiếp nhận hồ sơ đề nghị giải quyết thủ tục hành chính “${received.procedure.name}” của ${addresseeName}.`,
    ...(reform && received.applicant.idNumber
      ? [`Số định danh cá nhân/mã số định danh của tổ chức: ${received.applicant.idNumber}.`]
      : []),
    `Mã số hồ sơ: ${state.dossierId}.`,
    `Thời gian hẹn trả kết quả giải quyết hồ sơ: ${gioPhutNgay(calendar, Date.parse(appointment))}${inForce(state, calendar, appointment)}.`,
    reform
      ? `Tuy nhiên, hồ sơ của ${who} không thể giải quyết xong trong thời hạn đã hẹn.`
      : `Tuy nhiên, đến thời hạn trên, ${agencyName} chưa trả được kết quả giải quyết hồ sơ cho ${who}.`,
  ];
  return {
    form: reform ? 'TT03/2025' : 'TT01/2018',
    formNote: reform
      ? 'Mẫu số 04 ban hành kèm theo Thông tư số 03/2025/TT-VPCP'
      : 'Mẫu số 04 ban hành kèm theo Thông tư số 01/2018/TT-VPCP',
    title: reform
      ? 'PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT'
      : 'PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ',
    parentAgency: issuer
      ? issuer.parentName && upper(issuer.parentName)
      : received.agency.parentName && upper(received.agency.parentName),
    agency: upper(agencyName),
    number: 'Số: ……/PXL',
    placeAndDate: `${(issuer ? issuer.place : received.agency.place) ?? BLANK}, ${ngayThangNam(calendar, now)}`,
    addressee: addresseeName,
    thanksTo: person ? addresseeName : who,
    paragraphs,
    reason: apology.reason ?? (issuer?.atFault ? faultReason(calendar, issuer.atFault, issuer.name) : BLANK),
    newReturnDate: proposed ? ngayThangNam(calendar, Date.parse(proposed)) : `ngày … tháng … năm …`,
    closing: `Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, thời gian, công sức của ${who}. ${agencyName} xin lỗi ${who} và sẽ trả kết quả giải quyết hồ sơ cho ${who} vào`,
    signatureTitle: 'THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ',
    signatureNote: '(Ký và ghi rõ họ tên)',
    signatureName: issuer ? issuer.headName : received.head?.name,
    draft,
    ...(statusUrl ? { statusUrl, statusCaption: 'Quét mã để tra cứu hồ sơ' } : {}),
  };
}

/**
 * The appointment in force when it is not the receipt's (issue #16): a complete supplement restarted the
 * clock (NĐ 61/2018 Điều 19 k4), or a suspension moved the due date; the letter's "đến thời hạn trên"
 * then refers to that date, the one that was actually missed.
 */
function inForce(state: DossierRecord['state'], calendar: WorkingCalendar, appointment: string): string {
  if (!state.dueAt || Date.parse(state.dueAt) <= Date.parse(appointment)) return '';
  const due = gioPhutNgay(calendar, Date.parse(state.dueAt));
  if (state.cycle > 1) return `; sau khi hồ sơ được bổ sung đầy đủ, thời hạn trả kết quả là ${due}`;
  return `; do thời gian tạm dừng giải quyết không tính vào thời hạn, thời hạn trả kết quả là ${due}`;
}

/** The draft reason of an inter-agency delay: the unit whose step overran, and its own time limit. */
function faultReason(calendar: WorkingCalendar, atFault: NonNullable<LetterIssuer['atFault']>, issuer: string): string {
  const due = gioPhutNgay(calendar, Date.parse(atFault.dueAt));
  return atFault.name === issuer
    ? `Bước xử lý hồ sơ tại ${atFault.name} quá thời hạn được giao (hạn ${due}).`
    : `Hồ sơ được chuyển đến ${atFault.name} giải quyết theo quy trình liên thông; bước xử lý tại đơn vị này quá thời hạn được giao (hạn ${due}).`;
}

function formatLocalDate(calendar: WorkingCalendar, iso: string): string {
  return calendar.formatInstant(Date.parse(iso)).slice(0, 10);
}

/** The letter as plain text (for the text part of emails). */
export function renderLetterText(letter: ApologyLetter): string {
  const lines = [
    ...(letter.parentAgency ? [letter.parentAgency] : []),
    letter.agency,
    letter.number,
    '',
    'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
    'Độc lập - Tự do - Hạnh phúc',
    letter.placeAndDate,
    '',
    letter.title,
    '',
    `Kính gửi: ${letter.addressee}`,
    '',
    ...letter.paragraphs,
    `Lý do: ${letter.reason}`,
    `${letter.closing} ${letter.newReturnDate}.`,
    `Mong nhận được sự thông cảm của ${letter.thanksTo}.`,
    '',
    letter.signatureTitle,
    letter.signatureNote,
    ...(letter.signatureName ? ['', letter.signatureName] : []),
    '',
    ...(letter.statusUrl ? [`Tra cứu tình trạng hồ sơ: ${letter.statusUrl}`, ''] : []),
    `(${letter.formNote})`,
  ];
  return lines.join('\n');
}

/** The letter as an HTML fragment for email; every value is escaped. */
export function renderLetterHtml(letter: ApologyLetter): string {
  const e = escapeHtml;
  return `<div style="font-family:'Times New Roman',Times,serif;font-size:15px;line-height:1.5;max-width:640px;border:1px solid #ccc;padding:16px">
<table style="width:100%;border-collapse:collapse"><tr>
<td style="width:45%;text-align:center;vertical-align:top">${letter.parentAgency ? `${e(letter.parentAgency)}<br>` : ''}<b>${e(letter.agency)}</b><br>${e(letter.number)}</td>
<td style="text-align:center;vertical-align:top"><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br><b>Độc lập - Tự do - Hạnh phúc</b><br><i>${e(letter.placeAndDate)}</i></td>
</tr></table>
<p style="text-align:center;font-weight:bold;margin-top:16px">${e(letter.title)}</p>
<p style="text-align:center">Kính gửi: ${e(letter.addressee)}</p>
${letter.paragraphs.map((p) => `<p>${e(p)}</p>`).join('\n')}
<p>Lý do: ${letter.draft ? `<span style="background:#fff3bf">${e(letter.reason)}</span>` : e(letter.reason)}</p>
<p>${e(letter.closing)} ${letter.draft ? `<span style="background:#fff3bf">${e(letter.newReturnDate)}</span>` : e(letter.newReturnDate)}.</p>
<p>Mong nhận được sự thông cảm của ${e(letter.thanksTo)}.</p>
<table style="width:100%"><tr><td></td><td style="width:50%;text-align:center"><b>${e(letter.signatureTitle)}</b><br><i>${e(letter.signatureNote)}</i>${letter.signatureName ? `<br><br><br><b>${e(letter.signatureName)}</b>` : ''}</td></tr></table>
${letter.statusUrl ? `<p style="font-size:13px">Tra cứu tình trạng hồ sơ: <a href="${e(letter.statusUrl)}">${e(letter.statusUrl)}</a></p>\n` : ''}<p style="font-size:12px;color:#555">${e(letter.formNote)}</p>
</div>`;
}
