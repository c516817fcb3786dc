import {
  type DossierEvent,
  type DossierEventType,
  InvalidEventError,
  parseDossierEvent,
} from '../../contracts/dossier-events.ts';
import { InvalidInputError } from '../../support/errors.ts';
import type { Unit, UnitBook } from '../units/unit-directory.ts';

/*
 * The national public-service portal's sync feed (issue #17, ADR 0017): the two services every one-stop
 * system already calls — `DongBoHoSoMC` (the dossier, re-sent on change with `isUpdating`) and
 * `CapNhatTienDoHoSoMC` (one processing step: who, when, the status after it) — read as Đúng Hạn's
 * lifecycle events. Field names and codes as the portal defines them (OpenCPS's DVCQG integration sends
 * exactly these); dates `yyyyMMddHHmmss` in Vietnam time. Each item maps to events whose ids are derived
 * from the item (dossier code, what happened, when), so the same payload twice, or items out of order,
 * change nothing (the fold orders by occurrence and deduplicates by id).
 */

export const SYNC_SERVICES = ['DongBoHoSoMC', 'CapNhatTienDoHoSoMC'] as const;
export type SyncService = (typeof SYNC_SERVICES)[number];

/** The portal's status codes (TrangThaiHoSo / TrangThai). */
export const PORTAL_STATUSES: Readonly<Record<number, string>> = {
  1: 'Mới đăng ký',
  2: 'Được tiếp nhận',
  3: 'Không được tiếp nhận',
  4: 'Đang xử lý',
  5: 'Yêu cầu bổ sung',
  6: 'Yêu cầu thực hiện nghĩa vụ tài chính',
  7: 'Công dân rút',
  8: 'Dừng xử lý',
  9: 'Đã xử lý xong',
  10: 'Đã trả kết quả',
};

/** The most items one request may carry (a day's catch-up of a district fits; a bigger backlog is split). */
export const MAX_SYNC_ITEMS = 10_000;

/** An item the feed cannot use: the portal field at fault and why, in the answer and the dead letter. */
export class SyncItemError extends InvalidInputError {
  override name = 'SyncItemError';
  constructor(
    readonly portalField: string,
    readonly reason: string,
  ) {
    super(`${portalField}: ${reason}`, portalField);
  }
}

/** What an item becomes: the dossier it is about and its events, already checked against the contract. */
export interface MappedItem {
  dossierId: string;
  events: DossierEvent[];
  /** Why an item maps to no event (a status the deadline does not depend on), for the answer. */
  note?: string | undefined;
}

export interface SyncContext {
  units: UnitBook;
  /** The sending unit's code (`madonvi` of the request), the default receiving agency. */
  senderUnitId?: string | undefined;
  /** When the request arrived: the latest an appointment change (which the feed does not date) can be. */
  receivedAt: string;
  /**
   * The request's own `isUpdating` (where the portal's convention puts it): its items are re-sent
   * dossiers. An item's own `isUpdating`, when it has one, wins.
   */
  updating?: boolean | undefined;
}

type Item = Record<string, unknown>;

/** Maps one item of a request to its events, or throws {@link SyncItemError} naming the field. */
export function mapSyncItem(service: SyncService, item: unknown, context: SyncContext): MappedItem {
  if (typeof item !== 'object' || item === null || Array.isArray(item))
    throw new SyncItemError('(item)', 'must be an object');
  const record = item as Item;
  const dossierId = field(record, 'MaHoSo', { required: true, max: 120 }) as string;
  const draft =
    service === 'DongBoHoSoMC' ? fromDossier(record, dossierId, context) : fromProgress(record, dossierId, context);
  const events = draft.events.map((e) => checked(e, dossierId));
  return { dossierId, events, note: draft.note };
}

interface Draft {
  type: DossierEventType;
  detail: Record<string, unknown>;
  /** The portal field each contract path comes from, to name it when the contract refuses the value. */
  fields: Record<string, string>;
}

