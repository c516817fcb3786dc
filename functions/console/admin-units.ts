import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { formFields, safeDecode } from '../../shared/adapters/html-responses.ts';
import { logger } from '../../shared/adapters/observability.ts';
import { decide } from '../../shared/domain/authority/authority.ts';
import type { Unit, UnitDirectory } from '../../shared/domain/units/unit-directory.ts';
import { escapeHtml as e, formatCount } from '../../shared/domain/vietnamese/format.ts';
import { InvalidConfigChangeError, type UnitsPreview } from '../../shared/use-cases/administer-config.ts';
import { configKind } from '../../shared/use-cases/config-change/kinds.ts';
import { checkCsrf } from '../../shared/use-cases/web-session.ts';
import { refusalPage } from '../approval-page/page.ts';
import { hiddenFields, problemsAlert, seeOther } from './admin-parts.ts';
import type { ConsoleDeps } from './deps.ts';
import { type ConsoleContext, consolePage, htmlFor, METHOD_REFUSED, valueAttr } from './layout.ts';

/*
 * The directory of units and sending systems in the console (issue #34): every unit with its parent,
 * desk and head; one unit edited or added, or a sending system's procedures — each made into the whole
 * next directory, checked (every problem named by its field), the dossiers whose alerts it moves
 * previewed, then put as `dunghan units put` puts it (a new version, audited with the signed-in
 * administrator as author), through the table of configuration kinds.
 */

const UNITS_PATH = /^\/console\/quan-tri\/don-vi(?:\/([^/]+)(\/xem-truoc|\/ap-dung)?)?$/;
/** A sending system's form posts here (added or changed, applied at once: no dossier's dates move). */
const SYSTEMS_PATH = '/console/quan-tri/don-vi/he-thong/ap-dung';
/** The address of a unit not in the directory yet. */
const NEW = 'moi';

export function isUnitsPath(path: string): boolean {
  return UNITS_PATH.test(path);
}

/** A unit as the form asks it (desk officials one per line, "Name <email>"). */
interface UnitForm {
  id: string;
  name: string;
  parentId: string;
  place: string;
  desk: string;
  headName: string;
  headTitle: string;
  headEmail: string;
  phone: string;
  address: string;
  hours: string;
}

export async function unitsRoute(
  deps: ConsoleDeps,
  context: ConsoleContext,
  event: APIGatewayProxyEventV2,
  path: string,
): Promise<APIGatewayProxyStructuredResultV2> {
  const html = htmlFor(deps);
  const kind = configKind('units');
  const match = UNITS_PATH.exec(path) as RegExpExecArray;
  const current = (await deps.admin.config.getUnitDirectoryVersion())?.directory ?? {
    apologyIssuer: 'lead_agency',
    units: [],
  };
  const method = event.requestContext?.http?.method ?? 'GET';
  const applied = event.queryStringParameters?.['da-ap-dung'];
  if (!match[1]) return method === 'GET' ? html(200, listPage(context, current, applied)) : html(405, METHOD_REFUSED());
  if (path === SYSTEMS_PATH) return systemRoute(deps, context, event, current);
  const id = safeDecode(match[1])?.slice(0, 60) ?? '';
  const unit = id === NEW ? undefined : current.units.find((u) => u.id === id);
  if (id !== NEW && !unit) return html(404, refusalPage('Không tìm thấy', `Không có đơn vị “${id}” trong danh mục.`));
  if (!match[2]) return method === 'GET' ? html(200, unitPage(context, current, unit)) : html(405, METHOD_REFUSED());
  if (method !== 'POST') return html(405, METHOD_REFUSED());
  if (!decide(context.person, kind.write, {}, context.units).allowed)
    return html(403, refusalPage('Không có quyền', 'Chỉ quản trị hệ thống được sửa danh mục đơn vị.'));
  const form = formFields(event);
  checkCsrf(context.bar.csrf, form.get('csrf'));
  const field = (name: string, max = 300) => (form.get(name) ?? '').trim().slice(0, max);
  const asked: UnitForm = {
    id: unit?.id ?? field('ma', 60),
    name: field('ten'),
    parentId: field('cap-tren', 60),
    place: field('dia-danh', 120),
    desk: field('mot-cua', 4000),
    headName: field('lanh-dao', 200),
    headTitle: field('chuc-vu', 200),
    headEmail: field('email-lanh-dao', 200),
    phone: field('dien-thoai', 40),
    address: field('dia-chi', 300),
    hours: field('gio-lam-viec', 200),
  };
  const built = nextDirectory(current, unit, asked);
  if ('problems' in built) return html(400, unitPage(context, current, unit, asked, built.problems));
  const document = { name: `console:units`, data: built.directory };
  try {
    if (match[2] === '/xem-truoc') {
      const preview = (await kind.preview?.(deps.admin, [document])) as UnitsPreview;
      return html(200, previewPage(context, asked, preview, unit === undefined));
    }
    await kind.put(deps.admin, [document], context.person, {});
    logger.info('unit directory changed in the console', { unitId: asked.id });
    return seeOther(`${context.bar.base}/console/quan-tri/don-vi?da-ap-dung=1`);
  } catch (error) {
    if (!(error instanceof InvalidConfigChangeError)) throw error;
    return html(400, unitPage(context, current, unit, asked, error.problems.map(vietnameseProblem)));
  }
}

