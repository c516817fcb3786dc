import { type ApologyLetter, renderLetterHtml } from '../../shared/domain/letters/apology-letter.ts';
import { escapeHtml as e } from '../../shared/domain/vietnamese/format.ts';
import { vietnamMinute } from '../../shared/support/vietnam-time.ts';
import type { describeDossier } from '../../shared/use-cases/describe-dossier.ts';
import { type ConsoleContext, consolePage, day, when } from './layout.ts';

/*
 * The console's first pages (issue #34): finding a dossier by its code, and the dossier on one page —
 * its dates, where it stands, each inter-agency step, the unit answering for a delay and its history —
 * for the signed-in official, head or supervisor whose units it concerns (the server decides:
 * describeDossier asks the authority; another unit's dossier is "not found"). Server-rendered, no
 * script, Vietnamese, dd/mm/yyyy in Vietnam time.
 */

export type DossierView = NonNullable<Awaited<ReturnType<typeof describeDossier>>>;

const STATUS: Record<string, string> = {
  awaiting_receipt: 'Chưa tiếp nhận',
  open: 'Đang giải quyết',
  suspended: 'Tạm dừng',
  awaiting_supplement: 'Chờ bổ sung hồ sơ',
  resolved: 'Đã giải quyết',
  withdrawn: 'Người nộp rút hồ sơ',
  refused: 'Từ chối tiếp nhận',
};

const STAGE: Record<string, string> = {
  ON_TRACK: 'Trong hạn',
  DUE_SOON: 'Sắp đến hạn',
  APOLOGY_DEADLINE: 'Đến hạn lập phiếu xin lỗi',
  OVERDUE: 'Quá hạn',
  SECOND_OVERRUN: 'Quá hạn lần hai (sau ngày hẹn lại)',
};

const APOLOGY: Record<string, string> = {
  drafted: 'dự thảo, chờ lãnh đạo duyệt',
  approved: 'đã duyệt',
  issued: 'đã gửi người nộp',
};

const RESULT: Record<string, string> = { early: 'Trước hạn', on_time: 'Đúng hạn', late: 'Trễ hạn' };

const HISTORY: Record<string, string> = {
  received: 'Tiếp nhận hồ sơ',
  supplement_requested: 'Yêu cầu bổ sung hồ sơ',
  restarted: 'Nhận đủ hồ sơ bổ sung: tính lại thời hạn từ đầu',
  suspended: 'Tạm dừng giải quyết',
  resumed: 'Tiếp tục giải quyết',
  handed_over: 'Chuyển liên thông',
  processing: 'Đang xử lý',
  reappointed: 'Hẹn lại ngày trả kết quả',
  resolved: 'Có kết quả giải quyết',
  returned: 'Trả kết quả cho người nộp',
  withdrawn: 'Người nộp rút hồ sơ',
  refused: 'Từ chối',
  ignored: 'Sự kiện không áp dụng',
  apology_approved: 'Lãnh đạo duyệt phiếu xin lỗi, hẹn lại ngày trả',
  apology_issued: 'Phiếu xin lỗi đã gửi người nộp',
  apology_returned: 'Lãnh đạo trả lại dự thảo phiếu xin lỗi',
};

/** The search by code, on every page of the queue and the dossier. */
export function searchForm(base: string, code = ''): string {
  return `<form class="card" method="get" action="${e(base)}/console/ho-so" role="search">
<label for="ma">Tra cứu hồ sơ theo mã</label>
<input id="ma" name="ma" type="search" required maxlength="120" autocomplete="off" placeholder="ví dụ H21.65-240304-0777" value="${e(code)}">
<button type="submit">Xem hồ sơ</button></form>`;
}

/** No such dossier, or none the person may see (answered alike). */
export function dossierNotFoundPage(context: ConsoleContext, code: string): string {
  return consolePage(
    context,
    'queue',
    'Không tìm thấy hồ sơ',
    `<h1>Không tìm thấy hồ sơ</h1>${searchForm(context.bar.base, code)}<div class="card error" role="alert">Không có hồ sơ mã <b>${e(code)}</b> trong các đơn vị anh/chị được xem.</div>`,
  );
}

