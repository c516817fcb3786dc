import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.ts';
import { type LocalRuntime, localContext, startLocalRuntime } from '../../local/local-runtime.ts';
import { DOSSIER_EVENT_TYPES, InvalidEventError, parseDossierEvent } from '../../shared/contracts/dossier-events.ts';
import { readCalendarData } from '../../shared/domain/calendar/calendar-definition.ts';
import { buildReport } from '../../shared/domain/reports/build-report.ts';
import { renderCsv, renderHtml, renderMarkdown } from '../../shared/domain/reports/render-report.ts';
import type { ReportRow } from '../../shared/domain/reports/report-row.ts';
import { readRulesData } from '../../shared/domain/rules/deadline-rule.ts';
import { InvalidReportRequestError, parseReportRequest } from '../../shared/use-cases/produce-report.ts';
import { exampleStream } from '../support/fixtures.ts';

/** Strings a hostile or broken publisher sends: huge, control characters, CR/LF, markup, script, templates. */
const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom(
    '',
    ' ',
    '\r\nBcc: attacker@example.vn',
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    '{{constructor.constructor("alert(1)")()}}',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal text a template injection would send
    '${process.exit(1)}',
    '\u0000\u0007\u001b[31m',
    '2022-02-30T09:00:00+07:00',
    '2022-04-08T09:00:00',
    '2022-04-08T09:00:00+25:00',
    '9999-99-99',
    'x'.repeat(100_000),
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 Tiếng Việt có dấu',
    'ends with a backslash \\',
    'pipe \\| and | in a cell',
  ),
);
const hostileValue = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(hostileString, { maxLength: 3 }),
  fc.object({ maxDepth: 2 }),
);

/** A valid example of each event type, to mutate. */
const examples = new Map(exampleStream().map((e) => [e['detail-type'], e]));

/** Replaces the value at one path of an object (nested objects included) with `value`. */
function mutate(detail: Record<string, unknown>, pick: number, value: unknown): Record<string, unknown> {
  const paths: string[][] = [];
  const walk = (o: Record<string, unknown>, prefix: string[]) => {
    for (const [k, v] of Object.entries(o)) {
      paths.push([...prefix, k]);
      if (v && typeof v === 'object' && !Array.isArray(v)) walk(v as Record<string, unknown>, [...prefix, k]);
    }
  };
  walk(detail, []);
  const path = paths[pick % paths.length] ?? ['dossierId'];
  const copy = structuredClone(detail);
  let target = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[path.at(-1) as string] = value;
  return copy;
}

