import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { formFields, safeDecode } from '../../shared/adapters/html-responses.ts';
import { logger } from '../../shared/adapters/observability.ts';
import { grantName, parseGrant } from '../../shared/domain/authority/actors.ts';
import { decide } from '../../shared/domain/authority/authority.ts';
import { USERNAME, type User } from '../../shared/domain/users/user-directory.ts';
import { escapeHtml as e } from '../../shared/domain/vietnamese/format.ts';
import {
  addUser,
  changeUserGrants,
  InvalidConfigChangeError,
  setUserDisabled,
} from '../../shared/use-cases/administer-config.ts';
import { configKind } from '../../shared/use-cases/config-change/kinds.ts';
import { checkCsrf } from '../../shared/use-cases/web-session.ts';
import { refusalPage } from '../approval-page/page.ts';
import { problemsAlert, seeOther } from './admin-parts.ts';
import type { ConsoleDeps } from './deps.ts';
import { type ConsoleContext, consolePage, htmlFor, METHOD_REFUSED } from './layout.ts';

/*
 * The people who sign in, administered in the console (issue #34): the directory in force, a person
 * added with a first role, roles given and taken, a person disabled or enabled — each a new version of
 * the user directory, audited with the signed-in administrator as author, and mirrored into Cognito on
 * AWS — through the same use cases as `dunghan users add|roles|disable` (the kind's `users.manage`).
 */

const USERS_PATH = /^\/console\/quan-tri\/nguoi-dung(?:\/(them)|\/([^/]+)\/(vai-tro|thu-hoi|trang-thai))?$/;

const ROLE_LABEL: Record<string, string> = {
  official: 'Cán bộ',
  head: 'Lãnh đạo',
  supervisor: 'Giám sát',
  admin: 'Quản trị hệ thống',
};

export function isUsersPath(path: string): boolean {
  return USERS_PATH.test(path);
}

export async function usersRoute(
  deps: ConsoleDeps,
  context: ConsoleContext,
  event: APIGatewayProxyEventV2,
  path: string,
): Promise<APIGatewayProxyStructuredResultV2> {
  const html = htmlFor(deps);
  const kind = configKind('users');
  if (!decide(context.person, kind.write, {}, context.units).allowed)
    return html(403, refusalPage('Không có quyền', 'Chỉ quản trị hệ thống được quản lý người dùng.'));
  const match = USERS_PATH.exec(path) as RegExpExecArray;
  const method = event.requestContext?.http?.method ?? 'GET';
  if (!match[1] && !match[2]) {
    if (method !== 'GET') return html(405, METHOD_REFUSED());
    return html(200, await usersPage(deps, context, [], event.queryStringParameters?.['da-luu']));
  }
  if (method !== 'POST') return html(405, METHOD_REFUSED());
  const form = formFields(event);
  checkCsrf(context.bar.csrf, form.get('csrf'));
  const users = { ...deps.admin, ...(deps.identities ? { identities: deps.identities } : {}) };
  const grant = grantFrom(form.get('vai-tro') ?? '', form.get('don-vi') ?? '');
  try {
    if (match[1] === 'them') {
      const asked = {
        username: (form.get('ten-dang-nhap') ?? '').trim().toLowerCase().slice(0, 80),
        name: (form.get('ho-ten') ?? '').trim().slice(0, 200),
        email: (form.get('email') ?? '').trim().slice(0, 200),
      };
      const problems = [
        ...(USERNAME.test(asked.username)
          ? []
          : ['Tên đăng nhập: 2–63 chữ thường không dấu, số, “.”, “_” hoặc “-”, bắt đầu bằng chữ hoặc số.']),
        ...(asked.name.length >= 2 ? [] : ['Họ và tên: phải ghi họ tên người dùng.']),
        ...(/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(asked.email) ? [] : ['Email: phải là địa chỉ email.']),
        ...(grant ? [] : ['Vai trò: chọn vai trò và đơn vị (quản trị hệ thống thì không cần đơn vị).']),
      ];
      if (problems.length > 0) return html(400, await usersPage(deps, context, problems));
      await addUser(users, { ...asked, grants: [grant as string] }, context.person);
    } else {
      const username = safeDecode(match[2] as string)?.slice(0, 80) ?? '';
      if (match[3] === 'trang-thai') await setUserDisabled(users, username, form.get('khoa') === '1', context.person);
      else if (!grant) return html(400, await usersPage(deps, context, ['Vai trò: chọn vai trò và đơn vị.']));
      else
        await changeUserGrants(
          users,
          username,
          match[3] === 'vai-tro' ? { grant: [grant] } : { revoke: [grant] },
          context.person,
        );
    }
  } catch (error) {
    if (error instanceof InvalidConfigChangeError)
      return html(400, await usersPage(deps, context, error.problems.map(vietnameseProblem)));
    if ((error as Error).name === 'ConfigNotFoundError')
      return html(404, refusalPage('Không tìm thấy', 'Không có người dùng này.'));
    throw error;
  }
  logger.info('user directory changed in the console', { change: match[1] ?? match[3] });
  return seeOther(`${context.bar.base}/console/quan-tri/nguoi-dung?da-luu=1`);
}

/** A grant from the form's role and unit (`admin`, `head:H21.65.01`), or undefined when it is not one. */
function grantFrom(role: string, unitId: string): string | undefined {
  const text = role === 'admin' ? 'admin' : `${role}:${unitId.trim()}`;
  const grant = parseGrant(text);
  return grant ? grantName(grant) : undefined;
}

