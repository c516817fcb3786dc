import { parse as parseYaml } from 'yaml';
import { line } from '../../contracts/primitives.ts';
import * as z from '../../contracts/z.ts';
import { InvalidInputError } from '../../support/errors.ts';
import { VIETNAM_OFFSET_MS } from '../../support/vietnam-time.ts';
import { PORTAL_STATUSES, SyncItemError } from './portal-sync.ts';

/*
 * A dossier list exported from a one-stop system (one row per dossier, xlsx or csv; issue #17) read as
 * the portal feed's `DongBoHoSoMC` items, so an export goes through the same mapping, the same event ids
 * and the same ingest as the feed: an export and the feed of the same dossier agree, and importing a
 * file again (or a later export that overlaps it) adds only what is new. A mapping file names the
 * columns, the date formats and the wording of statuses and channels of one system's export.
 */

/** What a row must or may say, by the name the mapping gives its column. */
export const COLUMNS = [
  'dossierId',
  'procedureCode',
  'procedureName',
  'field',
  'unitId',
  'unitName',
  'receivedAt',
  'appointmentAt',
  'resolvedAt',
  'returnedAt',
  'status',
  'channel',
  'applicant',
  'applicantKind',
  'phone',
  'email',
] as const;
export type ExportColumn = (typeof COLUMNS)[number];

export const DATE_FORMATS = [
  'dd/MM/yyyy HH:mm:ss',
  'dd/MM/yyyy HH:mm',
  'dd/MM/yyyy',
  // Time first, as Vietnamese documents and JavaScript's vi-VN locale (toLocaleString) write it.
  'HH:mm:ss dd/MM/yyyy',
  'HH:mm dd/MM/yyyy',
  'yyyyMMddHHmmss',
  'iso',
  'excel',
] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

const mappingSchema = z.object({
  name: line(200),
  /**
   * The worksheet of an xlsx export (name or 1-based number; the first by default), looked at first: when
   * the titles are not in its first rows, the other sheets are searched (a summary or cover sheet first).
   */
  sheet: z.optional(z.union([line(100), z.number().check(z.int(), z.gte(1))])),
  /**
   * The separator of a csv export, tried first (Excel in Vietnamese locales often writes `;`): when the
   * header row's titles are not found with it, `,`, `;` and tab are tried in turn.
   */
  delimiter: z._default(z.enum([',', ';', '\t']), ','),
  /**
   * The row holding the column titles (1-based), looked at first; the data starts below the header. When
   * its titles are not there, the first rows are searched (banner rows above the table vary).
   */
  headerRow: z._default(z.number().check(z.int(), z.gte(1), z.lte(100)), 1),
  /**
   * Each column's title in the export; a list gives the titles other systems (or versions) write for it,
   * the first the one named in messages: the first of them the file has is read.
   */
  columns: z
    .partialRecord(z.enum(COLUMNS), z.union([line(200), z.array(line(200)).check(z.minLength(1), z.maxLength(20))]))
    .check(
      z.refine((c) => Boolean(c.dossierId && c.receivedAt && c.status && (c.procedureName || c.procedureCode)), {
        message: 'must name at least dossierId, receivedAt, status and procedureName or procedureCode',
      }),
    ),
  /** Tried in order for each date cell; `excel` is a serial day number, a real date cell is always read. */
  dateFormats: z._default(z.array(z.enum(DATE_FORMATS)).check(z.minLength(1)), ['dd/MM/yyyy HH:mm', 'dd/MM/yyyy']),
  /** The status as the export writes it → the portal's code (1–10); digits are read as codes anyway. */
  statuses: z._default(z.record(line(200), z.number().check(z.int(), z.gte(1), z.lte(10))), {}),
  channels: z._default(z.record(line(200), z.enum(['in_person', 'online', 'postal'])), {}),
  /** A unit the export names by name only: name → unit id of the directory. */
  units: z._default(z.record(line(300), line(60)), {}),
});
export type ExportMapping = Omit<z.output<typeof mappingSchema>, 'columns'> & {
  /** Each column's title (the first the mapping lists), as the rows' cells are keyed. */
  columns: Partial<Record<ExportColumn, string>>;
  /** The other titles a column may have in a file, read as the first. */
  aliases?: Partial<Record<ExportColumn, string[]>> | undefined;
};

