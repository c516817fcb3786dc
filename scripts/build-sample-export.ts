import { mkdirSync, writeFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { CALENDARS_DIR, RULES_DIR } from '../local/local-runtime.ts';
import { generateSampleStream } from '../local/sample-stream.ts';
import { loadConfigDirs } from '../shared/adapters/config-files.ts';
import { DEFAULT_CALENDAR_DEFINITION } from '../shared/domain/calendar/default-calendar.ts';

/*
 * The sample export shipped for `dunghan import` (issue #17): the dossier list a one-stop system exports
 * to Excel, one row per dossier, shaped like config/import/danh-sach-ho-so.yaml — built from the same
 * sample stream as `npm start` (three months of the seed district), as .csv (text dates) and .xlsx (date
 * cells). Run: npx tsx scripts/build-sample-export.ts
 */

const OUT = new URL('../docs/examples/import/', import.meta.url).pathname;
const TITLES = [
  'STT',
  'Mã hồ sơ',
  'Mã thủ tục',
  'Tên thủ tục',
  'Lĩnh vực',
  'Đơn vị tiếp nhận',
  'Người nộp',
  'Số điện thoại',
  'Hình thức nộp',
  'Ngày tiếp nhận',
  'Ngày hẹn trả',
  'Ngày có kết quả',
  'Ngày trả kết quả',
  'Trạng thái',
] as const;
const CHANNELS: Record<string, string> = { in_person: 'Trực tiếp', online: 'Trực tuyến', postal: 'Qua bưu chính' };

interface Row {
  values: Record<(typeof TITLES)[number], string | number | undefined>;
  /** The date columns as wall-clock instants (the xlsx writes them as date cells). */
  dates: Partial<Record<(typeof TITLES)[number], number>>;
}

/** An ISO instant with offset as the wall-clock time in Vietnam, in ms whose UTC fields are that time. */
const wall = (iso: string | undefined) => (iso ? Date.parse(iso) + 7 * 3_600_000 : undefined);
const text = (ms: number | undefined) => {
  if (ms === undefined) return undefined;
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
};

async function main(): Promise<void> {
  const { rules } = await loadConfigDirs(RULES_DIR, CALENDARS_DIR, [DEFAULT_CALENDAR_DEFINITION.id]);
  const stream = generateSampleStream({ seed: 2022, days: 90, start: '2022-01-01', rules, scale: 0.5 });
  const byDossier = new Map<string, { type: string; detail: Record<string, unknown> }[]>();
  for (const e of stream.events) {
    const detail = e.detail as Record<string, unknown>;
    const id = String(detail.dossierId);
    byDossier.set(id, [...(byDossier.get(id) ?? []), { type: e['detail-type'], detail }]);
  }
  const rows: Row[] = [];
  for (const id of stream.dossiers) {
    const events = (byDossier.get(id) ?? []).sort((a, b) =>
      String(a.detail.occurredAt).localeCompare(String(b.detail.occurredAt)),
    );
    const received = events.find((e) => e.type === 'DossierReceived')?.detail as
      | {
          procedure: { code?: string; name: string; field: string };
          agency: { name: string };
          applicant: { name: string; phone?: string };
          channel: string;
          receivedAt: string;
          appointmentAt?: string;
        }
      | undefined;
    if (!received) continue;
    const last = events.at(-1);
    const closing = events.find((e) => ['DossierResolved', 'DossierWithdrawn', 'DossierRefused'].includes(e.type));
    const status = closing
      ? closing.type === 'DossierResolved'
        ? closing.detail.returnedAt
          ? 'Đã trả kết quả'
          : 'Đã có kết quả'
        : closing.type === 'DossierWithdrawn'
          ? 'Công dân rút hồ sơ'
          : 'Dừng xử lý'
      : last?.type === 'DossierSupplementRequested'
        ? 'Chờ bổ sung'
        : last?.type === 'DossierSuspended'
          ? 'Chờ thực hiện nghĩa vụ tài chính'
          : 'Đang xử lý';
    const dates = {
      'Ngày tiếp nhận': wall(received.receivedAt),
      'Ngày hẹn trả': wall(received.appointmentAt),
      'Ngày có kết quả': wall(closing?.detail.occurredAt as string | undefined),
      'Ngày trả kết quả': wall(closing?.detail.returnedAt as string | undefined),
    };
    rows.push({
      dates,
      values: {
        STT: rows.length + 1,
        'Mã hồ sơ': id,
        'Mã thủ tục': received.procedure.code,
        'Tên thủ tục': received.procedure.name,
        'Lĩnh vực': received.procedure.field,
        'Đơn vị tiếp nhận': received.agency.name,
        'Người nộp': received.applicant.name,
        'Số điện thoại': received.applicant.phone,
        'Hình thức nộp': CHANNELS[received.channel],
        'Ngày tiếp nhận': text(dates['Ngày tiếp nhận']),
        'Ngày hẹn trả': text(dates['Ngày hẹn trả']),
        'Ngày có kết quả': text(dates['Ngày có kết quả']),
        'Ngày trả kết quả': text(dates['Ngày trả kết quả']),
        'Trạng thái': status,
      },
    });
  }
  mkdirSync(OUT, { recursive: true });
  const quote = (v: string | number | undefined) => {
    const s = v === undefined ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  // With a BOM, as Excel writes "CSV UTF-8", so Excel opens the Vietnamese text right.
  writeFileSync(
    `${OUT}danh-sach-ho-so.csv`,
    `\uFEFF${[TITLES.join(','), ...rows.map((r) => TITLES.map((t) => quote(r.values[t])).join(','))].join('\r\n')}\r\n`,
  );
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Danh sách hồ sơ');
  sheet.addRow([...TITLES]);
  for (const r of rows) {
    sheet.addRow(
      TITLES.map((t) => {
        const ms = r.dates[t as keyof Row['dates']];
        return ms !== undefined ? new Date(ms) : t in r.dates ? null : (r.values[t] ?? null);
      }),
    );
  }
  for (const [i, t] of TITLES.entries()) {
    const column = sheet.getColumn(i + 1);
    column.width = t.startsWith('Ngày') ? 17 : t === 'Tên thủ tục' ? 50 : 16;
    if (t.startsWith('Ngày')) column.numFmt = 'dd/mm/yyyy hh:mm';
  }
  sheet.getRow(1).font = { bold: true };
  // Whole, then written: exceljs's writeFile can resolve before the zip has reached the file.
  writeFileSync(`${OUT}danh-sach-ho-so.xlsx`, Buffer.from(await workbook.xlsx.writeBuffer()));
  process.stdout.write(`${rows.length} rows → ${OUT}danh-sach-ho-so.{csv,xlsx}\n`);
}

await main();
