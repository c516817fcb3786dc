import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_ENV } from '../../cli/identity.ts';
import { run } from '../../cli/main.ts';
import { LOCAL_DEMO_PASSWORD } from '../../local/identity-provider.ts';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime.ts';
import { sentEmails } from '../../local/ses-server.ts';
import { receivedEvent } from '../support/dossier-factory.ts';
import { signedInBrowser, tokenOf } from '../support/sign-in.ts';

/*
 * Issue #30: who may do what, asked of every way in — the staff API (bearer tokens), the approval page
 * (sessions) and the commands (`--as`) — by every role, in and out of scope, with tokens from the real
 * local OpenID provider. The table this test computes is docs/security.md's, verbatim.
 */

const DOSSIER = 'H21.65.01-240304-0001';
const NOW = Date.parse('2024-03-14T17:30:00+07:00');

/** The sample user directory's people (config/users.yaml), one per column. */
const ROLES = [
  ['cán bộ xã A', 'dok.ky'],
  ['lãnh đạo xã A', 'bia.nh'],
  ['giám sát xã A', 'giamsat.iarmok'],
  ['giám sát huyện', 'giamsat.krongpa'],
  ['cán bộ xã B', 'duc.tm'],
  ['lãnh đạo xã B', 'hung.rlv'],
  ['quản trị', 'quantri'],
] as const;

/**
 * What each cell means: ✓ allowed (and, for a list, dossier A is in it); – allowed, dossier A not in it;
 * 403 refused; 404 answered as if dossier A did not exist; 401 sign in first; → sign-in the page sends
 * an unsigned browser to the provider.
 */
type Cell = '✓' | '–' | '403' | '404' | '401' | '→ đăng nhập';

const EXPECTED: Record<string, Cell[]> = {
  // columns: the seven roles, then nobody signed in (HTTP) or the data directory's operator (commands)
  'GET /api/dossiers/{hồ sơ xã A}': ['✓', '✓', '✓', '✓', '404', '404', '404', '401'],
  'GET /api/approvals': ['✓', '✓', '✓', '✓', '–', '–', '403', '401'],
  'GET /api/reports?unit=xã A': ['403', '✓', '✓', '✓', '403', '403', '✓', '401'],
  'GET /admin/audit': ['403', '403', '✓', '✓', '403', '403', '✓', '401'],
  'GET /admin/rules': ['403', '403', '✓', '✓', '403', '403', '✓', '401'],
  'PUT /admin/units': ['403', '403', '403', '403', '403', '403', '✓', '401'],
  'GET /admin/users': ['403', '403', '403', '403', '403', '403', '✓', '401'],
  'GET /approve/{hồ sơ xã A} (link mailed to its head)': ['403', '✓', '403', '403', '404', '404', '404', '→ đăng nhập'],
  'GET /console/ho-so/{hồ sơ xã A}': ['✓', '✓', '✓', '✓', '404', '404', '403', '→ đăng nhập'],
  'POST /console/ho-so/{hồ sơ xã A}/duyet': ['403', '✓', '403', '403', '404', '404', '403', '401'],
  'POST /console/ho-so/{hồ sơ xã A}/tra-lai': ['403', '✓', '403', '403', '404', '404', '403', '401'],
  'GET /console/bao-cao?don-vi=xã A': ['403', '✓', '✓', '✓', '403', '403', '✓', '→ đăng nhập'],
  'POST /console/quan-tri/lich/{lịch}/ap-dung': ['403', '403', '403', '403', '403', '403', '✓', '401'],
  'dunghan dossier {hồ sơ xã A}': ['✓', '✓', '✓', '✓', '404', '404', '404', '✓'],
  'dunghan approvals': ['✓', '✓', '✓', '✓', '–', '–', '403', '✓'],
  'dunghan approve {hồ sơ xã A}': ['403', '✓', '403', '403', '404', '404', '404', '403'],
  'dunghan report --unit xã A': ['403', '✓', '✓', '✓', '403', '403', '✓', '✓'],
  'dunghan rules list': ['403', '403', '✓', '✓', '403', '403', '✓', '✓'],
  'dunghan units put': ['403', '403', '403', '403', '403', '403', '✓', '✓'],
  'dunghan users list': ['403', '403', '403', '403', '403', '403', '✓', '✓'],
  'dunghan audit': ['403', '403', '✓', '✓', '403', '403', '✓', '✓'],
  'dunghan verify': ['403', '403', '✓', '✓', '403', '403', '✓', '✓'],
  'dunghan dossier {hồ sơ xã A} --receipt': ['✓', '✓', '✓', '✓', '404', '404', '404', '✓'],
  'dunghan reconcile store {export}': ['403', '403', '403', '403', '403', '403', '✓', '✓'],
  'dunghan reindex': ['403', '403', '403', '403', '403', '403', '✓', '✓'],
};

