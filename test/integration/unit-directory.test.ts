import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { adminDeps } from '../../functions/admin-api/deps.ts';
import { type LocalRuntime, localContext, startLocalRuntime, UNITS_FILE } from '../../local/local-runtime.ts';
import { readUnitDirectory, type UnitDirectory } from '../../shared/domain/units/unit-directory.ts';
import { putUnits } from '../../shared/use-cases/administer-config.ts';
import { dunghan } from '../support/run-cli.ts';
import { SAMPLE_ADMIN, tokenOf } from '../support/sign-in.ts';

const sample = parseYaml(readFileSync(UNITS_FILE, 'utf8')) as UnitDirectory;
let adminToken = '';
let runtime: LocalRuntime;

function admin(method: string, path: string, body?: unknown) {
  return runtime.invokeHttpApi(
    {
      version: '2.0',
      routeKey: '$default',
      rawPath: path,
      rawQueryString: '',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: body === undefined ? undefined : JSON.stringify(body),
      isBase64Encoded: false,
      requestContext: {
        http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      },
    } as unknown as APIGatewayProxyEventV2,
    localContext('admin-api'),
  );
}

beforeAll(async () => {
  runtime = await startLocalRuntime({ clock: { now: () => Date.parse('2026-11-20T10:00:00+07:00') }, identity: true });
  adminToken = await tokenOf(runtime, SAMPLE_ADMIN.username);
}, 60_000);
afterAll(async () => {
  await runtime?.close();
});

describe('the directory of units: validated whole (issue #15)', () => {
  it('accepts the shipped sample: the district, three communes, the land registry and the tax office', () => {
    const { directory, problems } = readUnitDirectory(sample, 'units.yaml');
    expect(problems).toEqual([]);
    expect(directory?.apologyIssuer).toBe('lead_agency');
    expect(directory?.units.map((u) => u.id)).toEqual([
      'H21.65',
      'H21.65.01',
      'H21.65.02',
      'H21.65.03',
      'VPDKDD-KP',
      'CCT-KP',
    ]);
  });

  it('names every problem by path: a duplicate id, a bad email, no desk, a parent cycle, an unknown policy', () => {
    const bad = structuredClone(sample) as unknown as {
      apologyIssuer: string;
      units: { id: string; parentId?: string; desk: unknown[]; head: { email?: string } }[];
    };
    bad.apologyIssuer = 'whoever';
    bad.units[1] = { ...bad.units[1], id: 'H21.65' } as (typeof bad.units)[number];
    const { problems: schema } = readUnitDirectory(bad, 'u.yaml');
    expect(schema.map((p) => p.path)).toEqual(['apologyIssuer']);
    bad.apologyIssuer = 'unit_at_fault';
    const tax = bad.units[5] as (typeof bad.units)[number];
    tax.head.email = 'not-an-address';
    tax.desk = [];
    const schema2 = readUnitDirectory(bad, 'u.yaml').problems;
    expect(schema2.map((p) => `${p.path}: ${p.reason}`)).toEqual([
      'units.5.desk: must name at least one desk official (name, email)',
      'units.5.head.email: must be an email address',
    ]);
    tax.head.email = 'hoa.nt@thue.krongpa.example.vn';
    tax.desk = [{ name: 'Rơ Chăm Minh', email: 'minh.rc@thue.krongpa.example.vn' }];
    (bad.units[4] as (typeof bad.units)[number]).parentId = 'CCT-KP';
    tax.parentId = 'VPDKDD-KP';
    const whole = readUnitDirectory(bad, 'u.yaml').problems;
    expect(whole.map((p) => p.path)).toEqual(['units.1.id', 'units.4.parentId', 'units.5.parentId']);
    expect(whole[0]?.reason).toBe('duplicates units.0 (H21.65)');
    expect(whole[1]?.reason).toMatch(/^makes a cycle \(VPDKDD-KP → CCT-KP → VPDKDD-KP\)$/);
  });
});

