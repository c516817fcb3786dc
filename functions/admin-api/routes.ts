import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { renderCsv, renderHtml, renderMarkdown } from '../../shared/domain/reports/render-report.ts';
import { InvalidInputError } from '../../shared/support/errors.ts';
import {
  type AdminDeps,
  type ConfigDocument,
  diffCalendarFile,
  diffRuleFiles,
  diffUnits,
  getCalendar,
  getRule,
  getUnit,
  InvalidConfigChangeError,
  listAudit,
  listCalendars,
  listRules,
  listUnits,
  previewCalendar,
  previewRules,
  previewUnits,
  putCalendar,
  putRules,
  putUnits,
  validateCalendar,
  validateRules,
  validateUnits,
} from '../../shared/use-cases/administer-config.ts';
import { parseReportRequest, produceReport } from '../../shared/use-cases/produce-report.ts';
import { json, statusFor } from './responses.ts';

const REPORT_TYPES = {
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
  json: 'application/json; charset=utf-8',
} as const;

/** `GET /admin/reports?from&to[&unit][&by][&format]`: the report as md, csv, html (the dashboard) or json. */
async function reportResponse(deps: AdminDeps, event: AdminEvent): Promise<APIGatewayProxyStructuredResultV2> {
  const query = event.queryStringParameters ?? {};
  const format = query.format ?? 'html';
  if (format === 'xlsx')
    throw new BadRequestError('format: xlsx is written by the CLI (dunghan report --format xlsx --aws --out …)');
  if (!(format in REPORT_TYPES))
    throw new BadRequestError(`format: must be one of ${Object.keys(REPORT_TYPES).join(', ')}`);
  const request = parseReportRequest(query);
  if (!deps.reports) throw new Error('the api has no report index');
  const report = await produceReport(deps.reports, request, deps.clock.now());
  const body =
    format === 'md'
      ? renderMarkdown(report)
      : format === 'csv'
        ? renderCsv(report)
        : format === 'html'
          ? renderHtml(report)
          : JSON.stringify(report);
  return {
    statusCode: 200,
    headers: {
      'content-type': REPORT_TYPES[format as keyof typeof REPORT_TYPES],
      'cache-control': 'no-store',
      // The dashboard is self-contained: no script, no fetch, inline styles and SVG only.
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
      'x-content-type-options': 'nosniff',
      ...(format === 'csv'
        ? { 'content-disposition': `attachment; filename="bao-cao-${request.period.from}-${request.period.to}.csv"` }
        : {}),
    },
    body,
  };
}

/** The admin request as the HTTP API passes it, with the IAM caller (the routes require IAM authorisation). */
export type AdminEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: { iam?: { userArn?: string; userId?: string } };
  };
};

class BadRequestError extends InvalidInputError {
  override name = 'BadRequestError';
}

function body(event: APIGatewayProxyEventV2): Record<string, unknown> {
  const type = event.headers?.['content-type'] ?? event.headers?.['Content-Type'] ?? 'application/json';
  if (!type.startsWith('application/json')) {
    throw new BadRequestError('content-type: send JSON (the CLI converts YAML files)');
  }
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new BadRequestError(`body: must be a JSON object (${(error as Error).message})`);
  }
}

/** `{"files": [{"name", "content"}]}` → documents; `content` is the parsed rules or calendar document. */
function documents(event: APIGatewayProxyEventV2): ConfigDocument[] {
  const files = body(event).files;
  if (!Array.isArray(files) || files.length === 0) {
    throw new BadRequestError('files: must be a non-empty list of {name, content}');
  }
  return files.map((file, i) => {
    const f = file as { name?: unknown; content?: unknown };
    if (typeof f?.name !== 'string' || f.name.length === 0)
      throw new BadRequestError(`files.${i}.name: must be a string`);
    return { name: f.name.slice(0, 300), data: f.content };
  });
}

function oneDocument(event: APIGatewayProxyEventV2, what = 'a calendar'): ConfigDocument {
  const [document, ...more] = documents(event);
  if (!document || more.length > 0) throw new BadRequestError(`files: ${what} is one file`);
  return document;
}

function caller(event: AdminEvent): string {
  const iam = event.requestContext?.authorizer?.iam;
  const who = iam?.userArn ?? iam?.userId;
  if (!who)
    throw new BadRequestError('caller: no IAM identity on the request (the admin routes need IAM authorisation)');
  return who;
}

