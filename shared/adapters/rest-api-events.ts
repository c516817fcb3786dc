import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * Lets a page written for the HTTP API (payload 2.0) also answer through a REST API (payload 1.0): the
 * public pages sit behind a REST API, the only API Gateway kind AWS WAF protects (ADR 0018). The event
 * is rewritten into the 2.0 shape the handler reads (path, method, source address, headers, query,
 * body); the 2.0 structured answer is already a valid 1.0 answer.
 */
export function acceptRestApiEvents(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    // A 2.0 answer's `cookies` are Set-Cookie headers in 1.0 (`multiValueHeaders`): the pages' sessions.
    after: (request) => {
      if (!(request.internal as Record<string, unknown>).restApi) return;
      const response = request.response as APIGatewayProxyStructuredResultV2 & {
        multiValueHeaders?: Record<string, string[]>;
      };
      if (!response?.cookies) return;
      response.multiValueHeaders = { ...response.multiValueHeaders, 'Set-Cookie': response.cookies };
      delete response.cookies;
    },
    before: (request) => {
      const event = request.event as unknown as APIGatewayProxyEvent | APIGatewayProxyEventV2;
      if ('rawPath' in event || !('httpMethod' in event)) return;
      (request.internal as Record<string, unknown>).restApi = true;
      const v1 = event as APIGatewayProxyEvent;
      const query = Object.fromEntries(
        Object.entries(v1.queryStringParameters ?? {}).map(([k, v]): [string, string] => [k, v ?? '']),
      );
      request.event = {
        version: '2.0',
        routeKey: '$default',
        rawPath: v1.path,
        rawQueryString: new URLSearchParams(query).toString(),
        headers: Object.fromEntries(Object.entries(v1.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v ?? ''])),
        queryStringParameters: v1.queryStringParameters ? query : undefined,
        body: v1.body ?? undefined,
        isBase64Encoded: v1.isBase64Encoded,
        requestContext: {
          accountId: v1.requestContext.accountId,
          apiId: v1.requestContext.apiId,
          domainName: v1.requestContext.domainName ?? '',
          domainPrefix: v1.requestContext.domainPrefix ?? '',
          http: {
            method: v1.httpMethod,
            path: v1.path,
            protocol: v1.requestContext.protocol,
            sourceIp: v1.requestContext.identity.sourceIp,
            userAgent: v1.requestContext.identity.userAgent ?? '',
          },
          requestId: v1.requestContext.requestId,
          routeKey: '$default',
          stage: v1.requestContext.stage,
          time: new Date(v1.requestContext.requestTimeEpoch).toISOString(),
          timeEpoch: v1.requestContext.requestTimeEpoch,
        },
      } as APIGatewayProxyEventV2;
    },
  };
}
