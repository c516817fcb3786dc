import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

export type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * Dispatches a request by path prefix the way the deployed HTTP API's routes do (infra/constructs/
 * api-subsystem.ts: `/approve/{dossierId}` → the approval page, `/admin/{proxy+}` → the admin API);
 * a path no route takes gets API Gateway's own 404.
 */
export function routeLikeHttpApi(routes: Record<string, Handler>): Handler {
  return async (event, context) => {
    const path = event.rawPath ?? '/';
    for (const [prefix, handler] of Object.entries(routes)) {
      if (path.startsWith(prefix)) return handler(event, context);
    }
    return {
      statusCode: 404,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Not Found' }),
    };
  };
}

/** API Gateway's (HTTP API) payload quota: 10 MB. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/**
 * Serves a Lambda HTTP handler on loopback the way API Gateway (HTTP API, payload 2.0) invokes it, so
 * the approval page runs locally through the same handler as on AWS.
 */
export async function serveHttpApi(
  handler: Handler,
  context: () => Context,
  port = 0,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(c);
    });
    request.on('end', async () => {
      if (size > MAX_PAYLOAD_BYTES) {
        // As API Gateway answers a request over its payload quota.
        response.writeHead(413, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ message: 'Request Entity Too Large' }));
        return;
      }
      const url = new URL(request.url ?? '/', 'http://localhost');
      const body = Buffer.concat(chunks);
      const event = {
        version: '2.0',
        routeKey: '$default',
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers: Object.fromEntries(
          Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
        ),
        queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
        // As the HTTP API passes them (payload 2.0): the Cookie header split into `cookies`.
        ...(request.headers.cookie ? { cookies: request.headers.cookie.split(';').map((c) => c.trim()) } : {}),
        requestContext: {
          accountId: '000000000000',
          apiId: 'local',
          domainName: 'localhost',
          domainPrefix: 'localhost',
          http: {
            method: request.method ?? 'GET',
            path: url.pathname,
            protocol: 'HTTP/1.1',
            sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
            userAgent: request.headers['user-agent'] ?? '',
          },
          requestId: crypto.randomUUID(),
          routeKey: '$default',
          stage: '$default',
          time: new Date().toISOString(),
          timeEpoch: Date.now(),
        },
        body: body.length > 0 ? body.toString('base64') : undefined,
        isBase64Encoded: body.length > 0,
      } as APIGatewayProxyEventV2;
      try {
        const result = await handler(event, context());
        response.writeHead(result.statusCode ?? 200, {
          ...(result.headers as Record<string, string>),
          ...(result.cookies ? { 'set-cookie': result.cookies } : {}),
        });
        // A binary answer (a workbook, a letter) comes base64-encoded, as API Gateway takes it.
        response.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
      } catch {
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        response.end('Lỗi hệ thống. Vui lòng thử lại sau.');
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
