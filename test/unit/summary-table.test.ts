import { describe, expect, it } from 'vitest';
import { type FieldSummary, summaryTable } from '../../local/simulate.ts';

/* npm start's closing summary, as a terminal shows it. */

const row = (field: string, n: number): FieldSummary => ({
  field,
  received: 855 * n,
  early: 126 * n,
  onTime: 225 * n,
  late: 454 * n,
  inProgress: 37 * n,
  overdueNow: 6 * n,
  closedOtherwise: 7 * n,
  drafted: 759 * n,
  approved: 435 * n,
  issued: 435 * n,
  missing: 31 * n,
  withoutAppointment: 15 * n,
});
const fields = [row('Đất đai', 1), row('Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)', 1), row('Hộ tịch', 100)];
const COUNTS = ['Tiếp nhận', 'Trước hạn', 'Đúng hạn', 'Trễ hạn', 'Đang giải quyết', 'PXL thiếu', 'Không hẹn'];

describe('summaryTable', () => {
  it('is one table when nothing limits the width (a file, a pipe)', () => {
    const lines = summaryTable(fields).split('\n');
    expect(lines).toHaveLength(7);
    for (const header of COUNTS) expect(lines[0]).toContain(header);
    expect(lines.at(-1)).toMatch(/^Tổng cộng +│ +87\.210 │/);
  });

  for (const width of [80, 100, 60]) {
    it(`fits a ${width}-column terminal: tables one under the other, each count once, each led by the field`, () => {
      const text = summaryTable(fields, width);
      for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(width);
      const tables = text.split('\n\n');
      expect(tables.length).toBeGreaterThan(1);
      for (const table of tables) {
        const lines = table.split('\n');
        expect(lines[0]).toMatch(/^Lĩnh vực/);
        expect(lines.map((l) => l.split(' │ ')[0]?.trim())).toEqual([
          'Lĩnh vực',
          expect.stringMatching(/^─+┼/),
          'Đất đai',
          'Thành lập và hoạt động…',
          'Hộ tịch',
          expect.stringMatching(/^─+/),
          'Tổng cộng',
        ]);
      }
      const headers = tables.flatMap((t) =>
        (t.split('\n')[0] ?? '')
          .split(' │ ')
          .slice(1)
          .map((h) => h.trim()),
      );
      expect(headers).toHaveLength(12);
      expect(new Set(headers).size).toBe(12);
      for (const header of COUNTS) expect(headers).toContain(header);
    });
  }
});