let runtime: LocalRuntime;
let dataDir: string;
let link = '';
const tokens = new Map<string, string>();

beforeAll(async () => {
  process.env[PASSWORD_ENV] = LOCAL_DEMO_PASSWORD;
  dataDir = mkdtempSync(join(tmpdir(), 'dunghan-matrix-'));
  let now = Date.parse('2024-03-04T09:00:00+07:00');
  runtime = await startLocalRuntime({
    dataDir: join(dataDir, 'dynamodb'),
    announce: true,
    mail: true,
    keepPublished: false,
    clock: { now: () => now },
  });
  const [delivery] = await runtime.deliver(
    receivedEvent({
      dossierId: DOSSIER,
      eventId: `${DOSSIER}/r`,
      occurredAt: '2024-03-04T09:00:00+07:00',
      receivedAt: '2024-03-04T09:00:00+07:00',
      appointmentAt: '2024-03-18T17:00:00+07:00',
      agency: { id: 'H21.65.01', name: 'UBND xã Ia Rmok', parentName: 'UBND huyện Krông Pa', place: 'Ia Rmok' },
      head: undefined,
    }),
  );
  if (!delivery?.ok) throw delivery?.error;
  now = NOW;
  await runtime.detect();
  await runtime.announceClock();
  link = /Duyệt phiếu xin lỗi: (\S+)/.exec(
    (await sentEmails(runtime.sesEndpoint ?? '')).find((m) => m.body.text?.includes(DOSSIER))?.body.text ?? '',
  )?.[1] as string;
  for (const [, username] of ROLES) tokens.set(username, await tokenOf(runtime, username));
}, 120_000);

afterAll(async () => {
  await runtime?.close();
});

async function http(method: string, path: string, token: string | undefined, body?: unknown): Promise<Response> {
  return fetch(`${runtime.apiUrl}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** A staff API answer as a cell: a list is ✓ when dossier A is in it. */
async function apiCell(response: Response, listed?: (body: unknown) => boolean): Promise<Cell> {
  const text = await response.text();
  if (response.status === 401 || response.status === 403 || response.status === 404)
    return String(response.status) as Cell;
  // A put that passed the authority and failed validation (the body is a bad directory on purpose).
  if (response.status === 400) return '✓';
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${text.slice(0, 200)}`);
  return listed && !listed(JSON.parse(text)) ? '–' : '✓';
}

const listsDossier = (body: unknown) => (body as { dossierId: string }[]).some((d) => d.dossierId === DOSSIER);

async function command(args: string[], as: string | undefined): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run([...args, '--data-dir', dataDir, ...(as ? ['--as', as] : [])], {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
  });
  return { code, out, err };
}

/** A command's exit as a cell: refused by the authority (`--as: …`), concealed (no dossier), or allowed. */
function commandCell(result: { code: number; out: string; err: string }, listed?: boolean): Cell {
  if (result.code === 0) return listed === false ? '–' : '✓';
  if (/no dossier|no received dossier/.test(result.err)) return '404';
  if (/^dunghan: --as: /.test(result.err)) return '403';
  // Allowed by the authority, refused by what comes after it (a bad directory, a bad date): on purpose.
  if (/^dunghan: (<files?>|--new-date)/.test(result.err)) return '✓';
  throw new Error(`unexpected: ${result.code} ${result.err}`);
}

const BAD_UNITS = join(tmpdir(), `dunghan-matrix-units-${process.pid}.json`);

/** A console page: 200 allowed; an unsigned browser is sent to sign in. */
async function consoleGet(who: string | undefined, path: string): Promise<Cell> {
  const url = `${runtime.apiUrl}${path}`;
  if (!who) {
    const response = await fetch(url, { redirect: 'manual' });
    return response.status === 302 && response.headers.get('location')?.includes('/auth/login')
      ? '→ đăng nhập'
      : (String(response.status) as Cell);
  }
  const { response } = await (await signedInBrowser(runtime, who)).open(url);
  await response.text();
  return response.status === 200 ? '✓' : (String(response.status) as Cell);
}

/**
 * A console form posted with the session's CSRF token (taken from the console's first page): allowed
 * when the change is made or the law's check refuses its content (400); else the refusal's status.
 */
