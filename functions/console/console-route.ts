import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { fileResponse, htmlResponse, safeDecode } from '../../shared/adapters/html-responses.ts';
import { cookieOf, redirect } from '../../shared/adapters/http-identity.ts';
import { renderLetterDocx } from '../../shared/domain/letters/apology-docx.ts';
import { renderSlipHtml } from '../../shared/domain/letters/control-slip.ts';
import { kindOf } from '../../shared/support/errors.ts';
import {
  type DescribeDossierDeps,
  describeDossier,
  dossierLetter,
  dossierSlip,
} from '../../shared/use-cases/describe-dossier.ts';
import { CsrfError, resumeSession, SESSION_COOKIE, type WebAuthDeps } from '../../shared/use-cases/web-session.ts';
import { refusalPage } from '../approval-page/page.ts';
import { adminRoute } from './admin.ts';
import { approvalRoute, returnRoute, waitingRoute } from './approvals.ts';
import type { ConsoleDeps } from './deps.ts';
import { dossierNotFoundPage, dossierPage, letterPage } from './dossier-pages.ts';
import { type ConsoleContext, htmlFor, METHOD_REFUSED, SECTIONS, type Section, sectionsOf } from './layout.ts';
import { queueRoute } from './queue.ts';
import { reportRoute } from './reports.ts';

/*
 * The console's routes (issue #34), on the pages' sessions: signed in, or sent to sign in and back.
 * Each section is opened only to those whose roles the authority lets do its action; within it, every
 * read and write asks the authority again for the thing itself (a dossier outside the person's units is
 * "not found", a report of another unit is refused, a change needs config.write).
 */

const DOSSIER_PATH =
  /^\/console\/ho-so\/([^/]+)(\/phieu-kiem-soat|\/phieu-xin-loi|\/phieu-xin-loi\.docx|\/duyet|\/tra-lai)?$/;

const NOT_FOUND = () => refusalPage('Không tìm thấy', 'Trang không tồn tại.');

/** The section a path belongs to (the queue's pages and a dossier's are the queue's). */
function sectionOf(path: string): Section | undefined {
  if (path === '/console' || path.startsWith('/console/ho-so')) return 'queue';
  if (/\/(duyet|tra-lai)$/.test(path)) return 'approvals';
  return SECTIONS.find((s) => s.path !== '/console' && (path === s.path || path.startsWith(`${s.path}/`)))?.section;
}

export async function consoleRoute(
  deps: ConsoleDeps,
  web: WebAuthDeps,
  event: APIGatewayProxyEventV2,
  base: string,
): Promise<APIGatewayProxyStructuredResultV2> {
  const path = (event.rawPath ?? '').replace(/\/+$/, '') || '/console';
  const method = event.requestContext?.http?.method ?? 'GET';
  const html = htmlFor(deps);
  if (method !== 'GET' && method !== 'POST') return html(405, METHOD_REFUSED());
  try {
    const session = await resumeSession(web, cookieOf(event, SESSION_COOKIE));
    if (!session) {
      if (method !== 'GET')
        return html(401, refusalPage('Cần đăng nhập', 'Phiên đăng nhập đã hết. Vui lòng đăng nhập lại rồi làm lại.'));
      const here = `${base}${path}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
      return redirect(`${base}/auth/login?${new URLSearchParams({ next: here }).toString()}`);
    }
    const { units } = await deps.rules.current();
    const sections = sectionsOf(session.person, units);
    const context: ConsoleContext = {
      person: session.person,
      bar: { name: session.person.name, csrf: session.csrf, base },
      units,
      sections,
      mayApprove: session.person.grants.some((g) => g.role === 'head'),
    };
    if (sections.length === 0)
      return html(
        403,
        refusalPage(
          'Không có quyền',
          'Tài khoản của anh/chị chưa có vai trò nào trên bàn làm việc. Đề nghị liên hệ quản trị.',
        ),
      );
    // The console's door: the first section the person's roles open.
    if (path === '/console' && !sections.includes('queue')) {
      const first = SECTIONS.find((s) => s.section === sections[0]);
      return redirect(`${base}${first?.path ?? '/console'}`, [], 303);
    }
    const section = sectionOf(path);
    if (!section) return html(404, NOT_FOUND());
    if (!sections.includes(section))
      return html(403, refusalPage('Không có quyền', 'Vai trò của anh/chị không được mở mục này của bàn làm việc.'));
    if (section === 'reports') return await reportRoute(deps, context, event);
    if (section === 'admin') return await adminRoute(deps, context, event, path);
    if (path === '/console/duyet') return await waitingRoute(deps, context);
    if (path === '/console' || path === '/console/ho-so') {
      const code = (event.queryStringParameters?.ma ?? '').trim().slice(0, 120);
      if (path === '/console/ho-so' && code)
        return redirect(`${base}/console/ho-so/${encodeURIComponent(code)}`, [], 303);
      return await queueRoute(deps, context, event);
    }
    return await dossierRoute(deps, context, event, path);
  } catch (error) {
    if (error instanceof CsrfError)
      return html(403, refusalPage('Biểu mẫu đã cũ', 'Biểu mẫu đã cũ. Vui lòng tải lại trang rồi làm lại.'));
    if (kindOf(error) !== 'unavailable') throw error;
    return html(
      503,
      refusalPage('Tạm thời không mở được', 'Máy chủ đăng nhập tạm thời không trả lời. Vui lòng thử lại sau ít phút.'),
    );
  }
}

/** A dossier's pages: the dossier on one page, its control slip, its letter, its approval. */
async function dossierRoute(
  deps: ConsoleDeps,
  context: ConsoleContext,
  event: APIGatewayProxyEventV2,
  path: string,
): Promise<APIGatewayProxyStructuredResultV2> {
  const html = htmlFor(deps);
  const match = DOSSIER_PATH.exec(path);
  const dossierId = match?.[1] ? safeDecode(match[1])?.slice(0, 120) : undefined;
  if (!dossierId) return html(404, NOT_FOUND());
  if (match?.[2] === '/duyet') return approvalRoute(deps, context, event, dossierId);
  if (match?.[2] === '/tra-lai') return returnRoute(deps, context, event, dossierId);
  if ((event.requestContext?.http?.method ?? 'GET') !== 'GET') return html(405, METHOD_REFUSED());
  const describe: DescribeDossierDeps = { store: deps.store, rules: deps.rules, clock: deps.clock };
  if (match?.[2] === '/phieu-xin-loi.docx') {
    const letter = await dossierLetter(describe, dossierId, context.person);
    if (!letter) return html(404, dossierNotFoundPage(context, dossierId));
    return fileResponse(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      `phieu-xin-loi-${dossierId}.docx`,
      renderLetterDocx(letter, new Date(deps.clock.now())),
    );
  }
  if (match?.[2] === '/phieu-xin-loi') {
    const letter = await dossierLetter(describe, dossierId, context.person);
    return letter
      ? html(200, letterPage(letter, dossierId, context))
      : html(404, dossierNotFoundPage(context, dossierId));
  }
  if (match?.[2]) {
    const slip = await dossierSlip(describe, dossierId, context.person);
    return slip ? htmlResponse(200, renderSlipHtml(slip)) : html(404, dossierNotFoundPage(context, dossierId));
  }
  const view = await describeDossier(describe, dossierId, context.person);
  return view
    ? html(200, dossierPage(view, context, deps.clock.now()))
    : html(404, dossierNotFoundPage(context, dossierId));
}
