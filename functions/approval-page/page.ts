import type { ApologyChannel } from '../../shared/domain/dossier/dossier-record.ts';
import type { ApprovalRefusedError } from '../../shared/domain/dossier/re-appointment.ts';
import { renderLetterHtml } from '../../shared/domain/letters/apology-letter.ts';
import { page } from '../../shared/domain/pages/html-page.ts';
import { escapeHtml as e } from '../../shared/domain/vietnamese/format.ts';
import { vietnamMinute } from '../../shared/support/vietnam-time.ts';
import type { ApprovalView } from '../../shared/use-cases/approve-through-link.ts';

/** What the approval form says of each refused entry (the link's page and the console's). */
export const APPROVAL_FORM_ERRORS: Record<ApprovalRefusedError['code'], string> = {
  already_reappointed: 'Hồ sơ này đã được hẹn lại một lần.',
  closed: 'Hồ sơ đã kết thúc.',
  reason_missing: 'Vui lòng ghi rõ lý do chậm trễ (ít nhất 5 ký tự).',
  reason_too_long: 'Lý do không được dài quá 2000 ký tự.',
  date_invalid: 'Ngày hẹn mới không hợp lệ (ngày/tháng/năm phải có thật).',
  too_far: 'Ngày hẹn mới không được quá một năm sau hạn trả kết quả theo quy định.',
  not_working_day: 'Ngày hẹn mới phải là ngày làm việc.',
  not_after_due: 'Ngày hẹn mới phải sau hạn trả kết quả theo quy định.',
  already_past: 'Ngày hẹn mới đã qua: hãy chọn một ngày làm việc từ hôm nay trở đi.',
  not_drafted: 'Hồ sơ không có dự thảo phiếu xin lỗi nào chờ duyệt.',
};