async function consolePost(who: string | undefined, path: string, fields: Record<string, string>): Promise<Cell> {
  const url = `${runtime.apiUrl}${path}`;
  const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } } as const;
  if (!who) {
    const response = await fetch(url, { ...form, body: new URLSearchParams(fields), redirect: 'manual' });
    return String(response.status) as Cell;
  }
  const browser = await signedInBrowser(runtime, who);
  const { response: first } = await browser.open(`${runtime.apiUrl}/console`);
  const csrf = browser.rememberCsrf(await first.text());
  const { response } = await browser.submit(url, { csrf, ...fields });
  await response.text();
  return response.status === 200 || response.status === 400 ? '✓' : (String(response.status) as Cell);
}

async function cellsFor(surface: string, who: string | undefined): Promise<Cell> {
  const token = who ? tokens.get(who) : undefined;
  switch (surface) {
    case 'GET /api/dossiers/{hồ sơ xã A}':
      return apiCell(await http('GET', `/api/dossiers/${DOSSIER}`, token));
    case 'GET /api/approvals':
      return apiCell(await http('GET', '/api/approvals', token), listsDossier);
    case 'GET /api/reports?unit=xã A':
      return apiCell(await http('GET', '/api/reports?from=2024-03-01&to=2024-03-31&unit=H21.65.01&format=json', token));
    case 'GET /admin/audit':
      return apiCell(await http('GET', '/admin/audit', token));
    case 'GET /admin/rules':
      return apiCell(await http('GET', '/admin/rules', token));
    case 'PUT /admin/units':
      return apiCell(
        await http('PUT', '/admin/units', token, { files: [{ name: 'units.json', content: { units: 'x' } }] }),
      );
    case 'GET /admin/users':
      return apiCell(await http('GET', '/admin/users', token));
    case 'GET /approve/{hồ sơ xã A} (link mailed to its head)': {
      if (!who) {
        const response = await fetch(link, { redirect: 'manual' });
        return response.status === 302 && response.headers.get('location')?.includes('/auth/login')
          ? '→ đăng nhập'
          : '401';
      }
      const browser = await signedInBrowser(runtime, who);
      const { response } = await browser.open(link);
      await response.text();
      return response.status === 200 ? '✓' : (String(response.status) as Cell);
    }
    case 'GET /console/ho-so/{hồ sơ xã A}': {
      const url = `${runtime.apiUrl}/console/ho-so/${DOSSIER}`;
      if (!who) {
        const response = await fetch(url, { redirect: 'manual' });
        return response.status === 302 && response.headers.get('location')?.includes('/auth/login')
          ? '→ đăng nhập'
          : '401';
      }
      const { response } = await (await signedInBrowser(runtime, who)).open(url);
      await response.text();
      return response.status === 200 ? '✓' : (String(response.status) as Cell);
    }
    case 'POST /console/ho-so/{hồ sơ xã A}/duyet':
      // A date the law refuses: an allowed head is stopped by the date (400), after the authority let them through.
      return consolePost(who, `/console/ho-so/${DOSSIER}/duyet`, {
        reason: 'Chờ kết quả đo đạc',
        newReturnDate: '01/01/2024',
      });
    case 'POST /console/ho-so/{hồ sơ xã A}/tra-lai':
      // A note too short: an allowed head is stopped by the note (400), after the authority let them through.
      return consolePost(who, `/console/ho-so/${DOSSIER}/tra-lai`, { note: 'x' });
    case 'GET /console/bao-cao?don-vi=xã A':
      return consoleGet(who, '/console/bao-cao?tu=01/03/2024&den=31/03/2024&don-vi=H21.65.01');
    case 'POST /console/quan-tri/lich/{lịch}/ap-dung':
      // A Sunday: an allowed administrator is stopped by the form's check (400), nothing applied.
      return consolePost(who, '/console/quan-tri/lich/vn-civil-service/ap-dung', {
        ngay: '17/03/2024',
        ten: 'Nghỉ',
        'can-cu': 'QĐ 1/QĐ-UBND',
        'hieu-luc': '14/03/2024',
      });
    case 'dunghan reindex':
      return commandCell(await command(['reindex'], who));
    case 'dunghan dossier {hồ sơ xã A}':
      return commandCell(await command(['dossier', DOSSIER], who));
    case 'dunghan approvals': {
      const result = await command(['approvals'], who);
      return commandCell(result, result.code === 0 ? result.out.includes(DOSSIER) : undefined);
    }
    case 'dunghan approve {hồ sơ xã A}':
      // A date the law refuses: an allowed head is stopped by the date, after the authority let them through.
      return commandCell(
        await command(['approve', DOSSIER, '--reason', 'Chờ kết quả đo đạc', '--new-date', '01/01/2024'], who),
      );
    case 'dunghan report --unit xã A':
      return commandCell(
        await command(['report', '--from', '2024-03-01', '--to', '2024-03-31', '--unit', 'H21.65.01'], who),
      );
    case 'dunghan rules list':
      return commandCell(await command(['rules', 'list'], who));
    case 'dunghan units put':
      return commandCell(await command(['units', 'put', BAD_UNITS], who));
    case 'dunghan users list':
      return commandCell(await command(['users', 'list'], who));
    case 'dunghan audit':
      return commandCell(await command(['audit'], who));
    case 'dunghan verify':
      // A range: a plain verify would record how far it got, and the next role's would start from there.
      return commandCell(await command(['verify', '--from', '2024-03-01', '--to', '2024-03-31'], who));
    case 'dunghan reconcile store {export}':
      return commandCell(
        await command(
          [
            'reconcile',
            'store',
            'docs/examples/import/danh-sach-ho-so.csv',
            '--from',
            '2024-03-01',
            '--to',
            '2024-03-31',
            '--format',
            'json',
          ],
          who,
        ),
      );
    case 'dunghan dossier {hồ sơ xã A} --receipt':
      return commandCell(await command(['dossier', DOSSIER, '--receipt'], who));
    default:
      throw new Error(surface);
  }
}

