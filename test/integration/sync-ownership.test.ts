import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../local/local-runtime.ts';
import { syncHeaders } from '../../shared/support/sync-signature.ts';
import { putUnits } from '../../shared/use-cases/administer-config.ts';
import type { SyncAnswer } from '../../shared/use-cases/sync-from-portal.ts';
import { OPERATOR } from '../support/actors.ts';
import { configDepsOf } from '../support/audit-trail.ts';

/*
 * Issue #30, reproduction 2: a sending system, signed with its own key, resolved and then withdrew a
 * dossier another system had sent (both answered 00). Each system owns the dossiers it sent first; the
 * directory may name a participant of an inter-agency procedure.
 */

const SECRETS = {
  'commune-system': 'commune-system-secret-0123456789abcdef0123',
  'other-district': 'other-district-secret-0123456789abcdef0123',
  'land-registry': 'land-registry-secret-0123456789abcdef01234',
};
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startLocalRuntime({ mail: true, syncSecrets: SECRETS });
  const units = (await runtime.config.getUnitDirectoryVersion())?.directory;
  await putUnits(
    configDepsOf(runtime),
    {
      name: 'units.yaml',
      data: {
        ...units,
        systems: [
          { id: 'land-registry', name: 'Hệ thống của Văn phòng đăng ký đất đai', participatesIn: ['1.013831'] },
        ],
      },
    },
    OPERATOR,
  );
});
afterAll(async () => {
  await runtime.close();
});

async function send(system: keyof typeof SECRETS, service: string, data: unknown[]): Promise<SyncAnswer> {
  const body = JSON.stringify({ service, madonvi: 'H21.65', data });
  const response = await fetch(`${runtime.apiUrl}/sync`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...syncHeaders(system, SECRETS[system], body) },
    body,
  });
  await runtime.bus.idle();
  return (await response.json()) as SyncAnswer;
}

const receipt = (id: string, procedure: string) => ({
  MaHoSo: id,
  MaTTHC: procedure,
  TenTTHC: procedure === '1.013831' ? 'Đăng ký biến động quyền sử dụng đất' : 'Chứng thực bản sao từ bản chính',
  TenLinhVuc: procedure === '1.013831' ? 'Đất đai' : 'Chứng thực',
  ChuHoSo: 'Nguyễn Văn Bình',
  LoaiDoiTuong: '1',
  SoDienThoai: '0912345678',
  NgayTiepNhan: '20240304090000',
  NgayHenTra: '20240318170000',
  TrangThaiHoSo: '2',
});
const progress = (id: string, TrangThai: string, ThoiDiemXuLy: string) => ({
  MaHoSo: id,
  NguoiXuLy: 'Nguyễn Văn An',
  ThoiDiemXuLy,
  NoiDungXuLy: 'Xử lý hồ sơ',
  TrangThai,
});

describe('the sync feed: each system owns the dossiers it sent first', () => {
  it("refuses another system's resolution and withdrawal per item, and keeps them as dead letters", async () => {
    const id = 'H21.65-240304-OWN1';
    expect((await send('commune-system', 'DongBoHoSoMC', [receipt(id, '2.000815')])).error_code).toBe('00');
    const resolved = await send('other-district', 'CapNhatTienDoHoSoMC', [
      progress(id, '9', '20240305100000'),
      progress('H21.65-240304-NEW', '9', '20240305100000'),
    ]);
    expect(resolved.error_code).toBe('01');
    expect(resolved.data).toEqual([
      expect.objectContaining({
        index: 0,
        MaHoSo: id,
        error_code: '01',
        message: expect.stringMatching(/another system \(commune-system\)/),
      }),
    ]);
    const withdrawn = await send('other-district', 'CapNhatTienDoHoSoMC', [progress(id, '7', '20240305110000')]);
    expect(withdrawn.data[0]).toMatchObject({ error_code: '01' });
    const { record } = await runtime.store.load(id);
    expect(record?.state.status).toBe('open');
    const dead = (await runtime.deadLetters.list()).filter((d) => d.dossierId === id);
    expect(dead.map((d) => d.reason)).toEqual([
      expect.stringMatching(/^item 0: MaHoSo: the dossier was sent by another system/),
      expect.stringMatching(/^item 0: MaHoSo: the dossier was sent by another system/),
    ]);
    // The owner itself still moves it on.
    expect(
      (await send('commune-system', 'CapNhatTienDoHoSoMC', [progress(id, '9', '20240305120000')])).error_code,
    ).toBe('00');
    expect((await runtime.store.load(id)).record?.state.status).toBe('resolved');
  });

  it('lets a system the directory names a participant of the inter-agency procedure send its steps', async () => {
    const land = 'H21.65-240304-OWN2';
    expect((await send('commune-system', 'DongBoHoSoMC', [receipt(land, '1.013831')])).error_code).toBe('00');
    expect(
      (await send('land-registry', 'CapNhatTienDoHoSoMC', [progress(land, '4', '20240305090000')])).error_code,
    ).toBe('00');
    // Not a participant of another procedure.
    const other = 'H21.65-240304-OWN3';
    await send('commune-system', 'DongBoHoSoMC', [receipt(other, '2.000815')]);
    expect(
      (await send('land-registry', 'CapNhatTienDoHoSoMC', [progress(other, '9', '20240305090000')])).error_code,
    ).toBe('01');
  });
});