/** Reads a mapping file (YAML or JSON); every problem named with its path. */
export function readExportMapping(text: string, file: string): ExportMapping {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new InvalidInputError(`${file}: not YAML (${(error as Error).message.split('\n')[0]})`, '--mapping');
  }
  const parsed = mappingSchema.safeParse(raw);
  if (!parsed.success)
    throw new InvalidInputError(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
      '--mapping',
    );
  // Titles compared as the file's are (spaces, line breaks and Unicode forms aside).
  const listed = Object.entries(parsed.data.columns).map(
    ([k, v]) => [k, (Array.isArray(v) ? v : [v]).map(titleKey)] as const,
  );
  return {
    ...parsed.data,
    columns: Object.fromEntries(listed.map(([k, titles]) => [k, titles[0]])),
    aliases: Object.fromEntries(
      listed.filter(([, titles]) => titles.length > 1).map(([k, titles]) => [k, titles.slice(1)]),
    ),
  };
}

/** A cell as a reader gives it: text, a number, a date (xlsx date cells), or nothing. */
export type Cell = string | number | Date | boolean | null | undefined;

/** One data row of an export: its row number in the file (as a spreadsheet shows it) and its cells by title. */
export interface ExportRow {
  row: number;
  cells: Readonly<Record<string, Cell>>;
}

const CHANNEL_CODES = { in_person: '1', online: '2', postal: '3' } as const;

/**
 * One row as a `DongBoHoSoMC` item (mapSyncItem does the rest); throws {@link SyncItemError} naming the
 * column (its title in the export) and the reason.
 */
export function rowToPortalItem(row: Readonly<Record<string, Cell>>, mapping: ExportMapping): Record<string, unknown> {
  const title = (c: ExportColumn) => mapping.columns[c] ?? c;
  const text = (c: ExportColumn): string | undefined => {
    const name = mapping.columns[c];
    if (!name) return undefined;
    const value = row[name];
    if (value === undefined || value === null || value === '') return undefined;
    if (value instanceof Date) return undefined;
    return String(value).trim().normalize('NFC') || undefined;
  };
  const time = (c: ExportColumn, required: boolean): string | undefined => {
    const name = mapping.columns[c];
    const value = name ? row[name] : undefined;
    if (value === undefined || value === null || value === '') {
      if (required) throw new SyncItemError(title(c), 'required');
      return undefined;
    }
    const parsed = exportTime(value, mapping.dateFormats);
    if (!parsed)
      throw new SyncItemError(
        title(c),
        `${JSON.stringify(value instanceof Date ? value.toISOString() : value)} is not a date in ${mapping.dateFormats.join(', ')}`,
      );
    return parsed;
  };
  const statusText = text('status');
  if (!statusText) throw new SyncItemError(title('status'), 'required');
  const status = /^\d{1,2}$/.test(statusText) ? Number(statusText) : lookup(mapping.statuses, statusText);
  if (status === undefined || !PORTAL_STATUSES[status])
    throw new SyncItemError(
      title('status'),
      `${JSON.stringify(statusText)} is not a status the mapping knows (statuses: add it with its portal code 1–10)`,
    );
  const channelText = text('channel');
  const channel = channelText === undefined ? undefined : lookup(mapping.channels, channelText);
  if (channelText !== undefined && channel === undefined)
    throw new SyncItemError(title('channel'), `${JSON.stringify(channelText)} is not a channel the mapping knows`);
  const unitName = text('unitName');
  const unitId = text('unitId') ?? (unitName ? lookup(mapping.units, unitName) : undefined);
  const resolvedAt = time('resolvedAt', false);
  const returnedAt = time('returnedAt', false);
  const item: Record<string, unknown> = {
    MaHoSo: text('dossierId'),
    MaTTHC: text('procedureCode'),
    TenTTHC: text('procedureName'),
    TenLinhVuc: text('field'),
    ...(unitId ? { MaDonVi: unitId } : {}),
    DonViXuLy: unitName,
    NgayTiepNhan: time('receivedAt', true),
    NgayHenTra: time('appointmentAt', false),
    TrangThaiHoSo: String(status),
    NgayKetThucXuLy: resolvedAt,
    NgayTra: returnedAt,
    // The contract needs the applicant's name; an export without it still counts the dossier.
    ChuHoSo: text('applicant') ?? 'Không ghi trong tệp xuất',
    LoaiDoiTuong: /tổ chức|doanh nghiệp|công ty|^2$/i.test(text('applicantKind') ?? '') ? '2' : '1',
    SoDienThoai: text('phone'),
    Email: text('email'),
    ...(channel ? { KenhThucHien: CHANNEL_CODES[channel] } : {}),
  };
  return item;
}

