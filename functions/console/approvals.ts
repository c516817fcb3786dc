import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { formFields, htmlResponse } from '../../shared/adapters/html-responses.ts';
import { logger } from '../../shared/adapters/observability.ts';
import { AccessDeniedError } from '../../shared/domain/authority/authority.ts';
import { ApprovalRefusedError } from '../../shared/domain/dossier/re-appointment.ts';
import { escapeHtml as e } from '../../shared/domain/vietnamese/format.ts';
import {
  approveAtDesk,
  DossierNotFoundError,
  listAwaitingApproval,
  returnDraftAtDesk,
  viewApprovalAtDesk,
} from '../../shared/use-cases/approve-through-link.ts';
import { checkCsrf } from '../../shared/use-cases/web-session.ts';
import {
  APPROVAL_FORM_ERRORS,
  alreadyApprovedPage,
  approvalFormPage,
  approvalRefusal,
  approvedPage,
} from '../approval-page/page.ts';
import type { ConsoleDeps } from './deps.ts';
import { dossierNotFoundPage } from './dossier-pages.ts';
import { type ConsoleContext, consolePage, day, htmlFor, METHOD_REFUSED, navigation, when } from './layout.ts';

/*
 * Approvals in the console (issue #34): the drafts waiting in the person's units, and the approval form —
 * the same form and the same use case as the e-mailed link (`/approve/{id}`), here without a link: any
 * head of the issuing unit may sign (the authority decides on the record being saved).
 */

type Waiting = Awaited<ReturnType<typeof listAwaitingApproval>>;

