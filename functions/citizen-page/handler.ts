import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { clientKeysOf } from '../../shared/adapters/client-keys.ts';
import { formFields, htmlResponse, safeDecode } from '../../shared/adapters/html-responses.ts';
import { logger } from '../../shared/adapters/observability.ts';
import { platformFromEnvironment } from '../../shared/adapters/platform.ts';
import { acceptRestApiEvents } from '../../shared/adapters/rest-api-events.ts';
import { readConfig } from '../../shared/settings/env.ts';
import {
  type LookUpDeps,
  lookUpDossier,
  lookUpWithOneTimeCode,
  sendOneTimeCode,
} from '../../shared/use-cases/look-up-dossier.ts';
import { citizenPageDeps, smsFromEnvironment } from './deps.ts';
import { lookupFormPage, notFoundPage, oneTimeCodePage, statusPage } from './page.ts';

/** The path of the citizens' page; `/tra-cuu/<code>` opens the form with the code (the QR codes' target). */
export const CITIZEN_PAGE_PATH = '/tra-cuu';

/**
 * The citizens' status page (issue #18), public: GET shows the form, POST looks the dossier up by its
 * code and the last four digits of the phone or identity number given at receipt — or (issue #32) sends
 * a one-time code by SMS to the phone on file (`action=send-code`) and opens it with that code
 * (`action=verify-code`). Logs say whether a
 * dossier was shown and why not, never the code, the digits or the address.
 */
export function createCitizenPageHandler(deps: LookUpDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(acceptRestApiEvents())
    .handler(async (event) => {
      const match = /^\/tra-cuu(?:\/([^/]*))?\/?$/.exec(event.rawPath ?? '');
      if (!match) return htmlResponse(404, lookupFormPage('', 'Trang không tồn tại.'));
      const pathCode = (safeDecode(match[1] ?? '') ?? '').slice(0, 80);
      const method = event.requestContext?.http?.method ?? 'GET';
      if (method === 'GET' || method === 'HEAD') return htmlResponse(200, lookupFormPage(pathCode));
      if (method !== 'POST') return htmlResponse(405, lookupFormPage(pathCode, 'Phương thức không được hỗ trợ.'));
      const fields = formFields(event);
      const code = (fields.get('code') ?? pathCode).slice(0, 80);
      const clients = clientKeysOf(event.requestContext?.http?.sourceIp ?? 'unknown');
      const offerCode = deps.oneTimeCodes?.phone() !== undefined;
      const action = fields.get('action');
      if (action === 'send-code') {
        // The same answer whatever happened: it tells nothing of the dossier (issue #32).
        const sent = await sendOneTimeCode(deps, { code, clients });
        logger.info('one-time code requested', { sent: sent.sent, reason: sent.reason });
        return htmlResponse(200, oneTimeCodePage(code));
      }
      const result =
        action === 'verify-code'
          ? await lookUpWithOneTimeCode(deps, {
              code,
              oneTimeCode: (fields.get('otp') ?? '').trim().slice(0, 20),
              clients,
            })
          : await lookUpDossier(deps, { code, factor: (fields.get('factor') ?? '').slice(0, 20), clients });
      if (!result.view) {
        logger.info('status lookup not shown', { reason: result.reason, by: action ?? 'factor' });
        return htmlResponse(
          200,
          action === 'verify-code' ? oneTimeCodePage(code, true) : notFoundPage(code, offerCode),
        );
      }
      logger.info('status lookup shown');
      return htmlResponse(200, statusPage(result.view));
    });
}

let wired: ReturnType<typeof createCitizenPageHandler> | undefined;

/** The Lambda entry point: the composition root with the platform from the environment. */
export const handler = async (
  event: APIGatewayProxyEventV2,
  context: Parameters<ReturnType<typeof createCitizenPageHandler>>[1],
) => {
  const sms = smsFromEnvironment();
  wired ??= createCitizenPageHandler(citizenPageDeps(platformFromEnvironment(readConfig()), () => sms));
  return wired(event, context);
};