const FIELD_VI: Record<string, string> = {
  name: 'tên',
  parentId: 'đơn vị cấp trên',
  place: 'địa danh',
  desk: 'cán bộ một cửa',
  head: 'lãnh đạo',
  contact: 'liên hệ',
};

/** A problem of the directory as the administrator reads it: the field in Vietnamese, then the check. */
function vietnameseProblem(problem: { path: string; reason: string }): string {
  const labels: [RegExp, string][] = [
    [/desk/, 'Cán bộ một cửa'],
    [/head\.email/, 'Email lãnh đạo'],
    [/head/, 'Lãnh đạo'],
    [/parentId/, 'Đơn vị cấp trên'],
    [/\.id$/, 'Mã đơn vị'],
    [/name/, 'Tên đơn vị'],
  ];
  const label = labels.find(([pattern]) => pattern.test(problem.path))?.[1] ?? 'Danh mục';
  return `${label}: không hợp lệ (${problem.reason}).`;
}

/** Desk officials from the form's lines, "Name <email>"; a line that is not one is a problem. */
function deskFrom(text: string): { desk: { name: string; email: string }[]; bad: string[] } {
  const desk: { name: string; email: string }[] = [];
  const bad: string[] = [];
  for (const line of text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)) {
    const match = /^(.+?)\s*<([^<>\s]+@[^<>\s]+\.[^<>\s]+)>$/.exec(line);
    if (match) desk.push({ name: (match[1] as string).trim(), email: match[2] as string });
    else bad.push(line);
  }
  return { desk, bad };
}

/**
 * The whole next directory with this unit as the form says (added, or changed in place), or every
 * problem of the form by its field; the directory's own checks (ids, parents, e-mails) run on the put.
 */
function nextDirectory(
  current: UnitDirectory,
  unit: Unit | undefined,
  asked: UnitForm,
): { directory: UnitDirectory } | { problems: string[] } {
  const problems: string[] = [];
  const { desk, bad } = deskFrom(asked.desk);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$/.test(asked.id))
    problems.push('Mã đơn vị: chữ không dấu, số, “.”, “_” hoặc “-” (tối đa 60 ký tự).');
  else if (!unit && current.units.some((u) => u.id === asked.id)) problems.push('Mã đơn vị: đã có đơn vị mang mã này.');
  if (asked.name.length < 2) problems.push('Tên đơn vị: phải ghi tên đầy đủ của đơn vị.');
  if (asked.parentId && !current.units.some((u) => u.id === asked.parentId))
    problems.push('Đơn vị cấp trên: không có trong danh mục.');
  if (asked.parentId && asked.parentId === asked.id) problems.push('Đơn vị cấp trên: không thể là chính đơn vị này.');
  if (bad.length > 0) problems.push(`Cán bộ một cửa: mỗi dòng “Họ tên <email>”; dòng không đọc được: ${bad[0]}.`);
  if (desk.length === 0) problems.push('Cán bộ một cửa: phải có ít nhất một người nhận cảnh báo.');
  if (asked.headName.length < 2 || asked.headTitle.length < 2) problems.push('Lãnh đạo: phải ghi họ tên và chức vụ.');
  if (problems.length > 0) return { problems };
  const contact = {
    ...(asked.phone ? { phone: asked.phone } : {}),
    ...(asked.address ? { address: asked.address } : {}),
    ...(asked.hours ? { hours: asked.hours } : {}),
  };
  const next: Unit = {
    ...(unit ?? {}),
    id: asked.id,
    name: asked.name,
    ...(asked.parentId ? { parentId: asked.parentId } : { parentId: undefined }),
    ...(asked.place ? { place: asked.place } : { place: undefined }),
    desk,
    head: { name: asked.headName, title: asked.headTitle, ...(asked.headEmail ? { email: asked.headEmail } : {}) },
    ...(Object.keys(contact).length > 0 ? { contact } : { contact: undefined }),
  } as Unit;
  const clean = JSON.parse(JSON.stringify(next)) as Unit;
  const units = unit ? current.units.map((u) => (u.id === unit.id ? clean : u)) : [...current.units, clean];
  return { directory: { ...current, units } };
}