/** The receipt, as the feed's dossier item tells it (the unit's desk receives the alerts). */
function receiptDraft(
  item: Item,
  dossierId: string,
  context: SyncContext,
  receivedAt: string,
  appointmentAt: string | undefined,
): Draft {
  const unit = agencyOf(item, context);
  const desk = unit.desk[0];
  const procedureName = field(item, 'TenTTHC', { max: 1000 }) ?? field(item, 'MaTTHC', { max: 60 });
  if (!procedureName) throw new SyncItemError('TenTTHC', 'required (the procedure, with MaTTHC)');
  const fieldName = field(item, 'TenLinhVuc', { max: 300 }) ?? field(item, 'MaLinhVuc', { max: 300 });
  if (!fieldName) throw new SyncItemError('TenLinhVuc', 'required (the field chooses the deadline rule)');
  const email = field(item, 'Email', { max: 254 });
  const phone = field(item, 'SoDienThoai', { max: 40 });
  const idNumber = field(item, 'MaDoiTuong', { max: 40 });
  const code = field(item, 'MaTTHC', { max: 60 });
  return {
    type: 'DossierReceived',
    detail: {
      eventId: `sync:${dossierId}:received`,
      occurredAt: receivedAt,
      procedure: { ...(code ? { code } : {}), name: procedureName, field: fieldName },
      agency: {
        id: unit.id,
        name: unit.name,
        ...(unit.parentId ? { parentId: unit.parentId } : {}),
        ...(unit.parentId && context.units.get(unit.parentId)
          ? { parentName: context.units.get(unit.parentId)?.name }
          : {}),
        ...(unit.place ? { place: unit.place } : {}),
      },
      receivedAt,
      channel: channelOf(item),
      applicant: {
        kind: String(item.LoaiDoiTuong ?? '1').trim() === '2' ? 'organisation' : 'person',
        name: field(item, 'ChuHoSo', { required: true, max: 300 }),
        ...(idNumber ? { idNumber } : {}),
        ...(email ? { email } : {}),
        ...(phone ? { phone } : {}),
      },
      // The feed names no official: the unit's desk (the directory of units) receives the alerts.
      official: { id: `desk:${unit.id}`, name: desk?.name, email: desk?.email },
      head: { name: unit.head.name, title: unit.head.title, ...(unit.head.email ? { email: unit.head.email } : {}) },
      ...(appointmentAt ? { appointmentAt } : {}),
    },
    fields: {
      'detail.occurredAt': 'NgayTiepNhan',
      'detail.receivedAt': 'NgayTiepNhan',
      'detail.appointmentAt': 'NgayHenTra',
      'detail.procedure.code': 'MaTTHC',
      'detail.procedure.name': 'TenTTHC',
      'detail.procedure.field': 'TenLinhVuc',
      'detail.applicant.name': 'ChuHoSo',
      'detail.applicant.email': 'Email',
      'detail.applicant.phone': 'SoDienThoai',
      'detail.applicant.idNumber': 'MaDoiTuong',
      'detail.official': 'DonViXuLy',
    },
  };
}

/** The appointment in force, re-sent with the dossier: a different one is a re-appointment. */
function reappointmentDraft(item: Item, dossierId: string, context: SyncContext, appointmentAt: string): Draft {
  // A re-sent dossier carries the appointment in force: a different one is a re-appointment (the fold
  // ignores one equal to the appointment already in force). The feed does not date the change: it was
  // made no later than the request, the dossier's end, or the new date itself — the earliest of those
  // (issue #32: a 2024 dossier sent again in 2026 was re-appointed in 2024, not 2026).
  const bounds = [
    context.receivedAt,
    appointmentAt,
    portalTime(item, 'NgayKetThucXuLy', false),
    portalTime(item, 'NgayTra', false),
  ].filter((t): t is string => t !== undefined);
  const occurredAt = bounds.reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));
  return {
    type: 'DossierReappointed',
    detail: {
      eventId: `sync:${dossierId}:appointment:${item.NgayHenTra}`,
      occurredAt,
      appointmentAt,
    },
    fields: { 'detail.appointmentAt': 'NgayHenTra' },
  };
}