function waitingPage(context: ConsoleContext, waiting: Waiting, procedures: ReadonlyMap<string, string>): string {
  const base = e(context.bar.base);
  const rows = waiting
    .map((w) => {
      const link = `${base}/console/ho-so/${encodeURIComponent(w.dossierId)}${context.mayApprove ? '/duyet' : ''}`;
      return `<tr><td><a href="${link}">${e(w.dossierId)}</a></td><td>${e(w.field)}</td><td>${e(
        procedures.get(w.procedureCode ?? '') ?? w.procedureCode ?? '',
      )}</td><td>${e(day(w.dueDay))}</td><td>${e(when(w.draftedAt))}</td></tr>`;
    })
    .join('');
  const body =
    waiting.length === 0
      ? '<div class="card ok"><p>Không có phiếu xin lỗi nào đang chờ duyệt trong các đơn vị của anh/chị.</p></div>'
      : `<div class="card letter" tabindex="0" role="region" aria-label="Phiếu chờ duyệt"><table class="grid"><caption>${waiting.length} phiếu chờ duyệt, phiếu lập sớm nhất trước</caption>
<thead><tr><th scope="col">Mã hồ sơ</th><th scope="col">Lĩnh vực</th><th scope="col">Thủ tục</th><th scope="col">Hạn theo quy định</th><th scope="col">Lập dự thảo lúc</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
  return consolePage(
    context,
    'approvals',
    'Phiếu xin lỗi chờ duyệt',
    `<h1>Phiếu xin lỗi chờ duyệt</h1>${body}
<p class="note">${context.mayApprove ? 'Chọn mã hồ sơ để xem dự thảo, ghi lý do và ngày hẹn mới, rồi duyệt: phiếu được gửi ngay cho công dân.' : 'Lãnh đạo đơn vị ban hành phiếu duyệt trên bàn làm việc này hoặc qua đường dẫn trong thư.'}</p>`,
  );
}

/** `GET /console/duyet`: the drafts awaiting a head in the person's units, the oldest first. */
export async function waitingRoute(deps: ConsoleDeps, context: ConsoleContext) {
  const waiting = await listAwaitingApproval(deps.reports, context.person, context.units);
  const { rules } = await deps.rules.current();
  const names = new Map(
    rules.flatMap((r) => (r.scope.kind === 'procedure' && r.name ? [[r.scope.procedureCode, r.name] as const] : [])),
  );
  return htmlResponse(200, waitingPage(context, waiting, names), deps.formTargets);
}

/** `GET|POST /console/ho-so/{id}/duyet`: the draft and the form; approving sends the letter at once. */
export async function approvalRoute(
  deps: ConsoleDeps,
  context: ConsoleContext,
  event: APIGatewayProxyEventV2,
  dossierId: string,
): Promise<APIGatewayProxyStructuredResultV2> {
  const bar = { ...context.bar, nav: navigation(context, 'approvals') };
  const returnUrl = `${context.bar.base}/console/ho-so/${encodeURIComponent(dossierId)}/tra-lai`;
  const method = event.requestContext?.http?.method ?? 'GET';
  const form = method === 'POST' ? formFields(event) : undefined;
  try {
    if (!form) {
      const view = await viewApprovalAtDesk(deps, dossierId, context.person);
      return htmlResponse(
        200,
        view.approval ? alreadyApprovedPage(view, bar) : approvalFormPage(view, '', bar, undefined, {}, returnUrl),
        deps.formTargets,
      );
    }
    checkCsrf(context.bar.csrf, form.get('csrf'));
    const approved = await approveAtDesk(deps, {
      dossierId,
      reason: form.get('reason') ?? '',
      newReturnDate: form.get('newReturnDate') ?? '',
      actor: context.person,
    });
    logger.info('apology approved in the console', { dossierId, extendedDueAt: approved.extendedDueAt });
    return htmlResponse(
      200,
      approvedPage(dossierId, approved.extendedDueAt ?? '', approved.apology.channel ?? 'desk', bar),
      deps.formTargets,
    );
  } catch (error) {
    if (error instanceof DossierNotFoundError)
      return htmlResponse(404, dossierNotFoundPage(context, dossierId), deps.formTargets);
    if (error instanceof AccessDeniedError) {
      logger.warn('approval refused', { reason: error.reason });
      const refused = approvalRefusal({ kind: 'access', reason: error.reason });
      return htmlResponse(refused.status, refused.body);
    }
    if (!(error instanceof ApprovalRefusedError) || !form) throw error;
    if (error.field === 'dossier') {
      const refused = approvalRefusal({ kind: 'dossier', code: error.code });
      return htmlResponse(refused.status, refused.body);
    }
    const view = await viewApprovalAtDesk(deps, dossierId, context.person);
    return htmlResponse(
      400,
      approvalFormPage(
        view,
        '',
        bar,
        APPROVAL_FORM_ERRORS[error.code],
        { reason: form.get('reason') ?? '', newReturnDate: form.get('newReturnDate') ?? '' },
        returnUrl,
      ),
      deps.formTargets,
    );
  }
}

/** `POST /console/ho-so/{id}/tra-lai`: a head returns the draft unsigned, with what the desk is to set right. */
export async function returnRoute(
  deps: ConsoleDeps,
  context: ConsoleContext,
  event: APIGatewayProxyEventV2,
  dossierId: string,
): Promise<APIGatewayProxyStructuredResultV2> {
  const html = htmlFor(deps);
  if ((event.requestContext?.http?.method ?? 'GET') !== 'POST') return html(405, METHOD_REFUSED());
  const form = formFields(event);
  checkCsrf(context.bar.csrf, form.get('csrf'));
  try {
    await returnDraftAtDesk(deps, { dossierId, note: form.get('note') ?? '', actor: context.person });
  } catch (error) {
    if (error instanceof DossierNotFoundError) return html(404, dossierNotFoundPage(context, dossierId));
    if (error instanceof AccessDeniedError) {
      const refused = approvalRefusal({ kind: 'access', reason: error.reason });
      return html(refused.status, refused.body);
    }
    if (!(error instanceof ApprovalRefusedError)) throw error;
    if (error.field === 'dossier') {
      const refused = approvalRefusal({ kind: 'dossier', code: error.code });
      return html(refused.status, refused.body);
    }
    const view = await viewApprovalAtDesk(deps, dossierId, context.person);
    const bar = { ...context.bar, nav: navigation(context, 'approvals') };
    const returnUrl = `${context.bar.base}/console/ho-so/${encodeURIComponent(dossierId)}/tra-lai`;
    return html(
      400,
      approvalFormPage(
        view,
        '',
        bar,
        'Ghi rõ điều cần làm rõ hoặc sửa (ít nhất 5 ký tự, nhiều nhất 2000).',
        {},
        returnUrl,
      ),
    );
  }
  logger.info('apology draft returned in the console', { dossierId });
  return {
    statusCode: 303,
    headers: {
      location: `${context.bar.base}/console/ho-so/${encodeURIComponent(dossierId)}`,
      'cache-control': 'no-store',
    },
  };
}
