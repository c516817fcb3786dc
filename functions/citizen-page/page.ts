import type { CitizenView } from '../../shared/domain/citizen/citizen-view.ts';
import { renderLetterHtml } from '../../shared/domain/letters/apology-letter.ts';
import { page } from '../../shared/domain/pages/html-page.ts';
import { escapeHtml as e } from '../../shared/domain/vietnamese/format.ts';

const FORM_NOTE =
  'Mã hồ sơ in trên giấy tiếp nhận và hẹn trả kết quả. Bốn số cuối là của số điện thoại hoặc số định danh cá nhân (CCCD) đã khai khi nộp hồ sơ.';

/** The lookup form (the QR code on a letter or a receipt opens it with the code filled in). */
export function lookupFormPage(code = '', notice?: string): string {
  return page(
    'Tra cứu hồ sơ',
    `<h1>Tra cứu tình trạng hồ sơ</h1>
${notice ? `<div class="card neutral" role="status">${e(notice)}</div>` : ''}
<form class="card" method="post" action="">
<label for="code">Mã hồ sơ</label>
<input id="code" name="code" required maxlength="80" autocomplete="off" autocapitalize="characters" spellcheck="false" value="${e(code)}">
<label for="factor">4 số cuối số điện thoại hoặc số định danh</label>
<input id="factor" name="factor" required inputmode="numeric" pattern="\\d{4}" maxlength="4" autocomplete="off" title="4 chữ số, ví dụ 1234">
<button type="submit">Tra cứu</button>
<p class="note">${e(FORM_NOTE)}</p>
</form>`,
  );
}

/**
 * What every lookup that does not show a dossier answers — an unknown code, a wrong factor, too many
 * attempts — word for word the same, so none tells which it was; with, where SMS is set up, the way to a
 * one-time code for a citizen who is shut out (issue #32).
 */
export function notFoundPage(code: string, offerCode = false): string {
  const form = lookupFormPage(
    code,
    'Không tìm thấy hồ sơ khớp với thông tin đã nhập. Vui lòng kiểm tra lại mã hồ sơ và 4 số cuối; nếu đã thử nhiều lần, vui lòng thử lại sau hoặc liên hệ bộ phận một cửa nơi nộp hồ sơ.',
  );
  if (!offerCode) return form;
  return form.replace(
    '</main>',
    `<form class="card" method="post" action="">
<h2>Nhận mã xác nhận qua tin nhắn</h2>
<p class="note">Nếu không tra cứu được bằng 4 số cuối (kể cả khi bị tạm chặn do người khác nhập sai nhiều lần), có thể nhận một mã 6 chữ số gửi bằng tin nhắn đến số điện thoại di động đã khai khi nộp hồ sơ.</p>
<input type="hidden" name="action" value="send-code">
<label for="code-sms">Mã hồ sơ</label>
<input id="code-sms" name="code" required maxlength="80" autocomplete="off" autocapitalize="characters" spellcheck="false" value="${e(code)}">
<button type="submit">Gửi mã xác nhận</button>
</form>
</main>`,
  );
}

/** After a one-time code was asked for: the same words whether one was sent or not, and where to type it. */
export function oneTimeCodePage(code: string, wrong = false): string {
  return page(
    'Nhập mã xác nhận',
    `<h1>Nhập mã xác nhận</h1>
<div class="card neutral" role="status">${e(
      wrong
        ? 'Mã xác nhận không đúng hoặc đã hết hiệu lực. Vui lòng kiểm tra lại tin nhắn, hoặc yêu cầu gửi mã mới.'
        : 'Nếu mã hồ sơ đúng và hồ sơ có số điện thoại di động, một mã 6 chữ số vừa được gửi bằng tin nhắn. Mã có hiệu lực trong 10 phút.',
    )}</div>
<form class="card" method="post" action="">
<input type="hidden" name="action" value="verify-code">
<input type="hidden" name="code" value="${e(code)}">
<p>Mã hồ sơ: <b>${e(code)}</b></p>
<label for="otp">Mã xác nhận (6 chữ số)</label>
<input id="otp" name="otp" required inputmode="numeric" pattern="\\d{6}" maxlength="6" autocomplete="one-time-code">
<button type="submit">Xem hồ sơ</button>
</form>
<p><a href="">Quay lại tra cứu</a></p>`,
  );
}

/** The dossier as its citizen may see it. */
export function statusPage(view: CitizenView): string {
  const row = (label: string, value: string | undefined) => (value ? `<dt>${e(label)}</dt><dd>${e(value)}</dd>` : '');
  const appointment = view.appointment;
  const contact = view.contact;
  return page(
    `Hồ sơ ${view.code}`,
    `<h1>Tình trạng hồ sơ</h1>
<div class="card"><dl>
${row('Mã hồ sơ', view.code)}
${row('Thủ tục', view.procedure)}
${row('Nơi tiếp nhận', view.receivingUnit)}
${row('Thời điểm tiếp nhận', view.receivedAt)}
${row('Tình trạng', view.status)}
${row('Đang xử lý tại', view.heldBy)}
</dl></div>
<div class="card ${view.timeliness.tone}">
${appointment ? `<p>${appointment.kind === 'reappointed' ? 'Ngày hẹn trả kết quả mới' : 'Hẹn trả kết quả'}: <b>${e(appointment.at)}</b></p>${appointment.note ? `<p class="note">${e(appointment.note)}</p>` : ''}` : ''}
<p><b>${e(view.timeliness.text)}</b></p></div>
${
  view.explanation.length > 0
    ? `<div class="card"><h2>Cách tính thời hạn</h2><ul>${view.explanation.map((l) => `<li>${e(l)}</li>`).join('')}</ul></div>`
    : ''
}
${view.apology ? `<div class="card letter"><h2>Phiếu xin lỗi và hẹn lại ngày trả kết quả</h2>${renderLetterHtml(view.apology)}</div>` : ''}
<div class="card"><h2>Liên hệ</h2><dl>
${row('Bộ phận một cửa', contact.unit)}
${contact.phone ? `<dt>Điện thoại</dt><dd><a href="tel:${e(contact.phone.replace(/[^\d+]/g, ''))}">${e(contact.phone)}</a></dd>` : ''}
${row('Địa chỉ', contact.address)}
${row('Giờ làm việc', contact.hours)}
</dl></div>
<p><a href="">Tra cứu hồ sơ khác</a></p>`,
  );
}