/** The supplement requests the item lists, each with its answer when the citizen supplied it. */
function supplementDrafts(item: Item, dossierId: string): Draft[] {
  const drafts: Draft[] = [];
  const supplements = item.DanhSachHoSoBoSung;
  if (supplements !== undefined && supplements !== null && !Array.isArray(supplements))
    throw new SyncItemError('DanhSachHoSoBoSung', 'must be a list');
  for (const [index, raw] of (Array.isArray(supplements) ? supplements : []).entries()) {
    const name = `DanhSachHoSoBoSung[${index}]`;
    if (typeof raw !== 'object' || raw === null) throw new SyncItemError(name, 'must be an object');
    const s = raw as Item;
    const id = field(s, 'HoSoBoSungId', { max: 60, label: `${name}.HoSoBoSungId` }) ?? String(index + 1);
    const requestedAt = portalTime(s, 'NgayBoSung', true, `${name}.NgayBoSung`) as string;
    const reason = field(s, 'NoiDungBoSung', { max: 2000, label: `${name}.NoiDungBoSung` });
    drafts.push({
      type: 'DossierSupplementRequested',
      detail: {
        eventId: `sync:${dossierId}:supplement:${id}:requested`,
        occurredAt: requestedAt,
        ...(reason ? { reason } : {}),
      },
      fields: { 'detail.reason': `${name}.NoiDungBoSung` },
    });
    const suppliedAt = portalTime(s, 'NgayTiepNhanBoSung', false, `${name}.NgayTiepNhanBoSung`);
    if (suppliedAt)
      drafts.push({
        type: 'DossierSupplemented',
        detail: { eventId: `sync:${dossierId}:supplement:${id}:supplied`, occurredAt: suppliedAt },
        fields: {},
      });
  }
  return drafts;
}

function fromDossier(item: Item, dossierId: string, context: SyncContext): { events: Draft[]; note?: string } {
  const status = statusOf(item, 'TrangThaiHoSo');
  if (status === 1) return { events: [], note: 'chưa tiếp nhận (1): thời hạn chưa bắt đầu' };
  if (status === 3) return { events: [], note: 'không được tiếp nhận (3): không tính thời hạn' };
  const receivedAt = portalTime(item, 'NgayTiepNhan', true) as string;
  const appointmentAt = portalTime(item, 'NgayHenTra', false);
  const events: Draft[] = [receiptDraft(item, dossierId, context, receivedAt, appointmentAt)];
  if (appointmentAt && isUpdating(item, context))
    events.push(reappointmentDraft(item, dossierId, context, appointmentAt));
  events.push(...supplementDrafts(item, dossierId));
  const finishedAt = portalTime(item, 'NgayKetThucXuLy', false);
  const returnedAt = portalTime(item, 'NgayTra', false);
  if (status === 9 || status === 10) {
    const at = finishedAt ?? returnedAt;
    if (!at) throw new SyncItemError('NgayKetThucXuLy', `required for status ${status} (${PORTAL_STATUSES[status]})`);
    events.push(resolved(`sync:${dossierId}:resolved`, at, returnedAt));
  } else if (status === 7 || status === 8) {
    if (!finishedAt)
      throw new SyncItemError(
        'NgayKetThucXuLy',
        `required for status ${status} (${PORTAL_STATUSES[status]}), or send the step by CapNhatTienDoHoSoMC with ThoiDiemXuLy`,
      );
    events.push(
      closing(
        `sync:${dossierId}:${status === 7 ? 'withdrawn' : 'stopped'}`,
        status,
        finishedAt,
        field(item, 'GhiChu', { max: 2000 }),
      ),
    );
  }
  return { events };
}

