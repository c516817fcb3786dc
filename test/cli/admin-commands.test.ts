import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { receivedEvent } from '../support/dossier-factory.ts';
import { dunghan } from '../support/run-cli.ts';

const LAND = { code: '1.013831', name: 'Đăng ký biến động quyền sử dụng đất', field: 'Đất đai' };

/** Three open land dossiers received in November 2026 (8 working days each). */
function writeExport(dir: string): string {
  const lines = ['2026-11-05', '2026-11-16', '2026-11-19'].map((day, i) =>
    JSON.stringify(
      receivedEvent({
        dossierId: `H21.65-${day.slice(2).replaceAll('-', '')}-000${i + 1}`,
        eventId: `cli-${i}`,
        occurredAt: `${day}T09:00:00+07:00`,
        receivedAt: `${day}T09:00:00+07:00`,
        appointmentAt: undefined,
        procedure: LAND,
      }),
    ),
  );
  const file = join(dir, 'export.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function cultureDayCalendar(dir: string): string {
  const calendar = JSON.parse(
    readFileSync(new URL('../../config/calendars/vn-civil-service.json', import.meta.url), 'utf8'),
  ) as { years: Record<string, { daysOff: unknown[] }> };
  calendar.years['2026']?.daysOff.push({ date: '2026-11-24', name: 'Ngày Văn hóa Việt Nam', kind: 'holiday' });
  const file = join(dir, 'vn-civil-service.json');
  writeFileSync(file, JSON.stringify(calendar));
  return file;
}

describe('dunghan rules | calendars | audit (as processes, on the local store)', () => {
  // Nine `dunghan` processes in a row, each starting the local store: longer than the default timeout on a busy 2-core machine.
  it('previews a new holiday, applies it to the same dossiers, and audits it', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dunghan-admin-'));
    expect((await dunghan('replay', writeExport(dir), '--data-dir', dir)).code).toBe(0);
    const calendar = cultureDayCalendar(dir);

    const preview = await dunghan('calendars', 'preview', calendar, '--data-dir', dir);
    expect(preview.code).toBe(0);
    const previewed = JSON.parse(preview.stdout) as { moves: { dossierId: string }[] };
    expect(previewed.moves.map((m) => m.dossierId)).toEqual(['H21.65-261116-0002', 'H21.65-261119-0003']);

    const missingBasis = await dunghan('calendars', 'put', calendar, '--data-dir', dir);
    expect(missingBasis.code).toBe(2);
    expect(missingBasis.stderr).toMatch(/^dunghan: --legal-basis: must cite the decision/);

    const put = await dunghan(
      'calendars',
      'put',
      calendar,
      '--legal-basis',
      'QĐ 24/QĐ-UBND',
      '--author',
      'quantri@gialai.gov.vn',
      '--data-dir',
      dir,
    );
    expect(put.code).toBe(0);
    const applied = JSON.parse(put.stdout) as { version: number; moves: { dossierId: string }[] };
    expect(applied.version).toBe(2);
    expect(applied.moves.map((m) => m.dossierId)).toEqual(previewed.moves.map((m) => m.dossierId));

    const dossier = JSON.parse((await dunghan('dossier', 'H21.65-261116-0002', '--data-dir', dir)).stdout);
    expect(dossier).toMatchObject({ originalDueAt: '2026-11-27T17:00:00+07:00', dueAt: '2026-11-27T17:00:00+07:00' });
    expect(dossier.dueDateChanges).toEqual([
      expect.objectContaining({
        author: 'quantri@gialai.gov.vn',
        before: expect.objectContaining({ dueAt: '2026-11-26T17:00:00+07:00' }),
        after: expect.objectContaining({ dueAt: '2026-11-27T17:00:00+07:00' }),
      }),
    ]);

    const audit = JSON.parse((await dunghan('audit', '--data-dir', dir)).stdout) as unknown[];
    expect(audit).toEqual([
      // The local store's first start loaded the shipped rules and calendars: audited too.
      expect.objectContaining({ action: 'seed', author: 'dunghan (initial load)', status: 'applied' }),
      expect.objectContaining({
        action: 'calendar.put',
        status: 'applied',
        author: 'quantri@gialai.gov.vn',
        legalBasis: ['QĐ 24/QĐ-UBND'],
        sources: [calendar],
        dossiersMoved: 2,
      }),
    ]);
    const versions = JSON.parse((await dunghan('calendars', 'get', 'vn-civil-service', '--data-dir', dir)).stdout);
    expect(versions.versions.map((v: { version: number }) => v.version)).toEqual([2]);
    expect(versions.current.version).toBe(2);

    // The Government's notice for 2027 arrives: the year becomes official, and the check is satisfied.
    const confirmed = JSON.parse(readFileSync(calendar, 'utf8'));
    confirmed.years['2027'] = {
      provisional: false,
      source: 'CV thử nghiệm 2027',
      daysOff: [
        { date: '2027-01-01', name: 'Tết Dương lịch', kind: 'holiday' },
        { date: '2027-05-03', name: 'Nghỉ bù Ngày Quốc tế Lao động (1/5 thứ Bảy)', kind: 'compensatory' },
      ],
    };
    const file2027 = join(dir, 'vn-civil-service-2027.json');
    writeFileSync(file2027, JSON.stringify(confirmed));
    const before2027 = JSON.parse(
      (await dunghan('calendars', 'check-provisional', '--on', '2026-11-25', '--data-dir', dir)).stdout,
    );
    expect(before2027.toConfirm.map((y: { year: number }) => y.year)).toEqual([2027]);
    const diff = JSON.parse((await dunghan('calendars', 'diff', file2027, '--data-dir', dir)).stdout);
    // The derived Tết block (5–9/2/2027) is not in this notice: the diff shows those days becoming working days.
    expect(diff.days.map((d: { date: string }) => d.date)).toContain('2027-02-08');
    expect((await dunghan('calendars', 'put', file2027, '--legal-basis', 'CV 2027', '--data-dir', dir)).code).toBe(0);
    const after2027 = JSON.parse(
      (await dunghan('calendars', 'check-provisional', '--on', '2026-11-25', '--data-dir', dir)).stdout,
    );
    expect(after2027.toConfirm).toEqual([]);
  });

  it('lists every problem of invalid rules files, exits 2 and applies nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dunghan-admin-'));
    const file = join(dir, 'bad-rules.yaml');
    writeFileSync(
      file,
      [
        'rules:',
        '  - procedureCode: "1.013831"',
        '    effectiveFrom: 2025-07-01',
        '    legalBasis: "QĐ khác"',
        '    duration: 5wd',
        '  - global: true',
        '    effectiveFrom: 2027-01-01',
        '    legalBasis: "QĐ"',
        '    duration: -2wd',
        '  - field: Đất đai',
        '    effectiveFrom: 2027-01-01',
        '    legalBasis: "QĐ"',
        '    duration: 8wd',
        '    calendarId: khong-co',
      ].join('\n'),
    );
    const before = (await dunghan('rules', 'list', '--data-dir', dir)).stdout;
    const result = await dunghan('rules', 'put', file, '--data-dir', dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('3 problem(s), nothing applied');
    expect(result.stderr).toMatch(/bad-rules\.yaml: rules\.1\.duration: /);
    expect(result.stderr).toMatch(
      /overlapping versions: a different version of PROC#1\.013831 already takes effect on 2025-07-01/,
    );
    expect(result.stderr).toMatch(/calendarId: unknown calendar id "khong-co"/);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: false });
    expect((await dunghan('rules', 'list', '--data-dir', dir)).stdout).toBe(before);
    expect(JSON.parse((await dunghan('audit', '--data-dir', dir)).stdout)).toEqual([
      expect.objectContaining({ action: 'seed' }),
    ]);

    const validate = await dunghan('rules', 'validate', 'config/rules', '--data-dir', dir);
    expect(validate.code).toBe(0);
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true, rules: 53 });
  });

  it('documents the administration commands in --help', async () => {
    for (const command of ['rules', 'calendars']) {
      const help = await dunghan(command, '--help');
      expect(help.code).toBe(0);
      for (const sub of ['list', 'get', 'validate', 'diff', 'preview', 'put']) expect(help.stdout).toContain(sub);
    }
    expect((await dunghan('--help')).stdout).toContain('audit');
  });
});