/** Where the dossier stands at `now`: its result once closed, else whether its due date has passed. */
function standing(view: DossierView, now: number): { text: string; late: boolean; warn: boolean } {
  if (view.result) return { text: RESULT[view.result] ?? view.result, late: view.result === 'late', warn: false };
  const due = view.extendedDueAt ?? view.dueAt;
  if (view.status === 'open' && due && Date.parse(due) < now)
    return { text: view.extendedDueAt ? 'Quá ngày hẹn lại' : 'Quá hạn', late: true, warn: false };
  return { text: STAGE[view.stage] ?? view.stage, late: false, warn: view.stage !== 'ON_TRACK' };
}

function datesCard(view: DossierView, now: number): string {
  const stand = standing(view, now);
  return `<section class="card ${stand.late ? 'late' : stand.warn ? 'warn' : 'neutral'}" aria-labelledby="dates">
<h2 id="dates">Thời hạn</h2><dl>
<dt>Tiếp nhận</dt><dd>${e(when(view.receivedAt))}</dd>
<dt>Ngày bắt đầu tính thời hạn</dt><dd>${e(day(view.effectiveReceiptDate))}</dd>
<dt>Hạn trả kết quả theo quy định</dt><dd>${e(when(view.originalDueAt))}</dd>
${view.dueAt && view.dueAt !== view.originalDueAt ? `<dt>Hạn hiện tại (sau bổ sung, tạm dừng)</dt><dd>${e(when(view.dueAt))}</dd>` : ''}
${view.extendedDueAt ? `<dt>Ngày hẹn lại (đã duyệt phiếu xin lỗi)</dt><dd>${e(when(view.extendedDueAt))}</dd>` : ''}
<dt>Tình trạng</dt><dd>${e(STATUS[view.phase] ?? view.phase)} — <b>${e(stand.text)}</b>${view.paused ? ' (đồng hồ đang dừng)' : ''}</dd>
${view.dueDateExplanation.length > 0 ? `<dt>Vì sao hạn là ngày này</dt><dd><ul>${view.dueDateExplanation.map((l) => `<li>${e(l)}</li>`).join('')}</ul></dd>` : ''}
${view.rule ? `<dt>Thời hạn áp dụng</dt><dd>${e(view.rule.legalBasis ?? '')}${view.ruleFallback ? ' (quy định chung của lĩnh vực: chưa có quy định riêng cho thủ tục)' : ''}</dd>` : ''}
${view.provisional ? '<dt>Lưu ý</dt><dd>Lịch nghỉ của năm này còn là dự kiến: thời hạn có thể thay đổi khi có thông báo chính thức.</dd>' : ''}
</dl></section>`;
}

