import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import type { DossierState } from '../dossier/dossier-state.ts';
import { describeDurationVi } from '../due-date/duration.ts';
import { escapeHtml, gioPhutNgay, ngayThangNam, upper } from '../vietnamese/format.ts';
import { REFORM_DATE } from './apology-letter.ts';
import { qrSvg } from './qr-code.ts';

/*
 * The receipt slip (giấy tiếp nhận hồ sơ và hẹn trả kết quả: TT 01/2018/TT-VPCP and TT 03/2025/TT-VPCP,
 * Mẫu số 01) as the desk prints it for a citizen (issue #18): what the dossier is, when it was received,
 * how long the procedure may take and when the result is due — with the QR code of the citizens' status
 * page and how to look the dossier up. The documents submitted and the register numbers are left as
 * dotted lines for the official: Đúng Hạn does not hold them.
 */

export interface ReceiptSlip {
  formNote: string;
  parentAgency?: string | undefined;
  agency: string;
  /** The receiving unit as written in sentences (the header has it in capitals). */
  receivingUnit: string;
  placeAndDate: string;
  dossierId: string;
  applicant: string;
  address?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
  procedure: string;
  duration: string;
  receivedAt: string;
  appointment: string;
  official: string;
  statusUrl: string;
}

const DOTS = '……………………………………';

/** The slip of a received dossier (undefined before its receipt). */
export function buildReceiptSlip(
  state: DossierState,
  calendar: WorkingCalendar,
  statusUrl: string,
): ReceiptSlip | undefined {
  const received = state.received;
  if (!received || !state.rule) return undefined;
  const at = Date.parse(received.receivedAt);
  const reform = calendar.formatInstant(at).slice(0, 10) >= REFORM_DATE;
  const appointment = received.appointmentAt ?? state.originalDueAt;
  const { applicant } = received;
  return {
    formNote: reform
      ? 'Mẫu số 01 ban hành kèm theo Thông tư số 03/2025/TT-VPCP'
      : 'Mẫu số 01 ban hành kèm theo Thông tư số 01/2018/TT-VPCP',
    parentAgency: received.agency.parentName && upper(received.agency.parentName),
    agency: upper(received.agency.name),
    receivingUnit: received.agency.name,
    placeAndDate: `${received.agency.place ?? '……………'}, ${ngayThangNam(calendar, at)}`,
    dossierId: state.dossierId,
    applicant: `${applicant.kind === 'person' ? 'Ông/Bà ' : ''}${applicant.name}`,
    address: applicant.address,
    phone: applicant.phone,
    email: applicant.email,
    procedure: received.procedure.name,
    duration: describeDurationVi(state.rule.duration),
    receivedAt: gioPhutNgay(calendar, at),
    appointment: appointment ? gioPhutNgay(calendar, Date.parse(appointment)) : DOTS,
    official: received.official.name,
    statusUrl,
  };
}

/** The slip as a printable page: A5, Times New Roman, the NĐ 30/2020 header, the QR code beside the signatures. */
export function renderReceiptSlipHtml(slip: ReceiptSlip): string {
  const e = escapeHtml;
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Giấy tiếp nhận hồ sơ và hẹn trả kết quả — ${e(slip.dossierId)}</title>
<style>@page{size:A5;margin:12mm 10mm 12mm 18mm}body{font-family:'Times New Roman','Liberation Serif',Times,serif;font-size:13px;line-height:1.35;margin:0 auto;max-width:560px;padding:4px}
.head{display:flex;justify-content:space-between;text-align:center;gap:6px}.head div{flex:1}h1{font-size:14px;text-align:center;margin:10px 0 6px}
p{margin:3px 0}.sign{display:flex;justify-content:space-between;text-align:center;margin-top:8px;gap:6px}.sign div{flex:1}
.qr{display:flex;gap:8px;align-items:center;margin-top:8px;font-size:12px}.note{font-size:11px;color:#333;margin-top:6px}</style></head><body>
<div class="head"><div>${slip.parentAgency ? `${e(slip.parentAgency)}<br>` : ''}<b>${e(slip.agency)}</b><br>BỘ PHẬN MỘT CỬA<br>Mã hồ sơ: <b>${e(slip.dossierId)}</b></div>
<div><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br><b>Độc lập - Tự do - Hạnh phúc</b><br><i>${e(slip.placeAndDate)}</i></div></div>
<h1>GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ</h1>
<p>Bộ phận Một cửa ${e(slip.receivingUnit)} tiếp nhận hồ sơ của: <b>${e(slip.applicant)}</b></p>
<p>Địa chỉ: ${e(slip.address ?? DOTS)}</p>
<p>Số điện thoại: ${e(slip.phone ?? DOTS)}&nbsp;&nbsp; Email: ${e(slip.email ?? DOTS)}</p>
<p>Nội dung yêu cầu giải quyết: ${e(slip.procedure)}</p>
<p>1. Thành phần hồ sơ nộp gồm: ${DOTS}</p>
<p>2. Số lượng hồ sơ: …… (bộ)</p>
<p>3. Thời gian giải quyết hồ sơ theo quy định là: ${e(slip.duration)}</p>
<p>4. Thời gian nhận hồ sơ: ${e(slip.receivedAt)}</p>
<p>5. Thời gian trả kết quả giải quyết hồ sơ: <b>${e(slip.appointment)}</b></p>
<p>6. Đăng ký nhận kết quả tại: ${DOTS}</p>
<p>Vào Sổ theo dõi hồ sơ, Quyển số: ……… Số thứ tự: ………</p>
<div class="sign"><div><b>NGƯỜI NỘP HỒ SƠ</b><br><i>(Ký và ghi rõ họ tên)</i><br><br><br><br></div><div><b>NGƯỜI TIẾP NHẬN HỒ SƠ</b><br><i>(Ký và ghi rõ họ tên)</i><br><br><br><b>${e(slip.official)}</b></div></div>
<div class="qr">${qrSvg(slip.statusUrl, 96)}<div>Tra cứu tình trạng hồ sơ: quét mã QR hoặc mở<br>${e(slip.statusUrl)}<br>nhập mã hồ sơ và 4 số cuối số điện thoại hoặc số định danh đã khai.</div></div>
<p class="note"><i>${e(slip.formNote)}</i></p>
</body></html>`;
}
