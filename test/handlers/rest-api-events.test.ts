import type { APIGatewayProxyEvent, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createCitizenPageHandler } from '../../functions/citizen-page/handler.ts';
import { fixedClock, shippedRuleBook } from '../support/in-memory.ts';

// The public pages sit behind a REST API (payload 1.0) on AWS and the HTTP API shape locally (ADR 0018).

function restEvent(method: string, path: string, body?: string): APIGatewayProxyEvent {
  return {
    resource: '/tra-cuu/{code}',
    path,
    httpMethod: method,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: body ?? null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      protocol: 'HTTP/1.1',
      httpMethod: method,
      path: `/p${path}`,
      stage: 'p',
      requestId: 'r-1',
      requestTimeEpoch: Date.parse('2026-11-29T03:00:00Z'),
      resourceId: 'x',
      resourcePath: '/tra-cuu/{code}',
      identity: { sourceIp: '203.0.113.9', userAgent: 'test' },
    },
  } as unknown as APIGatewayProxyEvent;
}

describe('the citizens’ page through a REST API event (payload 1.0)', () => {
  it('reads the path, the method, the form and the client address as from the HTTP API', async () => {
    const counted: string[] = [];
    const handler = createCitizenPageHandler({
      store: { load: async () => ({ record: undefined }) },
      rules: await shippedRuleBook(),
      attempts: {
        attempt: async (key) => {
          counted.push(key);
          return true;
        },
      },
      clock: fixedClock('2026-11-29T03:00:00Z'),
    });
    const invoke = (event: APIGatewayProxyEvent) =>
      handler(event as never, {} as Context) as Promise<APIGatewayProxyStructuredResultV2>;
    const form = await invoke(restEvent('GET', '/tra-cuu/H21.65-261129-0001'));
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="H21.65-261129-0001"');
    const posted = await invoke(
      restEvent('POST', '/tra-cuu/H21.65-261129-0001', 'code=H21.65-261129-0001&factor=1234'),
    );
    expect(posted.statusCode).toBe(200);
    expect(posted.body).toContain('Không tìm thấy hồ sơ khớp với thông tin đã nhập');
    // Counted per client network and per code (its hour and its day), hashed: neither the address nor
    // the code is stored.
    expect(counted).toHaveLength(3);
    expect(counted.join(' ')).not.toMatch(/203\.0\.113|H21/);
  });
});