function stepsCard(view: DossierView): string {
  if (view.steps.length === 0) return '';
  // The step under way is the first one not finished (the fold's own rule); the later ones wait their turn.
  const current = view.status === 'open' ? view.steps.findIndex((s) => !s.finishedAt) : -1;
  const rows = view.steps
    .map(
      (s, i) =>
        `<tr><td>${i + 1}</td><td>${e(s.unitName ?? s.unitId)}</td><td>${e(when(s.dueAt))}</td><td>${e(
          s.finishedAt ? `xong ${when(s.finishedAt)}` : i === current ? 'đang giải quyết' : 'chưa đến lượt',
        )}${s.result ? ` — ${e(RESULT[s.result] ?? s.result)}` : ''}</td></tr>`,
    )
    .join('');
  return `<section class="card" aria-labelledby="steps"><h2 id="steps">Các bước liên thông</h2>
<div class="letter" tabindex="0" role="region" aria-label="Các bước liên thông"><table class="grid"><thead><tr><th scope="col">Bước</th><th scope="col">Đơn vị</th><th scope="col">Hạn</th><th scope="col">Tình trạng</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

function responsibleCard(view: DossierView): string {
  const r = view.responsibleUnit;
  if (!r) return '';
  return `<section class="card late" aria-labelledby="responsible"><h2 id="responsible">Đơn vị chịu trách nhiệm về việc chậm</h2>
<p><b>${e(r.unitName ?? r.unitId)}</b> — quá hạn ${e(r.late)} (hạn của đơn vị: ${e(when(r.dueAt))}).</p></section>`;
}

function historyCard(view: DossierView): string {
  const items = view.history
    .map(
      (h) =>
        `<li><b>${e(when(h.at))}</b> — ${e(HISTORY[h.kind] ?? h.kind)}${'by' in h && h.by ? ` <span class="note">(${e(h.by)})</span>` : ''}${historyNote(h)}</li>`,
    )
    .join('');
  return `<section class="card" aria-labelledby="history"><h2 id="history">Quá trình giải quyết</h2><ol>${items}</ol></section>`;
}

/** What an entry adds, where it says something a reader can use (the units handed between, a new date). */
function historyNote(h: DossierView['history'][number]): string {
  const note = 'note' in h ? h.note : undefined;
  if (!note) return '';
  if (h.kind === 'handed_over') return `<br><span class="note">${e(note)}</span>`;
  if (h.kind === 'reappointed') return `<br><span class="note">Ngày hẹn mới: ${e(when(note))}</span>`;
  return '';
}

/** A draft its head returned unsigned: what the desk is to set right. */
function returnedCard(view: DossierView): string {
  const returned = view.apologyReturned;
  if (!returned) return '';
  return `<section class="card warn" aria-labelledby="tra-lai"><h2 id="tra-lai">Lãnh đạo trả lại dự thảo phiếu xin lỗi</h2>
<p>${e(vietnamMinute(Date.parse(returned.at)))} — <b>${e(returned.by)}</b>:</p><p>${e(returned.note)}</p></section>`;
}

/** The dossier on one page. */
export function dossierPage(view: DossierView, context: ConsoleContext, now: number): string {
  const procedure = view.procedure;
  const { bar } = context;
  const link = `${e(bar.base)}/console/ho-so/${encodeURIComponent(view.dossierId)}`;
  return consolePage(
    context,
    'queue',
    `Hồ sơ ${view.dossierId}`,
    `${searchForm(bar.base)}<h1>Hồ sơ ${e(view.dossierId)}</h1>
<div class="card"><p>${e(procedure?.name ?? '')}</p><p class="note">Lĩnh vực: ${e(procedure?.field ?? '')}${procedure?.code ? ` · Mã thủ tục ${e(procedure.code)}` : ''}</p>
<p><a href="${link}/phieu-kiem-soat">Phiếu kiểm soát quá trình giải quyết</a></p>
${view.apologyStatus === 'none' ? '' : `<p><a href="${link}/phieu-xin-loi">Phiếu xin lỗi và hẹn lại ngày trả kết quả (${e(APOLOGY[view.apologyStatus] ?? view.apologyStatus)})</a></p>`}
${view.apologyStatus === 'drafted' && context.sections.includes('approvals') && context.mayApprove ? `<p><a href="${link}/duyet">Duyệt phiếu xin lỗi và hẹn lại ngày trả</a></p>` : ''}</div>
${returnedCard(view)}${datesCard(view, now)}${responsibleCard(view)}${stepsCard(view)}${historyCard(view)}`,
  );
}

/** The dossier's apology letter as it stands (the draft, or the approved letter), to read or print. */
export function letterPage(letter: ApologyLetter, dossierId: string, context: ConsoleContext): string {
  return consolePage(
    context,
    'queue',
    `Phiếu xin lỗi ${dossierId}`,
    `<p class="no-print"><a href="${e(context.bar.base)}/console/ho-so/${encodeURIComponent(dossierId)}">← Hồ sơ ${e(dossierId)}</a></p>
<p class="no-print"><a href="${e(context.bar.base)}/console/ho-so/${encodeURIComponent(dossierId)}/phieu-xin-loi.docx">Tải phiếu (.docx, sửa được trong Word)</a> · In hoặc lưu PDF bằng lệnh In của trình duyệt (Ctrl+P).</p><div class="card letter" tabindex="0" role="region" aria-label="Phiếu xin lỗi">${renderLetterHtml(letter)}</div>`,
  );
}
