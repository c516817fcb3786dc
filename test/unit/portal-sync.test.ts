import { describe, expect, it } from 'vitest';
import { mapSyncItem, portalTime, type SyncContext, SyncItemError } from '../../shared/domain/sync/portal-sync.ts';
import { UnitBook } from '../../shared/domain/units/unit-directory.ts';
import { SyncAuthError, syncHeaders, verifySyncRequest } from '../../shared/support/sync-signature.ts';

const units = new UnitBook({
  apologyIssuer: 'lead_agency',
  units: [
    {
      id: 'H21.65',
      name: 'UBND huyện Krông Pa',
      desk: [{ name: 'Nguyễn Văn An', email: 'an.nv@krongpa.example.vn' }],
      head: { name: 'Rơ Lan Thị Hoa', title: 'Phó Chủ tịch UBND huyện' },
    },
    {
      id: 'CCT-KP',
      name: 'Chi cục Thuế huyện Krông Pa',
      parentId: 'H21.65',
      desk: [{ name: 'Nguyễn Thị Hoa', email: 'hoa.nt@thue.example.vn' }],
      head: { name: 'Lê Văn Bình', title: 'Chi cục trưởng' },
    },
  ],
});
const context: SyncContext = { units, senderUnitId: 'H21.65', receivedAt: '2022-05-01T01:00:00Z' };
const dossier = (more: Record<string, unknown> = {}) => ({
  MaHoSo: 'H21.65-220408-0012',
  MaTTHC: '1.013831',
  TenTTHC: 'Đăng ký biến động quyền sử dụng đất',
  TenLinhVuc: 'Đất đai',
  ChuHoSo: 'Công ty TNHH Ia Rmok',
  LoaiDoiTuong: 2,
  NgayTiepNhan: '20220408151000',
  NgayHenTra: '20220426170000',
  TrangThaiHoSo: 2,
  ...more,
});
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof SyncItemError) return `${error.portalField}: ${error.reason}`;
    throw error;
  }
  return 'accepted';
};

