import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime.ts';
import { clearSentEmails, type StoredEmail, sentEmails } from '../../local/ses-server.ts';
import { renderMarkdown } from '../../shared/domain/reports/render-report.ts';
import { reportTables } from '../../shared/domain/reports/report-tables.ts';
import { describeDossier } from '../../shared/use-cases/describe-dossier.ts';
import { parseReportRequest, produceReport } from '../../shared/use-cases/produce-report.ts';
import { RuleBook } from '../../shared/use-cases/rule-book.ts';
import { OPERATOR } from '../support/actors.ts';
import { communeLandReceipt, lifecycleEvent, type receivedEvent } from '../support/dossier-factory.ts';
import { alertsAndLetters } from '../support/fixtures.ts';
import { approveInBrowser, signedInBrowser } from '../support/sign-in.ts';

/*
 * Issue #15: land dossiers received at a commune and passed to the land registry office and the tax
 * office (the sample directory, config/units.yaml), walked on a simulated clock through dynalite and the
 * SES emulator; who got what is read back from the emulator.
 */

let now = Date.parse('2026-11-02T09:00:00+07:00');
const clock = { now: () => now };
let runtime: LocalRuntime;

const COMMUNE_DESK = 'dok.ky@iarmok.krongpa.example.vn';
const COMMUNE_HEAD = 'bia.nh@iarmok.krongpa.example.vn';
const REGISTRY_DESK = 'hung.hv@vpdkdd.krongpa.example.vn';
const REGISTRY_HEAD = 'lan.st@vpdkdd.krongpa.example.vn';
const TAX_DESK = 'minh.rc@thue.krongpa.example.vn';
const TAX_HEAD = 'hoa.nt@thue.krongpa.example.vn';
const REGISTRY = { unitId: 'VPDKDD-KP', unitName: 'Văn phòng đăng ký đất đai – Chi nhánh huyện Krông Pa' };
const TAX = { unitId: 'CCT-KP', unitName: 'Chi cục Thuế huyện Krông Pa' };

// Received Mon 02/11/2026 09:00; 8 working days (1.013831 from 01/07/2025): due Thu 12/11 17:00.
// Land registry 5 wd (due Mon 09/11 17:00), tax office 3 wd.
const ON_TIME = 'H21.65.01-261102-0001';
const REGISTRY_LATE = 'H21.65.01-261102-0002';
const BOTH_LATE = 'H21.65.01-261102-0003';
const UNLISTED = 'H21.65.01-261102-0004';

function receipt(dossierId: string, steps: unknown[]) {
  // The receipt names the commune's desk official, not its head: the directory supplies the head.
  return communeLandReceipt(dossierId, {
    official: { id: 'cb-iarmok-1', name: 'Ksor Y Dơk', email: COMMUNE_DESK },
    steps,
  });
}

function handover(dossierId: string, at: string, fromUnitId: string, toUnitId: string) {
  return lifecycleEvent('DossierHandedOver', {
    dossierId,
    eventId: `${dossierId}/h/${at}`,
    occurredAt: at,
    fromUnitId,
    toUnitId,
  });
}

async function deliver(...events: ReturnType<typeof receivedEvent>[]) {
  for (const event of events) {
    const [delivery] = await runtime.deliver(event);
    if (!delivery?.ok) throw delivery?.error;
  }
}

async function detectAt(iso: string): Promise<StoredEmail[]> {
  now = Date.parse(iso);
  await clearSentEmails(runtime.sesEndpoint ?? '');
  const report = await runtime.detect();
  expect(report.failures).toEqual([]);
  return alertsAndLetters(await sentEmails(runtime.sesEndpoint ?? ''));
}

/** Who got a mail (to), who was copied (cc), and which dossiers it names: one line per mail. */
function routing(emails: readonly StoredEmail[]) {
  return emails
    .map((m) => ({
      to: m.destination.to.join(','),
      cc: m.destination.cc.join(','),
      dossiers: [ON_TIME, REGISTRY_LATE, BOTH_LATE, UNLISTED].filter((id) => m.body.text?.includes(id)),
    }))
    .sort((a, b) => (a.to < b.to ? -1 : 1));
}

const to = (emails: readonly StoredEmail[], address: string) => emails.find((m) => m.destination.to.includes(address));

