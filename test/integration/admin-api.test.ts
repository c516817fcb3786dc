import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, localContext, startLocalRuntime } from '../../local/local-runtime.ts';
import { receivedEvent } from '../support/dossier-factory.ts';
import { SAMPLE_ADMIN, tokenOf } from '../support/sign-in.ts';

const clock = { now: () => Date.parse('2026-11-20T10:00:00+07:00') };
let adminToken = '';
let runtime: LocalRuntime;
let api: LocalRuntime['invokeHttpApi'];

function request(
  method: string,
  path: string,
  body?: unknown,
  iam = true,
  query?: Record<string, string>,
): APIGatewayProxyEventV2 {
  return {
    ...(query ? { queryStringParameters: query } : {}),
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...(iam ? { authorization: `Bearer ${adminToken}` } : {}) },
    isBase64Encoded: false,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    requestContext: {
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
    },
  } as unknown as APIGatewayProxyEventV2;
}

async function call(method: string, path: string, body?: unknown, iam = true) {
  const response = await api(request(method, path, body, iam), localContext('api'));
  return { status: response.statusCode, body: JSON.parse(response.body ?? 'null') };
}

const calendar = JSON.parse(
  readFileSync(new URL('../../config/calendars/vn-civil-service.json', import.meta.url), 'utf8'),
) as { years: Record<string, { daysOff: unknown[]; makeUpDays: unknown[] }> };
calendar.years['2026']?.daysOff.push({ date: '2026-11-24', name: 'Ngày Văn hóa Việt Nam', kind: 'holiday' });

beforeAll(async () => {
  runtime = await startLocalRuntime({ clock, identity: true });
  adminToken = await tokenOf(runtime, SAMPLE_ADMIN.username);
  for (const d of await runtime.deliver(
    receivedEvent({
      dossierId: 'H21.65-261118-0001',
      eventId: 'api-1',
      occurredAt: '2026-11-18T09:00:00+07:00',
      receivedAt: '2026-11-18T09:00:00+07:00',
      appointmentAt: '2026-11-30T17:00:00+07:00',
      procedure: { code: '1.013831', name: 'Đăng ký biến động', field: 'Đất đai' },
    }),
  ))
    if (!d.ok) throw d.error;
  api = runtime.invokeHttpApi;
});
afterAll(async () => {
  await runtime?.close();
});

