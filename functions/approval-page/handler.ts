import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { formFields, htmlResponse, safeDecode } from '../../shared/adapters/html-responses.ts';
import { readLinkSecret } from '../../shared/adapters/link-secret.ts';
import { logger } from '../../shared/adapters/observability.ts';
import { platformFromEnvironment } from '../../shared/adapters/platform.ts';
import { acceptRestApiEvents } from '../../shared/adapters/rest-api-events.ts';
import { InvalidLinkError } from '../../shared/domain/approval-link.ts';
import { ApprovalRefusedError } from '../../shared/domain/dossier/re-appointment.ts';
import { readApiConfig } from '../../shared/settings/detector-env.ts';
import {
  type ApprovalDeps,
  approveThroughLink,
  DossierNotFoundError,
  viewApproval,
  whomToAsk,
} from '../../shared/use-cases/approve-through-link.ts';
import { approvalDeps } from './deps.ts';
import { alreadyApprovedPage, approvalFormPage, approvedPage, refusalPage } from './page.ts';

const LINK_REFUSALS: Record<InvalidLinkError['problem'], [number, string]> = {
  malformed: [400, 'Đường dẫn không hợp lệ. Vui lòng dùng đúng đường dẫn trong thư của hệ thống.'],
  tampered: [403, 'Đường dẫn đã bị thay đổi nên không được chấp nhận.'],
  expired: [
    410,
    'Đường dẫn đã hết hạn. Hệ thống sẽ gửi đường dẫn mới trong thư tổng hợp kế tiếp nếu hồ sơ còn cần xử lý.',
  ],
  other_dossier: [403, 'Đường dẫn này không dành cho hồ sơ được yêu cầu.'],
};

const FORM_ERRORS: Record<ApprovalRefusedError['code'], string> = {
  already_reappointed: 'Hồ sơ này đã được hẹn lại một lần.',
  closed: 'Hồ sơ đã kết thúc.',
  reason_missing: 'Vui lòng ghi rõ lý do chậm trễ (ít nhất 5 ký tự).',
  reason_too_long: 'Lý do không được dài quá 2000 ký tự.',
  date_invalid: 'Ngày hẹn mới không hợp lệ (ngày/tháng/năm phải có thật).',
  too_far: 'Ngày hẹn mới không được quá một năm sau hạn trả kết quả theo quy định.',
  not_working_day: 'Ngày hẹn mới phải là ngày làm việc.',
  not_after_due: 'Ngày hẹn mới phải sau hạn trả kết quả theo quy định.',
  already_past: 'Ngày hẹn mới đã qua: hãy chọn một ngày làm việc từ hôm nay trở đi.',
};

/**
 * The approval page, public behind its signed links: GET shows the draft and the form, POST approves,
 * once. Its own function (ADR 0014): it reads the link secret and the dossiers, and nothing else.
 */
export function createApprovalPageHandler(deps: ApprovalDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(acceptRestApiEvents())
    .handler(async (event) => {
      const match = /^\/approve\/([^/]+)$/.exec(event.rawPath ?? '');
      if (!match?.[1]) return htmlResponse(404, refusalPage('Không tìm thấy', 'Trang không tồn tại.'));
      const dossierId = safeDecode(match[1])?.slice(0, 120);
      if (dossierId === undefined) return htmlResponse(404, refusalPage('Không tìm thấy', 'Trang không tồn tại.'));
      const method = event.requestContext?.http?.method ?? 'GET';
      logger.appendKeys({ dossierId });
      const token =
        method === 'POST' ? (formFields(event).get('token') ?? '') : (event.queryStringParameters?.token ?? '');
      try {
        if (method === 'GET') {
          const view = await viewApproval(deps, dossierId, token);
          return htmlResponse(200, view.approval ? alreadyApprovedPage(view) : approvalFormPage(view, token));
        }
        if (method !== 'POST') return htmlResponse(405, refusalPage('Không hỗ trợ', 'Phương thức không được hỗ trợ.'));
        const body = formFields(event);
        const approved = await approveThroughLink(deps, {
          dossierId,
          token,
          reason: body.get('reason') ?? '',
          newReturnDate: body.get('newReturnDate') ?? '',
          approvedBy: (body.get('approvedBy') ?? '').slice(0, 200),
        });
        logger.info('apology approved', { extendedDueAt: approved.extendedDueAt });
        return htmlResponse(
          200,
          approvedPage(dossierId, approved.extendedDueAt ?? '', approved.apology.channel ?? 'desk'),
        );
      } catch (error) {
        if (error instanceof InvalidLinkError) {
          logger.warn('approval link refused', { problem: error.problem });
          const [status, message] = LINK_REFUSALS[error.problem];
          // An expired link is authentic: it may name whom to ask (the desk that received the dossier).
          const contact =
            error.problem === 'expired' ? await whomToAsk(deps, dossierId).catch(() => undefined) : undefined;
          const ask = contact
            ? ` Nếu cần duyệt ngay, đề nghị liên hệ ${contact.officialName}, bộ phận một cửa ${contact.unitName} (nơi tiếp nhận hồ sơ ${dossierId}), để duyệt trực tiếp trên hệ thống.`
            : '';
          return htmlResponse(status, refusalPage('Không thể mở trang duyệt', `${message}${ask}`));
        }
        if (error instanceof DossierNotFoundError)
          return htmlResponse(404, refusalPage('Không tìm thấy hồ sơ', 'Hồ sơ không tồn tại.'));
        if (error instanceof ApprovalRefusedError) {
          if (error.field === 'dossier') {
            const message =
              error.code === 'already_reappointed'
                ? 'Hồ sơ này đã được hẹn lại một lần; theo quy định không được hẹn lại lần thứ hai.'
                : 'Hồ sơ đã kết thúc, không cần phiếu xin lỗi.';
            return htmlResponse(409, refusalPage('Không thể duyệt', message));
          }
          const view = await viewApproval(deps, dossierId, token);
          const submitted = formFields(event);
          return htmlResponse(
            400,
            approvalFormPage(view, token, FORM_ERRORS[error.code], {
              reason: submitted.get('reason') ?? '',
              newReturnDate: submitted.get('newReturnDate') ?? '',
              approvedBy: submitted.get('approvedBy') ?? '',
            }),
          );
        }
        throw error;
      }
    });
}

let wired: Promise<ReturnType<typeof createApprovalPageHandler>> | undefined;

/** The Lambda entry point: the composition root with the platform from the environment. */
export const handler = async (
  event: APIGatewayProxyEventV2,
  context: Parameters<ReturnType<typeof createApprovalPageHandler>>[1],
) => {
  wired ??= readLinkSecret().then((secret) =>
    createApprovalPageHandler(approvalDeps(platformFromEnvironment(readApiConfig()), secret)),
  );
  return (await wired)(event, context);
};
