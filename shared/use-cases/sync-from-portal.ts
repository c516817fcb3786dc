import type { DossierReceived } from '../contracts/dossier-events.ts';
import type { Actor } from '../domain/authority/actors.ts';
import { decide } from '../domain/authority/authority.ts';
import { receiptConflict } from '../domain/dossier/receipt-conflict.ts';
import {
  MAX_SYNC_ITEMS,
  mapSyncItem,
  SYNC_SERVICES,
  SyncItemError,
  type SyncService,
} from '../domain/sync/portal-sync.ts';
import type { Clock } from '../ports/clock.ts';
import type { DossierOwners } from '../ports/dossier-owners.ts';
import type { DeadLetterSink, InboundEvent, InboundEventSink } from '../ports/inbound-events.ts';
import { InvalidInputError } from '../support/errors.ts';
import type { RuleBook } from './rule-book.ts';

export interface SyncDeps {
  rules: RuleBook;
  sink: InboundEventSink;
  deadLetters: DeadLetterSink;
  clock: Clock;
  /** Which system owns each dossier (the first to send it); absent, every authenticated system may send any. */
  owners?: DossierOwners | undefined;
  /** The stored receipts: a dossier re-sent with another receipt is refused, not taken as a duplicate (issue #32). */
  receipts?: ((dossierIds: readonly string[]) => Promise<Map<string, DossierReceived | undefined>>) | undefined;
}

/** One item the feed did not take: its dossier, a code and the reason, as the portal answers. */
export interface SyncItemAnswer {
  index: number;
  MaHoSo?: string | undefined;
  /** `01`: the item is wrong (kept as a dead letter; fix it and send again); `02`: not taken now, send it again. */
  error_code: '01' | '02';
  message: string;
}

/** The answer, in the portal's style: `error_code` `00` when every item was taken. */
export interface SyncAnswer {
  error_code: '00' | '01';
  message: string;
  /** Items taken (including those that needed no event) and the events they became. */
  accepted: number;
  events: number;
  data: SyncItemAnswer[];
}

/** The source of the events a system's feed becomes (never Đúng Hạn's own: the ingest rule takes every other). */
export const syncSource = (system: string) => `sync.${system}`;

/**
 * Takes one request of the portal sync feed from an authenticated system (issue #17): maps each item to
 * lifecycle events (portal-sync.ts) and puts them on the bus for the ingest function — the same path, the
 * same idempotency as any event. An item that cannot be mapped is answered with its field and reason and
 * kept as a dead letter, never dropped; the others go on.
 */
export async function syncFromPortal(deps: SyncDeps, system: string, body: unknown): Promise<SyncAnswer> {
  const request = parseRequest(body);
  const now = deps.clock.now();
  const book = await deps.rules.current();
  const call: SyncCall = { deps, system, request, receivedAt: new Date(now).toISOString(), data: [] };
  const mapped = await mapItems(call, book, now);
  const admitted = await admitItems(call, book, mapped);
  const events = admitted.flatMap((item) => item.events);
  const eventItem = admitted.flatMap((item) => item.events.map(() => item.index));
  let accepted = admitted.length;
  const { data } = call;
  const refused = new Set((await deps.sink.put(events)).map((i) => eventItem[i] as number));
  for (const index of refused) {
    const item = request.data[index] as { MaHoSo?: unknown };
    data.push({
      index,
      MaHoSo: typeof item?.MaHoSo === 'string' ? item.MaHoSo : undefined,
      error_code: '02',
      message: 'not taken now (the event bus refused it): send the item again',
    });
    accepted -= 1;
  }
  data.sort((a, b) => a.index - b.index);
  return {
    error_code: data.length === 0 ? '00' : '01',
    message: data.length === 0 ? 'Đồng bộ thành công' : `${data.length} hồ sơ không đồng bộ được: xem data`,
    accepted,
    events: events.length,
    data,
  };
}

/** One request being answered: who sent it, what it holds, and the answers of the items refused so far. */
interface SyncCall {
  deps: SyncDeps;
  system: string;
  request: ReturnType<typeof parseRequest>;
  receivedAt: string;
  data: SyncItemAnswer[];
}

interface MappedItem {
  index: number;
  dossierId: string;
  procedureCode?: string | undefined;
  events: InboundEvent[];
}

/** An item not taken: answered 01 with the reason, and kept as a dead letter. */
async function refuse(call: SyncCall, index: number, dossierId: string | undefined, message: string): Promise<void> {
  call.data.push({ index, MaHoSo: dossierId, error_code: '01', message });
  await keep(
    call.deps,
    call.request.service,
    call.system,
    call.receivedAt,
    index,
    dossierId,
    message,
    call.request.data[index],
  );
}

