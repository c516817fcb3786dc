import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { formFields, safeDecode } from '../../shared/adapters/html-responses.ts';
import { logger } from '../../shared/adapters/observability.ts';
import { decide } from '../../shared/domain/authority/authority.ts';
import type { CalendarDefinition } from '../../shared/domain/calendar/calendar-definition.ts';
import { isoWeekday, parseIsoDate } from '../../shared/domain/calendar/local-date.ts';
import { escapeHtml as e, enteredDate, formatCount } from '../../shared/domain/vietnamese/format.ts';
import type { CalendarVersion } from '../../shared/ports/config-admin-store.ts';
import { vietnamDay, vietnamMinute } from '../../shared/support/vietnam-time.ts';
import { InvalidConfigChangeError, listAudit } from '../../shared/use-cases/administer-config.ts';
import { configKind } from '../../shared/use-cases/config-change/kinds.ts';
import { checkCsrf } from '../../shared/use-cases/web-session.ts';
import { refusalPage } from '../approval-page/page.ts';
import { hiddenFields, movesSection, problemsAlert, seeOther } from './admin-parts.ts';
import { isRulesPath, rulesRoute } from './admin-rules.ts';
import { isUnitsPath, unitsRoute } from './admin-units.ts';
import { isUsersPath, usersRoute } from './admin-users.ts';
import type { ConsoleDeps } from './deps.ts';
import { type ConsoleContext, consolePage, day, htmlFor, METHOD_REFUSED, selectOptions, valueAttr } from './layout.ts';

/*
 * Administration in the console (issue #34): the configuration in force and its history (who changed
 * what, when), and — first of the forms — a day off added to a working-day calendar: checked as one
 * types (the browser's own validation) and on the server (every problem named by its field), the
 * dossiers it would move previewed before anything is written, then applied as the CLI and the staff
 * API apply it, through the table of configuration kinds (ADR 0025), with the signed-in person as author.
 */

const CALENDAR_PATH = /^\/console\/quan-tri\/lich\/([^/]+)(\/xem-truoc|\/ap-dung)?$/;

const KIND_LABEL: Record<string, string> = {
  holiday: 'Nghỉ lễ, Tết',
  compensatory: 'Nghỉ bù',
  swapped: 'Nghỉ do hoán đổi ngày làm việc',
};

const ACTION_LABEL: Record<string, string> = {
  'rules.put': 'Sửa quy định thời hạn',
  'calendar.put': 'Sửa lịch làm việc',
  'units.put': 'Sửa danh mục đơn vị',
  'users.put': 'Sửa danh sách người dùng',
  seed: 'Nạp cấu hình ban đầu',
  import: 'Nhập dữ liệu',
};

const STATUS_LABEL: Record<string, string> = {
  applying: 'đang áp dụng',
  applied: 'đã áp dụng',
  failed: 'không thành công',
};

/** A day off as the form asks it. */
interface DayOffForm {
  date: string;
  name: string;
  kind: string;
  legalBasis: string;
  effectiveFrom: string;
}

