import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { htmlResponse } from '../../shared/adapters/html-responses.ts';
import { AccessDeniedError } from '../../shared/domain/authority/authority.ts';
import { escapeHtml as e, formatCount } from '../../shared/domain/vietnamese/format.ts';
import { vietnamMinute } from '../../shared/support/vietnam-time.ts';
import {
  type DeskQueue,
  deskQueue,
  QUEUE_VIEWS,
  type QueueRow,
  type QueueView,
  type Standing,
} from '../../shared/use-cases/desk-queue.ts';
import { refusalPage } from '../approval-page/page.ts';
import type { ConsoleDeps } from './deps.ts';
import { searchForm } from './dossier-pages.ts';
import { type ConsoleContext, consolePage } from './layout.ts';

/*
 * The desk's queue (issue #34, ADR 0027): the dossiers the person's unit holds, most urgent first, with
 * the counts of each urgent group, filters, and a page at a time (the server pages; the address carries
 * the cursor). Another unit's queue is refused by the authority.
 */

const VIEW_PARAM: Record<string, QueueView> = {
  'can-xu-ly': 'urgent',
  'qua-han': 'overdue',
  'sap-den-han': 'due_soon',
  'con-han': 'later',
  'cho-bo-sung': 'supplement',
  'tam-dung': 'suspended',
  'tat-ca': 'all',
};
const PARAM_OF = Object.fromEntries(Object.entries(VIEW_PARAM).map(([k, v]) => [v, k])) as Record<QueueView, string>;

const VIEW_LABEL: Record<QueueView, string> = {
  urgent: 'Cần xử lý',
  overdue: 'Quá hạn',
  due_soon: 'Sắp đến hạn',
  later: 'Còn hạn',
  supplement: 'Chờ bổ sung',
  suspended: 'Tạm dừng',
  all: 'Tất cả',
};

const STANDING_LABEL: Record<Standing, string> = {
  overdue: 'Quá hạn',
  due_soon: 'Sắp đến hạn',
  later: 'Còn hạn',
  supplement: 'Chờ bổ sung',
  suspended: 'Tạm dừng',
};

const CHANNEL_LABEL: Record<string, string> = { in_person: 'Trực tiếp', online: 'Trực tuyến', postal: 'Bưu chính' };

/** `GET /console[?don-vi&xem&linh-vuc&thu-tuc&kenh&sau]`: the desk's queue. */
export async function queueRoute(
  deps: ConsoleDeps,
  context: ConsoleContext,
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  const query = event.queryStringParameters ?? {};
  const text = (name: string, max: number) => (query[name] ?? '').trim().slice(0, max) || undefined;
  try {
    const queue = await deskQueue({ queue: deps.reports, rules: deps.rules, clock: deps.clock }, context.person, {
      unitId: text('don-vi', 60),
      view: VIEW_PARAM[query.xem ?? ''] ?? 'urgent',
      field: text('linh-vuc', 200),
      procedureCode: text('thu-tuc', 60),
      channel: text('kenh', 20),
      step: query.buoc === 'tiep-nhan' ? 'desk' : query.buoc === 'lien-thong' ? 'step' : undefined,
      after: text('sau', 2000),
    });
    const fields = [
      ...new Set((await deps.rules.current()).rules.flatMap((r) => (r.scope.kind === 'field' ? [r.scope.field] : []))),
    ].sort((a, b) => a.localeCompare(b, 'vi'));
    return htmlResponse(200, queuePage(context, queue, query, fields), deps.formTargets);
  } catch (error) {
    if (error instanceof AccessDeniedError || (error as Error).name === 'ConcealedError')
      return htmlResponse(
        403,
        refusalPage('Không có quyền', 'Anh/chị chỉ được xem hồ sơ của đơn vị mình.'),
        deps.formTargets,
      );
    if ((error as Error).name === 'InvalidCursorError' || (error as Error).name === 'InvalidQueueRequestError')
      return htmlResponse(
        400,
        refusalPage(
          'Địa chỉ không hợp lệ',
          'Trang này không thuộc danh sách hồ sơ của đơn vị. Vui lòng mở lại Bàn làm việc.',
        ),
        deps.formTargets,
      );
    throw error;
  }
}

function link(context: ConsoleContext, params: Record<string, string | undefined>): string {
  const search = new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  ).toString();
  return `${context.bar.base}/console${search ? `?${search}` : ''}`;
}

