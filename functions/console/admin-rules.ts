import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { formFields, safeDecode } from '../../shared/adapters/html-responses.ts';
import { logger } from '../../shared/adapters/observability.ts';
import { decide } from '../../shared/domain/authority/authority.ts';
import { describeDurationVi, formatDuration } from '../../shared/domain/due-date/duration.ts';
import type { DeadlineRule } from '../../shared/domain/rules/deadline-rule.ts';
import { escapeHtml as e, enteredDate, formatCount } from '../../shared/domain/vietnamese/format.ts';
import { vietnamDay } from '../../shared/support/vietnam-time.ts';
import { InvalidConfigChangeError } from '../../shared/use-cases/administer-config.ts';
import { configKind } from '../../shared/use-cases/config-change/kinds.ts';
import { checkCsrf } from '../../shared/use-cases/web-session.ts';
import { refusalPage } from '../approval-page/page.ts';
import { hiddenFields, movesSection, problemsAlert, seeOther } from './admin-parts.ts';
import type { ConsoleDeps } from './deps.ts';
import { type ConsoleContext, consolePage, day, htmlFor, METHOD_REFUSED, selectOptions, valueAttr } from './layout.ts';

/*
 * Deadline rules in the console (issue #34): the rules in force by scope, the versions of one with who
 * put each, and a new version of it — a new duration from an effective date, citing its legal basis —
 * checked as one types and on the server, the open dossiers it would move previewed before anything is
 * written, then put as `dunghan rules put` puts it (versions are immutable; the new one takes effect on
 * its date), through the table of configuration kinds, with the signed-in administrator as author.
 */

const RULES_PATH = /^\/console\/quan-tri\/quy-dinh(?:\/([^/]+)(\/xem-truoc|\/ap-dung)?)?$/;

const UNIT_LABEL: Record<string, string> = { wd: 'ngày làm việc', d: 'ngày', wh: 'giờ làm việc' };

export function isRulesPath(path: string): boolean {
  return RULES_PATH.test(path);
}

/** A new version as the form asks it. */
interface VersionForm {
  amount: string;
  unit: string;
  effectiveFrom: string;
  legalBasis: string;
}

type Preview = {
  examined: number;
  moves: { dossierId: string; field: string; before: { dueAt?: string | null }; after: { dueAt?: string | null } }[];
};

export async function rulesRoute(
  deps: ConsoleDeps,
  context: ConsoleContext,
  event: APIGatewayProxyEventV2,
  path: string,
): Promise<APIGatewayProxyStructuredResultV2> {
  const html = htmlFor(deps);
  const kind = configKind('rules');
  const match = RULES_PATH.exec(path) as RegExpExecArray;
  const rules = (await kind.list(deps.admin)) as DeadlineRule[];
  const method = event.requestContext?.http?.method ?? 'GET';
  if (!match[1]) return method === 'GET' ? html(200, listPage(context, rules)) : html(405, METHOD_REFUSED());
  const scopeKey = safeDecode(match[1])?.slice(0, 200) ?? '';
  const versions = rules.filter((r) => r.scopeKey === scopeKey);
  const latest = versions.at(-1);
  if (!latest) return html(404, refusalPage('Không tìm thấy', 'Không có quy định thời hạn này.'));
  const today = vietnamDay(deps.clock.now());
  if (!match[2]) {
    if (method !== 'GET') return html(405, METHOD_REFUSED());
    return html(200, rulePage(context, versions, today, event.queryStringParameters?.['da-ap-dung']));
  }
  if (method !== 'POST') return html(405, METHOD_REFUSED());
  if (!decide(context.person, kind.write, {}, context.units).allowed)
    return html(403, refusalPage('Không có quyền', 'Chỉ quản trị hệ thống được sửa quy định thời hạn.'));
  const form = formFields(event);
  checkCsrf(context.bar.csrf, form.get('csrf'));
  const asked: VersionForm = {
    amount: (form.get('so') ?? '').trim().replace(',', '.').slice(0, 10),
    unit: form.get('don-vi-tinh') ?? 'wd',
    effectiveFrom: (form.get('hieu-luc') ?? '').trim().slice(0, 20),
    legalBasis: (form.get('can-cu') ?? '').trim().slice(0, 500),
  };
  const built = nextVersion(latest, asked, today);
  if ('problems' in built) return html(400, rulePage(context, versions, today, undefined, asked, built.problems));
  const document = { name: `console:${scopeKey}`, data: { rules: [built.raw] } };
  try {
    if (match[2] === '/xem-truoc') {
      const preview = (await kind.preview?.(deps.admin, [document])) as Preview;
      return html(200, previewPage(context, latest, asked, preview));
    }
    await kind.put(deps.admin, [document], context.person, {});
    logger.info('rule version put in the console', { scopeKey });
    return seeOther(`${context.bar.base}/console/quan-tri/quy-dinh/${encodeURIComponent(scopeKey)}?da-ap-dung=1`);
  } catch (error) {
    if (!(error instanceof InvalidConfigChangeError)) throw error;
    const problems = error.problems.map((p) => `${p.path || 'quy định'}: ${p.reason}`);
    return html(400, rulePage(context, versions, today, undefined, asked, problems));
  }
}