/** `POST …/don-vi/he-thong/ap-dung`: a sending system added or its procedures changed, as a new directory. */
async function systemRoute(
  deps: ConsoleDeps,
  context: ConsoleContext,
  event: APIGatewayProxyEventV2,
  current: UnitDirectory,
): Promise<APIGatewayProxyStructuredResultV2> {
  const html = htmlFor(deps);
  const kind = configKind('units');
  if ((event.requestContext?.http?.method ?? 'GET') !== 'POST') return html(405, METHOD_REFUSED());
  if (!decide(context.person, 'systems.manage', {}, context.units).allowed)
    return html(403, refusalPage('Không có quyền', 'Chỉ quản trị hệ thống được khai báo hệ thống gửi dữ liệu.'));
  const form = formFields(event);
  checkCsrf(context.bar.csrf, form.get('csrf'));
  const id = (form.get('ma-he-thong') ?? '').trim().slice(0, 60);
  const name = (form.get('ten-he-thong') ?? '').trim().slice(0, 300);
  const codes = [
    ...new Set(
      (form.get('thu-tuc') ?? '')
        .split(/[\s,;]+/)
        .map((c) => c.trim())
        .filter(Boolean),
    ),
  ];
  const problems = [
    ...(/^[a-z0-9][a-z0-9._-]{0,59}$/.test(id) ? [] : ['Mã hệ thống: chữ thường không dấu, số, “.”, “_” hoặc “-”.']),
    ...(name.length >= 2 ? [] : ['Tên hệ thống: phải ghi tên hệ thống.']),
    ...(codes.length <= 2000 ? [] : ['Thủ tục: nhiều nhất 2.000 mã.']),
    ...(codes.every((c) => c.length <= 60) ? [] : ['Thủ tục: mỗi mã thủ tục tối đa 60 ký tự.']),
  ];
  if (problems.length > 0) return html(400, listPage(context, current, undefined, problems));
  const system = { id, name, participatesIn: codes };
  const systems = current.systems ?? [];
  const next: UnitDirectory = {
    ...current,
    systems: systems.some((x) => x.id === id) ? systems.map((x) => (x.id === id ? system : x)) : [...systems, system],
  };
  try {
    await kind.put(deps.admin, [{ name: 'console:systems', data: next }], context.person, {});
  } catch (error) {
    if (!(error instanceof InvalidConfigChangeError)) throw error;
    return html(400, listPage(context, current, undefined, error.problems.map(vietnameseProblem)));
  }
  logger.info('sending system changed in the console', { systemId: id });
  return seeOther(`${context.bar.base}/console/quan-tri/don-vi?da-ap-dung=1`);
}

function systemForm(context: ConsoleContext, system?: { id: string; name: string; participatesIn: readonly string[] }) {
  const key = system ? system.id : 'moi';
  return `<form method="post" action="${e(context.bar.base)}${SYSTEMS_PATH}"><input type="hidden" name="csrf" value="${e(context.bar.csrf)}">
<label for="ma-he-thong-${e(key)}">Mã hệ thống</label><input id="ma-he-thong-${e(key)}" name="ma-he-thong" required pattern="[a-z0-9][a-z0-9._-]{0,59}"${system ? ` value="${e(system.id)}" readonly` : ''}>
<label for="ten-he-thong-${e(key)}">Tên hệ thống</label><input id="ten-he-thong-${e(key)}" name="ten-he-thong" required minlength="2" maxlength="300"${system ? ` value="${e(system.name)}"` : ''}>
<label for="thu-tuc-${e(key)}">Thủ tục liên thông hệ thống này được gửi (mã thủ tục, cách nhau bởi dấu cách hoặc xuống dòng)</label><textarea id="thu-tuc-${e(key)}" name="thu-tuc">${e((system?.participatesIn ?? []).join('\n'))}</textarea>
<button type="submit">${system ? 'Lưu hệ thống' : 'Thêm hệ thống'}</button></form>`;
}