beforeAll(async () => {
  runtime = await startLocalRuntime({ mail: true, clock, ruleCacheMs: 0 });
  await deliver(
    receipt(ON_TIME, [
      { ...REGISTRY, duration: '5wd' },
      { ...TAX, duration: '3wd' },
    ]),
    receipt(REGISTRY_LATE, [
      { ...REGISTRY, duration: '5wd' },
      { ...TAX, duration: '3wd' },
    ]),
    receipt(BOTH_LATE, [
      { ...REGISTRY, duration: '5wd' },
      { ...TAX, duration: '3wd' },
    ]),
    // The land registry hands over to the district's natural resources office, which the directory lacks.
    receipt(UNLISTED, [
      { ...REGISTRY, duration: '2wd' },
      { unitId: 'PTNMT-KP', unitName: 'Phòng Nông nghiệp và Môi trường huyện Krông Pa', duration: '3wd' },
      { ...TAX, duration: '3wd' },
    ]),
    handover(ON_TIME, '2026-11-05T10:00:00+07:00', 'VPDKDD-KP', 'CCT-KP'),
    handover(UNLISTED, '2026-11-04T10:00:00+07:00', 'VPDKDD-KP', 'PTNMT-KP'),
    lifecycleEvent('DossierResolved', {
      dossierId: ON_TIME,
      eventId: `${ON_TIME}/resolved`,
      occurredAt: '2026-11-10T10:00:00+07:00',
    }),
  );
}, 60_000);
afterAll(async () => {
  await runtime?.close();
});
beforeEach(() => undefined);

