import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { bearerPerson } from '../../shared/adapters/http-identity.ts';
import { json, statusFor } from '../../shared/adapters/http-status.ts';
import type { Person } from '../../shared/domain/authority/actors.ts';
import { type Action, authorize, defaultUnit } from '../../shared/domain/authority/authority.ts';
import { renderCsv, renderHtml, renderMarkdown } from '../../shared/domain/reports/render-report.ts';
import { EMPTY_DIRECTORY, UnitBook } from '../../shared/domain/units/unit-directory.ts';
import type { TokenVerifier } from '../../shared/ports/token-verifier.ts';
import { InvalidInputError, UnauthenticatedError } from '../../shared/support/errors.ts';
import {
  type AdminDeps,
  type ConfigDocument,
  InvalidConfigChangeError,
  listAudit,
} from '../../shared/use-cases/administer-config.ts';
import { listAwaitingApproval } from '../../shared/use-cases/approve-through-link.ts';
import { CONFIG_KINDS, type ConfigKind } from '../../shared/use-cases/config-change/kinds.ts';
import { describeDossier } from '../../shared/use-cases/describe-dossier.ts';
import { parseReportRequest, produceReport } from '../../shared/use-cases/produce-report.ts';

const REPORT_TYPES = {
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
  json: 'application/json; charset=utf-8',
} as const;

/**
 * The unit a report is about when none is asked: everything for an administrator or a province-wide
 * supervisor, else the one unit the person reports on; a person with several must name one.
 */
function onlyUnitOf(actor: Person): string | undefined {
  const unit = defaultUnit(actor, 'report.read');
  if ('choose' in unit)
    throw new BadRequestError(
      `unit: name the unit to report on (${unit.choose.join(', ') || 'none of your roles reports'})`,
    );
  return unit.unit;
}

