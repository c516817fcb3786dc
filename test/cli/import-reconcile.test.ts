import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { receivedEvent } from '../support/dossier-factory.ts';
import { dunghan } from '../support/run-cli.ts';

/*
 * Issue #17: a one-stop system's export imported (dry run and real, again and again), and two sources
 * reconciled — through the `dunghan` command, as a supervisor runs it.
 */

const CSV = 'docs/examples/import/danh-sach-ho-so.csv';
const XLSX = 'docs/examples/import/danh-sach-ho-so.xlsx';
/** `dunghan reconcile` over the sample's quarter. */
const reconcileQuarter = (...args: string[]) =>
  dunghan('reconcile', ...args.slice(0, 2), '--from', '2022-01-01', '--to', '2022-03-31', ...args.slice(2));
const dir = (name: string) => join(tmpdir(), `dunghan-import-${name}-${process.pid}-${Date.now()}`);
const json = (r: { stdout: string }) => JSON.parse(r.stdout);

/** The sample export's lines: the title row, then one per dossier (CRLF, a BOM before the titles). */
const sample = () =>
  readFileSync(CSV, 'utf8')
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\r\n');

describe('dunghan import', () => {
  it('imports the shipped sample, .csv and .xlsx alike; a dry run writes nothing; importing again adds nothing', async () => {
    const dataDir = dir('sample');
    const dry = await dunghan('import', CSV, '--dry-run', '--data-dir', dataDir);
    expect(dry.code, dry.stderr).toBe(0);
    const rows = sample().length - 1;
    expect(json(dry)).toMatchObject({ rows, dossiers: rows, applied: 0, refused: 0, dryRun: true });
    const first = sample()[1]?.split(',')[1] ?? '';
    expect((await dunghan('dossier', first, '--data-dir', dataDir)).code).toBe(2);

    const real = json(await dunghan('import', CSV, '--data-dir', dataDir));
    expect(real).toMatchObject({ rows, dossiers: rows, duplicates: 0, refused: 0 });
    expect(real.applied).toBe(real.events);
    // The workbook holds the same dossiers with date cells: the same events, so nothing new.
    const again = json(await dunghan('import', XLSX, '--data-dir', dataDir));
    expect(again).toMatchObject({ rows, applied: 0, duplicates: real.events, refused: 0 });
    const dossier = json(await dunghan('dossier', first, '--data-dir', dataDir));
    expect(dossier).toMatchObject({ dossierId: first, procedure: { field: 'Đất đai' }, agencyId: 'H21.65' });
  }, 240_000);

  it('names the columns it did not read, and how many dossiers would take a default rule (issue #32)', async () => {
    const [titles, ...lines] = sample();
    const file = join(tmpdir(), `dunghan-import-renamed-${process.pid}.csv`);
    // The procedure code's column under a title the mapping does not know.
    writeFileSync(
      file,
      `\uFEFF${[(titles as string).replace('Mã thủ tục', 'Mã TTHC (cũ)'), ...lines].join('\r\n')}\r\n`,
    );
    const dry = await dunghan('import', file, '--dry-run', '--data-dir', dir('renamed'));
    expect(dry.code, dry.stderr).toBe(0);
    expect(json(dry).unmappedColumns).toEqual(['Mã TTHC (cũ)']);
    expect(dry.stderr).toContain('columns not read (not in the mapping): Mã TTHC (cũ)');
    const { field, global } = json(dry).defaultRule;
    expect(field + global).toBe(lines.length);
    expect(dry.stderr).toContain(`${lines.length} dossier(s) take a default deadline rule, not their procedure's`);
    // The sample as shipped: every column read, every dossier under its procedure's rule or its field's.
    const shipped = await dunghan('import', CSV, '--dry-run', '--data-dir', dir('shipped'));
    expect(json(shipped).unmappedColumns).toEqual([]);
    expect(shipped.stderr).not.toContain('columns not read');
  }, 120_000);

  it('refuses rows whose code another source received otherwise, dry or real, never merging them (issue #32)', async () => {
    const dataDir = dir('conflicts');
    // Two of the sample's codes already received from the bus (another system), at other instants.
    const [, first, second] = sample();
    const codes = [first, second].map((line) => (line as string).split(',')[1] as string);
    const file = join(tmpdir(), `dunghan-import-other-${process.pid}.jsonl`);
    writeFileSync(
      file,
      codes
        .map((dossierId, i) =>
          JSON.stringify(
            receivedEvent({
              dossierId,
              eventId: `other-system/${i}`,
              occurredAt: '2022-01-05T09:00:00+07:00',
              receivedAt: '2022-01-05T09:00:00+07:00',
              appointmentAt: undefined,
            }),
          ),
        )
        .join('\n'),
    );
    expect((await dunghan('replay', file, '--data-dir', dataDir)).code).toBe(0);
    const dry = await dunghan('import', CSV, '--dry-run', '--data-dir', dataDir);
    expect(dry.code).toBe(1);
    expect(json(dry).refused).toBe(2);
    expect(dry.stderr).toContain(`dossier ${codes[0]} is already received (event other-system/0) with another receipt`);
    const real = await dunghan('import', CSV, '--data-dir', dataDir);
    expect(real.code).toBe(1);
    expect(json(real)).toMatchObject({ refused: 2, rows: sample().length - 1 });
    for (const code of codes) {
      const kept = json(await dunghan('dossier', code, '--data-dir', dataDir));
      expect(kept.receivedAt).toBe('2022-01-05T09:00:00+07:00');
    }
  }, 120_000);

  it('lists every row it cannot import with its row, column and reason, imports the others, exit 1', async () => {
    const dataDir = dir('bad');
    const [titles, ...lines] = sample();
    const cells = (line: string) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)?.map((c) => c.replace(/,$/, '')) ?? [];
    const edit = (line: string, column: number, value: string) => {
      const c = cells(line);
      c[column] = value;
      return c.slice(0, 14).join(',');
    };
    const bad = [
      edit(lines[0] as string, 9, '31/02/2022 08:00'),
      edit(lines[1] as string, 13, 'Đã lưu kho'),
      edit(lines[2] as string, 1, ''),
      edit(lines[3] as string, 5, 'UBND xã Không Có'),
      // One wording the mapping lacks, on several rows: one cause.
      ...[4, 5, 6].map((i) => edit(lines[i] as string, 13, 'Hoàn thành')),
    ];
    const file = join(tmpdir(), `export-${process.pid}.csv`);
    writeFileSync(file, `${[titles, ...bad, ...lines.slice(7, 20)].join('\r\n')}\r\n`);
    const result = await dunghan('import', file, '--data-dir', dataDir);
    expect(result.code).toBe(1);
    const summary = json(result);
    expect(summary).toMatchObject({ rows: 20, dossiers: 13, refused: 7 });
    expect(summary.problems.map((p: { row: number; column: string }) => [p.row, p.column])).toEqual([
      [2, 'Ngày tiếp nhận'],
      [3, 'Trạng thái'],
      [4, 'Mã hồ sơ'],
      [5, 'Đơn vị tiếp nhận'],
      [6, 'Trạng thái'],
      [7, 'Trạng thái'],
      [8, 'Trạng thái'],
    ]);
    expect(summary.problems[1].reason).toMatch(/"Đã lưu kho" is not a status the mapping knows/);
    expect(summary.causes).toHaveLength(5);
    expect(summary.causes[0]).toMatchObject({ column: 'Trạng thái', rows: 3, firstRows: [6, 7, 8] });
    expect(summary.causes[0].reason).toMatch(/"Hoàn thành" is not a status the mapping knows/);
    expect(result.stderr).toContain('7 row(s) could not be imported, by cause:\n  Trạng thái: "Hoàn thành" is not');
    expect(result.stderr).toMatch(/— 3 row\(s\) \(6, 7, 8\)\n/);
    const letters = json(await dunghan('dead-letters', '--data-dir', dataDir));
    expect(letters.filter((l: { reason: string }) => l.reason.includes(`${file} row `))).toHaveLength(7);
  }, 240_000);
});

