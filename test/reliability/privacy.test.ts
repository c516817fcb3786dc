import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { EventBridgeEnvelope } from '../../local/local-event-bus.ts';
import {
  CALENDARS_DIR,
  type LocalRuntime,
  RULES_DIR,
  startLocalRuntime,
  UNITS_FILE,
} from '../../local/local-runtime.ts';
import { generateSampleStream } from '../../local/sample-stream.ts';
import type { ScriptedBrowser } from '../../local/scripted-browser.ts';
import { type StoredEmail, sentEmails } from '../../local/ses-server.ts';
import { loadConfigDirs } from '../../shared/adapters/config-files.ts';
import { DEFAULT_CALENDAR_DEFINITION, defaultCalendar } from '../../shared/domain/calendar/default-calendar.ts';
import type { UnitDirectory } from '../../shared/domain/units/unit-directory.ts';
import { DetectorRunFailedError } from '../../shared/use-cases/run-detector.ts';
import { captureOutput } from '../support/capture-output.ts';
import { invalidEvents } from '../support/chaos.ts';
import { WEEKLY_DIGEST_SUBJECT } from '../support/fixtures.ts';
import { approveInBrowser, ensureUsers, signedInBrowser } from '../support/sign-in.ts';

// Every log line, at the most talkative level.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
});

let now = Date.parse('2022-01-01T00:00:00+07:00');
let runtime: LocalRuntime;
const secrets = new Set<string>();
const directory = new Map(
  (parseYaml(readFileSync(UNITS_FILE, 'utf8')) as UnitDirectory).units.map((u) => [u.id, u] as const),
);
/** Per dossier: the mobile number its phone notices may go to. */
const phones = new Map<string, string>();
/** Per dossier: the addresses its letters and alerts may go to. */
const allowed = new Map<string, Set<string>>();
let logs = '';
let mail: StoredEmail[] = [];

/** The sample stream with recognisable personal data in every personal field. */
function seededStream(events: EventBridgeEnvelope[]): EventBridgeEnvelope[] {
  return events.map((event, i) => {
    if (event['detail-type'] !== 'DossierReceived') return event;
    const detail = structuredClone(event.detail) as Record<string, Record<string, unknown>> & { dossierId: string };
    const n = String(i).padStart(5, '0');
    const applicant = {
      kind: 'person',
      name: `Nguyễn Thị Bímật${n}`,
      idNumber: `079${n}1234`,
      phone: `0912${n}7`,
      email: `congdan.bimat${n}@example.vn`,
      address: `Số ${n} đường Riêngtư, phường Kín`,
    };
    const official = { id: `cb-${n}`, name: `Trần Văn Cánbộ${n}`, email: `canbo.kin${n}@example.vn` };
    const head = { name: `Lê Thị Lãnhđạo${n}`, title: 'Phó Chủ tịch', email: `lanhdao.kin${n}@example.vn` };
    detail.applicant = applicant;
    detail.official = official;
    detail.head = head;
    for (const value of [...Object.values(applicant), official.name, official.email, head.name, head.email])
      if (value !== 'person') secrets.add(value);
    // Issue #15: an inter-agency dossier's alerts also reach the units it passes through, as the directory
    // of units names their desks and heads.
    const units = ((detail.steps ?? []) as unknown as { unitId: string }[]).map((s) => directory.get(s.unitId));
    const unitAddresses = units.flatMap((u) => [...(u?.desk ?? []).map((d) => d.email), u?.head.email ?? '']);
    // Issue #19: the heads of the receiving unit and of the units it passes through get a weekly section
    // naming the open dossiers at risk (codes, fields, no personal data).
    const receiving = directory.get(String((detail.agency as { id?: string } | undefined)?.id ?? ''))?.head.email ?? '';
    allowed.set(detail.dossierId, new Set([applicant.email, official.email, head.email, receiving, ...unitAddresses]));
    phones.set(detail.dossierId, applicant.phone);
    return { ...event, detail };
  });
}

/** The signed-in browser of the head an approval link is bound to (the first 30 heads only). */
const heads = new Map<string, ScriptedBrowser>();
async function headFor(link: string): Promise<ScriptedBrowser | undefined> {
  const url = new URL(link);
  const [payload] = (url.searchParams.get('token') ?? '').split('.');
  const email = (JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as { h?: string }).h;
  if (!email) return undefined;
  const known = heads.get(email);
  if (known || heads.size >= 30) return known;
  const dossierId = decodeURIComponent(url.pathname.split('/').pop() ?? '');
  const agency = (await runtime.store.load(dossierId)).record?.state.received?.agency.id ?? '';
  const username = `head${heads.size}`;
  await ensureUsers(runtime, { username, name: `Lãnh đạo ${heads.size}`, email, grants: [`head:${agency}`] });
  const browser = await signedInBrowser(runtime, username);
  heads.set(email, browser);
  return browser;
}