/** `GET /admin/reports?from&to[&unit][&by][&format]`: the report as md, csv, html (the dashboard) or json. */
async function reportResponse(
  deps: AdminDeps,
  event: APIGatewayProxyEventV2,
  actor: Person,
): Promise<APIGatewayProxyStructuredResultV2> {
  const query = event.queryStringParameters ?? {};
  const format = query.format ?? 'html';
  if (format === 'xlsx')
    throw new BadRequestError('format: xlsx is written by the CLI (dunghan report --format xlsx --aws --out …)');
  if (!(format in REPORT_TYPES))
    throw new BadRequestError(`format: must be one of ${Object.keys(REPORT_TYPES).join(', ')}`);
  const request = parseReportRequest({ ...query, unit: query.unit ?? onlyUnitOf(actor) });
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

/** One route: the method, the path after `/admin` or `/api`, what it asks the authority, and the answer. */
interface Route {
  method: 'GET' | 'POST' | 'PUT';
  path: RegExp;
  action: Action;
  /** The units the request is about (a dossier's, a report's unit), for the authority's scope check. */
  units?: (deps: AdminDeps, match: RegExpExecArray, event: APIGatewayProxyEventV2) => Promise<string[] | undefined>;
  answer: (
    deps: AdminDeps,
    event: APIGatewayProxyEventV2,
    match: RegExpExecArray,
    actor: Person,
  ) => Promise<APIGatewayProxyStructuredResultV2>;
}

const ok = (body: unknown) => json(200, body);
const validated = (report: { valid: boolean }) => json(report.valid ? 200 : 400, report);

/** A kind's documents from the body: several files, or the one its kind takes. */
function documentsOf(kind: ConfigKind, event: APIGatewayProxyEventV2): ConfigDocument[] {
  return kind.documents === 'many' ? documents(event) : [oneDocument(event, kind.document)];
}

/** A kind's put: the documents, and for a calendar the legal basis it implements and from when. */
async function putRoute(kind: ConfigKind, deps: AdminDeps, event: APIGatewayProxyEventV2, actor: Person) {
  const request = body(event);
  const legalBasis = typeof request.legalBasis === 'string' ? request.legalBasis.trim() : '';
  if (kind.needsLegalBasis && !legalBasis)
    throw new BadRequestError('legalBasis: must cite the decision or notice (số hiệu văn bản)');
  const effectiveFrom = typeof request.effectiveFrom === 'string' ? request.effectiveFrom : undefined;
  return ok(await kind.put(deps, documentsOf(kind, event), actor, { legalBasis, effectiveFrom }));
}

/** The routes of one configuration kind (the table in config-change/kinds.ts): `/<kind>[/validate|diff|preview|<id>]`. */
function kindRoutes(kind: ConfigKind): Route[] {
  const at = (suffix = '') => new RegExp(`^\\/${kind.name}${suffix}$`);
  const routes: Route[] = [
    { method: 'GET', path: at(), action: kind.read, answer: async (deps) => ok(await kind.list(deps)) },
    { method: 'PUT', path: at(), action: kind.write, answer: (deps, e, _m, actor) => putRoute(kind, deps, e, actor) },
    {
      method: 'POST',
      path: at('\\/validate'),
      action: kind.read,
      answer: async (deps, e) => validated(await kind.validate(deps, documentsOf(kind, e))),
    },
    {
      method: 'POST',
      path: at('\\/diff'),
      action: kind.read,
      answer: async (deps, e) => ok(await kind.diff(deps, documentsOf(kind, e))),
    },
  ];
  const { preview } = kind;
  if (preview)
    routes.push({
      method: 'POST',
      path: at('\\/preview'),
      action: kind.write,
      answer: async (deps, e) => ok(await preview(deps, documentsOf(kind, e))),
    });
  routes.push({
    method: 'GET',
    path: at('\\/([^/]+)'),
    action: kind.read,
    answer: async (deps, _e, m) => ok(await kind.get(deps, m[1] as string)),
  });
  return routes;
}

/**
 * Every route of the staff API, and what each asks the authority (docs/security.md is this table with
 * the roles): rules, calendars, units and users are administered; the audit, the configuration and the
 * reports are read by supervisors too; a dossier and the approvals by the units' people.
 */
export const ROUTES: readonly Route[] = [
  { method: 'GET', path: /^\/me$/, action: 'dossier.read', answer: async (_d, _e, _m, actor) => ok(actor) },
  { method: 'GET', path: /^\/audit$/, action: 'audit.read', answer: async (deps) => ok(await listAudit(deps)) },
  {
    method: 'GET',
    path: /^\/reports$/,
    action: 'report.read',
    units: async (_d, _m, event) =>
      event.queryStringParameters?.unit ? [event.queryStringParameters.unit] : undefined,
    answer: (deps, event, _m, actor) => reportResponse(deps, event, actor),
  },
  {
    method: 'GET',
    path: /^\/dossiers\/([^/]+)$/,
    action: 'dossier.read',
    answer: async (deps, _e, match, actor) => {
      const view = deps.rules
        ? await describeDossier(
            { store: deps.dossiers, rules: deps.rules, clock: deps.clock },
            match[1] as string,
            actor,
          )
        : undefined;
      // Another unit's dossier is answered exactly as one that does not exist.
      return view ? ok(view) : json(404, { error: 'not found' });
    },
  },
  {
    method: 'GET',
    path: /^\/approvals$/,
    action: 'approvals.list',
    answer: async (deps, _e, _m, actor) =>
      ok(await listAwaitingApproval(deps.openDossiers, actor, await unitBook(deps))),
  },
  ...CONFIG_KINDS.flatMap(kindRoutes),
];

async function unitBook(deps: AdminDeps): Promise<UnitBook> {
  return new UnitBook((await deps.config.getUnitDirectoryVersion())?.directory ?? EMPTY_DIRECTORY);
}

/**
 * The staff API under `/admin/…` (administrators' pool on AWS) and `/api/…` (staff pool): every request
 * signed in with a bearer token, verified by the one verifier, and every route asks the one authority
 * module. Bodies are JSON; validation problems come back as 400 with every problem and nothing applied;
 * 401 without a valid token, 403 when the role does not allow it, 404 for what is out of scope.
 */
export async function routeAdmin(
  deps: AdminDeps,
  event: APIGatewayProxyEventV2,
  verifier: TokenVerifier,
): Promise<APIGatewayProxyStructuredResultV2> {
  const method = event.requestContext?.http?.method ?? 'GET';
  const rawPath = (event.rawPath ?? '').replace(/\/+$/, '');
  const prefix = /^\/(admin|api)(?=\/|$)/.exec(rawPath);
  let path: string;
  try {
    path = decodeURIComponent(prefix ? rawPath.slice(prefix[0].length) : rawPath);
  } catch {
    return json(400, { error: 'path: malformed percent-encoding' });
  }
  try {
    const actor = await bearerPerson(event, verifier);
    if (!actor) throw new UnauthenticatedError('authorization: sign in and send the token (Authorization: Bearer …)');
    for (const route of ROUTES) {
      const match = route.method === method ? route.path.exec(path) : null;
      if (!match) continue;
      const units = await unitBook(deps);
      const target = route.units ? await route.units(deps, match, event) : undefined;
      // Dossier reads are decided against the dossier's own units, inside describeDossier (concealed there).
      if (route.path.source !== '^\\/dossiers\\/([^/]+)$') authorize(actor, route.action, { units: target }, units);
      return await route.answer(deps, event, match, actor);
    }
    return json(404, { error: `no route ${method} ${rawPath}` });
  } catch (error) {
    if (error instanceof InvalidConfigChangeError) return json(400, { valid: false, problems: error.problems });
    const status = statusFor(error);
    if (status) return json(status, { error: (error as Error).message });
    throw error;
  }
}
