import type { YearToConfirm } from '../calendar/provisional-check.ts';
import { escapeHtml } from '../vietnamese/format.ts';

/** The email telling administrators which calendar years are still provisional and what to confirm. */
export interface ProvisionalNotice {
  subject: string;
  text: string;
  html: string;
}

function ddmmyyyy(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
}

const KIND: Record<string, string> = {
  holiday: 'nghỉ lễ, Tết',
  compensatory: 'nghỉ bù',
  swapped: 'nghỉ hoán đổi',
};

/**
 * One notice per calendar and year: the year's days off as derived from Bộ luật Lao động 2019 (to
 * confirm or correct against the Government's notice), and how to put the official calendar.
 */
export function buildProvisionalNotice(
  calendar: { id: string; name: string },
  year: YearToConfirm,
  checkedOn: string,
): ProvisionalNotice {
  const when = year.reason === 'current_year_provisional' ? 'năm nay' : 'năm sau';
  const subject = `[Đúng Hạn] Lịch làm việc năm ${year.year} (${calendar.id}) còn là lịch dự kiến — cần xác nhận`;
  const intro =
    `Đến ngày ${ddmmyyyy(checkedOn)}, lịch làm việc năm ${year.year} (${when}) của “${calendar.name}” vẫn là lịch dự kiến, ` +
    'tính theo Bộ luật Lao động 2019 (Điều 111 khoản 3, Điều 112) và âm lịch; chưa có thông báo chính thức của Chính phủ. ' +
    'Thời hạn giải quyết của các hồ sơ kéo dài sang năm này đang được tính theo lịch dự kiến.';
  const days = year.daysOff.map((d) => `${ddmmyyyy(d.date)} — ${d.name} (${KIND[d.kind] ?? d.kind})`);
  const steps = [
    'Đối chiếu các ngày trên với thông báo chính thức về lịch nghỉ Tết, nghỉ lễ và ngày hoán đổi, làm bù.',
    `Cập nhật tệp lịch (thêm năm ${year.year} với provisional: false, ngày nghỉ, ngày làm bù và nguồn văn bản).`,
    `Xem trước hồ sơ bị ảnh hưởng: dunghan calendars preview <tệp lịch> --aws`,
    `Áp dụng: dunghan calendars put <tệp lịch> --legal-basis "<số hiệu văn bản>" --aws`,
  ];
  const text = [
    'Kính gửi quản trị viên hệ thống Đúng Hạn,',
    '',
    intro,
    '',
    `Các ngày nghỉ dự kiến năm ${year.year}:`,
    ...days.map((d) => `  - ${d}`),
    ...(year.notes.length > 0 ? ['', 'Ghi chú:', ...year.notes.map((n) => `  - ${n}`)] : []),
    '',
    'Việc cần làm:',
    ...steps.map((s, i) => `  ${i + 1}. ${s}`),
    '',
    'Thư này được gửi tự động một lần cho mỗi lịch và mỗi năm.',
  ].join('\n');
  const html = [
    '<!doctype html><html lang="vi"><head><meta charset="utf-8"></head><body style="font-family:\'Times New Roman\',serif">',
    '<p>Kính gửi quản trị viên hệ thống Đúng Hạn,</p>',
    `<p>${escapeHtml(intro)}</p>`,
    `<p><b>Các ngày nghỉ dự kiến năm ${year.year}:</b></p><ul>`,
    ...days.map((d) => `<li>${escapeHtml(d)}</li>`),
    '</ul>',
    ...(year.notes.length > 0
      ? ['<p><b>Ghi chú:</b></p><ul>', ...year.notes.map((n) => `<li>${escapeHtml(n)}</li>`), '</ul>']
      : []),
    '<p><b>Việc cần làm:</b></p><ol>',
    ...steps.map((s) => `<li>${escapeHtml(s)}</li>`),
    '</ol><p><i>Thư này được gửi tự động một lần cho mỗi lịch và mỗi năm.</i></p></body></html>',
  ].join('\n');
  return { subject, text, html };
}