export async function adminRoute(
  deps: ConsoleDeps,
  context: ConsoleContext,
  event: APIGatewayProxyEventV2,
  path: string,
): Promise<APIGatewayProxyStructuredResultV2> {
  const html = htmlFor(deps);
  if (path === '/console/quan-tri') return html(200, await overviewPage(deps, context));
  if (isUsersPath(path)) return usersRoute(deps, context, event, path);
  if (isRulesPath(path)) return rulesRoute(deps, context, event, path);
  if (isUnitsPath(path)) return unitsRoute(deps, context, event, path);
  const match = CALENDAR_PATH.exec(path);
  const id = match?.[1] ? safeDecode(match[1])?.slice(0, 64) : undefined;
  if (!id) return html(404, refusalPage('Không tìm thấy', 'Trang không tồn tại.'));
  const calendars = configKind('calendars');
  const current = await currentVersion(deps, id);
  if (!current) return html(404, refusalPage('Không tìm thấy', `Không có lịch làm việc “${id}”.`));
  const method = event.requestContext?.http?.method ?? 'GET';
  if (!match?.[2]) {
    if (method !== 'GET') return html(405, METHOD_REFUSED());
    return html(200, await calendarPage(deps, context, current, event.queryStringParameters?.['da-ap-dung']));
  }
  if (method !== 'POST') return html(405, METHOD_REFUSED());
  // A change is the authority's to allow (config.write), asked before anything is read from the form.
  if (!decide(context.person, calendars.write, {}, context.units).allowed)
    return html(403, refusalPage('Không có quyền', 'Chỉ quản trị hệ thống được sửa lịch làm việc.'));
  const form = formFields(event);
  checkCsrf(context.bar.csrf, form.get('csrf'));
  const asked: DayOffForm = {
    date: (form.get('ngay') ?? '').trim().slice(0, 20),
    name: (form.get('ten') ?? '').trim().slice(0, 200),
    kind: form.get('loai') ?? 'holiday',
    legalBasis: (form.get('can-cu') ?? '').trim().slice(0, 300),
    effectiveFrom: (form.get('hieu-luc') ?? day(vietnamDay(deps.clock.now()))).trim().slice(0, 20),
  };
  const built = withDayOff(current.definition, asked);
  if ('problems' in built)
    return html(400, await calendarPage(deps, context, current, undefined, asked, built.problems));
  const document = { name: `console:${id}`, data: built.definition };
  try {
    if (match[2] === '/xem-truoc') {
      const preview = (await calendars.preview?.(deps.admin, [document])) as Preview;
      return html(200, previewPage(context, current, asked, preview));
    }
    const applied = (await calendars.put(deps.admin, [document], context.person, {
      legalBasis: asked.legalBasis,
      effectiveFrom: built.effectiveFrom,
    })) as Preview & { version: number };
    logger.info('calendar changed in the console', { calendarId: id, version: applied.version });
    return seeOther(
      `${context.bar.base}/console/quan-tri/lich/${encodeURIComponent(id)}?da-ap-dung=${applied.version}`,
    );
  } catch (error) {
    if (!(error instanceof InvalidConfigChangeError)) throw error;
    const problems = error.problems.map((p) => `${p.path || 'lịch'}: ${p.reason}`);
    return html(400, await calendarPage(deps, context, current, undefined, asked, problems));
  }
}

type Preview = {
  examined: number;
  moves: {
    dossierId: string;
    field: string;
    before: { dueAt?: string | null | undefined };
    after: { dueAt?: string | null | undefined };
  }[];
  diff: { days: { date: string; before: { working: boolean }; after: { working: boolean; name?: string } }[] };
};

async function currentVersion(deps: ConsoleDeps, id: string): Promise<CalendarVersion | undefined> {
  try {
    return ((await configKind('calendars').get(deps.admin, id)) as { current: CalendarVersion }).current;
  } catch (error) {
    if ((error as Error).name === 'ConfigNotFoundError') return undefined;
    throw error;
  }
}

/**
 * The calendar with one more day off, or every problem of the form by its field: a real weekday of a
 * year the calendar lists officially (a year derived from the Labour Code is loaded whole, by file), not
 * already a day off; a name; a legal basis; an effective date.
 */