beforeAll(async () => {
  const captured = await captureOutput(async () => {
    runtime = await startLocalRuntime({ mail: true, clock: { now: () => now }, ruleCacheMs: 3_600_000 });
    const { rules } = await loadConfigDirs(RULES_DIR, CALENDARS_DIR, [DEFAULT_CALENDAR_DEFINITION.id]);
    const stream = seededStream(
      generateSampleStream({ seed: 11, days: 90, start: '2022-01-01', rules, scale: 0.3 }).events,
    );
    const calendar = defaultCalendar();
    const events = [...stream, ...invalidEvents()].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    let next = 0;
    const firstDay = calendar.toLocal(now).day;
    for (let day = firstDay; day < firstDay + 105; day += 1) {
      const end = calendar.fromLocal(day + 1, 0);
      while (next < events.length && Date.parse((events[next] as EventBridgeEnvelope).time) < end) {
        now = Math.max(now, Date.parse((events[next] as EventBridgeEnvelope).time));
        await runtime.deliver(events[next] as EventBridgeEnvelope);
        next += 1;
      }
      if (!calendar.isWorkingDay(day)) continue;
      now = calendar.fromLocal(day, 17 * 60 + 15);
      const since = Date.now() / 1000 - 1;
      await runtime.detect().catch((error: unknown) => {
        if (!(error instanceof DetectorRunFailedError)) throw error;
      });
      // The heads approve the drafts they are sent, through the real approval page, each signed in as the
      // person the link is bound to (ADR 0023): the first 30 heads, each a person of the user directory.
      for (const digest of await sentEmails(runtime.sesEndpoint ?? '', since)) {
        for (const [, url] of (digest.body.text ?? '').matchAll(/Duyệt phiếu xin lỗi: (\S+)/g)) {
          const browser = await headFor(url as string);
          if (!browser) continue;
          const dueDay = calendar.toLocal(now).day + 10;
          let newReturn = dueDay;
          while (!calendar.isWorkingDay(newReturn)) newReturn += 1;
          await (
            await approveInBrowser(browser, url as string, {
              reason: 'Chờ kết quả thẩm định',
              newReturnDate: new Date(newReturn * 86_400_000).toISOString().slice(0, 10),
            })
          ).text();
        }
      }
    }
    mail = await sentEmails(runtime.sesEndpoint ?? '');
    // Citizens look their dossiers up (issue #18): right and wrong digits, through the real page.
    for (const [id, phone] of [...phones].slice(0, 20)) {
      for (const factor of [phone.slice(-4), '0000']) {
        await fetch(`${runtime.apiUrl}/tra-cuu`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ code: id, factor }).toString(),
        });
      }
    }
  });
  logs = captured.output;
}, 300_000);

afterAll(async () => {
  await runtime?.close();
});

describe('personal data in a full run (ingest, rejections, detector, approvals, mail)', () => {
  it('never appears in any log line, at DEBUG', () => {
    expect(logs.length).toBeGreaterThan(10_000);
    expect(logs).toContain('"message":"event ingested"');
    expect(logs).toContain('"message":"event rejected"');
    expect(logs).toContain('"message":"detector run"');
    expect(logs).toContain('"message":"status lookup shown"');
    expect(logs).toContain('"message":"status lookup not shown"');
    expect(secrets.size).toBeGreaterThan(300);
    const leaked = [...secrets].filter((s) => logs.includes(s));
    console.info(
      `privacy: ${secrets.size} personal values seeded, ${logs.split('\n').length} log lines, ${mail.length} emails checked`,
    );
    expect(leaked).toEqual([]);
    // Nor a fragment of them: the seeded markers never appear at all.
    expect(logs).not.toMatch(/Bímật|Riêngtư|canbo\.kin|congdan\.bimat|lanhdao\.kin/);
  });

  it('sends phone notices only to the number on the dossier they concern (issue #18)', () => {
    const messages = runtime.phone?.messages ?? [];
    expect(messages.length).toBeGreaterThan(5);
    for (const m of messages) {
      const id = m.templateData?.ma_ho_so ?? [...phones.keys()].find((d) => m.text?.includes(d)) ?? '';
      const number = (phones.get(id) ?? '').replace(/^0/, '');
      expect(m.to.endsWith(number) && number.length === 9, `${m.channel} → ${m.to} for ${id}`).toBe(true);
    }
  });

  it('sends letters and alerts only to the addresses on the dossiers they concern', () => {
    expect(mail.length).toBeGreaterThan(20);
    expect(mail.some((m) => m.destination.to.some((a) => a.startsWith('congdan.')))).toBe(true);
    for (const m of mail) {
      const text = `${m.subject}\n${m.body.text ?? ''}`;
      const dossiers = [...allowed.keys()].filter((id) => text.includes(id));
      // A head's weekly QĐ 766 section may have no dossier at risk to name: it then names no one at all.
      if (m.subject.startsWith(WEEKLY_DIGEST_SUBJECT) && dossiers.length === 0) {
        expect(
          [...secrets].some((secret) => text.includes(secret)),
          m.subject,
        ).toBe(false);
        continue;
      }
      expect(dossiers.length, m.subject).toBeGreaterThan(0);
      const permitted = new Set(dossiers.flatMap((id) => [...(allowed.get(id) ?? [])]));
      for (const address of [...m.destination.to, ...m.destination.cc, ...m.destination.bcc])
        expect(permitted.has(address), `${address} ← ${m.subject}`).toBe(true);
      // A citizen's letter concerns that citizen's dossier only.
      if (m.destination.to.some((a) => a.startsWith('congdan.'))) expect(dossiers).toHaveLength(1);
    }
  });
});
