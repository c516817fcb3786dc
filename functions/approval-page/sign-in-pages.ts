import { qrSvg } from '../../shared/domain/letters/qr-code.ts';
import { page } from '../../shared/domain/pages/html-page.ts';
import { escapeHtml as e } from '../../shared/domain/vietnamese/format.ts';

/*
 * The pages' own sign-in (issue #30), in Vietnamese, where the user pool's managed login is not: the
 * user name and password, the first sign-in's new password, the code of the authenticator app, and
 * enrolling one (administrators must).
 */

export function passwordFormPage(base: string, formToken: string, next: string, error?: string, username = ''): string {
  return page(
    'Đăng nhập',
    `<h1>Đăng nhập Đúng Hạn</h1>
<div class="card${error ? ' error' : ''}">${error ? `<p role="alert">${e(error)}</p>` : ''}
<form method="post" action="${e(base)}/auth/login" autocomplete="on">
<input type="hidden" name="csrf" value="${e(formToken)}"><input type="hidden" name="next" value="${e(next)}">
<label for="username">Tên đăng nhập</label><input id="username" name="username" value="${e(username)}" autocomplete="username" required autofocus>
<label for="password">Mật khẩu</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Đăng nhập</button></form></div>`,
  );
}

const CHALLENGES = {
  new_password: {
    title: 'Đặt mật khẩu mới',
    intro:
      'Đây là lần đăng nhập đầu tiên: hãy đặt mật khẩu của riêng anh/chị (ít nhất 12 ký tự, có chữ hoa, chữ thường, chữ số và ký hiệu).',
    label: 'Mật khẩu mới',
    input: 'type="password" autocomplete="new-password" minlength="12"',
    mistake: 'Mật khẩu chưa đạt yêu cầu. Vui lòng chọn mật khẩu khác.',
  },
  totp: {
    title: 'Mã xác thực',
    intro: 'Nhập mã 6 chữ số đang hiện trong ứng dụng xác thực trên điện thoại của anh/chị.',
    label: 'Mã 6 chữ số',
    input: 'inputmode="numeric" autocomplete="one-time-code" pattern="\\d{6}" maxlength="6"',
    mistake: 'Mã không đúng hoặc đã hết hạn. Vui lòng nhập mã mới.',
  },
  totp_setup: {
    title: 'Cài đặt xác thực hai lớp',
    intro:
      'Tài khoản quản trị bắt buộc xác thực hai lớp. Quét mã QR dưới đây bằng ứng dụng xác thực (Google Authenticator, Microsoft Authenticator…), rồi nhập mã 6 chữ số ứng dụng hiện ra.',
    label: 'Mã 6 chữ số',
    input: 'inputmode="numeric" autocomplete="one-time-code" pattern="\\d{6}" maxlength="6"',
    mistake: 'Mã không đúng. Vui lòng nhập mã mới đang hiện trong ứng dụng.',
  },
} as const;

export function challengePage(
  base: string,
  challenge: keyof typeof CHALLENGES,
  username: string,
  secret?: string,
  mistake = false,
): string {
  const c = CHALLENGES[challenge];
  const enrol =
    challenge === 'totp_setup' && secret
      ? `<p>${qrSvg(`otpauth://totp/${encodeURIComponent(`Đúng Hạn:${username}`)}?secret=${secret}&issuer=${encodeURIComponent('Đúng Hạn')}`, 200, 'Mã QR cài đặt ứng dụng xác thực')}</p>
<p class="note">Không quét được? Nhập khóa: <code>${e(secret)}</code></p>`
      : '';
  return page(
    c.title,
    `<h1>${e(c.title)}</h1>
<div class="card${mistake ? ' error' : ''}">${mistake ? `<p role="alert">${e(c.mistake)}</p>` : ''}<p>${e(c.intro)}</p>${enrol}
<form method="post" action="${e(base)}/auth/challenge">
<label for="answer">${e(c.label)}</label><input id="answer" name="answer" ${c.input} required autofocus>
<button type="submit">Tiếp tục</button></form></div>`,
  );
}
