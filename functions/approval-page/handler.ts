import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { formFields, htmlResponse, safeDecode } from '../../shared/adapters/html-responses.ts';
import { basePathOf, cookieOf, redirect, setCookies } from '../../shared/adapters/http-identity.ts';
import { readLinkSecret } from '../../shared/adapters/link-secret.ts';
import { logger } from '../../shared/adapters/observability.ts';
import { platformFromEnvironment } from '../../shared/adapters/platform.ts';
import { acceptRestApiEvents } from '../../shared/adapters/rest-api-events.ts';
import { InvalidLinkError, verifyApprovalToken } from '../../shared/domain/approval-link.ts';
import { AccessDeniedError } from '../../shared/domain/authority/authority.ts';
import { ApprovalRefusedError } from '../../shared/domain/dossier/re-appointment.ts';
import { readApiConfig } from '../../shared/settings/detector-env.ts';
import { kindOf } from '../../shared/support/errors.ts';
import {
  type ApprovalDeps,
  approveThroughLink,
  DossierNotFoundError,
  viewApproval,
  whomToAsk,
} from '../../shared/use-cases/approve-through-link.ts';
import {
  answerSignIn,
  beginSignIn,
  type CookieChange,
  CsrfError,
  checkCsrf,
  completeSignIn,
  passwordSignIn,
  resumeSession,
  SESSION_COOKIE,
  SIGNIN_COOKIE,
  safeNext,
  signInFormToken,
  signOut,
  type WebAuthDeps,
} from '../../shared/use-cases/web-session.ts';
import { navigation, sectionsOf } from '../console/layout.ts';
import { approvalDeps, webAuthFromEnvironment } from './deps.ts';
import {
  APPROVAL_FORM_ERRORS,
  alreadyApprovedPage,
  approvalFormPage,
  approvalRefusal,
  approvedPage,
  refusalPage,
  type SignedInBar,
  signedOutPage,
} from './page.ts';
import { challengePage, passwordFormPage } from './sign-in-pages.ts';

const LINK_REFUSALS: Record<InvalidLinkError['problem'], [number, string]> = {
  malformed: [400, 'Đường dẫn không hợp lệ. Vui lòng dùng đúng đường dẫn trong thư của hệ thống.'],
  tampered: [403, 'Đường dẫn đã bị thay đổi nên không được chấp nhận.'],
  expired: [
    410,
    'Đường dẫn đã hết hạn. Hệ thống sẽ gửi đường dẫn mới trong thư tổng hợp kế tiếp nếu hồ sơ còn cần xử lý.',
  ],
  other_dossier: [403, 'Đường dẫn này không dành cho hồ sơ được yêu cầu.'],
};

/** The person signed in on the pages, and their session's CSRF token; undefined when nobody is. */
function sessionPerson(event: APIGatewayProxyEventV2, web: WebAuthDeps) {
  return resumeSession(web, cookieOf(event, SESSION_COOKIE));
}

/** An answer with cookies set (the pages' sign-in). */
function withCookies(response: APIGatewayProxyStructuredResultV2, cookies: readonly CookieChange[]) {
  return { ...response, cookies: setCookies(cookies) };
}

const NOT_FOUND = () => htmlResponse(404, refusalPage('Không tìm thấy hồ sơ', 'Hồ sơ không tồn tại.'));

/** The pages' own password sign-in (`POST /auth/login`, then `/auth/challenge` for a second factor). */
async function passwordStep(
  web: WebAuthDeps,
  event: APIGatewayProxyEventV2,
  base: string,
  action: 'login' | 'challenge',
) {
  const form = formFields(event);
  const ip = event.requestContext?.http?.sourceIp;
  try {
    const step =
      action === 'login'
        ? await passwordSignIn(web, {
            username: form.get('username') ?? '',
            password: form.get('password') ?? '',
            next: form.get('next') ?? '/',
            formToken: form.get('csrf') ?? '',
            cookie: cookieOf(event, SIGNIN_COOKIE),
            ...(ip ? { ip } : {}),
          })
        : await answerSignIn(web, {
            answer: (form.get('answer') ?? '').trim(),
            cookie: cookieOf(event, SIGNIN_COOKIE),
            ...(ip ? { ip } : {}),
          });
    if (step.done) {
      logger.info('signed in');
      return redirect(`${base}${step.location}`, step.cookies, 303);
    }
    return withCookies(
      htmlResponse(
        step.mistake ? 400 : 200,
        challengePage(base, step.challenge, step.username, step.secret, step.mistake),
      ),
      step.cookies,
    );
  } catch (error) {
    if (action !== 'login' || kindOf(error) !== 'unauthenticated') throw error;
    logger.warn('sign-in refused');
    const retry = signInFormToken();
    return withCookies(
      htmlResponse(
        401,
        passwordFormPage(
          base,
          retry.token,
          safeNext(form.get('next') ?? '/'),
          'Tên đăng nhập hoặc mật khẩu không đúng.',
          form.get('username') ?? '',
        ),
      ),
      retry.cookies,
    );
  }
}