function withDayOff(
  definition: CalendarDefinition,
  asked: DayOffForm,
): { definition: CalendarDefinition; effectiveFrom: string } | { problems: string[] } {
  const problems: string[] = [];
  const date = enteredDate(asked.date);
  const effectiveFrom = enteredDate(asked.effectiveFrom);
  if (!date) problems.push('Ngày nghỉ: phải là ngày có thật, viết dd/mm/yyyy.');
  if (asked.name.length < 2) problems.push('Tên ngày nghỉ: phải ghi tên dịp nghỉ (ví dụ “Nghỉ Tết Dương lịch”).');
  if (!KIND_LABEL[asked.kind]) problems.push('Loại ngày nghỉ: chọn một loại trong danh sách.');
  if (asked.legalBasis.length < 3) problems.push('Căn cứ: phải ghi số hiệu văn bản quyết định ngày nghỉ.');
  if (!effectiveFrom) problems.push('Ngày hiệu lực: phải là ngày có thật, viết dd/mm/yyyy.');
  const year = date ? definition.years[date.slice(0, 4)] : undefined;
  if (date && !year)
    problems.push(
      `Ngày nghỉ: năm ${date.slice(0, 4)} chưa có lịch chính thức trong lịch này; nạp lịch cả năm bằng tệp (dunghan calendars put).`,
    );
  if (date && !definition.workingWeekdays.includes(isoWeekday(parseIsoDate(date))))
    problems.push('Ngày nghỉ: là ngày nghỉ hằng tuần; nếu được nghỉ bù, hãy khai báo ngày làm việc kế tiếp.');
  if (date && year?.daysOff.some((d) => d.date === date)) problems.push('Ngày nghỉ: ngày này đã là ngày nghỉ.');
  if (problems.length > 0 || !date || !year || !effectiveFrom) return { problems };
  const dayOff = { date, name: asked.name, kind: asked.kind as 'holiday', source: asked.legalBasis };
  const daysOff = [...year.daysOff, dayOff].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return {
    definition: { ...definition, years: { ...definition.years, [date.slice(0, 4)]: { ...year, daysOff } } },
    effectiveFrom,
  };
}

function dayOffForm(
  context: ConsoleContext,
  id: string,
  today: string,
  asked?: DayOffForm,
  problems: readonly string[] = [],
) {
  const kinds = selectOptions(Object.entries(KIND_LABEL), asked?.kind);
  return `<form class="card" method="post" action="${e(context.bar.base)}/console/quan-tri/lich/${encodeURIComponent(id)}/xem-truoc">
<h2 id="them">Thêm ngày nghỉ</h2>
${problemsAlert(problems)}
<input type="hidden" name="csrf" value="${e(context.bar.csrf)}">
<label for="ngay">Ngày nghỉ (ngày làm việc được nghỉ)</label>
<input id="ngay" name="ngay" inputmode="numeric" placeholder="dd/mm/yyyy" required pattern="\\d{1,2}/\\d{1,2}/\\d{4}" title="ngày/tháng/năm, ví dụ 02/01/2026"${valueAttr(asked?.date)}>
<label for="ten">Tên dịp nghỉ</label>
<input id="ten" name="ten" required minlength="2" maxlength="200"${valueAttr(asked?.name)}>
<label for="loai">Loại</label><select id="loai" name="loai">${kinds}</select>
<label for="can-cu">Căn cứ (số hiệu văn bản)</label>
<input id="can-cu" name="can-cu" required minlength="3" maxlength="300" placeholder="ví dụ Thông báo 6150/TB-BNV"${valueAttr(asked?.legalBasis)}>
<label for="hieu-luc">Ngày hiệu lực</label>
<input id="hieu-luc" name="hieu-luc" inputmode="numeric" placeholder="dd/mm/yyyy" required pattern="\\d{1,2}/\\d{1,2}/\\d{4}"${valueAttr(asked?.effectiveFrom ?? day(today))}>
<button type="submit">Xem trước các hồ sơ bị ảnh hưởng</button>
<p class="note">Chưa có gì thay đổi cho đến khi anh/chị xem trước và bấm áp dụng.</p></form>`;
}

