import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { lifecycleEvent, receivedEvent } from '../support/dossier-factory.ts';
import { dunghan } from '../support/run-cli.ts';

const LAND = { code: '1.013831', name: 'Đăng ký biến động quyền sử dụng đất', field: 'Đất đai' };
const CIVIL = { code: '1.001193', name: 'Thủ tục đăng ký khai sinh', field: 'Hộ tịch' };

/** Five dossiers of March 2024: two land ones returned late, one still open, one birth registration returned early, one withdrawn. */
function writeExport(dir: string): string {
  const received = (n: number, day: string, procedure: typeof LAND, channel = 'in_person') =>
    receivedEvent({
      dossierId: `H21.65-${day.slice(2).replaceAll('-', '')}-000${n}`,
      eventId: `rep-${n}`,
      occurredAt: `${day}T09:00:00+07:00`,
      receivedAt: `${day}T09:00:00+07:00`,
      procedure,
      channel,
      // No appointment on the receipt: the QĐ 766 indicator compares with the legal due date.
      appointmentAt: undefined,
    });
  const close = (n: number, day: string, type: string, at: string) =>
    lifecycleEvent(type, {
      dossierId: `H21.65-${day.slice(2).replaceAll('-', '')}-000${n}`,
      eventId: `rep-${n}-${type}`,
      occurredAt: at,
    });
  const lines = [
    received(1, '2024-03-01', LAND),
    close(1, '2024-03-01', 'DossierResolved', '2024-03-27T10:00:00+07:00'),
    received(2, '2024-03-04', LAND, 'online'),
    close(2, '2024-03-04', 'DossierResolved', '2024-03-28T10:00:00+07:00'),
    received(3, '2024-03-05', LAND),
    received(4, '2024-03-06', CIVIL, 'online'),
    close(4, '2024-03-06', 'DossierResolved', '2024-03-06T10:00:00+07:00'),
    received(5, '2024-03-07', CIVIL),
    close(5, '2024-03-07', 'DossierWithdrawn', '2024-03-07T11:00:00+07:00'),
  ].map((e) => JSON.stringify(e));
  const file = join(dir, 'export.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('dunghan report (as a process, on the local store)', () => {
  it('writes the period as markdown, csv and an Excel workbook with frozen headers and widths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dunghan-report-'));
    const dataDir = join(dir, 'store');
    expect((await dunghan('replay', writeExport(dir), '--data-dir', dataDir)).code).toBe(0);
    const period = ['--from', '2024-03-01', '--to', '2024-03-31', '--data-dir', dataDir];

    const md = await dunghan('report', ...period);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('# BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH');
    expect(md.stdout).toContain('Số liệu tính đến hết ngày 31/03/2024');
    expect(md.stdout).toMatch(/\| 1 \| Đất đai \| 3 \| 0 \| 1 \| 2 \| 2 \| 0 \| 0 \| 2 \| 0 \| 1 \| 0 \| 1 \|/);
    expect(md.stdout).toMatch(/\| 2 \| Hộ tịch \| 2 \| 0 \| 1 \| 1 \| 1 \| 0 \| 1 \| 0 \| 1 \| 0 \| 0 \| 0 \|/);

    const csv = await dunghan('report', ...period, '--format', 'csv', '--by', 'month');
    expect(
      csv.stdout.startsWith('\uFEFF"Biểu 1. Tình hình, kết quả giải quyết hồ sơ thủ tục hành chính theo tháng"\r\n'),
    ).toBe(true);
    expect(csv.stdout).toContain('\r\n,Tổng cộng,5,0,2,3,3,0,1,2,1,1,0,1\r\n');

    const out = join(dir, 'bao-cao.xlsx');
    expect((await dunghan('report', ...period, '--format', 'xlsx', '--out', out)).code).toBe(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    // Issue #15 adds Biểu 3b (each unit against its own allotted time in inter-agency steps); issue #19 the
    // QĐ 766 indicator (5), its rules (5a) and on time counted two ways (6, 6b). The period is over: no
    // forecast, no list at risk (Biểu 7).
    expect(workbook.worksheets.map((w) => w.name)).toEqual([
      'Biểu 1',
      'Biểu 2',
      'Biểu 3',
      'Biểu 3b',
      'Biểu 4',
      'Biểu 5',
      'Biểu 5a',
      'Biểu 6',
      'Biểu 6b',
    ]);
    // Opened back: the indicator's total row (5 counted: the two late land dossiers and the one still open
    // past its appointment are late; 2 on time → 8 points of 20).
    const indicator = workbook.getWorksheet('Biểu 5');
    const totalRow = indicator?.getRow((indicator?.rowCount ?? 0) as number);
    expect(totalRow?.values).toEqual([undefined, '', 'Tổng cộng', 5, 2, 3, 0.4, 8]);
    expect(indicator?.getCell('G4').value).toBe('Điểm (tối đa 20)');
    const sheet = workbook.getWorksheet('Biểu 1');
    expect(sheet?.views[0]).toMatchObject({ state: 'frozen', xSplit: 2, ySplit: 5 });
    expect(sheet?.getCell('C4').value).toBe('Số hồ sơ nhận giải quyết');
    expect(sheet?.getCell('C5').value).toBe('Tổng số');
    expect(sheet?.getColumn(2).width).toBe(44);
    expect(sheet?.getCell('B6').value).toBe('Đất đai');
    expect(sheet?.getCell('C6').value).toBe(3);
    expect(sheet?.getCell('C6').numFmt).toBe('#,##0');
    expect(sheet?.getCell('B8').value).toBe('Tổng cộng');
    expect(workbook.getWorksheet('Biểu 2')?.getCell('H5').numFmt).toBe('0.0%');
  }, 120_000);

  it('names the bad argument and exits 2', async () => {
    const bad = await dunghan('report', '--from', '2024-03-31', '--to', '2024-03-01');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--to: must not be before from/);
    expect((await dunghan('report', '--from', '2024-03-01', '--to', '2024-03-31', '--format', 'pdf')).stderr).toMatch(
      /--format: must be one of md, csv, xlsx, html, json/,
    );
    expect((await dunghan('report', '--from', '2024-03-01', '--to', '2024-03-31', '--format', 'xlsx')).stderr).toMatch(
      /--out: is required for xlsx/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'dunghan-report-'));
    const rules = join(dir, 'rules.yaml');
    writeFileSync(rules, 'rules:\n  carriedOver: false\n');
    const badRules = await dunghan('report', '--from', '2024-03-01', '--to', '2024-03-31', '--timeliness', rules);
    expect(badRules.code).toBe(2);
    expect(badRules.stderr).toContain(`--timeliness: ${rules}: rules.carriedOver: is not a rule`);
  });
});
