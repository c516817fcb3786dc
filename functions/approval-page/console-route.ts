import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { htmlResponse, safeDecode } from '../../shared/adapters/html-responses.ts';
import { cookieOf, redirect } from '../../shared/adapters/http-identity.ts';
import { decide } from '../../shared/domain/authority/authority.ts';
import { renderSlipHtml } from '../../shared/domain/letters/control-slip.ts';
import { kindOf } from '../../shared/support/errors.ts';
import type { ApprovalDeps } from '../../shared/use-cases/approve-through-link.ts';
import {
  type DescribeDossierDeps,
  describeDossier,
  dossierLetter,
  dossierSlip,
} from '../../shared/use-cases/describe-dossier.ts';
import { resumeSession, SESSION_COOKIE, type WebAuthDeps } from '../../shared/use-cases/web-session.ts';
import { consoleHomePage, dossierNotFoundPage, dossierPage, letterPage } from './console-pages.ts';
import { refusalPage, type SignedInBar } from './page.ts';

/*
 * The console's routes (issue #34), on the pages' sessions: `/console` (find a dossier by its code),
 * `/console/ho-so/{id}` (the dossier on one page) and its process-control slip. Signed in, or sent to
 * sign in and back; a person whose roles read no dossier is refused; a dossier outside their units is
 * "not found" — each decision the authority module's (describeDossier and dossierSlip ask it per dossier).
 */

const DOSSIER_PATH = /^\/console\/ho-so\/([^/]+)(\/phieu-kiem-soat|\/phieu-xin-loi)?$/;

export async function consoleRoute(
  deps: Pick<ApprovalDeps, 'store' | 'rules' | 'clock'>,
  web: WebAuthDeps,
  event: APIGatewayProxyEventV2,
  base: string,
): Promise<APIGatewayProxyStructuredResultV2> {
  const path = (event.rawPath ?? '').replace(/\/+$/, '');
  if ((event.requestContext?.http?.method ?? 'GET') !== 'GET')
    return htmlResponse(405, refusalPage('Không hỗ trợ', 'Phương thức không được hỗ trợ.'));
  try {
    const session = await resumeSession(web, cookieOf(event, SESSION_COOKIE));
    if (!session) {
      const here = `${base}${path}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
      return redirect(`${base}/auth/login?${new URLSearchParams({ next: here }).toString()}`);
    }
    const bar: SignedInBar = { name: session.person.name, csrf: session.csrf, base };
    const describe: DescribeDossierDeps = { store: deps.store, rules: deps.rules, clock: deps.clock };
    const { units } = await deps.rules.current();
    if (!decide(session.person, 'dossier.read', {}, units).allowed)
      return htmlResponse(
        403,
        refusalPage(
          'Không có quyền xem hồ sơ',
          'Tài khoản của anh/chị không có vai trò được xem hồ sơ của đơn vị nào.',
        ),
        web.formTargets,
      );
    if (path === '/console') return htmlResponse(200, consoleHomePage(bar), web.formTargets);
    if (path === '/console/ho-so') {
      const code = (event.queryStringParameters?.ma ?? '').trim().slice(0, 120);
      if (!code) return htmlResponse(200, consoleHomePage(bar), web.formTargets);
      return redirect(`${base}/console/ho-so/${encodeURIComponent(code)}`, [], 303);
    }
    const match = DOSSIER_PATH.exec(path);
    const dossierId = match?.[1] ? safeDecode(match[1])?.slice(0, 120) : undefined;
    if (!dossierId) return htmlResponse(404, refusalPage('Không tìm thấy', 'Trang không tồn tại.'), web.formTargets);
    if (match?.[2] === '/phieu-xin-loi') {
      const letter = await dossierLetter(describe, dossierId, session.person);
      return letter
        ? htmlResponse(200, letterPage(letter, dossierId, bar), web.formTargets)
        : htmlResponse(404, dossierNotFoundPage(bar, dossierId), web.formTargets);
    }
    if (match?.[2]) {
      const slip = await dossierSlip(describe, dossierId, session.person);
      return slip
        ? htmlResponse(200, renderSlipHtml(slip))
        : htmlResponse(404, dossierNotFoundPage(bar, dossierId), web.formTargets);
    }
    const view = await describeDossier(describe, dossierId, session.person);
    return view
      ? htmlResponse(200, dossierPage(view, bar, deps.clock.now()), web.formTargets)
      : htmlResponse(404, dossierNotFoundPage(bar, dossierId), web.formTargets);
  } catch (error) {
    if (kindOf(error) !== 'unavailable') throw error;
    return htmlResponse(
      503,
      refusalPage('Tạm thời không mở được', 'Máy chủ đăng nhập tạm thời không trả lời. Vui lòng thử lại sau ít phút.'),
    );
  }
}