/** The approval form: the draft letter, the reason, the new return date, approve. */
export function approvalFormPage(
  view: ApprovalView,
  token: string,
  signedIn: SignedInBar,
  error?: string,
  values: { reason?: string; newReturnDate?: string } = {},
  /** Where a head returns the draft unsigned (the console's form), when the page offers it. */
  returnUrl?: string,
): string {
  const { record } = view;
  const iso = view.originalDueAt;
  const due = `${iso.slice(11, 16)} ngày ${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
  return page(
    'Duyệt phiếu xin lỗi',
    `${signedInBar(signedIn)}<h1>Duyệt phiếu xin lỗi và hẹn lại ngày trả kết quả</h1>
<div class="card"><p>Hồ sơ <b>${e(record.state.dossierId)}</b> — ${e(record.state.received?.procedure.name ?? '')}</p>
<p>Hạn trả kết quả theo quy định: <b>${e(due)}</b>. Theo quy định chỉ được hẹn lại <b>một lần</b>; ngày hẹn mới phải sau hạn này.</p></div>
${error ? `<div class="card error" role="alert">${e(error)}</div>` : ''}
${returnedNote(view)}
<form class="card" method="post" action="">
${token ? `<input type="hidden" name="token" value="${e(token)}">` : ''}
<input type="hidden" name="csrf" value="${e(signedIn.csrf)}">
<label for="reason">Lý do chậm trễ (ghi trong phiếu)</label>
<textarea id="reason" name="reason" required minlength="5" maxlength="2000">${e(values.reason ?? record.apology.reason ?? '')}</textarea>
<label for="newReturnDate">Ngày hẹn trả kết quả mới</label>
<input id="newReturnDate" name="newReturnDate" type="text" inputmode="numeric" placeholder="dd/mm/yyyy" pattern="\\d{1,2}/\\d{1,2}/\\d{4}|\\d{4}-\\d{2}-\\d{2}" title="ngày/tháng/năm, ví dụ 22/03/2024" required value="${e(values.newReturnDate ?? vnDate(view.proposedReturnDate))}">
<p class="note">Người duyệt: <b>${e(signedIn.name)}</b> (đã đăng nhập).</p>
<button type="submit" id="approve">Duyệt và gửi phiếu xin lỗi cho công dân</button>
<p class="note">Phiếu được gửi ngay khi duyệt: cho công dân qua email nếu có; nếu không, bộ phận một cửa nhận bản in qua email để trao hoặc gửi bưu điện.</p>
</form>
${returnUrl ? returnForm(returnUrl, signedIn.csrf) : ''}
<div class="card letter"><p class="note">Bản dự thảo phiếu (phần tô vàng sẽ được thay bằng nội dung ở trên):</p>${renderLetterHtml(view.letter)}</div>`,
  );
}

/** The last time a head returned this draft unsigned, and what they asked the desk to set right. */
export function returnedNote(view: Pick<ApprovalView, 'record'>): string {
  const returned = view.record.apology.returned;
  if (!returned) return '';
  return `<div class="card warn" role="note"><p>Dự thảo đã bị trả lại lúc ${e(vietnamMinute(Date.parse(returned.at)))} bởi <b>${e(returned.by)}</b>:</p><p>${e(returned.note)}</p></div>`;
}

/** The head's other answer: return the draft unsigned, saying what is to be set right. */
function returnForm(url: string, csrf: string): string {
  return `<form class="card" method="post" action="${e(url)}"><h2>Chưa duyệt: trả lại dự thảo</h2>
<input type="hidden" name="csrf" value="${e(csrf)}">
<label for="note">Điều bộ phận một cửa cần làm rõ hoặc sửa</label>
<textarea id="note" name="note" required minlength="5" maxlength="2000"></textarea>
<button type="submit" id="return" class="secondary">Trả lại dự thảo, chưa duyệt</button>
<p class="note">Trả lại không dừng thời hạn: hồ sơ vẫn quá hạn cho đến khi phiếu được duyệt và gửi công dân.</p></form>`;
}

/** Who is signed in, and the form that signs them out (CSRF-protected like every state-changing form). */
export interface SignedInBar {
  name: string;
  csrf: string;
  /** The pages' base path (a REST API's stage). */
  base: string;
  /** The console's sections, under the bar (issue #34), where the page is one of the console's. */
  nav?: string | undefined;
}

export function signedInBar(bar: SignedInBar): string {
  return `<form class="note" method="post" action="${e(bar.base)}/auth/logout" style="text-align:right">Đăng nhập: <b>${e(bar.name)}</b>
<input type="hidden" name="csrf" value="${e(bar.csrf)}"><button type="submit" style="width:auto;margin:0 0 0 8px;padding:6px 12px">Đăng xuất</button></form>${bar.nav ?? ''}`;
}

/** After signing out. */
export function signedOutPage(base: string): string {
  return page(
    'Đã đăng xuất',
    `<div class="card ok"><h1>Đã đăng xuất</h1><p>Phiên làm việc đã kết thúc trên thiết bị này.</p>
<p><a href="${e(base)}/auth/login">Đăng nhập lại</a></p></div>`,
  );
}

/** `dd/mm/yyyy` from `YYYY-MM-DD` (the form shows dates as Vietnamese readers write them, whatever the browser's locale). */
function vnDate(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : iso;
}

/** After approval. */
const WILL_SEND: Record<ApologyChannel, string> = {
  email: 'Phiếu xin lỗi được gửi ngay đến email của công dân.',
  phone:
    'Phiếu xin lỗi được gửi đến điện thoại của công dân qua Zalo (nếu không được thì bằng tin nhắn SMS), trừ từ 21 giờ đến 7 giờ sáng: khi đó gửi lúc 7 giờ.',
  email_and_phone:
    'Phiếu xin lỗi được gửi ngay đến email của công dân và đến điện thoại qua Zalo (hoặc tin nhắn SMS; từ 21 giờ đến 7 giờ sáng thì gửi lúc 7 giờ).',
  desk: 'Công dân không có email hay số điện thoại di động: bộ phận một cửa sẽ nhận bản in phiếu qua email ngay bây giờ để trao hoặc gửi bưu điện.',
};

const SENT_VIA: Record<NonNullable<NonNullable<ApprovalView['approval']>['sentVia']>, string> = {
  email: 'đến email của công dân',
  zns: 'đến công dân qua Zalo',
  sms: 'đến công dân bằng tin nhắn SMS',
  desk: 'cho bộ phận một cửa (bản in) để trao cho công dân',
};

export function approvedPage(
  dossierId: string,
  newReturnAt: string,
  channel: ApologyChannel,
  bar: SignedInBar,
): string {
  return page(
    'Đã duyệt',
    `${signedInBar(bar)}<div class="card ok"><h1>Đã duyệt phiếu xin lỗi</h1><p>Hồ sơ <b>${e(dossierId)}</b>: ngày hẹn trả kết quả mới là <b>${e(newReturnAt.slice(0, 10).split('-').reverse().join('/'))}</b>.</p>
<p>${e(WILL_SEND[channel])}</p></div>`,
  );
}

/** A used link: the approval already made, and what was sent to whom — never the blank form again. */
export function alreadyApprovedPage(view: ApprovalView, bar: SignedInBar): string {
  const done = view.approval;
  if (!done) throw new Error('the dossier is not approved');
  const sent = done.sentAt
    ? `Phiếu đã được gửi ${SENT_VIA[done.sentVia ?? 'desk']} lúc ${done.sentAt}.`
    : 'Phiếu đang chờ gửi; hệ thống sẽ gửi trong ít phút (tin nhắn điện thoại không gửi từ 21 giờ đến 7 giờ sáng).';
  return page(
    'Đã duyệt',
    `${signedInBar(bar)}<div class="card ok"><h1>Phiếu xin lỗi đã được duyệt</h1>
<p>Hồ sơ <b>${e(view.record.state.dossierId)}</b> — ${e(view.record.state.received?.procedure.name ?? '')}</p>
<p>Đã duyệt lúc <b>${e(done.at)}</b> bởi <b>${e(done.by)}</b>; ngày hẹn trả kết quả mới: <b>${e(done.newReturnDate)}</b>.</p>
<p>Lý do: ${e(done.reason)}</p>
<p>${e(sent)}</p>
<p class="note">Theo quy định chỉ được hẹn lại một lần: đường dẫn này không dùng để duyệt lại.</p></div>`,
  );
}

/** A refusal, with what to do. */
export function refusalPage(title: string, message: string): string {
  return page(title, `<div class="card error" role="alert"><h1>${e(title)}</h1><p>${e(message)}</p></div>`);
}

/**
 * A refused approval (the link's page and the console's): who may sign — the issuing unit's head, the
 * head the link was mailed to — or why the dossier takes no approval now (re-appointed once, closed).
 */
export function approvalRefusal(refusal: { kind: 'access'; reason: string } | { kind: 'dossier'; code: string }): {
  status: number;
  body: string;
} {
  if (refusal.kind === 'access')
    return {
      status: 403,
      body: refusalPage(
        'Không có quyền duyệt',
        refusal.reason === 'not_bound_person'
          ? 'Đường dẫn này được gửi cho lãnh đạo khác của đơn vị ban hành phiếu. Chỉ người nhận đường dẫn mới duyệt được.'
          : 'Chỉ lãnh đạo của đơn vị ban hành phiếu xin lỗi mới được duyệt phiếu. Đề nghị chuyển cho lãnh đạo đơn vị đó.',
      ),
    };
  return {
    status: 409,
    body: refusalPage(
      'Không thể duyệt',
      refusal.code === 'already_reappointed'
        ? 'Hồ sơ này đã được hẹn lại một lần; theo quy định không được hẹn lại lần thứ hai.'
        : refusal.code === 'not_drafted'
          ? 'Hồ sơ không có dự thảo phiếu xin lỗi nào chờ duyệt.'
          : 'Hồ sơ đã kết thúc, không cần phiếu xin lỗi.',
    ),
  };
}
