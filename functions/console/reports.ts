import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { fileResponse, htmlResponse } from '../../shared/adapters/html-responses.ts';
import { decide, inScope, scopeOf } from '../../shared/domain/authority/authority.ts';
import { dashboardBody } from '../../shared/domain/reports/render-report.ts';
import { escapeHtml as e, enteredDate } from '../../shared/domain/vietnamese/format.ts';
import { vietnamDay } from '../../shared/support/vietnam-time.ts';
import {
  InvalidReportRequestError,
  parseReportRequest,
  produceReport,
  REPORT_GROUPINGS,
} from '../../shared/use-cases/produce-report.ts';
import { refusalPage } from '../approval-page/page.ts';
import type { ConsoleDeps } from './deps.ts';
import { type ConsoleContext, consolePage, day } from './layout.ts';

/*
 * Reports and the QĐ 766 score in the console (issue #34): the dashboard (key figures, the score with its
 * forecast, on time counted both ways, charts as server-side SVG, the annex tables, the dossiers putting
 * points at risk, apology compliance) of a unit the person may report on — the authority decides, so a
 * commune's supervisor sees their commune and never another's — and the same report as .xlsx.
 */

const GROUPING_LABEL: Record<string, string> = { field: 'lĩnh vực', unit: 'đơn vị', month: 'tháng' };

const FIELD_LABEL: Record<string, string> = {
  from: 'Từ ngày',
  to: 'Đến ngày',
  unit: 'Đơn vị',
  by: 'Nhóm theo',
};

/** The console's look for the dashboard's pieces (its cards, charts and tables). */
const REPORT_STYLE = `.cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}.cards .card{flex:1 1 150px;margin:0}
.card .value{font-size:1.5rem;font-weight:700}.meta{color:#4a5566;margin:2px 0}figure{margin:16px 0}
figcaption{font-weight:600;margin-bottom:6px}svg{max-width:100%;height:auto}.scroll{overflow-x:auto}
.report table{border-collapse:collapse;font-size:.9rem;background:#fff}.report th,.report td{border:1px solid #c9d0da;padding:4px 6px}
.report th{background:#eef1f5}td.count,td.rate,td.score,td.index{text-align:right}tr.total td{font-weight:bold}
.report h2{margin-top:24px}.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:0 12px}`;

/** The units a person may report on, for the choice (every unit for a global reach). */
function reportableUnits(context: ConsoleContext) {
  const scope = scopeOf(context.person, 'report.read');
  return context.units.directory.units.filter((u) => inScope(scope, u.id, context.units));
}

interface Asked {
  from: string;
  to: string;
  unit: string;
  by: string;
}

function formCard(context: ConsoleContext, asked: Asked, global: boolean, error?: string): string {
  const units = reportableUnits(context);
  const options = [
    ...(global ? [`<option value=""${asked.unit === '' ? ' selected' : ''}>Tất cả đơn vị</option>`] : []),
    ...units.map(
      (u) => `<option value="${e(u.id)}"${u.id === asked.unit ? ' selected' : ''}>${e(u.name)} (${e(u.id)})</option>`,
    ),
  ].join('');
  const by = REPORT_GROUPINGS.map(
    (g) => `<option value="${g}"${g === asked.by ? ' selected' : ''}>${e(GROUPING_LABEL[g] ?? g)}</option>`,
  ).join('');
  return `<form class="card" method="get" action="${e(context.bar.base)}/console/bao-cao">
${error ? `<p class="error" role="alert">${e(error)}</p>` : ''}<div class="filters">
<div><label for="tu">Từ ngày</label><input id="tu" name="tu" inputmode="numeric" placeholder="dd/mm/yyyy" required value="${e(asked.from)}"></div>
<div><label for="den">Đến ngày</label><input id="den" name="den" inputmode="numeric" placeholder="dd/mm/yyyy" required value="${e(asked.to)}"></div>
<div><label for="don-vi">Đơn vị</label><select id="don-vi" name="don-vi">${options}</select></div>
<div><label for="theo">Nhóm bảng chính theo</label><select id="theo" name="theo">${by}</select></div></div>
<button type="submit">Xem báo cáo</button></form>`;
}

