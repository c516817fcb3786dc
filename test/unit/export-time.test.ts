import { afterEach, describe, expect, it } from 'vitest';
import { exportTime } from '../../shared/domain/sync/export-mapping.ts';

/* The times an export's cells hold, read as Vietnam wall-clock time whatever the machine's zone. */

const zone = process.env.TZ;
afterEach(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

describe('exportTime, iso', () => {
  const cases: [string, string | undefined][] = [
    ['2022-03-30', '20220330000000'],
    ['2022-03-30 15:43', '20220330154300'], // SQL exports
    ['2022-03-30 15:43:07.123', '20220330154307'],
    ['2022-03-30T15:43:00', '20220330154300'], // no offset: Vietnam time, as the dd/MM/yyyy cells
    ['2022-03-30T15:43:00+07:00', '20220330154300'],
    ['2022-03-30T08:43:00Z', '20220330154300'],
    ['2022-03-30T20:43:00-05:00', '20220331084300'],
    ['2022-03-30T20:43:00+0000', '20220331034300'],
    ['2022-03-30Z', undefined],
    ['2022-3-30', undefined],
    ['30/03/2022', undefined],
  ];

  for (const machineZone of ['UTC', 'Asia/Ho_Chi_Minh', 'America/New_York']) {
    it(`reads each form the same on a machine in ${machineZone}`, () => {
      process.env.TZ = machineZone;
      for (const [text, expected] of cases) expect(exportTime(text, ['iso']), text).toBe(expected);
    });
  }

  it('is tried after the Vietnamese forms in the shipped order, and reads nothing of theirs', () => {
    const formats = ['dd/MM/yyyy HH:mm', 'dd/MM/yyyy HH:mm:ss', 'dd/MM/yyyy', 'excel', 'iso'] as const;
    expect(exportTime('05/03/2022 08:05', formats)).toBe('20220305080500');
    expect(exportTime('2022-03-05 08:05', formats)).toBe('20220305080500');
    expect(exportTime(44_650, formats)).toBe('20220330000000');
  });
});

describe('exportTime, time first', () => {
  it('reads what JavaScript’s vi-VN locale and Vietnamese documents write, and only in its own formats', () => {
    const written = new Date('2022-03-05T01:05:09Z').toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });
    expect(written).toBe('08:05:09 5/3/2022');
    expect(exportTime(written, ['HH:mm:ss dd/MM/yyyy'])).toBe('20220305080509');
    expect(exportTime('15:43 30/03/2022', ['HH:mm dd/MM/yyyy'])).toBe('20220330154300');
    expect(exportTime('15:43, 30/03/2022', ['HH:mm dd/MM/yyyy'])).toBe('20220330154300');
    expect(exportTime('15:43 30/03/2022', ['HH:mm:ss dd/MM/yyyy'])).toBeUndefined();
    expect(exportTime('30/03/2022 15:43', ['HH:mm dd/MM/yyyy'])).toBeUndefined();
    expect(exportTime('15:43 30/03/2022', ['dd/MM/yyyy HH:mm'])).toBeUndefined();
  });

  it('reads only real dates and times, so a row is refused with the cell as written', () => {
    expect(exportTime('29/02/2024 23:59', ['dd/MM/yyyy HH:mm'])).toBe('20240229235900');
    for (const text of ['29/02/2023', '31/04/2022', '00/01/2022', '01/13/2022'])
      expect(exportTime(text, ['dd/MM/yyyy']), text).toBeUndefined();
    for (const text of ['30/03/2022 24:00', '30/03/2022 15:60'])
      expect(exportTime(text, ['dd/MM/yyyy HH:mm']), text).toBeUndefined();
    expect(exportTime('24:00:00 30/3/2022', ['HH:mm:ss dd/MM/yyyy'])).toBeUndefined();
    for (const text of ['2022-02-30', '2022-03-30T25:00', '2022-02-29T10:00:00+07:00'])
      expect(exportTime(text, ['iso']), text).toBeUndefined();
  });
});