/** A problem of the directory as the administrator reads it: the field in Vietnamese, then the check. */
function vietnameseProblem(problem: { path: string; reason: string }): string {
  if (/already exists/.test(problem.reason)) return 'Tên đăng nhập: đã có người dùng này.';
  if (/is not in the directory/.test(problem.reason)) return 'Đơn vị: không có trong danh mục đơn vị đang áp dụng.';
  const field = /email/.test(problem.path) ? 'Email' : /grants/.test(problem.path) ? 'Vai trò' : 'Người dùng';
  return `${field}: không hợp lệ (${problem.reason}).`;
}

function grantText(grant: string, context: ConsoleContext): string {
  const parsed = parseGrant(grant);
  if (!parsed) return grant;
  const unit = parsed.unitId ? (context.units.get(parsed.unitId)?.name ?? parsed.unitId) : '';
  return `${ROLE_LABEL[parsed.role] ?? parsed.role}${unit ? ` — ${unit}` : ''}`;
}

function roleUnitFields(context: ConsoleContext, id: string): string {
  const roles = Object.entries(ROLE_LABEL)
    .map(([k, label]) => `<option value="${k}">${e(label)}</option>`)
    .join('');
  const units = context.units.directory.units
    .map((u) => `<option value="${e(u.id)}">${e(u.name)} (${e(u.id)})</option>`)
    .join('');
  return `<label for="vai-tro-${id}">Vai trò</label><select id="vai-tro-${id}" name="vai-tro">${roles}</select>
<label for="don-vi-${id}">Đơn vị</label><select id="don-vi-${id}" name="don-vi">${units}</select>`;
}

async function usersPage(
  deps: ConsoleDeps,
  context: ConsoleContext,
  problems: readonly string[],
  saved?: string,
): Promise<string> {
  const { users, version } = (await configKind('users').list(deps.admin)) as { users: User[]; version: number };
  const base = `${e(context.bar.base)}/console/quan-tri/nguoi-dung`;
  const csrf = `<input type="hidden" name="csrf" value="${e(context.bar.csrf)}">`;
  const rows = users
    .map((u, i) => {
      const path = `${base}/${encodeURIComponent(u.username)}`;
      const grants = u.grants
        .map((g) => {
          const parsed = parseGrant(g);
          return `<li>${e(grantText(g, context))} <form method="post" action="${path}/thu-hoi" style="display:inline">${csrf}<input type="hidden" name="vai-tro" value="${e(parsed?.role ?? '')}"><input type="hidden" name="don-vi" value="${e(parsed?.unitId ?? '')}"><button type="submit" class="link" aria-label="Thu hồi vai trò ${e(grantText(g, context))} của ${e(u.username)}">Thu hồi</button></form></li>`;
        })
        .join('');
      return `<li class="person"><h3>${e(u.name)} <span class="note">${e(u.username)} · ${u.disabled ? 'đã khóa' : 'đang dùng'}</span></h3>
<ul>${grants}</ul><details><summary>Thêm vai trò</summary><form method="post" action="${path}/vai-tro">${csrf}${roleUnitFields(context, `u${i}`)}<button type="submit">Thêm vai trò</button></form></details>
<form method="post" action="${path}/trang-thai">${csrf}<input type="hidden" name="khoa" value="${u.disabled ? '0' : '1'}"><button type="submit" class="link">${u.disabled ? 'Mở khóa tài khoản' : 'Khóa tài khoản'}</button></form></li>`;
    })
    .join('');
  return consolePage(
    context,
    'admin',
    'Người dùng',
    `<p><a href="${e(context.bar.base)}/console/quan-tri">← Quản trị</a></p><h1>Người dùng</h1>
${saved ? '<div class="card ok" role="status"><p>Đã lưu: danh sách người dùng có phiên bản mới, ghi tên anh/chị.</p></div>' : ''}
${problemsAlert(problems, 'Chưa lưu được:', true)}
<form class="card" method="post" action="${base}/them"><h2>Thêm người dùng</h2>${csrf}
<label for="ten-dang-nhap">Tên đăng nhập</label><input id="ten-dang-nhap" name="ten-dang-nhap" required pattern="[a-z0-9][a-z0-9._\\-]{1,62}" title="chữ thường không dấu, số, dấu chấm, gạch dưới, gạch ngang" autocomplete="off">
<label for="ho-ten">Họ và tên</label><input id="ho-ten" name="ho-ten" required minlength="2" maxlength="200">
<label for="email">Email</label><input id="email" name="email" type="email" required maxlength="200">
${roleUnitFields(context, 'moi')}
<button type="submit">Thêm người dùng</button><p class="note">Người dùng đăng nhập bằng tài khoản này; trên AWS, tài khoản được tạo trong Cognito và nhận thư mời.</p></form>
<section class="card" aria-labelledby="danh-sach"><h2 id="danh-sach">Danh sách người dùng (${users.length}) · phiên bản ${version}</h2>
<ul class="people">${rows}</ul></section>`,
    {
      style:
        '.people{list-style:none;padding:0;margin:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px}.person{border:1px solid #dde2ea;border-radius:8px;padding:12px}.person h3{font-size:1rem;margin:0 0 6px}.person h3 .note{display:block;font-weight:400}.person ul{margin:0 0 6px;padding-left:18px}button.link{width:auto;margin:4px 0 0;padding:4px 8px;font-weight:600;background:#fff;color:#0b5cad;border:1px solid #b8c0cc}',
    },
  );
}