/** The table as docs/security.md shows it: its header, then a row per way in (cells as written). */
function documented(): { head: string[]; rows: Record<string, string[]> } {
  const text = readFileSync(new URL('../../docs/security.md', import.meta.url), 'utf8');
  const cells = (line: string) =>
    line
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((c) => c.trim());
  const lines = text.split('\n').filter((l) => l.startsWith('| '));
  const header = lines.find((l) => l.includes('đường vào')) ?? '';
  const rows: Record<string, string[]> = {};
  for (const line of lines) {
    const [first, ...rest] = cells(line);
    const surface = /^`(.+)`$/.exec(first ?? '')?.[1];
    if (surface && surface in EXPECTED) rows[surface] = rest;
  }
  return { head: cells(header), rows };
}

describe('who may do what, on every way in (docs/security.md)', () => {
  it('answers every role, in and out of scope, as the table says', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(BAD_UNITS, JSON.stringify({ units: 'not a list' }));
    const actual: Record<string, Cell[]> = {};
    for (const surface of Object.keys(EXPECTED)) {
      actual[surface] = [];
      for (const [, username] of ROLES) actual[surface].push(await cellsFor(surface, username));
      actual[surface].push(await cellsFor(surface, undefined));
    }
    expect(actual).toEqual(EXPECTED);
    // docs/security.md shows the same table, column for column.
    const doc = documented();
    expect(doc.head).toEqual(['đường vào', ...ROLES.map(([name]) => name), 'chưa đăng nhập / người vận hành']);
    expect(doc.rows).toEqual(EXPECTED);
    // Nothing was approved along the way: every allowed attempt was stopped by its bad date.
    expect((await runtime.store.load(DOSSIER)).record?.apology.status).toBe('drafted');
  }, 300_000);

  it('refuses a wrongly signed, a foreign-issuer, an alg-none and a tampered token from every route', async () => {
    const real = tokens.get('quantri') as string;
    const [header, payload] = real.split('.');
    const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString('utf8')) as Record<string, unknown>;
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const kid = (JSON.parse(Buffer.from(header as string, 'base64url').toString('utf8')) as { kid: string }).kid;
    void (await exportJWK(publicKey));
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey);
    const foreign = await new SignJWT({ ...claims, iss: 'https://evil.example' })
      .setProtectedHeader({ alg: 'RS256', kid })
      .sign(privateKey);
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${payload}.`;
    // An official's own token with the administrator's grant written in: the signature no longer holds.
    const official = tokens.get('dok.ky') as string;
    const [officialHeader, officialPayload, officialSignature] = official.split('.');
    const officialClaims = JSON.parse(Buffer.from(officialPayload as string, 'base64url').toString('utf8'));
    const widened = `${officialHeader}.${Buffer.from(JSON.stringify({ ...officialClaims, groups: ['admin'] })).toString('base64url')}.${officialSignature}`;
    for (const token of [forged, foreign, none, widened, 'garbage'])
      for (const path of ['/admin/users', '/api/approvals'])
        expect((await http('GET', path, token)).status, `${path} ${token.slice(0, 12)}`).toBe(401);
  });
});