describe('the administration endpoints of functions/admin-api (signed-in administrator, dynalite)', () => {
  it('lists rules and one scope’s versions', async () => {
    const all = await call('GET', '/admin/rules');
    expect(all.status).toBe(200);
    expect(all.body).toHaveLength(53);
    const land = await call('GET', `/admin/rules/${encodeURIComponent('PROC#1.013831')}`);
    expect(land.body.map((r: { effectiveFrom: string }) => r.effectiveFrom)).toEqual(['2018-06-21', '2025-07-01']);
    expect((await call('GET', '/admin/rules/NOPE')).status).toBe(404);
  });

  it('validates with every problem (400), previews, then puts a calendar as the signed-in administrator', async () => {
    const broken = structuredClone(calendar);
    broken.years['2026']?.makeUpDays.push({ date: '2026-12-02', name: 'Làm bù' });
    const invalid = await call('POST', '/admin/calendars/validate', {
      files: [{ name: 'lich.json', content: broken }],
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.problems[0]).toMatchObject({ file: 'lich.json', path: 'years.2026.makeUpDays.2.date' });

    const files = [{ name: 'lich-2026-11.json', content: calendar }];
    const preview = await call('POST', '/admin/calendars/preview', { files });
    expect(preview.status).toBe(200);
    expect(preview.body.moves).toEqual([
      expect.objectContaining({
        dossierId: 'H21.65-261118-0001',
        before: expect.objectContaining({ dueAt: '2026-11-30T17:00:00+07:00' }),
        after: expect.objectContaining({ dueAt: '2026-12-01T17:00:00+07:00' }),
      }),
    ]);

    // Nobody signed in: 401, nothing applied.
    const anonymous = await call('PUT', '/admin/calendars', { files, legalBasis: 'QĐ 24/QĐ-UBND' }, false);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toMatch(/^authorization: sign in/);
    for (const [method, path] of [
      ['GET', '/admin/rules'],
      ['GET', '/admin/audit'],
      ['GET', '/admin/reports'],
      ['POST', '/admin/calendars/preview'],
    ] as const)
      expect((await call(method, path, { files }, false)).status).toBe(401);
    const noBasis = await call('PUT', '/admin/calendars', { files });
    expect(noBasis.body.error).toMatch(/^legalBasis: must cite/);

    const put = await call('PUT', '/admin/calendars', { files, legalBasis: 'QĐ 24/QĐ-UBND' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      version: 2,
      moves: [expect.objectContaining({ dossierId: 'H21.65-261118-0001' })],
    });
    const audit = await call('GET', '/admin/audit');
    expect(audit.body).toEqual([
      expect.objectContaining({ action: 'seed' }),
      expect.objectContaining({ author: SAMPLE_ADMIN.author, action: 'calendar.put', status: 'applied' }),
    ]);
    const { record } = await runtime.store.load('H21.65-261118-0001');
    expect(record?.state.dueAt).toBe('2026-12-01T17:00:00+07:00');
  });

  it("refuses the account's other identities: the detector's IAM role, with no sign-in, changes no calendar (issue #30)", async () => {
    const before = await call('GET', '/admin/calendars');
    const event = request('PUT', '/admin/calendars', { files: [], legalBasis: 'QĐ 24/QĐ-UBND' }, false);
    (event.requestContext as unknown as Record<string, unknown>).authorizer = {
      iam: { userArn: 'arn:aws:sts::123456789012:assumed-role/DungHanStateless-DetectorFunctionServiceRole/detector' },
    };
    const response = await api(event, localContext('api'));
    expect(response.statusCode).toBe(401);
    expect((await call('GET', '/admin/calendars')).body).toEqual(before.body);
    // A signed-in person who is not an administrator: 403, whatever their other grants.
    const head = await tokenOf(runtime, 'hoa.rlt');
    const asHead = { ...request('PUT', '/admin/calendars', { files: [], legalBasis: 'x' }, false) };
    asHead.headers = { ...asHead.headers, authorization: `Bearer ${head}` };
    expect((await api(asHead, localContext('api'))).statusCode).toBe(403);
  });

  it('refuses bodies that are not JSON objects and unknown routes', async () => {
    expect((await call('POST', '/admin/rules/validate', 'rules: []')).body.error).toMatch(
      /^body: must be a JSON object/,
    );
    expect((await call('POST', '/admin/rules/validate', { files: [] })).body.error).toMatch(/^files: /);
    expect((await call('DELETE', '/admin/rules')).status).toBe(404);
  });

  it('serves the report of a period as the dashboard page, markdown or csv, and names a bad parameter', async () => {
    const get = (query: Record<string, string>) =>
      api(request('GET', '/admin/reports', undefined, true, query), localContext('api'));
    const html = await get({ from: '2026-11-01', to: '2026-11-30' });
    expect(html.statusCode).toBe(200);
    expect(html.headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect(html.headers?.['content-security-policy']).toContain("default-src 'none'");
    expect(html.body).toContain('<figure id="chart-field">');
    expect(html.body).toContain('Kỳ báo cáo: từ ngày 01/11/2026 đến ngày 30/11/2026');
    const md = await get({ from: '2026-11-01', to: '2026-11-30', format: 'md', by: 'unit' });
    expect(md.body).toMatch(/\| 1 \| [^|]+ \| 1 \| 0 \| 0 \| 1 \|/);
    const csv = await get({ from: '2026-11-01', to: '2026-11-30', format: 'csv' });
    expect(csv.headers?.['content-disposition']).toBe('attachment; filename="bao-cao-2026-11-01-2026-11-30.csv"');
    expect((await get({ from: '2026-11-30', to: '2026-11-01' })).body).toContain('to: must not be before from');
    expect((await get({ from: '2026-02-30', to: '2026-11-01' })).statusCode).toBe(400);
    expect((await get({ from: '2026-11-01', to: '2026-11-30', format: 'xlsx' })).body).toContain(
      'format: xlsx is written by the CLI',
    );
  });
});