describe('the portal sync feed, item by item (issue #17)', () => {
  it('reads yyyyMMddHHmmss in Vietnam time, and only real instants', () => {
    const at = (v: unknown) =>
      refusal(() => portalTime({ T: v }, 'T', true)) === 'accepted' && portalTime({ T: v }, 'T', true);
    expect(at('20240229235959')).toBe('2024-02-29T23:59:59+07:00');
    expect(at(20220408151000)).toBe('2022-04-08T15:10:00+07:00');
    expect(at('2022-04-08T15:10:00+07:00')).toBe('2022-04-08T15:10:00+07:00');
    for (const bad of ['20230229120000', '20220408240000', '20221301000000', '202204081510', '08/04/2022 15:10'])
      expect(
        refusal(() => portalTime({ T: bad }, 'T', true)),
        bad,
      ).toMatch(/^T: /);
    expect(refusal(() => portalTime({}, 'T', true))).toBe('T: required (yyyyMMddHHmmss, Vietnam time)');
    expect(portalTime({ T: '' }, 'T', false)).toBeUndefined();
  });

  it('makes a receipt from DongBoHoSoMC, its desk from the directory of units', () => {
    const [received] = mapSyncItem('DongBoHoSoMC', dossier(), context).events;
    expect(received).toMatchObject({
      type: 'DossierReceived',
      detail: {
        eventId: 'sync:H21.65-220408-0012:received',
        receivedAt: '2022-04-08T15:10:00+07:00',
        appointmentAt: '2022-04-26T17:00:00+07:00',
        procedure: { code: '1.013831', field: 'Đất đai' },
        agency: { id: 'H21.65', name: 'UBND huyện Krông Pa' },
        applicant: { kind: 'organisation', name: 'Công ty TNHH Ia Rmok' },
        official: { id: 'desk:H21.65', email: 'an.nv@krongpa.example.vn' },
        channel: 'in_person',
      },
    });
    // The unit by name when the request names no unit code.
    const byName = mapSyncItem('DongBoHoSoMC', dossier({ DonViXuLy: 'chi cục thuế huyện krông pa' }), {
      ...context,
      senderUnitId: undefined,
    });
    expect(byName.events[0]?.detail).toMatchObject({ agency: { id: 'CCT-KP', parentName: 'UBND huyện Krông Pa' } });
  });

  it('maps every status the deadline depends on, and none it does not', () => {
    const types = (status: number, more: Record<string, unknown> = {}) =>
      mapSyncItem('DongBoHoSoMC', dossier({ TrangThaiHoSo: status, ...more }), context).events.map((e) => e.type);
    expect(types(1)).toEqual([]);
    expect(types(3)).toEqual([]);
    expect(types(4)).toEqual(['DossierReceived']);
    expect(types(10, { NgayKetThucXuLy: '20220512160000', NgayTra: '20220513080000' })).toEqual([
      'DossierReceived',
      'DossierResolved',
    ]);
    expect(types(7, { NgayKetThucXuLy: '20220420100000' })).toEqual(['DossierReceived', 'DossierWithdrawn']);
    expect(types(8, { NgayKetThucXuLy: '20220420100000' })).toEqual(['DossierReceived', 'DossierRefused']);
    expect(
      types(5, {
        DanhSachHoSoBoSung: [
          { HoSoBoSungId: 'b1', NgayBoSung: '20220422140000', NgayTiepNhanBoSung: '20220425090000' },
        ],
      }),
    ).toEqual(['DossierReceived', 'DossierSupplementRequested', 'DossierSupplemented']);
    const step = (status: string) =>
      mapSyncItem('CapNhatTienDoHoSoMC', { MaHoSo: 'X', TrangThai: status, ThoiDiemXuLy: '20220415090000' }, context)
        .events.map((e) => e.type)
        .join();
    expect(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'].map(step)).toEqual([
      '',
      '',
      '',
      'DossierProcessing',
      'DossierSupplementRequested',
      'DossierSuspended',
      'DossierWithdrawn',
      'DossierRefused',
      'DossierResolved',
      'DossierResolved',
    ]);
  });

  it('names the portal field and the reason of every item it cannot use', () => {
    const map = (service: 'DongBoHoSoMC' | 'CapNhatTienDoHoSoMC', item: unknown) =>
      refusal(() => mapSyncItem(service, item, context));
    expect(map('DongBoHoSoMC', dossier({ TrangThaiHoSo: 0 }))).toBe(
      "TrangThaiHoSo: unknown status code 0; the portal's codes are 1–10",
    );
    expect(map('DongBoHoSoMC', dossier({ TrangThaiHoSo: 9 }))).toBe(
      'NgayKetThucXuLy: required for status 9 (Đã xử lý xong)',
    );
    expect(map('DongBoHoSoMC', dossier({ ChuHoSo: ' ' }))).toBe('ChuHoSo: required');
    expect(map('DongBoHoSoMC', dossier({ NgayTiepNhan: '21000101080000' }))).toMatch(
      /^NgayTiepNhan: must be in the years 2000–2099/,
    );
    expect(map('DongBoHoSoMC', dossier({ TenLinhVuc: undefined }))).toBe(
      'TenLinhVuc: required (the field chooses the deadline rule)',
    );
    expect(map('DongBoHoSoMC', dossier({ KenhThucHien: '9' }))).toMatch(/^KenhThucHien: unknown channel/);
    expect(map('DongBoHoSoMC', dossier({ MaHoSo: 'x'.repeat(121) }))).toBe('MaHoSo: must be at most 120 characters');
    expect(map('DongBoHoSoMC', [])).toBe('(item): must be an object');
    expect(map('CapNhatTienDoHoSoMC', { MaHoSo: 'X', TrangThai: '5' })).toBe(
      'ThoiDiemXuLy: required (yyyyMMddHHmmss, Vietnam time)',
    );
    expect(map('DongBoHoSoMC', dossier({ DanhSachHoSoBoSung: [{ NgayBoSung: 'hôm qua' }] }))).toBe(
      'DanhSachHoSoBoSung[0].NgayBoSung: must be yyyyMMddHHmmss (Vietnam time), got "hôm qua"',
    );
  });

  it('derives event ids from the item, so the same item twice is the same events', () => {
    const once = mapSyncItem('DongBoHoSoMC', dossier({ isUpdating: 'True' }), context).events;
    const again = mapSyncItem('DongBoHoSoMC', dossier({ isUpdating: 'True' }), {
      ...context,
      receivedAt: '2022-06-01T00:00:00Z',
    }).events;
    expect(again.map((e) => e.detail.eventId)).toEqual(once.map((e) => e.detail.eventId));
    expect(once.map((e) => e.type)).toEqual(['DossierReceived', 'DossierReappointed']);
  });
});

describe('the sync feed signature (ADR 0017)', () => {
  const secrets = { 'one-stop': 'a'.repeat(40) };
  const body = '{"service":"DongBoHoSoMC","data":[]}';
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('accepts its own signature within five minutes, and nothing else', () => {
    expect(verifySyncRequest(secrets, syncHeaders('one-stop', 'a'.repeat(40), body, now), body, now + 299_000)).toBe(
      'one-stop',
    );
    const refused = (headers: Record<string, string>, sentBody = body, at = now) => {
      try {
        verifySyncRequest(secrets, headers, sentBody, at);
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(SyncAuthError);
        return (error as Error).message;
      }
    };
    const good = syncHeaders('one-stop', 'a'.repeat(40), body, now);
    expect(refused(good, body, now + 301_000)).toMatch(/more than 300 s/);
    expect(refused(good, body, now - 301_000)).toMatch(/more than 300 s/);
    expect(refused(good, `${body} `)).toBe('bad signature');
    expect(refused(syncHeaders('toString', 'a'.repeat(40), body, now))).toBe('unknown sending system');
    expect(refused({})).toMatch(/^missing/);
  });
});