function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  if (Object.hasOwn(table, key)) return table[key];
  const wanted = key.normalize('NFC').toLocaleLowerCase('vi');
  for (const [k, v] of Object.entries(table)) if (k.normalize('NFC').toLocaleLowerCase('vi') === wanted) return v;
  return undefined;
}

/**
 * A cell as `yyyyMMddHHmmss` (Vietnam time): a date cell of an xlsx (its wall-clock time, as Excel shows
 * it), or text in the first of the formats that reads it; undefined when none does.
 */
export function exportTime(value: Cell, formats: readonly DateFormat[]): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : wallClock(value);
  for (const format of formats) {
    const parsed = readAs(value, format);
    if (parsed) return parsed;
  }
  return undefined;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** exceljs gives a date cell as the instant whose UTC fields are the wall-clock time Excel shows. */
function wallClock(d: Date): string {
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

function readAs(value: Cell, format: DateFormat): string | undefined {
  if (format === 'excel') {
    const serial = typeof value === 'number' ? value : /^\d+(\.\d+)?$/.test(String(value ?? '')) ? Number(value) : NaN;
    // 1900 date system: serial 25569 is 1970-01-01; the fraction is the time of day.
    if (!Number.isFinite(serial) || serial < 1 || serial > 2_958_465) return undefined;
    return wallClock(new Date(Math.round((serial - 25569) * 86_400) * 1000));
  }
  const text = String(value ?? '').trim();
  if (format === 'iso') return isoWallClock(text);
  if (format === 'yyyyMMddHHmmss') return /^\d{14}$/.test(text) ? text : undefined;
  const timeFirst = format.startsWith('HH');
  const m = timeFirst
    ? /^(\d{1,2}):(\d{2})(?::(\d{2}))?,? (\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text)
    : /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (!m) return undefined;
  const [, d, mo, y, h, mi, s] = timeFirst ? [m[0], m[4], m[5], m[6], m[1], m[2], m[3]] : m;
  const wantsTime = format !== 'dd/MM/yyyy';
  const wantsSeconds = format.includes(':ss');
  if (wantsTime !== (h !== undefined) || wantsSeconds !== (s !== undefined)) return undefined;
  return realWallClock(y, mo, d, h, mi, s);
}

/**
 * Written fields as `yyyyMMddHHmmss` when they are a real date and time; 31/02 or 24:00 is undefined, so
 * the row is refused naming the cell as written rather than a date it never said.
 */
function realWallClock(...written: (string | undefined)[]): string | undefined {
  const fields = written.map((v) => Number(v ?? 0));
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = fields;
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const back = [
    at.getUTCFullYear(),
    at.getUTCMonth() + 1,
    at.getUTCDate(),
    at.getUTCHours(),
    at.getUTCMinutes(),
    at.getUTCSeconds(),
  ];
  if (y < 1000 || back.some((v, i) => v !== fields[i])) return undefined;
  return `${y}${pad(mo)}${pad(d)}${pad(h)}${pad(mi)}${pad(s)}`;
}

/**
 * ISO 8601 as exports write it — `2022-03-30`, `2022-03-30T15:43`, or SQL's `2022-03-30 15:43:00`, with
 * or without fractional seconds — in Vietnam time unless it carries `Z` or an offset, then converted to
 * it. Read by hand, not by `Date.parse`, which reads a time without an offset in the machine's zone.
 */
function isoWallClock(text: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(
    text,
  );
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', zone] = m;
  if (!realWallClock(y, mo, d, h, mi, s)) return undefined;
  if (!zone) return `${y}${mo}${d}${h}${mi}${s}`;
  if (m[4] === undefined) return undefined; // a date with an offset but no time means nothing
  const offset =
    zone.toUpperCase() === 'Z'
      ? 0
      : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2))) * 60_000;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offset;
  return wallClock(new Date(utc + VIETNAM_OFFSET_MS));
}