describe('event contracts under fuzzing', () => {
  it('accept or reject every mutated event with InvalidEventError naming the field, never crash', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DOSSIER_EVENT_TYPES.filter((t) => examples.has(t))),
        fc.nat(),
        hostileValue,
        (type, pick, value) => {
          const example = examples.get(type) as { detail: Record<string, unknown> };
          const envelope = { ...example, detail: mutate(example.detail, pick, value) };
          try {
            const event = parseDossierEvent(envelope);
            expect(event.type).toBe(type);
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidEventError);
            const e = error as InvalidEventError;
            expect(e.problems.length).toBeGreaterThan(0);
            for (const p of e.problems) expect(p.path).toMatch(/^(detail(\.|$)|detail-type|envelope|$)/);
            // The reason describes the field; it never echoes a 100,000-character value or a CR/LF.
            expect(e.message.length).toBeLessThan(2_000 + 400 * e.problems.length);
            expect(e.message).not.toMatch(/\r|\n/);
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('reject arbitrary envelopes cleanly', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ 'detail-type': hostileValue, detail: hostileValue })), (raw) => {
        try {
          parseDossierEvent(raw);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidEventError);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('rules and calendar files under fuzzing (what `dunghan rules|calendars validate|put` and the admin API read)', () => {
  const rule = { procedureCode: '1.013831', effectiveFrom: '2025-07-01', legalBasis: 'NĐ 151/2025', duration: '10wd' };
  it('list every problem with its path, never crash, for mutated rules and arbitrary documents', () => {
    fc.assert(
      fc.property(fc.nat(), hostileValue, fc.anything(), (pick, value, anything) => {
        for (const document of [{ rules: [mutate(rule, pick, value)] }, anything, { rules: anything }]) {
          const { problems } = readRulesData(document, 'fuzz.yaml');
          for (const p of problems) {
            expect(p.file).toBe('fuzz.yaml');
            expect(typeof p.reason).toBe('string');
          }
        }
        // One rule in, one rule or at least one problem out: nothing silently dropped.
        const one = readRulesData({ rules: [mutate(rule, pick, value)] }, 'fuzz.yaml');
        expect(one.rules.length + one.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 1_000 },
    );
  });

  it('refuse a mutated calendar with the path of each problem', () => {
    const calendar = {
      id: 'vn-test',
      name: 'Lịch thử',
      timeZone: 'Asia/Ho_Chi_Minh',
      years: { '2026': { daysOff: [{ date: '2026-09-01', name: 'Quốc khánh' }], makeUpDays: [] } },
    };
    fc.assert(
      fc.property(fc.nat(), hostileValue, (pick, value) => {
        const { calendar: read, problems } = readCalendarData(mutate(calendar, pick, value), 'lich.json');
        if (!read) expect(problems.length).toBeGreaterThan(0);
        for (const p of problems) expect(p.file).toBe('lich.json');
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('the report request and renderings under fuzzing', () => {
  it('refuse every bad period, unit or grouping with the field named', () => {
    fc.assert(
      fc.property(
        hostileString,
        hostileString,
        fc.option(hostileString),
        fc.option(hostileString),
        (from, to, unit, by) => {
          try {
            parseReportRequest({ from, to, unit: unit ?? undefined, by: by ?? undefined });
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidReportRequestError);
            expect(['from', 'to', 'unit', 'by']).toContain((error as InvalidReportRequestError).field);
          }
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('escape every field and unit name in html, markdown and csv', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(hostileString, hostileString), { minLength: 1, maxLength: 4 }), (names) => {
        const rows: ReportRow[] = names.map(([field, unitName], i) => ({
          id: `D${i}`,
          unitId: `U${i}`,
          unitName: `${unitName}<img src=x onerror=alert(${i})>`,
          field: `${field}<script>alert(${i})</script>`,
          channel: 'online',
          receivedAt: '2024-03-04T09:00:00+07:00',
          status: 'open',
          dueAt: '2024-03-18T17:00:00+07:00',
          violations: [],
          steps: [],
          secondOverrun: false,
        }));
        const report = buildReport(rows, {
          period: { from: '2024-03-01', to: '2024-03-31' },
          by: 'field',
          now: Date.parse('2024-04-01T00:00:00+07:00'),
        });
        const html = renderHtml(report);
        expect(html).not.toMatch(/<script/i);
        expect(html).not.toMatch(/<img/i);
        // Every row of every markdown table has as many cells as its header: no value breaks the table.
        for (const section of renderMarkdown(report).split('\n## ').slice(1)) {
          const cells = section
            .split('\n')
            .filter((l) => l.startsWith('|'))
            .map((l) => l.split(/(?<!\\)\|/).length);
          expect(new Set(cells).size).toBe(1);
        }
        const csv = renderCsv(report);
        expect(csv.startsWith('\uFEFF')).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the dunghan command under fuzzing', () => {
  it('answers bad arguments with exit code 2 and a message naming the argument, never a crash', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const errors: string[] = [];
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      errors.push(String(chunk));
      return true;
    });
    try {
      await fc.assert(
        fc.asyncProperty(hostileString, hostileString, fc.option(hostileString), async (received, duration, cutoff) => {
          errors.length = 0;
          const code = await main([
            'due',
            '--received',
            received,
            '--duration',
            duration,
            ...(cutoff === null ? [] : ['--cutoff', cutoff]),
          ]);
          expect([0, 2]).toContain(code);
          if (code === 2)
            expect(errors.join('')).toMatch(/^dunghan: .*(--received|--duration|--cutoff|argument|option)/s);
        }),
        { numRuns: 300 },
      );
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });
});

describe('the approval page and the admin API under fuzzing (dynalite)', () => {
  let runtime: LocalRuntime;
  let api: LocalRuntime['invokeHttpApi'];
  const clock = { now: () => Date.parse('2022-04-20T10:00:00+07:00') };
  beforeAll(async () => {
    runtime = await startLocalRuntime({ clock });
    for (const event of exampleStream()) await runtime.deliver(event);
    api = runtime.invokeHttpApi;
  }, 60_000);
  afterAll(async () => {
    await runtime?.close();
  });

  it('answers hostile paths, tokens, forms and bodies with a 4xx page, never a 5xx, and changes nothing', async () => {
    const before = JSON.stringify((await runtime.store.load('H21.65-220408-0012')).record);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
        fc.oneof(
          hostileString.map((s) => `/approve/${s}`),
          hostileString.map((s) => `/approve/${encodeURIComponent(s)}`),
          fc.constantFrom('/approve/%E0%A4%A', '/approve/H21.65-220408-0012', '/admin/rules/%ZZ', '/', '/approve/'),
          hostileString.map((s) => `/admin/${s}`),
        ),
        hostileString,
        hostileString,
        fc.boolean(),
        async (method, path, token, body, iam) => {
          const event = {
            version: '2.0',
            routeKey: '$default',
            rawPath: path,
            rawQueryString: '',
            queryStringParameters: { token, from: token, to: body },
            headers: {
              'content-type':
                method === 'POST' && path.startsWith('/approve')
                  ? 'application/x-www-form-urlencoded'
                  : 'application/json',
            },
            body:
              method === 'GET'
                ? undefined
                : path.startsWith('/approve')
                  ? `token=${encodeURIComponent(token)}&reason=${encodeURIComponent(body)}&newReturnDate=${encodeURIComponent(body)}`
                  : body,
            isBase64Encoded: false,
            requestContext: {
              http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'fuzz' },
              ...(iam ? { authorizer: { iam: { userArn: 'arn:aws:iam::123456789012:user/fuzz' } } } : {}),
            },
          } as unknown as APIGatewayProxyEventV2;
          const response = await api(event, localContext('api'));
          expect(response.statusCode).toBeGreaterThanOrEqual(200);
          expect(response.statusCode).toBeLessThan(500);
          if (String(response.headers?.['content-type'] ?? '').startsWith('text/html')) {
            expect(response.body).not.toMatch(/<script/i);
            expect(response.body).not.toMatch(/<img/i);
          }
        },
      ),
      { numRuns: 400 },
    );
    expect(JSON.stringify((await runtime.store.load('H21.65-220408-0012')).record)).toBe(before);
  }, 120_000);
});