/**
 * The administration endpoints (behind IAM authorisation): rules, calendars and the unit directory:
 * list / get / validate / diff / preview / put, the audit, and the supervisors' reports. Bodies are JSON; validation problems come back as 400 with
 * every problem and nothing applied.
 */
export async function routeAdmin(deps: AdminDeps, event: AdminEvent): Promise<APIGatewayProxyStructuredResultV2> {
  const method = event.requestContext?.http?.method ?? 'GET';
  const path = (event.rawPath ?? '').replace(/\/+$/, '');
  let parts: string[];
  try {
    parts = path.split('/').slice(2).map(decodeURIComponent);
  } catch {
    return json(400, { error: 'path: malformed percent-encoding' });
  }
  const [kind, action] = parts;
  // The HTTP API authorises these routes with IAM; a request that reaches here without an IAM caller
  // (a misconfigured route, a direct invocation) is refused, whatever it asks.
  const iam = event.requestContext?.authorizer?.iam;
  if (!iam?.userArn && !iam?.userId)
    return json(403, { error: 'caller: no IAM identity on the request (the admin routes need IAM authorisation)' });
  try {
    if (kind === 'audit' && parts.length === 1 && method === 'GET') return json(200, await listAudit(deps));
    if (kind === 'reports' && parts.length === 1 && method === 'GET') return await reportResponse(deps, event);
    if (kind === 'rules') {
      if (parts.length === 1 && method === 'GET') return json(200, await listRules(deps));
      if (parts.length === 1 && method === 'PUT')
        return json(200, await putRules(deps, documents(event), caller(event)));
      if (parts.length === 2 && method === 'POST' && action === 'validate') {
        const report = await validateRules(deps, documents(event));
        return json(report.valid ? 200 : 400, report);
      }
      if (parts.length === 2 && method === 'POST' && action === 'diff')
        return json(200, await diffRuleFiles(deps, documents(event)));
      if (parts.length === 2 && method === 'POST' && action === 'preview')
        return json(200, await previewRules(deps, documents(event)));
      if (parts.length === 2 && method === 'GET' && action) return json(200, await getRule(deps, action));
    }
    if (kind === 'calendars') {
      if (parts.length === 1 && method === 'GET') return json(200, await listCalendars(deps));
      if (parts.length === 1 && method === 'PUT') {
        const request = body(event);
        const legalBasis = typeof request.legalBasis === 'string' ? request.legalBasis : '';
        if (!legalBasis.trim())
          throw new BadRequestError('legalBasis: must cite the decision or notice (số hiệu văn bản)');
        const effectiveFrom = typeof request.effectiveFrom === 'string' ? request.effectiveFrom : undefined;
        return json(
          200,
          await putCalendar(deps, oneDocument(event), {
            author: caller(event),
            legalBasis: legalBasis.trim(),
            effectiveFrom,
          }),
        );
      }
      if (parts.length === 2 && method === 'POST' && action === 'validate') {
        const report = await validateCalendar(deps, oneDocument(event));
        return json(report.valid ? 200 : 400, report);
      }
      if (parts.length === 2 && method === 'POST' && action === 'diff')
        return json(200, await diffCalendarFile(deps, oneDocument(event)));
      if (parts.length === 2 && method === 'POST' && action === 'preview')
        return json(200, await previewCalendar(deps, oneDocument(event)));
      if (parts.length === 2 && method === 'GET' && action) return json(200, await getCalendar(deps, action));
    }
    if (kind === 'units') {
      if (parts.length === 1 && method === 'GET') return json(200, await listUnits(deps));
      if (parts.length === 1 && method === 'PUT')
        return json(200, await putUnits(deps, oneDocument(event, 'a unit directory'), caller(event)));
      if (parts.length === 2 && method === 'POST' && action === 'validate') {
        const report = await validateUnits(deps, oneDocument(event, 'a unit directory'));
        return json(report.valid ? 200 : 400, report);
      }
      if (parts.length === 2 && method === 'POST' && action === 'diff')
        return json(200, await diffUnits(deps, oneDocument(event, 'a unit directory')));
      if (parts.length === 2 && method === 'POST' && action === 'preview')
        return json(200, await previewUnits(deps, oneDocument(event, 'a unit directory')));
      if (parts.length === 2 && method === 'GET' && action) return json(200, await getUnit(deps, action));
    }
    return json(404, { error: `no admin route ${method} ${path}` });
  } catch (error) {
    if (error instanceof InvalidConfigChangeError) return json(400, { valid: false, problems: error.problems });
    const status = statusFor(error);
    if (status) return json(status, { error: (error as Error).message });
    throw error;
  }
}