describe('inter-agency dossiers: the unit holding the dossier is warned, the unit that overran is named (issue #15)', () => {
  it('warns the land registry, and only it, before its own step is due', async () => {
    const emails = await detectAt('2026-11-06T17:10:00+07:00');
    expect(routing(emails)).toEqual([{ to: REGISTRY_DESK, cc: '', dossiers: [REGISTRY_LATE, BOTH_LATE] }]);
    const text = to(emails, REGISTRY_DESK)?.body.text ?? '';
    expect(text).toContain('Kính gửi Hoàng Văn Hùng,');
    expect(text).toContain('Bước xử lý liên thông của đơn vị sắp đến hạn');
    expect(text).toContain(
      'Bước 1: Văn phòng đăng ký đất đai – Chi nhánh huyện Krông Pa — hạn của bước: 17:00 ngày 09/11/2026',
    );
  });

  it('alerts the land registry when its step overruns, its head copied, and tells the commune desk; a unit missing from the directory falls to the commune desk, saying why', async () => {
    const emails = await detectAt('2026-11-09T17:10:00+07:00');
    expect(routing(emails)).toEqual([
      { to: COMMUNE_DESK, cc: '', dossiers: [REGISTRY_LATE, BOTH_LATE, UNLISTED] },
      { to: REGISTRY_DESK, cc: REGISTRY_HEAD, dossiers: [REGISTRY_LATE, BOTH_LATE] },
    ]);
    const commune = to(emails, COMMUNE_DESK)?.body.text ?? '';
    expect(commune).toContain('Bước xử lý liên thông đã quá thời hạn được giao');
    expect(commune).toContain(
      'Lưu ý: đơn vị Phòng Nông nghiệp và Môi trường huyện Krông Pa (mã PTNMT-KP) chưa có trong danh bạ đơn vị',
    );
    expect(commune).toContain(
      'Đơn vị chịu trách nhiệm về sự chậm trễ: Văn phòng đăng ký đất đai – Chi nhánh huyện Krông Pa (bước 1)',
    );
    // The process-control slip of each inter-agency dossier, in the text and the HTML of the digest.
    expect(commune).toContain('Phiếu kiểm soát quá trình giải quyết hồ sơ:');
    expect(commune).toContain(
      '1. Giao: Bộ phận Một cửa UBND xã Ia Rmok → Nhận: Văn phòng đăng ký đất đai – Chi nhánh huyện Krông Pa; 09 giờ 00 phút, ngày 02 tháng 11 năm 2026; Đang giải quyết',
    );
    expect(to(emails, COMMUNE_DESK)?.body.html).toContain('THỜI GIAN GIAO, NHẬN HỒ SƠ');
  });

  it('sends the draft apology to the commune (the competent agency signs), its head copied, naming the land registry', async () => {
    await deliver(handover(BOTH_LATE, '2026-11-10T10:00:00+07:00', 'VPDKDD-KP', 'CCT-KP'));
    const emails = await detectAt('2026-11-10T17:10:00+07:00');
    const commune = to(emails, COMMUNE_DESK);
    expect(commune?.destination.cc).toEqual([COMMUNE_HEAD]);
    // The draft as the official sees it on the approval page the digest links to.
    const link = /Duyệt phiếu xin lỗi: (\S+)/.exec(
      (commune?.body.text ?? '').slice((commune?.body.text ?? '').indexOf(BOTH_LATE)),
    )?.[1];
    // The commune's head opens it, signed in (the sample user directory's bia.nh; ADR 0023).
    const head = await signedInBrowser(runtime, 'bia.nh');
    const page = await (await head.open(link ?? '')).response.text();
    expect(page).toContain('UBND XÃ IA RMOK');
    expect(page).toContain('UBND xã Ia Rmok xin lỗi Ông/Bà');
    expect(page).toContain(
      'Hồ sơ được chuyển đến Văn phòng đăng ký đất đai – Chi nhánh huyện Krông Pa giải quyết theo quy trình liên thông; bước xử lý tại đơn vị này quá thời hạn được giao (hạn 17 giờ 00 phút, ngày 09 tháng 11 năm 2026).',
    );
    expect(page).toContain('Nay H’Bia');
    // The units holding the dossiers are told too: the land registry (still late with one) and the tax office.
    expect(routing(emails).map((r) => r.to)).toEqual([COMMUNE_DESK, TAX_DESK, REGISTRY_DESK].sort());
    // Issue #30, reproduction 3: only the issuing unit's mail carries the approval link; the unit holding
    // the dossier and the unit at fault are told, but get no link to sign in the commune's name.
    for (const desk of [REGISTRY_DESK, TAX_DESK])
      expect(to(emails, desk)?.body.text).not.toContain('Duyệt phiếu xin lỗi:');
    // And a forwarded link approves nothing: the land registry's head, signed in, may read the dossier (it
    // passes through the registry) but is told only the commune's head signs.
    const registryHead = await signedInBrowser(runtime, 'lan.st');
    const forwarded = (await registryHead.open(link ?? '')).response;
    expect(forwarded.status).toBe(403);
    expect(await forwarded.text()).toContain('Chỉ lãnh đạo của đơn vị ban hành phiếu xin lỗi mới được duyệt phiếu.');
    // A head of another commune, who may not read it, finds no such dossier.
    const otherCommune = await signedInBrowser(runtime, 'hung.rlv');
    expect((await otherCommune.open(link ?? '')).response.status).toBe(404);
    const refused = await approveInBrowser(registryHead, link ?? '', {
      reason: 'Chờ ý kiến của Chi cục Thuế',
      newReturnDate: '2026-11-20',
    });
    expect(refused.status).toBe(403);
    expect((await runtime.store.load(BOTH_LATE)).record?.apology.status).toBe('drafted');
  });

  it('at the overrun copies every head concerned, and the first overrun stays responsible after a late tax step', async () => {
    await deliver(handover(REGISTRY_LATE, '2026-11-11T10:00:00+07:00', 'VPDKDD-KP', 'CCT-KP'));
    const emails = await detectAt('2026-11-12T17:10:00+07:00');
    const byDesk = Object.fromEntries(routing(emails).map((r) => [r.to, r]));
    expect(byDesk[COMMUNE_DESK]?.cc).toBe(COMMUNE_HEAD);
    expect(byDesk[TAX_DESK]?.cc).toBe(TAX_HEAD);
    expect(byDesk[REGISTRY_DESK]?.cc).toBe(REGISTRY_HEAD);
    now = Date.parse('2026-11-17T10:00:00+07:00');
    await deliver(handover(BOTH_LATE, '2026-11-17T09:00:00+07:00', 'CCT-KP', 'H21.65.01'));
    const view = await describeDossier(
      { store: runtime.store, rules: new RuleBook(runtime.config, clock, 0), clock },
      BOTH_LATE,
      OPERATOR,
    );
    expect(view?.steps.map((s) => s.result)).toEqual(['late', 'late']);
    expect(view?.responsibleUnit).toMatchObject({
      unitId: 'VPDKDD-KP',
      unitName: REGISTRY.unitName,
      step: 1,
      dueAt: '2026-11-09T17:00:00+07:00',
      until: '2026-11-10T10:00:00+07:00',
    });
    const unlisted = await describeDossier(
      { store: runtime.store, rules: new RuleBook(runtime.config, clock, 0), clock },
      UNLISTED,
      OPERATOR,
    );
    expect(unlisted?.missingUnits).toEqual(['PTNMT-KP']);
    const onTime = await describeDossier(
      { store: runtime.store, rules: new RuleBook(runtime.config, clock, 0), clock },
      ON_TIME,
      OPERATOR,
    );
    expect(onTime?.steps.map((s) => s.result)).toEqual(['early', undefined]);
  });

  it("rates each unit against its own allotted time in the supervisors' report (TT 01/2018 Điều 13, index 2)", async () => {
    const report = await produceReport(
      runtime.platform.table.reports,
      parseReportRequest({ from: '2026-11-01', to: '2026-11-30' }),
      now,
    );
    const table = reportTables(report).find((t) => t.sheet === 'Biểu 3b');
    // Land registry: early (on time dossier), on time (the 2-day step), late twice; tax: on time, late.
    expect(table?.rows).toEqual([
      [1, 'Chi cục Thuế huyện Krông Pa', 2, 0, 1, 1, 0.5],
      [2, REGISTRY.unitName, 4, 1, 1, 2, 0.75],
    ]);
    expect(renderMarkdown(report)).toContain(
      '| 2 | Văn phòng đăng ký đất đai – Chi nhánh huyện Krông Pa | 4 | 1 | 1 | 2 | 0,75 |',
    );
  });
});