async function calendarPage(
  deps: ConsoleDeps,
  context: ConsoleContext,
  current: CalendarVersion,
  applied?: string,
  asked?: DayOffForm,
  problems: readonly string[] = [],
): Promise<string> {
  const { versions } = (await configKind('calendars').get(deps.admin, current.id)) as {
    versions: Omit<CalendarVersion, 'definition'>[];
  };
  const thisYear = vietnamDay(deps.clock.now()).slice(0, 4);
  const years = Object.keys(current.definition.years)
    .filter((y) => y >= thisYear)
    .sort();
  const daysOff = years
    .map((y) => {
      const entry = current.definition.years[y];
      const rows = (entry?.daysOff ?? [])
        .map(
          (d) => `<tr><td>${e(day(d.date))}</td><td>${e(d.name)}</td><td>${e(KIND_LABEL[d.kind] ?? d.kind)}</td></tr>`,
        )
        .join('');
      return `<table class="grid"><caption>Năm ${e(y)}${entry?.provisional ? ' (dự kiến)' : ''}: ${entry?.daysOff.length ?? 0} ngày làm việc được nghỉ</caption>
<thead><tr><th scope="col">Ngày</th><th scope="col">Dịp</th><th scope="col">Loại</th></tr></thead><tbody>${rows}</tbody></table>`;
    })
    .join('');
  const history = [...versions]
    .sort((a, b) => b.version - a.version)
    .map(
      (v) =>
        `<tr><td>${v.version}</td><td>${e(shortInstant(v.at))}</td><td>${e(v.author)}</td><td>${e(v.legalBasis)}</td><td>${e(day(v.effectiveFrom))}</td></tr>`,
    )
    .join('');
  const mayWrite = decide(context.person, configKind('calendars').write, {}, context.units).allowed;
  return consolePage(
    context,
    'admin',
    current.definition.name,
    `<p><a href="${e(context.bar.base)}/console/quan-tri">← Quản trị</a></p><h1>${e(current.definition.name)}</h1>
${applied ? `<div class="card ok" role="status"><p>Đã áp dụng: lịch phiên bản ${e(applied)}.</p></div>` : ''}
<div class="card"><p>Mã lịch <b>${e(current.id)}</b> · phiên bản ${current.version}${current.version === 0 ? ' (có sẵn)' : ''}</p></div>
${mayWrite ? dayOffForm(context, current.id, vietnamDay(deps.clock.now()), asked, problems) : ''}
<section class="card letter" tabindex="0" aria-labelledby="ngay-nghi"><h2 id="ngay-nghi">Ngày làm việc được nghỉ</h2>${daysOff}</section>
<section class="card letter" tabindex="0" aria-labelledby="lich-su"><h2 id="lich-su">Lịch sử phiên bản</h2>
${history ? `<table class="grid"><thead><tr><th scope="col">Phiên bản</th><th scope="col">Lúc</th><th scope="col">Người thay đổi</th><th scope="col">Căn cứ</th><th scope="col">Hiệu lực từ</th></tr></thead><tbody>${history}</tbody></table>` : '<p>Lịch có sẵn, chưa được sửa.</p>'}</section>`,
  );
}

/** An audit or version instant as officials read it ("—" for the built-in version, which has none). */
function shortInstant(iso: string): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? '—' : vietnamMinute(at);
}

function previewPage(context: ConsoleContext, current: CalendarVersion, asked: DayOffForm, preview: Preview): string {
  const days = preview.diff.days
    .map(
      (d) =>
        `<li>${e(day(d.date))}: ${d.before.working ? 'ngày làm việc' : 'ngày nghỉ'} → <b>${d.after.working ? 'ngày làm việc' : `ngày nghỉ${d.after.name ? ` (${d.after.name})` : ''}`}</b></li>`,
    )
    .join('');
  const hidden = hiddenFields({
    csrf: context.bar.csrf,
    ngay: asked.date,
    ten: asked.name,
    loai: asked.kind,
    'can-cu': asked.legalBasis,
    'hieu-luc': asked.effectiveFrom,
  });
  const base = `${e(context.bar.base)}/console/quan-tri/lich/${encodeURIComponent(current.id)}`;
  return consolePage(
    context,
    'admin',
    'Xem trước thay đổi lịch',
    `<p><a href="${base}">← ${e(current.definition.name)}</a></p><h1>Xem trước thay đổi lịch</h1>
<section class="card" aria-labelledby="thay-doi"><h2 id="thay-doi">Ngày thay đổi</h2><ul>${days}</ul>
<p class="note">Căn cứ: ${e(asked.legalBasis)} · hiệu lực từ ${e(asked.effectiveFrom)}</p></section>
${movesSection(preview)}
<form class="card" method="post" action="${base}/ap-dung">${hidden}<button type="submit">Áp dụng thay đổi</button>
<p class="note">Khi áp dụng, lịch có phiên bản mới ghi tên anh/chị; hạn của các hồ sơ trên được tính lại và ghi vào quá trình giải quyết.</p></form>`,
  );
}