/** The sign-in pages (`/auth/…`): start, the issuer's callback, sign-out, signed out. */
async function authRoute(web: WebAuthDeps, event: APIGatewayProxyEventV2, base: string) {
  const method = event.requestContext?.http?.method ?? 'GET';
  const action = (event.rawPath ?? '').slice('/auth/'.length);
  try {
    const next = (raw: string | undefined | null) =>
      (raw?.startsWith(base) ? raw.slice(base.length) || '/' : raw) ?? undefined;
    if (action === 'login' && method === 'GET') {
      if (web.password) {
        // The pages' own form (Cognito's managed login has no Vietnamese), with its anti-forgery token.
        const form = signInFormToken();
        return withCookies(
          htmlResponse(200, passwordFormPage(base, form.token, safeNext(next(event.queryStringParameters?.next)))),
          form.cookies,
        );
      }
      const started = await beginSignIn(web, next(event.queryStringParameters?.next));
      return redirect(started.location, started.cookies);
    }
    if (web.password && method === 'POST' && (action === 'login' || action === 'challenge'))
      return await passwordStep(web, event, base, action);
    if (action === 'callback' && method === 'GET') {
      const url = new URL(`https://pages${event.rawPath}?${event.rawQueryString ?? ''}`);
      const done = await completeSignIn(web, url, cookieOf(event, SIGNIN_COOKIE));
      logger.info('signed in');
      return redirect(`${base}${done.location}`, done.cookies);
    }
    if (action === 'logout' && method === 'POST') {
      const done = await signOut(web, cookieOf(event, SESSION_COOKIE), formFields(event).get('csrf'));
      return redirect(done.location, done.cookies, 303);
    }
    if (action === 'signed-out' && method === 'GET') return htmlResponse(200, signedOutPage(base));
  } catch (error) {
    const kind = kindOf(error);
    if (kind === 'unauthenticated' || kind === 'refused' || kind === 'unavailable') {
      logger.warn('sign-in refused', { reason: (error as Error).name });
      return htmlResponse(
        kind === 'unavailable' ? 503 : 401,
        refusalPage(
          'Đăng nhập không thành công',
          kind === 'unavailable'
            ? 'Máy chủ đăng nhập tạm thời không trả lời. Vui lòng thử lại sau ít phút.'
            : 'Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Vui lòng mở lại đường dẫn và đăng nhập lại.',
        ),
      );
    }
    throw error;
  }
  return htmlResponse(404, refusalPage('Không tìm thấy', 'Trang không tồn tại.'));
}

/**
 * The staff pages: the sign-in (`/auth/…`) and the approval page (`/approve/{id}`, behind its signed
 * link and the head's session: GET shows the draft and the form, POST approves, once). Its own function
 * (ADR 0014): it reads the link secret, the dossiers and the sessions, and nothing else.
 */
export function createApprovalPageHandler(deps: ApprovalDeps, web: WebAuthDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(acceptRestApiEvents())
    .handler(async (event) => {
      const base = basePathOf(event);
      if ((event.rawPath ?? '').startsWith('/auth/')) return authRoute(web, event, base);
      const match = /^\/approve\/([^/]+)$/.exec(event.rawPath ?? '');
      if (!match?.[1]) return htmlResponse(404, refusalPage('Không tìm thấy', 'Trang không tồn tại.'));
      const dossierId = safeDecode(match[1])?.slice(0, 120);
      if (dossierId === undefined) return htmlResponse(404, refusalPage('Không tìm thấy', 'Trang không tồn tại.'));
      const method = event.requestContext?.http?.method ?? 'GET';
      logger.appendKeys({ dossierId });
      const form = method === 'POST' ? formFields(event) : undefined;
      const token = form ? (form.get('token') ?? '') : (event.queryStringParameters?.token ?? '');
      try {
        // The link first: a tampered, foreign or expired link is answered as before, signed in or not.
        verifyApprovalToken(deps.linkSecret, token, dossierId, deps.clock.now());
        const session = await sessionPerson(event, web);
        if (!session) {
          if (method !== 'GET')
            return htmlResponse(
              401,
              refusalPage('Cần đăng nhập', 'Phiên đăng nhập đã hết. Vui lòng mở lại đường dẫn trong thư và đăng nhập.'),
            );
          // The link stays the way back; the session decides who may use it.
          const here = `${base}${event.rawPath}?${new URLSearchParams({ token }).toString()}`;
          return redirect(`${base}/auth/login?${new URLSearchParams({ next: here }).toString()}`);
        }
        // The link lands in the console (issue #34): the same form, under the person's sections.
        const { units } = await deps.rules.current();
        const nav = navigation({ bar: { base }, sections: sectionsOf(session.person, units) }, 'approvals');
        const bar: SignedInBar = { name: session.person.name, csrf: session.csrf, base, nav };
        if (method === 'GET') {
          const view = await viewApproval(deps, dossierId, token, session.person);
          return htmlResponse(
            200,
            view.approval ? alreadyApprovedPage(view, bar) : approvalFormPage(view, token, bar),
            web.formTargets,
          );
        }
        if (method !== 'POST') return htmlResponse(405, refusalPage('Không hỗ trợ', 'Phương thức không được hỗ trợ.'));
        checkCsrf(session.csrf, form?.get('csrf'));
        const approved = await approveThroughLink(deps, {
          dossierId,
          token,
          reason: form?.get('reason') ?? '',
          newReturnDate: form?.get('newReturnDate') ?? '',
          actor: session.person,
        });
        logger.info('apology approved', { extendedDueAt: approved.extendedDueAt });
        return htmlResponse(
          200,
          approvedPage(dossierId, approved.extendedDueAt ?? '', approved.apology.channel ?? 'desk', bar),
          web.formTargets,
        );
      } catch (error) {
        return refusal(deps, web, event, error, { dossierId, token, base });
      }
    });
}