function listPage(
  context: ConsoleContext,
  directory: UnitDirectory,
  applied?: string,
  problems: readonly string[] = [],
): string {
  const base = `${e(context.bar.base)}/console/quan-tri/don-vi`;
  const mayWrite = decide(context.person, configKind('units').write, {}, context.units).allowed;
  const rows = directory.units
    .map((u) => {
      const parent = directory.units.find((p) => p.id === u.parentId)?.name ?? '';
      return `<tr><td><a href="${base}/${encodeURIComponent(u.id)}">${e(u.name)}</a><span class="note">${e(u.id)}${parent ? ` · thuộc ${e(parent)}` : ''}</span></td><td>${formatCount(u.desk.length)}</td><td>${e(u.head.name)}<span class="note">${e(u.head.title)}</span></td></tr>`;
    })
    .join('');
  const mayManageSystems = decide(context.person, 'systems.manage', {}, context.units).allowed;
  const systems = (directory.systems ?? [])
    .map(
      (s) =>
        `<li><b>${e(s.name)}</b> (${e(s.id)}) — ${formatCount(s.participatesIn.length)} thủ tục liên thông${mayManageSystems ? `<details><summary>Sửa</summary>${systemForm(context, s)}</details>` : ''}</li>`,
    )
    .join('');
  return consolePage(
    context,
    'admin',
    'Danh mục đơn vị',
    `<p><a href="${e(context.bar.base)}/console/quan-tri">← Quản trị</a></p><h1>Danh mục đơn vị</h1>
${applied ? '<div class="card ok" role="status"><p>Đã áp dụng: danh mục đơn vị có phiên bản mới, ghi tên anh/chị.</p></div>' : ''}
${problemsAlert(problems, 'Chưa lưu được:', true)}
${mayWrite ? `<p><a href="${base}/${NEW}">+ Thêm đơn vị</a></p>` : ''}
<div class="card letter" tabindex="0" role="region" aria-label="Các đơn vị"><table class="grid"><caption>${formatCount(directory.units.length)} đơn vị</caption>
<thead><tr><th scope="col">Đơn vị</th><th scope="col">Cán bộ một cửa</th><th scope="col">Lãnh đạo</th></tr></thead><tbody>${rows}</tbody></table></div>
<section class="card" aria-labelledby="he-thong"><h2 id="he-thong">Hệ thống gửi dữ liệu đồng bộ</h2>${systems ? `<ul>${systems}</ul>` : '<p>Chưa khai báo hệ thống nào.</p>'}
${mayManageSystems ? `<details><summary>Thêm hệ thống</summary>${systemForm(context)}</details>` : ''}
<p class="note">Khóa ký của mỗi hệ thống nằm trong bí mật <code>SyncSecrets</code> (Secrets Manager; không hiển thị ở đây).</p></section>`,
    { style: '.grid td .note{display:block}' },
  );
}

