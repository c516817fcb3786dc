import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ConfigConflictError } from '../../shared/ports/config-admin-store.ts';
import {
  type AdminDeps,
  type ConfigDocument,
  ConfigNotFoundError,
  diffCalendarFile,
  diffRuleFiles,
  getCalendar,
  getRule,
  InvalidConfigChangeError,
  listAudit,
  listCalendars,
  listRules,
  previewCalendar,
  previewRules,
  putCalendar,
  putRules,
  validateCalendar,
  validateRules,
} from '../../shared/use-cases/administer-config.ts';

/** The admin request as the HTTP API passes it, with the IAM caller (the routes require IAM authorisation). */
export type AdminEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: { iam?: { userArn?: string; userId?: string } };
  };
};

function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

class BadRequestError extends Error {
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

function oneDocument(event: APIGatewayProxyEventV2): ConfigDocument {
  const [document, ...more] = documents(event);
  if (!document || more.length > 0) throw new BadRequestError('files: a calendar change is one file');
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
 * The administration endpoints (behind IAM authorisation): rules and calendars list / get / validate /
 * diff / preview / put, and the audit. Bodies are JSON; validation problems come back as 400 with
 * every problem and nothing applied.
 */
export async function routeAdmin(deps: AdminDeps, event: AdminEvent): Promise<APIGatewayProxyStructuredResultV2> {
  const method = event.requestContext?.http?.method ?? 'GET';
  const path = (event.rawPath ?? '').replace(/\/+$/, '');
  const parts = path.split('/').slice(2).map(decodeURIComponent);
  const [kind, action] = parts;
  try {
    if (kind === 'audit' && parts.length === 1 && method === 'GET') return json(200, await listAudit(deps));
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
    return json(404, { error: `no admin route ${method} ${path}` });
  } catch (error) {
    if (error instanceof BadRequestError) return json(400, { error: error.message });
    if (error instanceof InvalidConfigChangeError) return json(400, { valid: false, problems: error.problems });
    if (error instanceof ConfigNotFoundError) return json(404, { error: error.message });
    if (error instanceof ConfigConflictError) return json(409, { error: error.message });
    throw error;
  }
}
