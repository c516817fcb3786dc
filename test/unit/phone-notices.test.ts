import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SMS_SEGMENT, smsText, unaccented, znsTemplateData } from '../../shared/domain/notices/phone-notices.ts';
import { vietnameseMobile } from '../../shared/domain/phones/phone-number.ts';
import { outsideQuietHours } from '../../shared/domain/phones/quiet-hours.ts';

const facts = {
  dossierId: 'H21.65-240304-0103',
  agency: 'UBND huyện Krông Pa',
  procedure: 'Đăng ký biến động quyền sử dụng đất',
  reason: 'Chờ ý kiến của cơ quan thuế',
  newReturnDate: '26/03/2024',
  statusUrl: 'https://a1b2c3d4e5.execute-api.ap-southeast-1.amazonaws.com/p/tra-cuu/H21.65-240304-0103',
};

describe('phone notices (issue #18)', () => {
  it('reads a Vietnamese mobile number however the desk wrote it, and refuses a landline', () => {
    for (const raw of ['0912345678', '0912 345 678', '091.234.5678', '+84912345678', '84 912 345 678'])
      expect(vietnameseMobile(raw), raw).toEqual({ e164: '+84912345678', zalo: '84912345678' });
    for (const raw of ['02693 812 345', '091234567', '09123456789', 'abc', '', undefined])
      expect(vietnameseMobile(raw), String(raw)).toBeUndefined();
  });

  it('holds a message sent between 21:00 and 07:00 Vietnam time until 07:00', () => {
    const at = (iso: string) => Date.parse(iso);
    expect(outsideQuietHours(at('2024-03-14T20:59:00+07:00'))).toBe(at('2024-03-14T20:59:00+07:00'));
    expect(outsideQuietHours(at('2024-03-14T21:00:00+07:00'))).toBe(at('2024-03-15T07:00:00+07:00'));
    expect(outsideQuietHours(at('2024-03-14T23:59:00+07:00'))).toBe(at('2024-03-15T07:00:00+07:00'));
    expect(outsideQuietHours(at('2024-03-15T00:30:00+07:00'))).toBe(at('2024-03-15T07:00:00+07:00'));
    expect(outsideQuietHours(at('2024-03-15T06:59:59+07:00'))).toBe(at('2024-03-15T07:00:00+07:00'));
    expect(outsideQuietHours(at('2024-03-15T07:00:00+07:00'))).toBe(at('2024-03-15T07:00:00+07:00'));
  });

  it('writes the SMS without diacritics in one segment, with the code, the new date and the link', () => {
    // With a province's own short address, the full wording.
    expect(smsText({ ...facts, statusUrl: 'https://dvc.gialai.gov.vn/tra-cuu/H21.65-240304-0103' })).toBe(
      'UBND huyen Krong Pa xin loi: ho so H21.65-240304-0103 cham tra ket qua. Hen tra moi 26/03/2024. Tra cuu: https://dvc.gialai.gov.vn/tra-cuu/H21.65-240304-0103',
    );
    // With API Gateway's long address, the compact wording keeps the link in one segment.
    const text = smsText(facts);
    expect(text).toBe(
      'Xin loi: HS H21.65-240304-0103 tre han, hen tra moi 26/03/2024. Tra cuu https://a1b2c3d4e5.execute-api.ap-southeast-1.amazonaws.com/p/tra-cuu/H21.65-240304-0103',
    );
    expect(text.length).toBeLessThanOrEqual(SMS_SEGMENT);
  });

  it('keeps every SMS within one segment, the code and the date always in it, for any valid values', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 300 }),
        fc.stringMatching(/^[A-Z0-9][A-Z0-9.-]{2,59}$/),
        fc.webUrl({ size: 'large' }),
        (agency, dossierId, statusUrl) => {
          const text = smsText({ ...facts, agency, dossierId, statusUrl });
          expect(text.length).toBeLessThanOrEqual(SMS_SEGMENT);
          expect(text).toMatch(/^[\x20-\x7e]*$/);
          expect(text).toContain(dossierId);
          expect(text).toContain('26/03/2024');
        },
      ),
    );
  });

  it('strips Vietnamese marks to the GSM alphabet', () => {
    expect(unaccented('Đăng ký biến động — Ủy ban nhân dân xã Ia Rmok')).toBe(
      'Dang ky bien dong ? Uy ban nhan dan xa Ia Rmok',
    );
  });

  it('cuts the ZNS parameters to the lengths Zalo allows', () => {
    const data = znsTemplateData({ ...facts, reason: 'x'.repeat(2000), dossierId: 'A'.repeat(60) });
    expect(data.ly_do).toHaveLength(400);
    expect(data.ma_ho_so).toHaveLength(30);
    expect(data.ngay_hen_moi).toBe('26/03/2024');
  });
});