function unitPage(
  context: ConsoleContext,
  directory: UnitDirectory,
  unit: Unit | undefined,
  asked?: UnitForm,
  problems: readonly string[] = [],
): string {
  const form: UnitForm = asked ?? {
    id: unit?.id ?? '',
    name: unit?.name ?? '',
    parentId: unit?.parentId ?? '',
    place: unit?.place ?? '',
    desk: (unit?.desk ?? []).map((d) => `${d.name} <${d.email}>`).join('\n'),
    headName: unit?.head.name ?? '',
    headTitle: unit?.head.title ?? '',
    headEmail: unit?.head.email ?? '',
    phone: unit?.contact?.phone ?? '',
    address: unit?.contact?.address ?? '',
    hours: unit?.contact?.hours ?? '',
  };
  const parents = [
    `<option value="">(không có)</option>`,
    ...directory.units
      .filter((u) => u.id !== unit?.id)
      .map(
        (u) =>
          `<option value="${e(u.id)}"${u.id === form.parentId ? ' selected' : ''}>${e(u.name)} (${e(u.id)})</option>`,
      ),
  ].join('');
  const mayWrite = decide(context.person, configKind('units').write, {}, context.units).allowed;
  const path = `${e(context.bar.base)}/console/quan-tri/don-vi/${encodeURIComponent(unit?.id ?? NEW)}`;
  const title = unit ? unit.name : 'Thêm đơn vị';
  return consolePage(
    context,
    'admin',
    title,
    `<p><a href="${e(context.bar.base)}/console/quan-tri/don-vi">← Danh mục đơn vị</a></p><h1>${e(title)}</h1>
${problemsAlert(problems, 'Chưa thể xem trước:', true)}
<form class="card" method="post" action="${path}/xem-truoc"><input type="hidden" name="csrf" value="${e(context.bar.csrf)}">
<label for="ma">Mã đơn vị</label><input id="ma" name="ma" required maxlength="60" pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,59}"${valueAttr(form.id)}${unit ? ' readonly' : ''}>
<label for="ten">Tên đơn vị</label><input id="ten" name="ten" required minlength="2" maxlength="300"${valueAttr(form.name)}>
<label for="cap-tren">Đơn vị cấp trên</label><select id="cap-tren" name="cap-tren">${parents}</select>
<label for="dia-danh">Địa danh ghi trên văn bản</label><input id="dia-danh" name="dia-danh" maxlength="120"${valueAttr(form.place)}>
<label for="mot-cua">Cán bộ một cửa nhận cảnh báo (mỗi dòng “Họ tên &lt;email&gt;”)</label><textarea id="mot-cua" name="mot-cua" required>${e(form.desk)}</textarea>
<label for="lanh-dao">Lãnh đạo ký phiếu</label><input id="lanh-dao" name="lanh-dao" required minlength="2" maxlength="200"${valueAttr(form.headName)}>
<label for="chuc-vu">Chức vụ</label><input id="chuc-vu" name="chuc-vu" required minlength="2" maxlength="200"${valueAttr(form.headTitle)}>
<label for="email-lanh-dao">Email lãnh đạo (nhận đường dẫn duyệt)</label><input id="email-lanh-dao" name="email-lanh-dao" type="email" maxlength="200"${valueAttr(form.headEmail)}>
<label for="dien-thoai">Điện thoại bộ phận một cửa (công khai cho công dân)</label><input id="dien-thoai" name="dien-thoai" maxlength="40"${valueAttr(form.phone)}>
<label for="dia-chi">Địa chỉ bộ phận một cửa</label><input id="dia-chi" name="dia-chi" maxlength="300"${valueAttr(form.address)}>
<label for="gio-lam-viec">Giờ tiếp nhận</label><input id="gio-lam-viec" name="gio-lam-viec" maxlength="200"${valueAttr(form.hours)}>
${mayWrite ? '<button type="submit">Xem trước thay đổi</button>' : '<p class="note">Chỉ quản trị hệ thống được sửa danh mục đơn vị.</p>'}</form>`,
  );
}

function previewPage(context: ConsoleContext, asked: UnitForm, preview: UnitsPreview, added: boolean): string {
  const path = `${e(context.bar.base)}/console/quan-tri/don-vi/${encodeURIComponent(added ? NEW : asked.id)}`;
  const hidden = hiddenFields({
    csrf: context.bar.csrf,
    ma: asked.id,
    ten: asked.name,
    'cap-tren': asked.parentId,
    'dia-danh': asked.place,
    'mot-cua': asked.desk,
    'lanh-dao': asked.headName,
    'chuc-vu': asked.headTitle,
    'email-lanh-dao': asked.headEmail,
    'dien-thoai': asked.phone,
    'dia-chi': asked.address,
    'gio-lam-viec': asked.hours,
  });
  const changed = preview.diff.changed.flatMap((c) => c.fields.map((f) => FIELD_VI[f] ?? f));
  return consolePage(
    context,
    'admin',
    'Xem trước thay đổi danh mục',
    `<p><a href="${path}">← ${e(asked.name)}</a></p><h1>Xem trước thay đổi danh mục</h1>
<section class="card"><p>${added ? `Thêm đơn vị <b>${e(asked.name)}</b> (${e(asked.id)}).` : `Sửa đơn vị <b>${e(asked.name)}</b>${changed.length > 0 ? `: ${e(changed.join(', '))}` : ''}.`}</p>
<p>Hồ sơ đang giải quyết mà cảnh báo sẽ gửi theo danh mục mới: <b>${formatCount(preview.rerouted.length)}</b> (đã xét ${formatCount(preview.examined)}).</p>
${preview.missingUnits.length > 0 ? `<p class="note">Đơn vị có hồ sơ nhưng chưa có trong danh mục (cảnh báo gửi bộ phận tiếp nhận): ${e(preview.missingUnits.join(', '))}</p>` : ''}</section>
<form class="card" method="post" action="${path}/ap-dung">${hidden}<button type="submit">Áp dụng thay đổi</button></form>`,
  );
}