function fromProgress(item: Item, dossierId: string, context: SyncContext): { events: Draft[]; note?: string } {
  const status = statusOf(item, 'TrangThai');
  const at = portalTime(item, 'ThoiDiemXuLy', true) as string;
  const note = field(item, 'NoiDungXuLy', { max: 2000 });
  // The instant as the portal writes it (yyyyMMddHHmmss, Vietnam time), whatever form it came in: the
  // same step sent as "20220422140000", 20220422140000 or an ISO instant is one event (issue #32).
  const eventId = `sync:${dossierId}:progress:${portalCompact(at)}:${status}`;
  const noteFields = {
    'detail.note': 'NoiDungXuLy',
    'detail.reason': 'NoiDungXuLy',
    'detail.occurredAt': 'ThoiDiemXuLy',
  };
  switch (status) {
    case 1:
    case 2:
    case 3:
      return { events: [], note: `trạng thái ${status} (${PORTAL_STATUSES[status]}): hồ sơ đến qua DongBoHoSoMC` };
    case 4: {
      const unit = unitNamed(context.units, field(item, 'PhongBanXuLy', { max: 300 }));
      return {
        events: [
          {
            type: 'DossierProcessing',
            detail: { eventId, occurredAt: at, ...(unit ? { unitId: unit.id } : {}), ...(note ? { note } : {}) },
            fields: noteFields,
          },
        ],
      };
    }
    case 5:
      return {
        events: [
          {
            type: 'DossierSupplementRequested',
            detail: { eventId, occurredAt: at, ...(note ? { reason: note } : {}) },
            fields: noteFields,
          },
        ],
      };
    case 6:
      return {
        events: [
          {
            type: 'DossierSuspended',
            detail: { eventId, occurredAt: at, reason: 'financial_obligation', ...(note ? { note } : {}) },
            fields: noteFields,
          },
        ],
      };
    case 7:
    case 8:
      return { events: [closing(eventId, status, at, note)] };
    default:
      // 9 finished, 10 returned: the earliest resolution counts; a later one adds the return (dossier-state.ts).
      return { events: [resolved(eventId, at, status === 10 ? at : undefined)] };
  }
}

function resolved(eventId: string, at: string, returnedAt: string | undefined): Draft {
  return {
    type: 'DossierResolved',
    detail: { eventId, occurredAt: at, ...(returnedAt ? { returnedAt } : {}) },
    fields: { 'detail.occurredAt': 'NgayKetThucXuLy', 'detail.returnedAt': 'NgayTra' },
  };
}

function closing(eventId: string, status: 7 | 8, at: string, note: string | undefined): Draft {
  const reason = status === 8 ? `Dừng xử lý${note ? `: ${note}` : ''}` : note;
  return {
    type: status === 7 ? 'DossierWithdrawn' : 'DossierRefused',
    detail: {
      eventId,
      occurredAt: at,
      ...(reason ? { reason: reason.slice(0, 2000) } : {}),
    },
    fields: { 'detail.reason': 'NoiDungXuLy' },
  };
}

/** The draft checked against the event contract; a refusal names the portal field it came from. */
function checked(draft: Draft, dossierId: string): DossierEvent {
  try {
    return parseDossierEvent({
      'detail-type': draft.type,
      detail: { schemaVersion: 1, dossierId, ...draft.detail },
    });
  } catch (error) {
    if (!(error instanceof InvalidEventError)) throw error;
    const problem = error.problems[0];
    const path = problem?.path ?? '';
    const portal = Object.entries(draft.fields).find(([p]) => path === p || path.startsWith(`${p}.`))?.[1];
    throw new SyncItemError(portal ?? path, problem?.reason ?? error.message);
  }
}

/** An instant as the portal's yyyyMMddHHmmss in Vietnam time. */
function portalCompact(instant: string): string {
  return new Date(Date.parse(instant) + 7 * 3_600_000).toISOString().slice(0, 19).replace(/[-T:]/g, '');
}

function statusOf(item: Item, name: string): number {
  const raw = item[name];
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  if (!text) throw new SyncItemError(name, 'required (the portal status code, 1–10)');
  const code = Number(text);
  if (!/^\d{1,2}$/.test(text) || !PORTAL_STATUSES[code])
    throw new SyncItemError(name, `unknown status code ${JSON.stringify(raw)}; the portal's codes are 1–10`);
  return code;
}