/** `GET /console/bao-cao[?tu&den&don-vi&theo][&tai=xlsx]`: the dashboard of a unit in scope, or its .xlsx. */
export async function reportRoute(
  deps: ConsoleDeps,
  context: ConsoleContext,
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  const query = event.queryStringParameters ?? {};
  const scope = scopeOf(context.person, 'report.read');
  const today = vietnamDay(deps.clock.now());
  const asked: Asked = {
    from: (query.tu ?? day(`${today.slice(0, 4)}-01-01`)).slice(0, 20),
    to: (query.den ?? day(today)).slice(0, 20),
    // A person who reports on some units starts on the first of them; a global reach on all.
    unit: (query['don-vi'] ?? (scope.all ? '' : (reportableUnits(context)[0]?.id ?? ''))).slice(0, 60),
    by: (query.theo ?? 'field').slice(0, 10),
  };
  const show = (status: number, error: string | undefined, body = '') =>
    htmlResponse(
      status,
      consolePage(
        context,
        'reports',
        'Báo cáo kết quả giải quyết hồ sơ',
        `<h1>Báo cáo kết quả giải quyết hồ sơ</h1>${formCard(context, asked, scope.all, error)}${body}`,
        { style: REPORT_STYLE, wide: true },
      ),
      deps.formTargets,
    );
  // The unit asked is the authority's to allow: all units only to a global reach, else one in scope.
  const allowed = asked.unit
    ? decide(context.person, 'report.read', { units: [asked.unit] }, context.units).allowed
    : scope.all;
  if (!allowed)
    return htmlResponse(
      403,
      refusalPage('Không có quyền xem báo cáo', 'Anh/chị chỉ được xem báo cáo của đơn vị mình phụ trách.'),
      deps.formTargets,
    );
  const from = enteredDate(asked.from);
  const to = enteredDate(asked.to);
  if (!from) return show(400, `${FIELD_LABEL.from}: phải là ngày có thật, viết dd/mm/yyyy.`);
  if (!to) return show(400, `${FIELD_LABEL.to}: phải là ngày có thật, viết dd/mm/yyyy.`);
  let request: ReturnType<typeof parseReportRequest>;
  try {
    request = parseReportRequest({ from, to, by: asked.by, ...(asked.unit ? { unit: asked.unit } : {}) });
  } catch (error) {
    if (!(error instanceof InvalidReportRequestError)) throw error;
    const reason =
      error.field === 'to' && to < from
        ? 'không được trước ngày bắt đầu.'
        : error.field === 'to'
          ? 'một báo cáo không dài quá năm năm.'
          : 'không hợp lệ.';
    return show(400, `${FIELD_LABEL[error.field] ?? error.field}: ${reason}`);
  }
  const report = await produceReport(deps.reports, request, deps.clock.now());
  if (query.tai === 'xlsx') {
    // Loaded when a workbook is asked for: the pages' cold start does not initialise exceljs.
    const { renderXlsx } = await import('../../shared/adapters/xlsx-report.ts');
    const workbook = await renderXlsx(report);
    return fileResponse(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      `bao-cao-${from}-${to}${asked.unit ? `-${asked.unit}` : ''}.xlsx`,
      workbook,
    );
  }
  const download = `${e(context.bar.base)}/console/bao-cao?${e(
    new URLSearchParams({
      tu: asked.from,
      den: asked.to,
      'don-vi': asked.unit,
      theo: asked.by,
      tai: 'xlsx',
    }).toString(),
  )}`;
  return show(
    200,
    undefined,
    `<p><a href="${download}">Tải báo cáo (.xlsx)</a></p><div class="card report">${dashboardBody(report)}</div>`,
  );
}