/** What an import needs beyond what a reconciliation reads; the columns missing from the mapping, named. */
export function importProblems(mapping: ExportMapping): string | undefined {
  const missing = [
    ...(mapping.columns.status ? [] : ['status']),
    ...(mapping.columns.procedureName || mapping.columns.procedureCode ? [] : ['procedureName (or procedureCode)']),
  ];
  return missing.length > 0 ? `columns: an import needs ${missing.join(' and ')}` : undefined;
}

/**
 * A column title as compared: runs of spaces and line breaks (Alt+Enter in a narrow header cell) as one
 * space, trimmed, in NFC (Windows writes Vietnamese decomposed).
 */
export function titleKey(title: unknown): string {
  return title === undefined || title === null ? '' : String(title).replace(/\s+/g, ' ').trim().normalize('NFC');
}

/**
 * A row as a reconciliation reads it (issue #17): the dossier's code, its unit and its receipt, nothing
 * else required — a desk's register kept as a spreadsheet has no status column.
 */
export function rowToSourceDossier(
  row: Readonly<Record<string, Cell>>,
  mapping: ExportMapping,
): { id: string; unitId?: string | undefined; unitName?: string | undefined; receivedAt: number } {
  const get = (c: ExportColumn) => {
    const name = mapping.columns[c];
    const v = name ? row[name] : undefined;
    return v === undefined || v === null || v instanceof Date
      ? undefined
      : String(v).trim().normalize('NFC') || undefined;
  };
  const id = get('dossierId');
  if (!id) throw new SyncItemError(mapping.columns.dossierId ?? 'dossierId', 'required');
  const name = mapping.columns.receivedAt ?? 'receivedAt';
  const raw = row[name];
  const at = raw === undefined || raw === null || raw === '' ? undefined : exportTime(raw, mapping.dateFormats);
  if (!at)
    throw new SyncItemError(
      name,
      raw ? `${JSON.stringify(raw)} is not a date in ${mapping.dateFormats.join(', ')}` : 'required',
    );
  const unitName = get('unitName');
  const unitId = get('unitId') ?? (unitName ? lookup(mapping.units, unitName) : undefined);
  const receivedAt = Date.parse(
    `${at.slice(0, 4)}-${at.slice(4, 6)}-${at.slice(6, 8)}T${at.slice(8, 10)}:${at.slice(10, 12)}:${at.slice(12, 14)}+07:00`,
  );
  return { id, unitId, unitName, receivedAt };
}

/** The portal field each export column becomes (rowToPortalItem), to name a refusal by the export's title. */
const PORTAL_FIELD_OF: Readonly<Record<string, ExportColumn>> = {
  MaHoSo: 'dossierId',
  MaTTHC: 'procedureCode',
  TenTTHC: 'procedureName',
  TenLinhVuc: 'field',
  MaDonVi: 'unitId',
  DonViXuLy: 'unitName',
  NgayTiepNhan: 'receivedAt',
  NgayHenTra: 'appointmentAt',
  NgayKetThucXuLy: 'resolvedAt',
  NgayTra: 'returnedAt',
  TrangThaiHoSo: 'status',
  KenhThucHien: 'channel',
  ChuHoSo: 'applicant',
  SoDienThoai: 'phone',
  Email: 'email',
};

/** The export's column title for a portal field a refusal names (the field itself when the export has no such column). */
export function exportTitleOf(portalField: string, mapping: ExportMapping): string {
  const column = PORTAL_FIELD_OF[portalField];
  return (column && mapping.columns[column]) || (column === 'unitId' && mapping.columns.unitName) || portalField;
}