describe('dunghan reconcile', () => {
  it('finds every dossier missing on either side and the gap per unit and month', async () => {
    const dataDir = dir('reconcile');
    expect((await dunghan('import', CSV, '--data-dir', dataDir)).code).toBe(0);
    const [titles, ...lines] = sample();
    const code = (line: string) => line.split(',')[1] as string;
    // The register lacks three dossiers of the store and has two the store lacks (another unit, another month).
    const dropped = [lines[0], lines[10], lines[20]].map((l) => code(l as string)).sort();
    const added = [
      (lines[5] as string).replace(code(lines[5] as string), 'H21.65-220101-9991'),
      (lines[6] as string).replace(code(lines[6] as string), 'H21.65.01-220102-9992'),
    ];
    const register = join(tmpdir(), `register-${process.pid}.csv`);
    const kept = lines.filter((_, i) => ![0, 10, 20].includes(i));
    writeFileSync(register, `${[titles, ...kept, ...added].join('\r\n')}\r\n`);

    const result = json(await reconcileQuarter('store', register, '--format', 'json', '--data-dir', dataDir));
    expect(result.total).toMatchObject({
      a: lines.length,
      b: lines.length - 1,
      onlyA: 3,
      onlyB: 2,
      aViaSync: lines.length,
    });
    expect(
      result.onlyIn
        .filter((x: { side: string }) => x.side === 'A')
        .map((x: { id: string }) => x.id)
        .sort(),
    ).toEqual(dropped);
    expect(
      result.onlyIn
        .filter((x: { side: string }) => x.side === 'B')
        .map((x: { id: string }) => x.id)
        .sort(),
    ).toEqual(['H21.65-220101-9991', 'H21.65.01-220102-9992']);
    // Per unit and month the rows add up: A − B = only in A − only in B.
    for (const row of result.rows as { counts: { a: number; b: number; onlyA: number; onlyB: number } }[])
      expect(row.counts.a - row.counts.b).toBe(row.counts.onlyA - row.counts.onlyB);

    // Two files, and the tables as a workbook a supervisor opens.
    const out = join(tmpdir(), `doi-chieu-${process.pid}.xlsx`);
    const files = await reconcileQuarter(CSV, register, '--format', 'xlsx', '--out', out);
    expect(files.code, files.stderr).toBe(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    const sheet = workbook.getWorksheet('Chỉ có ở một nguồn');
    const listed: string[] = [];
    sheet?.eachRow((row) => {
      const id = row.getCell(2).value;
      if (typeof id === 'string' && /^H21/.test(id)) listed.push(id);
    });
    expect(listed.sort()).toEqual([...dropped, 'H21.65-220101-9991', 'H21.65.01-220102-9992'].sort());
  }, 240_000);
});