async function refusal(
  deps: ApprovalDeps,
  web: WebAuthDeps,
  event: APIGatewayProxyEventV2,
  error: unknown,
  context: { dossierId: string; token: string; base: string },
): Promise<APIGatewayProxyStructuredResultV2> {
  const { dossierId, token, base } = context;
  if (error instanceof InvalidLinkError) {
    logger.warn('approval link refused', { problem: error.problem });
    const [status, message] = LINK_REFUSALS[error.problem];
    // An expired link is authentic: it may name whom to ask (the desk that received the dossier).
    const contact = error.problem === 'expired' ? await whomToAsk(deps, dossierId).catch(() => undefined) : undefined;
    const ask = contact
      ? ` Nếu cần duyệt ngay, đề nghị liên hệ ${contact.officialName}, bộ phận một cửa ${contact.unitName} (nơi tiếp nhận hồ sơ ${dossierId}), để duyệt trực tiếp trên hệ thống.`
      : '';
    return htmlResponse(status, refusalPage('Không thể mở trang duyệt', `${message}${ask}`));
  }
  if (error instanceof DossierNotFoundError) return NOT_FOUND();
  if (kindOf(error) === 'unavailable')
    return htmlResponse(
      503,
      refusalPage('Tạm thời không mở được', 'Máy chủ đăng nhập tạm thời không trả lời. Vui lòng thử lại sau ít phút.'),
    );
  if (error instanceof CsrfError)
    return htmlResponse(403, refusalPage('Không thể duyệt', 'Biểu mẫu đã cũ. Vui lòng tải lại trang và duyệt lại.'));
  if (error instanceof AccessDeniedError) {
    logger.warn('approval refused', { reason: error.reason });
    const refused = approvalRefusal({ kind: 'access', reason: error.reason });
    return htmlResponse(refused.status, refused.body);
  }
  if (error instanceof ApprovalRefusedError) {
    if (error.field === 'dossier') {
      const refused = approvalRefusal({ kind: 'dossier', code: error.code });
      return htmlResponse(refused.status, refused.body);
    }
    const session = await sessionPerson(event, web);
    if (!session) return NOT_FOUND();
    const view = await viewApproval(deps, dossierId, token, session.person);
    const submitted = formFields(event);
    return htmlResponse(
      400,
      approvalFormPage(
        view,
        token,
        { name: session.person.name, csrf: session.csrf, base },
        APPROVAL_FORM_ERRORS[error.code],
        {
          reason: submitted.get('reason') ?? '',
          newReturnDate: submitted.get('newReturnDate') ?? '',
        },
      ),
      web.formTargets,
    );
  }
  throw error;
}

let wired: Promise<ReturnType<typeof createApprovalPageHandler>> | undefined;

/** The Lambda entry point: the composition root with the platform from the environment. */
export const handler = async (
  event: APIGatewayProxyEventV2,
  context: Parameters<ReturnType<typeof createApprovalPageHandler>>[1],
) => {
  wired ??= (async () => {
    const platform = platformFromEnvironment(readApiConfig());
    return createApprovalPageHandler(
      approvalDeps(platform, await readLinkSecret()),
      await webAuthFromEnvironment(platform),
    );
  })();
  return (await wired)(event, context);
};