/**
 * The rule's next version as a rules file holds it — the latest one with the new duration, effective date
 * and legal basis — or every problem of the form by its field: a positive duration no shorter than the
 * steps it holds, a real date after the latest version's and not in the past, a legal basis.
 */
function nextVersion(
  latest: DeadlineRule,
  asked: VersionForm,
  today: string,
): { raw: Record<string, unknown> } | { problems: string[] } {
  const problems: string[] = [];
  const amount = Number(asked.amount);
  const effectiveFrom = enteredDate(asked.effectiveFrom);
  if (!/^\d+(\.\d+)?$/.test(asked.amount) || !(amount > 0) || amount > 3650)
    problems.push('Thời hạn: phải là một số dương (tối đa 3.650).');
  if (!UNIT_LABEL[asked.unit]) problems.push('Đơn vị tính: chọn ngày làm việc, ngày hoặc giờ làm việc.');
  if (!effectiveFrom) problems.push('Ngày hiệu lực: phải là ngày có thật, viết dd/mm/yyyy.');
  else if (effectiveFrom < today) problems.push('Ngày hiệu lực: không được trước hôm nay (phiên bản cũ giữ nguyên).');
  else if (effectiveFrom <= latest.effectiveFrom)
    problems.push(`Ngày hiệu lực: phải sau ngày hiệu lực của phiên bản hiện hành (${day(latest.effectiveFrom)}).`);
  if (asked.legalBasis.length < 3) problems.push('Căn cứ: phải ghi văn bản quy định thời hạn mới.');
  if (problems.length > 0 || !effectiveFrom) return { problems };
  const scope =
    latest.scope.kind === 'procedure'
      ? { procedureCode: latest.scope.procedureCode }
      : latest.scope.kind === 'field'
        ? { field: latest.scope.field }
        : { global: true };
  return {
    raw: {
      ...scope,
      ...(latest.name ? { name: latest.name } : {}),
      effectiveFrom,
      legalBasis: asked.legalBasis,
      duration: `${amount}${asked.unit}`,
      cutoff: latest.cutoff,
      steps: latest.steps.map((s) => ({ unit: s.unit, duration: formatDuration(s.duration) })),
      warnLeadTime: formatDuration(latest.warnLeadTime),
      suggestedExtension: formatDuration(latest.suggestedExtension),
      calendarId: latest.calendarId,
      sample: false,
    },
  };
}

function scopeLabel(rule: DeadlineRule): string {
  if (rule.scope.kind === 'procedure') return `Thủ tục ${rule.scope.procedureCode}`;
  if (rule.scope.kind === 'field') return `Mặc định lĩnh vực ${rule.scope.field}`;
  return 'Mặc định chung';
}

function listPage(context: ConsoleContext, rules: readonly DeadlineRule[]): string {
  const latest = new Map<string, DeadlineRule>();
  for (const rule of rules) latest.set(rule.scopeKey, rule);
  const rows = [...latest.values()]
    .map(
      (r) =>
        `<tr><td><a href="${e(context.bar.base)}/console/quan-tri/quy-dinh/${encodeURIComponent(r.scopeKey)}">${e(r.name ?? scopeLabel(r))}</a><span class="note">${e(scopeLabel(r))}${r.sample ? ' · dữ liệu mẫu, cần xác nhận' : ''}</span></td><td>${e(describeDurationVi(r.duration))}</td><td>${e(day(r.effectiveFrom))}</td></tr>`,
    )
    .join('');
  return consolePage(
    context,
    'admin',
    'Quy định thời hạn',
    `<p><a href="${e(context.bar.base)}/console/quan-tri">← Quản trị</a></p><h1>Quy định thời hạn</h1>
<div class="card letter" tabindex="0" role="region" aria-label="Quy định thời hạn"><table class="grid"><caption>${formatCount(latest.size)} quy định, phiên bản mới nhất của mỗi quy định</caption>
<thead><tr><th scope="col">Quy định</th><th scope="col">Thời hạn</th><th scope="col">Hiệu lực từ</th></tr></thead><tbody>${rows}</tbody></table></div>`,
    { style: '.grid td .note{display:block}' },
  );
}