/** `/console/quan-tri`: the configuration in force and the history of changes with their authors. */
async function overviewPage(deps: ConsoleDeps, context: ConsoleContext): Promise<string> {
  const calendars = (await configKind('calendars').list(deps.admin)) as {
    id: string;
    name: string;
    version: number;
    provisionalYears: string[];
  }[];
  const { rules, units } = await deps.rules.current();
  const [anchor, verification] = await Promise.all([deps.anchors.latest(), deps.anchors.latestVerification()]);
  // The latest first (the log lists them as written: at the same instant, the later written first too).
  const audit = (await listAudit(deps.admin))
    .reverse()
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
    .slice(0, 50);
  const calendarRows = calendars
    .map(
      (c) =>
        `<tr><td><a href="${e(context.bar.base)}/console/quan-tri/lich/${encodeURIComponent(c.id)}">${e(c.name)}</a></td><td>${c.version}</td><td>${e(c.provisionalYears.join(', ') || '—')}</td></tr>`,
    )
    .join('');
  const history = audit
    .map(
      (a) =>
        `<tr><td>${e(shortInstant(a.at))}</td><td>${e(ACTION_LABEL[a.action] ?? a.action)}</td><td>${e(a.actor ? a.author : a.action === 'seed' ? 'Hệ thống (cấu hình mẫu)' : a.author)}</td><td>${e(STATUS_LABEL[a.status] ?? a.status)}</td><td>${a.dossiersMoved ?? '—'}</td></tr>`,
    )
    .join('');
  return consolePage(
    context,
    'admin',
    'Quản trị',
    `<h1>Quản trị</h1>
<section class="card letter" tabindex="0" aria-labelledby="lich"><h2 id="lich">Lịch làm việc</h2>
<table class="grid"><thead><tr><th scope="col">Lịch</th><th scope="col">Phiên bản</th><th scope="col">Năm dự kiến</th></tr></thead><tbody>${calendarRows}</tbody></table></section>
<section class="card" aria-labelledby="kiem-chung"><h2 id="kiem-chung">Chứng cứ chống sửa đổi (nhật ký kiểm toán)</h2><dl>
<dt>Ngày gần nhất đã neo</dt><dd>${anchor ? `${e(day(anchor.day))} — ${formatCount(anchor.entries)} bản ghi, neo lúc ${e(shortInstant(anchor.anchoredAt))}` : 'Chưa neo ngày nào.'}</dd>
<dt>Lần kiểm chứng sạch gần nhất</dt><dd>${verification ? `Đến hết ngày ${e(day(verification.verifiedTo))}: ${formatCount(verification.dossiers)} hồ sơ, ${formatCount(verification.entries)} bản ghi, không phát hiện sai lệch (chạy lúc ${e(shortInstant(verification.at))})` : 'Chưa có lần kiểm chứng nào được ghi lại (chạy <code>dunghan verify</code>).'}</dd>
</dl></section>
<section class="card"><h2>Cấu hình đang áp dụng</h2><p><a href="${e(context.bar.base)}/console/quan-tri/quy-dinh">${formatCount(rules.length)} quy định thời hạn</a> · <a href="${e(context.bar.base)}/console/quan-tri/don-vi">${formatCount(units.directory.units.length)} đơn vị</a></p>
${decide(context.person, 'users.manage', {}, context.units).allowed ? `<p><a href="${e(context.bar.base)}/console/quan-tri/nguoi-dung">Người dùng và vai trò</a></p>` : ''}</section>
<section class="card letter" tabindex="0" aria-labelledby="lich-su"><h2 id="lich-su">Lịch sử thay đổi cấu hình</h2>
${history ? `<table class="grid"><thead><tr><th scope="col">Lúc</th><th scope="col">Thay đổi</th><th scope="col">Người thay đổi</th><th scope="col">Kết quả</th><th scope="col">Hồ sơ dời hạn</th></tr></thead><tbody>${history}</tbody></table>` : '<p>Chưa có thay đổi nào.</p>'}</section>`,
  );
}