describe('the directory of units, administered on the admin API (signed-in administrator) like rules and calendars', () => {
  it('is loaded with the shipped configuration, then diffed, previewed, put as version 2 and audited', async () => {
    const listed = JSON.parse((await admin('GET', '/admin/units')).body as string);
    expect(listed).toMatchObject({ version: 1, apologyIssuer: 'lead_agency' });
    expect(listed.units).toHaveLength(6);

    const next = structuredClone(sample);
    next.apologyIssuer = 'unit_at_fault';
    (next.units[4] as UnitDirectory['units'][number]).desk.push({
      name: 'Nguyễn Thị Thu',
      email: 'thu.nt@vpdkdd.krongpa.example.vn',
    });
    next.units = next.units.filter((u) => u.id !== 'H21.65.03');
    const files = [{ name: 'units.yaml', content: next }];
    const diff = JSON.parse((await admin('POST', '/admin/units/diff', { files })).body as string);
    expect(diff).toEqual({
      apologyIssuer: { from: 'lead_agency', to: 'unit_at_fault' },
      added: [],
      removed: ['H21.65.03'],
      changed: [{ id: 'VPDKDD-KP', fields: ['desk'] }],
      problems: [],
    });
    const preview = JSON.parse((await admin('POST', '/admin/units/preview', { files })).body as string);
    expect(preview).toMatchObject({ examined: 0, rerouted: [], missingUnits: [] });

    const put = await admin('PUT', '/admin/units', { files });
    expect(put.statusCode).toBe(200);
    expect(JSON.parse(put.body as string)).toMatchObject({ version: 2 });
    // The same file again adds no version.
    expect(JSON.parse((await admin('PUT', '/admin/units', { files })).body as string)).toMatchObject({ version: 2 });
    const unit = JSON.parse((await admin('GET', '/admin/units/VPDKDD-KP')).body as string);
    expect(unit.unit.desk).toHaveLength(2);
    expect(unit.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect((await admin('GET', '/admin/units/H21.65.03')).statusCode).toBe(404);
    const audit = JSON.parse((await admin('GET', '/admin/audit')).body as string) as {
      action: string;
      author: string;
    }[];
    // One entry per change and instant: the repeat at the same instant is the same entry.
    expect(audit.filter((a) => a.action === 'units.put').map((a) => a.author)).toEqual([SAMPLE_ADMIN.author]);

    const invalid = await admin('POST', '/admin/units/validate', {
      files: [{ name: 'units.yaml', content: { units: [{ id: 'X' }] } }],
    });
    expect(invalid.statusCode).toBe(400);
    expect(JSON.parse(invalid.body as string).problems.map((p: { path: string }) => p.path)).toEqual([
      'units.0.name',
      'units.0.desk',
      'units.0.head',
    ]);
  });
});

describe('dunghan units (as processes, on the local store)', () => {
  it('validates a file with exit 2 naming every problem, and puts a good one', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dunghan-units-'));
    const badFile = join(dir, 'bad.yaml');
    writeFileSync(
      badFile,
      'units:\n  - id: H21.65\n    name: UBND huyện\n    desk: []\n    head: {name: A, title: B}\n',
    );
    const bad = await dunghan('units', 'validate', badFile, '--data-dir', dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('units.0.desk: must name at least one desk official (name, email)');
    const list = await dunghan('units', 'list', '--data-dir', dir);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).units.map((u: { id: string }) => u.id)).toContain('CCT-KP');
    const put = await dunghan('units', 'put', UNITS_FILE, '--author', 'quantri', '--data-dir', dir);
    expect(put.code).toBe(0);
    expect(JSON.parse(put.stdout)).toMatchObject({ version: 1, diff: { added: [], removed: [], changed: [] } });
  });
});

describe('the largest directory the contract allows (4 MB of JSON, hardly compressible)', () => {
  /** Units with long, varied Vietnamese names and addresses until the JSON nears `bytes`. */
  function huge(bytes: number): UnitDirectory {
    // mulberry32: varied enough that deflate cannot shrink the directory into one item.
    let seed = 2022;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const letters = 'aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ';
    const word = () => {
      let w = '';
      const length = 2 + Math.floor(random() * 6);
      for (let i = 0; i < length; i += 1) w += letters[Math.floor(random() * letters.length)];
      return w;
    };
    const text = (n: number) => Array.from({ length: n }, word).join(' ');
    const units: UnitDirectory['units'] = [];
    let size = 0;
    for (let i = 0; size < bytes - 2000 && i < 5000; i += 1) {
      const unit = {
        id: `U${String(i).padStart(5, '0')}`,
        name: text(40).slice(0, 300),
        parentId: 'H21',
        place: text(10).slice(0, 120),
        desk: [
          {
            name: text(8).slice(0, 200),
            email: `desk${i}@${word()
              .normalize('NFD')
              .replace(/[^a-z]/g, 'x')}.example.vn`,
          },
        ],
        head: { name: text(6).slice(0, 200), title: text(6).slice(0, 200), email: `head${i}@example.vn` },
      };
      size += new TextEncoder().encode(JSON.stringify(unit)).length + 1;
      if (size >= bytes - 2000) break;
      units.push(unit);
    }
    return { apologyIssuer: 'lead_agency', units };
  }

  it('is stored in parts under the item limit and read back whole; one byte over is refused by path', async () => {
    const directory = huge(4 * 1024 * 1024);
    const bytes = new TextEncoder().encode(JSON.stringify(directory)).length;
    expect(bytes).toBeGreaterThan(3.9 * 1024 * 1024);
    const deps = adminDeps(runtime.platform);
    const put = await putUnits(deps, { name: 'huge.yaml', data: directory }, 'quantri');
    const parts = await runtime.clients.documents.send(
      new QueryCommand({
        TableName: runtime.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': 'CONFIG', ':prefix': `UNITSVER#${String(put.version).padStart(6, '0')}#` },
      }),
    );
    // Deflated, the directory still needs several items; each is under DynamoDB's 400 KB in UTF-8 bytes.
    expect(parts.Items?.length).toBeGreaterThan(1);
    for (const item of parts.Items ?? []) expect((item.data as Uint8Array).length).toBeLessThanOrEqual(300 * 1024);
    const stored = await runtime.config.getUnitDirectoryVersion();
    expect(stored?.version).toBe(put.version);
    expect(stored?.directory).toEqual(directory);
    const over = structuredClone(directory);
    (over.units[0] as UnitDirectory['units'][number]).name = 'x'.repeat(300);
    over.units.push(...over.units.slice(0, 40).map((u, i) => ({ ...u, id: `V${i}` })));
    const { problems } = readUnitDirectory(over, 'huge.yaml');
    expect(problems).toEqual([
      {
        file: 'huge.yaml',
        path: '',
        reason: expect.stringMatching(/^is 4\.\d MB as JSON; a directory may be at most 4 MB$/),
      },
    ]);
  }, 120_000);
});