/** Each item mapped to its events (portal-sync.ts); one that cannot be is refused with its field and reason. */
async function mapItems(
  call: SyncCall,
  book: Awaited<ReturnType<RuleBook['current']>>,
  now: number,
): Promise<MappedItem[]> {
  const { request, system } = call;
  const mapped: MappedItem[] = [];
  for (const [index, item] of request.data.entries()) {
    const code =
      typeof (item as { MaHoSo?: unknown })?.MaHoSo === 'string' ? (item as { MaHoSo: string }).MaHoSo : undefined;
    try {
      const one = mapSyncItem(request.service, item, {
        units: book.units,
        senderUnitId: request.madonvi,
        receivedAt: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        updating: request.updating,
      });
      const received = one.events.find((e) => e.type === 'DossierReceived')?.detail as
        | { procedure?: { code?: string } }
        | undefined;
      mapped.push({
        index,
        dossierId: one.dossierId,
        procedureCode: received?.procedure?.code,
        events: one.events.map((event) => ({
          source: syncSource(system),
          detailType: event.type,
          detail: event.detail,
        })),
      });
    } catch (error) {
      if (!(error instanceof SyncItemError)) throw error;
      await refuse(call, index, code, error.message);
    }
  }
  return mapped;
}

/**
 * The items this system may send: each system owns the dossiers it sent first; another system's items for
 * them are refused, unless the directory names it a participant of that procedure (ADR 0023) — claimed
 * before anything is put; and a receipt that contradicts the one taken is refused (issue #32).
 */
async function admitItems(
  call: SyncCall,
  book: Awaited<ReturnType<RuleBook['current']>>,
  mapped: readonly MappedItem[],
): Promise<MappedItem[]> {
  const { deps, system, receivedAt } = call;
  const owners = deps.owners
    ? await deps.owners.claim(
        mapped.map((m) => ({ dossierId: m.dossierId, system, procedureCode: m.procedureCode })),
        receivedAt,
      )
    : undefined;
  const actor: Actor = { kind: 'system', id: system };
  const receiving = mapped.filter((m) => m.events.some((e) => e.detailType === 'DossierReceived'));
  const stored =
    deps.receipts && receiving.length > 0 ? await deps.receipts(receiving.map((m) => m.dossierId)) : undefined;
  const admitted: MappedItem[] = [];
  for (const item of mapped) {
    const receipt = item.events.find((e) => e.detailType === 'DossierReceived')?.detail as DossierReceived | undefined;
    const conflict = receipt ? receiptConflict(stored?.get(item.dossierId), receipt) : undefined;
    if (conflict) {
      // NgayTiepNhan (or MaTTHC) differs from the receipt taken: the portal's code 01, kept with the reason.
      await refuse(call, item.index, item.dossierId, `NgayTiepNhan: ${conflict}`);
      continue;
    }
    const owned = owners?.get(item.dossierId);
    const decision = decide(
      actor,
      'dossier.sync',
      { owner: owned?.owner, participants: book.units.participants(owned?.procedureCode ?? item.procedureCode) },
      book.units,
    );
    if (!decision.allowed) {
      await refuse(
        call,
        item.index,
        item.dossierId,
        `MaHoSo: the dossier was sent by another system (${owned?.owner}); only it, or a system the directory names a participant of the procedure, may update it`,
      );
      continue;
    }
    admitted.push(item);
  }
  return admitted;
}

/** An item not taken, kept as a dead letter with the reason (never dropped). */
async function keep(
  deps: SyncDeps,
  service: SyncService,
  system: string,
  at: string,
  index: number,
  dossierId: string | undefined,
  reason: string,
  item: unknown,
): Promise<void> {
  await deps.deadLetters.put({
    at,
    detailType: `${service} (${system})`,
    dossierId,
    reason: `item ${index}: ${reason}`,
    payload: JSON.stringify(item),
  });
}

function parseRequest(body: unknown): {
  service: SyncService;
  data: unknown[];
  madonvi?: string;
  updating: boolean;
} {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new InvalidInputError('the body must be a JSON object {"service": …, "data": [...]}', '(body)');
  const { service, data, madonvi, isUpdating } = body as Record<string, unknown>;
  if (
    isUpdating !== undefined &&
    isUpdating !== null &&
    typeof isUpdating !== 'boolean' &&
    !/^(true|false|)$/i.test(String(isUpdating).trim())
  )
    throw new InvalidInputError('isUpdating: must be true or false ("True"/"False")', 'isUpdating');
  const updating =
    isUpdating === true ||
    String(isUpdating ?? '')
      .trim()
      .toLowerCase() === 'true';
  if (typeof service !== 'string' || !(SYNC_SERVICES as readonly string[]).includes(service))
    throw new InvalidInputError(`service: must be one of ${SYNC_SERVICES.join(', ')}`, 'service');
  if (!Array.isArray(data)) throw new InvalidInputError('data: must be a list of items', 'data');
  if (data.length > MAX_SYNC_ITEMS)
    throw new InvalidInputError(`data: at most ${MAX_SYNC_ITEMS} items per request, got ${data.length}`, 'data');
  if (madonvi !== undefined && (typeof madonvi !== 'string' || madonvi.length > 60))
    throw new InvalidInputError('madonvi: must be the sending unit code (text)', 'madonvi');
  return {
    service: service as SyncService,
    data,
    updating,
    ...(typeof madonvi === 'string' && madonvi ? { madonvi } : {}),
  };
}
