import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_DESIGN } from '../settings/table-design.ts';
import { AUDIT_SEALED_MARK } from './dynamo-items.ts';

const { partitionKey: PK, sortKey: SK } = TABLE_DESIGN;

/**
 * How far each table's trail is known sealed in this process: raised by the anchoring when it runs here
 * (the local world), read from the table otherwise — again when the clock is not past it or went back,
 * else once a minute (in production the clock is well past it: one small read a minute per container).
 */
const sealed = new Map<string, { upTo: number; readAt: number; latestNow: number }>();

/** The anchoring sealed the trail up to this instant (it wrote the mark): writers here know at once. */
export function rememberSealed(tableName: string, upTo: string): void {
  const known = sealed.get(tableName);
  const at = Date.parse(upTo);
  if (known) known.upTo = Math.max(known.upTo, at);
  else sealed.set(tableName, { upTo: at, readAt: 0, latestNow: 0 });
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
    const floor = await this.sealedFloor(now);
    return new Date(Math.max(now, Number.isNaN(previous) ? 0 : previous + 1, floor + 1)).toISOString();
  }

  private async sealedFloor(now: number): Promise<number> {
    const known = sealed.get(this.tableName);
    if (known) {
      const wentBack = now < known.latestNow;
      known.latestNow = Math.max(known.latestNow, now);
      if (now > known.upTo && !wentBack && this.wallClock() - known.readAt < 60_000) return known.upTo;
    }
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
    sealed.set(this.tableName, { upTo, readAt, latestNow: Math.max(known?.latestNow ?? 0, now) });
    return upTo;
  }
}
