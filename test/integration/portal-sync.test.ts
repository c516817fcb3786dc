import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LOCAL_SYNC_SECRETS,
  LOCAL_SYNC_SYSTEM,
  type LocalRuntime,
  startLocalRuntime,
} from '../../local/local-runtime.ts';
import { SYNC_HEADERS, syncHeaders } from '../../shared/support/sync-signature.ts';
import { putUnits } from '../../shared/use-cases/administer-config.ts';
import { parseReportRequest, produceReport } from '../../shared/use-cases/produce-report.ts';
import type { SyncAnswer } from '../../shared/use-cases/sync-from-portal.ts';
import { configDepsOf } from '../support/audit-trail.ts';

/*
 * Issue #17: the national portal's sync feed through the real endpoint (`POST /sync` on the local API,
 * the same handler as on AWS), into the same ingest path as any event.
 */

let runtime: LocalRuntime;
const secret = LOCAL_SYNC_SECRETS[LOCAL_SYNC_SYSTEM] as string;

beforeAll(async () => {
  runtime = await startLocalRuntime({ mail: true });
});
afterAll(async () => {
  await runtime.close();
});

async function post(body: string, headers: Record<string, string>): Promise<{ status: number; answer: SyncAnswer }> {
  const response = await fetch(`${runtime.apiUrl}/sync`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const answer = (await response.json()) as SyncAnswer;
  // EventBridge ingests after PutEvents answers: wait until the local bus has delivered what it took.
  await runtime.bus.idle();
  return { status: response.status, answer };
}

function send(service: string, data: unknown[], extra: Record<string, unknown> = {}) {
  const body = JSON.stringify({ service, madonvi: 'H21.65', ...extra, data });
  return post(body, syncHeaders(LOCAL_SYNC_SYSTEM, secret, body));
}

/** The land dossier of the example stream, as a one-stop system sends it to the portal. */
const receipt = (id: string, more: Record<string, unknown> = {}) => ({
  MaHoSo: id,
  MaTTHC: '1.013831',
  TenTTHC: 'Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất',
  MaLinhVuc: 'DD',
  TenLinhVuc: 'Đất đai',
  ChuHoSo: "Ksor H'Bia",
  LoaiDoiTuong: '1',
  Email: 'hbia.ksor@example.vn',
  SoDienThoai: '0912345678',
  NgayTiepNhan: '20220408151000',
  NgayHenTra: '20220426170000',
  TrangThaiHoSo: '2',
  DonViXuLy: 'UBND huyện Krông Pa',
  ...more,
});
const progress = (id: string, TrangThai: string, ThoiDiemXuLy: string, more: Record<string, unknown> = {}) => ({
  MaHoSo: id,
  NguoiXuLy: 'Nguyễn Văn An',
  ThoiDiemXuLy,
  NoiDungXuLy: 'Xử lý hồ sơ',
  TrangThai,
  ...more,
});
const steps = (id: string) => [
  progress(id, '4', '20220415090000', { PhongBanXuLy: 'Chi cục Thuế huyện Krông Pa' }),
  progress(id, '6', '20220418100000', { NoiDungXuLy: 'Chờ người sử dụng đất nộp nghĩa vụ tài chính' }),
  progress(id, '4', '20220421083000'),
  progress(id, '5', '20220422140000', { NoiDungXuLy: 'Thiếu bản sao hợp đồng chuyển nhượng có chứng thực' }),
  progress(id, '4', '20220425090000'),
  progress(id, '9', '20220512160000'),
  progress(id, '10', '20220513080000'),
];

/** The native events the same history is, for a dossier of its own. */
function nativeEvents(id: string) {
  const base = { schemaVersion: 1, dossierId: id };
  const e = (type: string, n: number, occurredAt: string, more: Record<string, unknown> = {}) =>
    runtime.bus.envelope({
      source: 'vn.gialai.one-door',
      detailType: type,
      detail: { ...base, eventId: `${id}/${n}`, occurredAt, ...more },
    });
  return [
    e('DossierReceived', 1, '2022-04-08T15:10:00+07:00', {
      procedure: { code: '1.013831', name: 'Đăng ký biến động', field: 'Đất đai' },
      agency: { id: 'H21.65', name: 'UBND huyện Krông Pa' },
      receivedAt: '2022-04-08T15:10:00+07:00',
      channel: 'in_person',
      applicant: { kind: 'person', name: "Ksor H'Bia" },
      official: { id: 'cb-017', name: 'Nguyễn Văn An', email: 'an.nv@krongpa.example.vn' },
      appointmentAt: '2022-04-26T17:00:00+07:00',
    }),
    e('DossierHandedOver', 2, '2022-04-15T09:00:00+07:00', { fromUnitId: 'H21.65', toUnitId: 'CCT-KP' }),
    e('DossierSuspended', 3, '2022-04-18T10:00:00+07:00', { reason: 'financial_obligation' }),
    e('DossierResumed', 4, '2022-04-21T08:30:00+07:00'),
    e('DossierSupplementRequested', 5, '2022-04-22T14:00:00+07:00'),
    e('DossierSupplemented', 6, '2022-04-25T09:00:00+07:00'),
    e('DossierResolved', 7, '2022-05-12T16:00:00+07:00', { returnedAt: '2022-05-13T08:00:00+07:00' }),
  ];
}

/** What the deadline depends on, without the ids and the applicant's details. */
async function counted(id: string) {
  const { record } = await runtime.store.load(id);
  const s = record?.state;
  return {
    status: s?.status,
    cycle: s?.cycle,
    clockStartedAt: s?.clockStartedAt,
    originalDueAt: s?.originalDueAt,
    dueAt: s?.dueAt,
    suspensions: s?.suspensions,
    resolvedAt: s?.resolvedAt,
    returnedAt: s?.returnedAt,
    result: s?.result,
    holder: s?.holderUnitId,
    violations: s?.violations.map((v) => v.code),
    rule: s?.rule?.ruleId,
  };
}

describe('POST /sync: the portal feed (DongBoHoSoMC, CapNhatTienDoHoSoMC) as lifecycle events', () => {
  it('reaches the same state as the equivalent native events; twice or shuffled changes nothing', async () => {
    const first = await send('DongBoHoSoMC', [receipt('SYNC-0001')]);
    expect(first).toMatchObject({ status: 200, answer: { error_code: '00', accepted: 1, events: 1, data: [] } });
    const progressed = await send('CapNhatTienDoHoSoMC', steps('SYNC-0001'));
    expect(progressed.answer).toMatchObject({ error_code: '00', accepted: 7, events: 7 });
    for (const event of nativeEvents('NATIVE-0001')) await runtime.deliver(event);

    const state = await counted('SYNC-0001');
    expect(state).toEqual(await counted('NATIVE-0001'));
    expect(state).toMatchObject({
      status: 'resolved',
      cycle: 2,
      clockStartedAt: '2022-04-25T09:00:00+07:00',
      returnedAt: '2022-05-13T08:00:00+07:00',
      holder: 'CCT-KP',
      rule: 'PROC#1.013831@2018-06-21',
    });
    // The feed names no official: the receiving unit's desk (the directory of units) is alerted.
    const { record } = await runtime.store.load('SYNC-0001');
    expect(record?.state.received?.official).toEqual({
      id: 'desk:H21.65',
      name: 'Nguyễn Văn An',
      email: 'an.nv@krongpa.example.vn',
    });

    // The same payloads again: nothing changes, not even the record's version.
    const version = record?.version;
    await send('DongBoHoSoMC', [receipt('SYNC-0001')]);
    await send('CapNhatTienDoHoSoMC', steps('SYNC-0001'));
    expect((await runtime.store.load('SYNC-0001')).record?.version).toBe(version);

    // Shuffled, progress before the receipt, one step per request: the same state.
    const shuffled = [...steps('SYNC-0002')].reverse();
    for (const step of shuffled) expect((await send('CapNhatTienDoHoSoMC', [step])).answer.error_code).toBe('00');
    await send('DongBoHoSoMC', [receipt('SYNC-0002')]);
    expect(await counted('SYNC-0002')).toEqual(state);
  });

  it('records a changed appointment (NgayHenTra re-sent) as an unexplained re-appointment', async () => {
    await send('DongBoHoSoMC', [receipt('SYNC-0003')]);
    // The same appointment re-sent is no change.
    await send('DongBoHoSoMC', [receipt('SYNC-0003')], { isUpdating: 'True' });
    await send('DongBoHoSoMC', [receipt('SYNC-0003', { isUpdating: true })]);
    expect((await counted('SYNC-0003')).violations).toEqual(['appointment_after_due']);
    await send('DongBoHoSoMC', [receipt('SYNC-0003', { isUpdating: true, NgayHenTra: '20220510170000' })]);
    expect((await counted('SYNC-0003')).violations).toEqual(['reappointed', 'appointment_after_due']);
    const report = await produceReport(
      runtime.platform.table.reports,
      parseReportRequest({ from: '2022-04-01', to: '2022-04-30' }),
      Date.parse('2022-05-01T00:00:00+07:00'),
    );
    expect(report.compliance.find((c) => c.label === 'UBND huyện Krông Pa')?.counts.unexplainedReappointments).toBe(1);
  });

  it('reads isUpdating on the request, and dates a re-appointment no later than the dossier (issue #32)', async () => {
    await send('DongBoHoSoMC', [receipt('SYNC-0032')]);
    // Where the portal's convention and the example put it: on the request. Sent years later (this
    // runtime's clock is today's), the change is dated no later than the new date, not today.
    await send('DongBoHoSoMC', [receipt('SYNC-0032', { NgayHenTra: '20220510170000' })], { isUpdating: 'True' });
    expect((await counted('SYNC-0032')).violations).toContain('reappointed');
    const reappointed = (await runtime.store.listEvents('SYNC-0032')).find(
      (e) => e.event.type === 'DossierReappointed',
    );
    expect(Date.parse(String(reappointed?.event.detail.occurredAt))).toBeLessThanOrEqual(
      Date.parse('2022-05-10T17:00:00+07:00'),
    );
    // A request-level "False" with an item-level true: the item wins; a request isUpdating of another kind is refused.
    const { status, answer } = await send('DongBoHoSoMC', [receipt('SYNC-0032')], { isUpdating: 'maybe' });
    expect(status).toBe(400);
    expect(answer.message).toContain('isUpdating');
  });

  it('counts one supplement request once, whichever service and time format reported it (issue #32)', async () => {
    await send('DongBoHoSoMC', [
      receipt('SYNC-0033', {
        DanhSachHoSoBoSung: [{ HoSoBoSungId: '77', NgayBoSung: '20220422140000', NoiDungBoSung: 'Thiếu bản sao' }],
      }),
    ]);
    for (const at of ['20220422140000', 20220422140000, '2022-04-22T14:00:00+07:00', '2022-04-22T07:00:00Z'])
      await send('CapNhatTienDoHoSoMC', [progress('SYNC-0033', '5', at as string)]);
    const { record } = await runtime.store.load('SYNC-0033');
    expect(record?.state.supplement?.requests).toBe(1);
    expect(record?.state.status).toBe('awaiting_supplement');
    // The four progress reports are one event (the instant written as the portal writes it).
    const progressIds = (await runtime.store.listEvents('SYNC-0033'))
      .map((e) => e.event.detail.eventId)
      .filter((id) => id.includes(':progress:'));
    expect(progressIds).toEqual(['sync:SYNC-0033:progress:20220422140000:5']);
  });

  it('sees a unit added to the directory within seconds, while its cache would keep it a minute (issue #32)', async () => {
    const item = receipt('SYNC-0034', { MaDonVi: 'H21.65.99', DonViXuLy: 'UBND xã Mới Lập' });
    const first = await send('DongBoHoSoMC', [item]);
    expect(first.answer.data[0]?.message).toContain('"H21.65.99" is not in the directory of units');
    // An administrator adds the unit (another process, as `dunghan units put`).
    const units = (await runtime.config.getUnitDirectoryVersion())?.directory;
    if (!units) throw new Error('no directory');
    const head = units.units.find((u) => u.id === 'H21.65');
    await putUnits(
      configDepsOf(runtime),
      {
        name: 'units.yaml',
        data: {
          ...units,
          units: [...units.units, { ...head, id: 'H21.65.99', name: 'UBND xã Mới Lập', parentId: 'H21.65' }],
        },
      },
      'test',
    );
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    const again = await send('DongBoHoSoMC', [item]);
    expect(again.answer).toMatchObject({ error_code: '00', accepted: 1 });
  }, 30_000);

  it('refuses a receipt re-sent with a corrected date with 01 and the reason, instead of "00" and no change (issue #32)', async () => {
    await send('DongBoHoSoMC', [receipt('SYNC-0035')]);
    const corrected = await send('DongBoHoSoMC', [receipt('SYNC-0035', { NgayTiepNhan: '20220407151000' })], {
      isUpdating: 'True',
    });
    expect(corrected.answer.error_code).toBe('01');
    expect(corrected.answer.data).toEqual([
      expect.objectContaining({
        MaHoSo: 'SYNC-0035',
        error_code: '01',
        message: expect.stringMatching(/^NgayTiepNhan: dossier SYNC-0035 is already received/),
      }),
    ]);
    const { record } = await runtime.store.load('SYNC-0035');
    expect(record?.state.received?.receivedAt).toBe('2022-04-08T15:10:00+07:00');
    // The same receipt re-sent is still taken as it was.
    expect((await send('DongBoHoSoMC', [receipt('SYNC-0035')], { isUpdating: 'True' })).answer.error_code).toBe('00');
  });

  it('refuses a body nested 5,000 deep before parsing it: 400 naming why, nothing kept (issue #32)', async () => {
    const before = (await runtime.deadLetters.list()).length;
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const body = `{"service":"DongBoHoSoMC","madonvi":"H21.65","data":[{"MaHoSo":"DEEP-0001","TaiLieuNop":${deep}}]}`;
    const { status, answer } = await post(body, syncHeaders(LOCAL_SYNC_SYSTEM, secret, body));
    expect(status).toBe(400);
    expect(answer).toMatchObject({ error_code: '98', message: 'the body nests deeper than 16 levels' });
    expect((await runtime.deadLetters.list()).length).toBe(before);
  });

  it('refuses a request not signed by a known system: 401, nothing written', async () => {
    const body = JSON.stringify({ service: 'DongBoHoSoMC', madonvi: 'H21.65', data: [receipt('SYNC-0004')] });
    const good = syncHeaders(LOCAL_SYNC_SYSTEM, secret, body);
    const attempts = [
      { ...good, [SYNC_HEADERS.signature]: `v1=${'0'.repeat(64)}` },
      syncHeaders(LOCAL_SYNC_SYSTEM, 'another-secret-of-at-least-32-characters', body),
      syncHeaders('unknown-system', secret, body),
      syncHeaders(LOCAL_SYNC_SYSTEM, secret, body, Date.now() - 10 * 60_000),
      // A body changed after signing.
      good,
      {},
    ];
    for (const [i, headers] of attempts.entries()) {
      const sent = i === 4 ? body.replace('SYNC-0004', 'SYNC-0005') : body;
      const { status, answer } = await post(sent, headers);
      expect(status, `attempt ${i}`).toBe(401);
      expect(answer.error_code).toBe('99');
    }
    expect((await runtime.store.load('SYNC-0004')).record).toBeUndefined();
    expect((await runtime.store.load('SYNC-0005')).record).toBeUndefined();
  });

  it('answers and dead-letters an item it cannot use, with the portal field and the reason; the others go on', async () => {
    const before = (await runtime.deadLetters.list()).length;
    const { status, answer } = await send('CapNhatTienDoHoSoMC', [
      progress('SYNC-0006', '11', '20220415090000'),
      progress('SYNC-0006', '5', '20221345090000'),
      progress('SYNC-0006', '5', '20220415090000'),
    ]);
    expect(status).toBe(200);
    expect(answer).toMatchObject({ error_code: '01', accepted: 1, events: 1 });
    expect(answer.data).toEqual([
      {
        index: 0,
        MaHoSo: 'SYNC-0006',
        error_code: '01',
        message: 'TrangThai: unknown status code "11"; the portal\'s codes are 1–10',
      },
      {
        index: 1,
        MaHoSo: 'SYNC-0006',
        error_code: '01',
        message: 'ThoiDiemXuLy: is not a real date and time: "20221345090000"',
      },
    ]);
    const letters = await runtime.deadLetters.list();
    expect(letters.length - before).toBe(2);
    expect(letters.map((l) => l.reason)).toContain(
      'item 0: TrangThai: unknown status code "11"; the portal\'s codes are 1–10',
    );
    // A unit outside the directory: its desk would never be told, so the receipt is refused by name.
    const stranger = await send('DongBoHoSoMC', [receipt('SYNC-0007', { DonViXuLy: 'UBND xã Không Có' })], {
      madonvi: 'X.99',
    });
    expect(stranger.answer.data[0]?.message).toMatch(/^MaDonVi: unit "X.99" is not in the directory of units/);
    // A request that is not a sync request at all.
    const wrong = await send('LayThuTuc', []);
    expect(wrong).toMatchObject({ status: 400, answer: { error_code: '98' } });
  });

  it('takes a 10,000-item batch in one request', async () => {
    const data = Array.from({ length: 10_000 }, (_, i) =>
      receipt(`BATCH-${String(i).padStart(5, '0')}`, {
        NgayTiepNhan: `202204${String(1 + (i % 28)).padStart(2, '0')}093000`,
        NgayHenTra: '',
      }),
    );
    const { status, answer } = await send('DongBoHoSoMC', data);
    expect(status).toBe(200);
    expect(answer).toMatchObject({ error_code: '00', accepted: 10_000, events: 10_000, data: [] });
    for (const id of ['BATCH-00000', 'BATCH-04999', 'BATCH-09999'])
      expect((await counted(id)).violations).toEqual(['receipt_without_appointment']);
  }, 600_000);
});