function versionForm(
  context: ConsoleContext,
  rule: DeadlineRule,
  today: string,
  asked?: VersionForm,
  problems: readonly string[] = [],
) {
  const units = selectOptions(Object.entries(UNIT_LABEL), asked?.unit ?? 'wd');
  return `<form class="card" method="post" action="${e(context.bar.base)}/console/quan-tri/quy-dinh/${encodeURIComponent(rule.scopeKey)}/xem-truoc">
<h2>Phiên bản mới</h2>
${problemsAlert(problems)}
<input type="hidden" name="csrf" value="${e(context.bar.csrf)}">
<label for="so">Thời hạn giải quyết</label><input id="so" name="so" inputmode="decimal" required pattern="\\d+([.,]\\d+)?" title="một số, ví dụ 10"${valueAttr(asked?.amount ?? String(rule.duration.amount))}>
<label for="don-vi-tinh">Đơn vị tính</label><select id="don-vi-tinh" name="don-vi-tinh">${units}</select>
<label for="hieu-luc">Hiệu lực từ ngày</label><input id="hieu-luc" name="hieu-luc" inputmode="numeric" placeholder="dd/mm/yyyy" required pattern="\\d{1,2}/\\d{1,2}/\\d{4}"${valueAttr(asked?.effectiveFrom ?? day(today))}>
<label for="can-cu">Căn cứ (văn bản quy định thời hạn)</label><input id="can-cu" name="can-cu" required minlength="3" maxlength="500"${valueAttr(asked?.legalBasis)}>
<button type="submit">Xem trước các hồ sơ bị ảnh hưởng</button>
<p class="note">Hồ sơ tiếp nhận từ ngày hiệu lực áp dụng thời hạn mới; hồ sơ đang giải quyết theo phiên bản cũ giữ nguyên hạn, trừ khi tiếp nhận từ ngày đó.</p></form>`;
}

function rulePage(
  context: ConsoleContext,
  versions: readonly DeadlineRule[],
  today: string,
  applied?: string,
  asked?: VersionForm,
  problems: readonly string[] = [],
): string {
  const latest = versions.at(-1) as DeadlineRule;
  const history = [...versions]
    .reverse()
    .map(
      (v) =>
        `<tr><td>${e(day(v.effectiveFrom))}</td><td>${e(describeDurationVi(v.duration))}</td><td>${e(v.legalBasis)}</td><td>${e(v.source ?? '')}</td></tr>`,
    )
    .join('');
  const mayWrite = decide(context.person, configKind('rules').write, {}, context.units).allowed;
  return consolePage(
    context,
    'admin',
    latest.name ?? scopeLabel(latest),
    `<p><a href="${e(context.bar.base)}/console/quan-tri/quy-dinh">← Quy định thời hạn</a></p><h1>${e(latest.name ?? scopeLabel(latest))}</h1>
${applied ? '<div class="card ok" role="status"><p>Đã áp dụng: quy định có phiên bản mới.</p></div>' : ''}
<div class="card"><p>${e(scopeLabel(latest))} · thời hạn <b>${e(describeDurationVi(latest.duration))}</b> từ ${e(day(latest.effectiveFrom))}${latest.steps.length > 0 ? ` · ${latest.steps.length} bước liên thông` : ''}</p></div>
${mayWrite ? versionForm(context, latest, today, asked, problems) : ''}
<section class="card letter" tabindex="0" aria-labelledby="lich-su"><h2 id="lich-su">Các phiên bản</h2>
<table class="grid"><thead><tr><th scope="col">Hiệu lực từ</th><th scope="col">Thời hạn</th><th scope="col">Căn cứ</th><th scope="col">Nguồn</th></tr></thead><tbody>${history}</tbody></table></section>`,
  );
}

function previewPage(context: ConsoleContext, rule: DeadlineRule, asked: VersionForm, preview: Preview): string {
  const hidden = hiddenFields({
    csrf: context.bar.csrf,
    so: asked.amount,
    'don-vi-tinh': asked.unit,
    'hieu-luc': asked.effectiveFrom,
    'can-cu': asked.legalBasis,
  });
  const base = `${e(context.bar.base)}/console/quan-tri/quy-dinh/${encodeURIComponent(rule.scopeKey)}`;
  return consolePage(
    context,
    'admin',
    'Xem trước phiên bản mới',
    `<p><a href="${base}">← ${e(rule.name ?? scopeLabel(rule))}</a></p><h1>Xem trước phiên bản mới</h1>
<section class="card"><p>${e(describeDurationVi(rule.duration))} → <b>${e(asked.amount)} ${e(UNIT_LABEL[asked.unit] ?? asked.unit)}</b>, hiệu lực từ ${e(asked.effectiveFrom)}</p>
<p class="note">Căn cứ: ${e(asked.legalBasis)}</p></section>
${movesSection(preview)}
<form class="card" method="post" action="${base}/ap-dung">${hidden}<button type="submit">Áp dụng phiên bản mới</button>
<p class="note">Phiên bản mới ghi tên anh/chị; phiên bản cũ giữ nguyên cho hồ sơ tiếp nhận trước ngày hiệu lực.</p></form>`,
  );
}
