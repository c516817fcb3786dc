import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_DESIGN } from '../settings/table-design.ts';
import { AUDIT_SEALED_MARK } from './dynamo-items.ts';

const { partitionKey: PK, sortKey: SK } = TABLE_DESIGN;

/**
 * How far each table's trail is known sealed in this process: raised at once by the anchoring when it
 * runs here (the local world), read from the table at most once a minute otherwise (one small read a
 * minute per container; in production the clock is always well past the mark).
 */
const sealed = new WeakMap<object, Map<string, { upTo: number; readAt: number }>>();

/**
 * Per client (one table endpoint) and table: two local worlds in one process never share a mark. Keyed by
 * the client's configuration, which the functions' guarded views of one client share (table-access-guard.ts).
 */
function marksOf(client: DynamoDBDocumentClient): Map<string, { upTo: number; readAt: number }> {
  const key = (client as { config?: object }).config ?? client;
  const marks = sealed.get(key) ?? new Map<string, { upTo: number; readAt: number }>();
  sealed.set(key, marks);
  return marks;
}

/** The anchoring sealed the trail up to this instant (it wrote the mark): writers here know at once. */
export function rememberSealed(client: DynamoDBDocumentClient, tableName: string, upTo: string): void {
  const known = marksOf(client).get(tableName);
  const at = Date.parse(upTo);
  if (known) known.upTo = Math.max(known.upTo, at);
  else marksOf(client).set(tableName, { upTo: at, readAt: Number.NEGATIVE_INFINITY });
}

/**
 * When an audit entry is stamped (ADR 0021): now — but never before the previous entry of its chain, nor
 * inside what is already anchored or checkpointed. A clock behind them (a simulated world re-run over its
 * own data after a crash, a host whose clock jumped back) would otherwise put entries into sealed days, and
 * a crash must never look like tampering. The one home of that rule, for the dossier and config chains.
 */
export class AuditStamp {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Wall time, for how long the sealed mark is trusted (not the world's clock, which may be simulated). */
    private readonly wallClock: () => number = Date.now,
  ) {}

  async stamp(now: number, previousAt?: string): Promise<string> {
    const previous = previousAt ? Date.parse(previousAt) : Number.NaN;
    const floor = await this.sealedFloor();
    return new Date(Math.max(now, Number.isNaN(previous) ? 0 : previous + 1, floor + 1)).toISOString();
  }

  private async sealedFloor(): Promise<number> {
    const known = marksOf(this.client).get(this.tableName);
    if (known && this.wallClock() - known.readAt < 60_000) return known.upTo;
    const readAt = this.wallClock();
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [PK]: AUDIT_SEALED_MARK.pk, [SK]: AUDIT_SEALED_MARK.sk },
        ConsistentRead: true,
      }),
    );
    const stored = typeof Item?.at === 'string' ? Date.parse(Item.at) : Number.NaN;
    const upTo = Math.max(Number.isNaN(stored) ? 0 : stored, known?.upTo ?? 0);
    marksOf(this.client).set(this.tableName, { upTo, readAt });
    return upTo;
  }
}