/** The queue's page (the bench renders it as the console does). */
export function queuePage(
  context: ConsoleContext,
  queue: DeskQueue,
  query: Record<string, string | undefined>,
  fields: readonly string[],
): string {
  const keep = {
    'don-vi': query['don-vi'],
    'linh-vuc': query['linh-vuc'],
    'thu-tuc': query['thu-tuc'],
    kenh: query.kenh,
  };
  const counted: Partial<Record<QueueView, number>> = {
    overdue: queue.counts.overdue,
    due_soon: queue.counts.due_soon,
    urgent: queue.counts.overdue + queue.counts.due_soon,
    supplement: queue.counts.supplement,
    suspended: queue.counts.suspended,
  };
  const tabs = QUEUE_VIEWS.map((v) => {
    const count = counted[v];
    return `<li><a href="${e(link(context, { ...keep, xem: PARAM_OF[v] }))}"${v === queue.view ? ' aria-current="page"' : ''}>${e(VIEW_LABEL[v])}${count === undefined ? '' : ` <b>${formatCount(count)}</b>`}</a></li>`;
  }).join('');
  const unitName = queue.units.find((u) => u.id === queue.unitId)?.name ?? queue.unitId;
  const rows = queue.rows.map((r) => rowHtml(context, r)).join('');
  const next = queue.next
    ? `<p><a href="${e(link(context, { ...keep, xem: PARAM_OF[queue.view], sau: queue.next }))}">Trang sau →</a></p>`
    : '';
  return consolePage(
    context,
    'queue',
    'Bàn làm việc',
    `<h1>Bàn làm việc</h1><p class="note">Hồ sơ đang ở <b>${e(unitName)}</b> · số liệu lúc ${e(vietnamMinute(queue.asOf))}</p>
${searchForm(context.bar.base)}
<nav aria-label="Nhóm hồ sơ"><ul class="nav tabs">${tabs}</ul></nav>
${filtersForm(context, queue, query, fields)}
${
  rows
    ? `<div class="card letter" tabindex="0" role="region" aria-label="Danh sách hồ sơ"><table class="grid queue"><caption>${e(VIEW_LABEL[queue.view])}: hồ sơ hạn gần nhất trước</caption>
<thead><tr><th scope="col">Hồ sơ</th><th scope="col">Hạn</th><th scope="col">Tình trạng</th></tr></thead><tbody>${rows}</tbody></table></div>`
    : '<div class="card ok"><p>Không có hồ sơ nào trong nhóm này.</p></div>'
}${next}`,
    { style: QUEUE_STYLE },
  );
}

const QUEUE_STYLE = `.tabs a b{display:inline-block;min-width:1.4em;padding:0 6px;margin-left:2px;border-radius:10px;background:#e3e8ef;text-align:center}
.queue td .note{display:block}.standing-overdue{color:#b71c1c;font-weight:700}.standing-due_soon{color:#a84300;font-weight:700}
details.card summary{cursor:pointer;font-weight:600}.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:0 12px}`;

/** "17:00 30/11/2026". */
function dueText(at: number | undefined): string {
  return at === undefined ? '—' : vietnamMinute(at);
}

function rowHtml(context: ConsoleContext, r: QueueRow): string {
  const id = r.row.id;
  const what = r.procedureName ?? r.row.field;
  const step = r.step ? ` · bước ${r.step.at}/${r.step.of}` : '';
  const channel = CHANNEL_LABEL[r.row.channel] ?? r.row.channel;
  return `<tr><td><a href="${e(context.bar.base)}/console/ho-so/${encodeURIComponent(id)}">${e(id)}</a><span class="note">${e(what)} · ${e(channel)}${e(step)}</span></td>
<td>${e(dueText(r.dueAt))}</td><td class="standing-${r.standing}">${e(STANDING_LABEL[r.standing])}${r.row.live?.apologyDraftedAt ? '<span class="note">Phiếu xin lỗi chờ duyệt</span>' : ''}</td></tr>`;
}

function filtersForm(
  context: ConsoleContext,
  queue: DeskQueue,
  query: Record<string, string | undefined>,
  fields: readonly string[],
): string {
  const option = (value: string, label: string, current: string | undefined) =>
    `<option value="${e(value)}"${value === (current ?? '') ? ' selected' : ''}>${e(label)}</option>`;
  const units =
    queue.units.length > 1
      ? `<div><label for="don-vi">Đơn vị</label><select id="don-vi" name="don-vi">${queue.units
          .map((u) => option(u.id, u.name, queue.unitId))
          .join('')}</select></div>`
      : '';
  const open = Boolean(query['linh-vuc'] || query['thu-tuc'] || query.kenh || query.buoc || queue.units.length > 1);
  return `<details class="card"${open ? ' open' : ''}><summary>Lọc hồ sơ</summary>
<form method="get" action="${e(context.bar.base)}/console"><input type="hidden" name="xem" value="${e(PARAM_OF[queue.view])}"><div class="filters">${units}
<div><label for="linh-vuc">Lĩnh vực</label><select id="linh-vuc" name="linh-vuc">${option('', 'Tất cả', query['linh-vuc'])}${fields
    .map((f) => option(f, f, query['linh-vuc']))
    .join('')}</select></div>
<div><label for="thu-tuc">Mã thủ tục</label><input id="thu-tuc" name="thu-tuc" maxlength="60" placeholder="ví dụ 1.013831" value="${e(query['thu-tuc'] ?? '')}"></div>
<div><label for="kenh">Kênh tiếp nhận</label><select id="kenh" name="kenh">${option('', 'Tất cả', query.kenh)}${Object.entries(
    CHANNEL_LABEL,
  )
    .map(([k, label]) => option(k, label, query.kenh))
    .join('')}</select></div>
<div><label for="buoc">Hồ sơ</label><select id="buoc" name="buoc">${option('', 'Tất cả', query.buoc)}${option('tiep-nhan', 'Đơn vị tự tiếp nhận', query.buoc)}${option('lien-thong', 'Liên thông từ đơn vị khác', query.buoc)}</select></div></div>
<button type="submit">Lọc</button></form></details>`;
}