/** `isUpdating` of the item, else of the request (true/false, "True"/"False" as the portal writes them). */
function isUpdating(item: Item, context: SyncContext): boolean {
  if (item.isUpdating === undefined || item.isUpdating === null || item.isUpdating === '')
    return context.updating === true;
  return item.isUpdating === true || String(item.isUpdating).trim().toLowerCase() === 'true';
}

/** `KenhThucHien` 1 direct, 2 online, 3 postal (the portal's channel codes); in person when absent. */
function channelOf(item: Item): 'in_person' | 'online' | 'postal' {
  const code = String(item.KenhThucHien ?? '').trim();
  if (code === '' || code === '1') return 'in_person';
  if (code === '2') return 'online';
  if (code === '3') return 'postal';
  throw new SyncItemError('KenhThucHien', `unknown channel ${JSON.stringify(item.KenhThucHien)}; expected 1, 2 or 3`);
}

/** The receiving agency: `MaDonVi` or the request's `madonvi`, else `DonViXuLy` by name, in the directory. */
function agencyOf(item: Item, context: SyncContext): Unit {
  const id = field(item, 'MaDonVi', { max: 60 }) ?? context.senderUnitId;
  const name = field(item, 'DonViXuLy', { max: 300 });
  const unit = (id ? context.units.get(id) : undefined) ?? unitNamed(context.units, name);
  if (!unit)
    throw new SyncItemError(
      id ? 'MaDonVi' : 'DonViXuLy',
      `unit ${JSON.stringify(id ?? name ?? '')} is not in the directory of units: add it (dunghan units put) so its desk receives the alerts`,
    );
  return unit;
}

function unitNamed(units: UnitBook, name: string | undefined): Unit | undefined {
  if (!name) return undefined;
  const wanted = name.normalize('NFC').toLocaleLowerCase('vi');
  return (
    units.get(name) ?? units.directory.units.find((u) => u.name.normalize('NFC').toLocaleLowerCase('vi') === wanted)
  );
}

function field(
  item: Item,
  name: string,
  options: { required?: boolean; max: number; label?: string },
): string | undefined {
  const raw = item[name];
  const label = options.label ?? name;
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
    if (options.required) throw new SyncItemError(label, 'required');
    return undefined;
  }
  if (typeof raw !== 'string' && typeof raw !== 'number') throw new SyncItemError(label, 'must be text');
  const text = String(raw).trim().normalize('NFC');
  if (text.length > options.max) throw new SyncItemError(label, `must be at most ${options.max} characters`);
  return text;
}

/**
 * A portal time, `yyyyMMddHHmmss` in Vietnam time (ISO-8601 with an offset is accepted too), as ISO-8601
 * with `+07:00`; undefined when absent and not required.
 */
export function portalTime(item: Item, name: string, required: boolean, label = name): string | undefined {
  const raw = item[name];
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
    if (required) throw new SyncItemError(label, 'required (yyyyMMddHHmmss, Vietnam time)');
    return undefined;
  }
  const text = String(raw).trim();
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) {
    if (
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) &&
      !Number.isNaN(Date.parse(text))
    )
      return text;
    throw new SyncItemError(label, `must be yyyyMMddHHmmss (Vietnam time), got ${JSON.stringify(raw)}`);
  }
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const date = new Date(Date.UTC(y as number, (mo as number) - 1, d as number, h as number, mi as number, s as number));
  const real =
    date.getUTCFullYear() === y &&
    date.getUTCMonth() + 1 === mo &&
    date.getUTCDate() === d &&
    date.getUTCHours() === h &&
    date.getUTCMinutes() === mi &&
    date.getUTCSeconds() === s;
  if (!real) throw new SyncItemError(label, `is not a real date and time: ${JSON.stringify(raw)}`);
  return `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}T${text.slice(8, 10)}:${text.slice(10, 12)}:${text.slice(12, 14)}+07:00`;
}
