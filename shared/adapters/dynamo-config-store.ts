import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type CalendarDefinition, calendarDefinitionSchema } from '../domain/calendar/calendar-definition.ts';
import type { DeadlineRule } from '../domain/rules/deadline-rule.ts';
import { type UnitDirectory, unitDirectorySchema } from '../domain/units/unit-directory.ts';
import { type UserDirectory, userDirectorySchema } from '../domain/users/user-directory.ts';
import { type Clock, systemClock } from '../ports/clock.ts';
import {
  type AuditEntry,
  type CalendarVersion,
  type ConfigAdminStore,
  ConfigConflictError,
  ConfigTamperedError,
  type UnitDirectoryVersion,
  type UserDirectoryVersion,
} from '../ports/config-admin-store.ts';
import type { NoticeStore } from '../ports/notice-store.ts';
import { TABLE_DESIGN } from '../settings/table-design.ts';
import { vietnamDay } from '../support/vietnam-time.ts';
import { ConfigChain } from './config-chain.ts';
import { pack, unpack } from './dynamo-items.ts';
import { batchWriteAll, queryAll } from './dynamo-query.ts';

const { partitionKey: PK, sortKey: SK } = TABLE_DESIGN;
/** All configuration lives in one partition, read whole (it is small) and cached by the rule book. */
export const CONFIG_PARTITION = 'CONFIG';
/** Audited configuration changes, one item per change. */
export const AUDIT_PARTITION = 'AUDIT';
/** One-off notices to administrators, one item each. */
export const NOTICE_PARTITION = 'NOTICE';
/** A directory versioned whole: where its pointer and its versions are kept, and how it is read back. */
interface DocumentKind<T> {
  current: string;
  history: string;
  entity: string;
  what: string;
  parse(data: unknown): T;
}
type DocumentVersion<T> = Omit<UnitDirectoryVersion, 'directory'> & { directory: T };

/** The unit directory in force, and every version of it (ADR 0015). */
const UNITS: DocumentKind<UnitDirectory> = {
  current: 'UNITS#directory',
  history: 'UNITSVER#',
  entity: 'units',
  what: 'the unit directory',
  parse: (data) => unitDirectorySchema.parse(data),
};
/** The people who sign in, and every version of the list (ADR 0023). */
const USERS: DocumentKind<UserDirectory> = {
  current: 'USERS#directory',
  history: 'USERSVER#',
  entity: 'users',
  what: 'the user directory',
  parse: (data) => userDirectorySchema.parse(data),
};
/** Deflated bytes per directory part: well under DynamoDB's 400 KB item limit with the part's other attributes. */
export const UNITS_PART_BYTES = 300 * 1024;

/** A version number as a fixed-width key part, so versions sort. */
function versionKey(version: number): string {
  return String(version).padStart(6, '0');
}

/**
 * Rules (`RULE#<scope>@<effectiveFrom>`, one immutable item per version), calendars (`CALENDAR#<id>`:
 * the version in force; `CALVER#<id>#<000001>`: every version) and the audit (`AUDIT` /
 * `CHANGE#<at>#<changeId>`, one item per attempt) in the single table.
 */
export class DynamoConfigStore implements ConfigAdminStore, NoticeStore {
  private readonly chain: ConfigChain;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {
    this.chain = new ConfigChain(client, tableName);
  }

  async changeMark(): Promise<string | undefined> {
    return (await this.chain.head())?.head;
  }

  /** After every change: the configuration as it now stands chained (issue #31). */
  private sealed(): Promise<void> {
    return this.chain.seal(this.clock.now(), vietnamDay);
  }

  /**
   * Before every change: the configuration must be the one its chain records, else a change would chain
   * (launder) an edit made in the table. One exception: a change of Đúng Hạn's own that was interrupted
   * between its writes and its seal (the last audited change, left `applying`) — completed here by the
   * next change (issue #31).
   */
  async assertUntouched(): Promise<void> {
    const head = await this.chain.head();
    if (!head) return;
    const [entry, { hash }] = await Promise.all([this.chain.headEntry(head, vietnamDay), this.chain.snapshot()]);
    if (entry?.state === hash) return;
    // The last change still `applying`: it died between its writes and its seal (changes run one after
    // the other, each asking this first, so an interrupted one is the last; a seed seals several times).
    if ((await this.listAudit()).at(-1)?.status === 'applying') return;
    throw new ConfigTamperedError(
      'the configuration was changed outside Đúng Hạn since its last recorded change: run dunghan verify; nothing applied',
    );
  }

  async listRules(): Promise<DeadlineRule[]> {
    return (await this.queryPrefix('RULE#')).map((item) => JSON.parse(item.data as string) as DeadlineRule);
  }

  async listCalendars(): Promise<CalendarDefinition[]> {
    return (await this.queryPrefix('CALENDAR#')).map((item) =>
      calendarDefinitionSchema.parse(JSON.parse(item.data as string)),
    );
  }

  async putRuleVersions(
    rules: readonly DeadlineRule[],
    meta: { author: string; at: string; changeId: string },
  ): Promise<number> {
    let written = 0;
    for (const rule of rules) {
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              [PK]: CONFIG_PARTITION,
              [SK]: `RULE#${rule.id}`,
              entity: 'rule',
              author: meta.author,
              at: meta.at,
              changeId: meta.changeId,
              data: JSON.stringify(rule),
            },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': PK },
          }),
        );
        written += 1;
      } catch (error) {
        // Already stored (checked identical by the caller): a re-run of the same change.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    await this.sealed();
    return written;
  }

  async getCalendarVersion(id: string): Promise<CalendarVersion | undefined> {
    const items = await this.queryPrefix(`CALENDAR#${id}`);
    const item = items.find((i) => i[SK] === `CALENDAR#${id}`);
    return item ? toCalendarVersion(item) : undefined;
  }

  async listCalendarVersions(id: string): Promise<CalendarVersion[]> {
    return (await this.queryPrefix(`CALVER#${id}#`)).map(toCalendarVersion);
  }

  async putCalendarVersion(version: CalendarVersion, expectedVersion: number): Promise<void> {
    const item = {
      entity: 'calendar',
      version: version.version,
      effectiveFrom: version.effectiveFrom,
      legalBasis: version.legalBasis,
      author: version.author,
      at: version.at,
      ...(version.source ? { source: version.source } : {}),
      data: JSON.stringify(version.definition),
    };
    await this.putVersioned(
      `calendar ${version.id}`,
      [{ ...item, [SK]: `CALVER#${version.id}#${versionKey(version.version)}` }],
      { ...item, [SK]: `CALENDAR#${version.id}` },
      expectedVersion,
    );
  }

  async getUnitDirectory(): Promise<UnitDirectory | undefined> {
    return (await this.getUnitDirectoryVersion())?.directory;
  }

  async getUnitDirectoryVersion(): Promise<UnitDirectoryVersion | undefined> {
    return this.getDocumentVersion(UNITS);
  }

  async listUnitDirectoryVersions(): Promise<UnitDirectoryVersion[]> {
    return this.listDocumentVersions(UNITS);
  }

  async putUnitDirectoryVersion(version: UnitDirectoryVersion, expectedVersion: number): Promise<void> {
    await this.putDocumentVersion(UNITS, version, expectedVersion);
  }

  async getUserDirectoryVersion(): Promise<UserDirectoryVersion | undefined> {
    return this.getDocumentVersion(USERS);
  }

  async listUserDirectoryVersions(): Promise<UserDirectoryVersion[]> {
    return this.listDocumentVersions(USERS);
  }

  async putUserDirectoryVersion(version: UserDirectoryVersion, expectedVersion: number): Promise<void> {
    await this.putDocumentVersion(USERS, version, expectedVersion);
  }

  private async getDocumentVersion<T>(kind: DocumentKind<T>): Promise<DocumentVersion<T> | undefined> {
    const pointer = (await this.queryPrefix(kind.current)).find((i) => i[SK] === kind.current);
    if (!pointer) return undefined;
    const parts = await this.queryPrefix(`${kind.history}${versionKey(Number(pointer.version))}#`);
    return toDocumentVersion(kind, pointer, parts);
  }

  private async listDocumentVersions<T>(kind: DocumentKind<T>): Promise<DocumentVersion<T>[]> {
    const byVersion = new Map<number, Record<string, unknown>[]>();
    for (const part of await this.queryPrefix(kind.history)) {
      const version = Number(part.version);
      byVersion.set(version, [...(byVersion.get(version) ?? []), part]);
    }
    return [...byVersion.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, parts]) => toDocumentVersion(kind, parts[0] as Record<string, unknown>, parts));
  }

  /**
   * A directory (of units, of people), deflated and cut into parts under DynamoDB's item limit
   * (`<history><version>#<part>`, immutable), then the pointer to the version in force (`<current>`),
   * conditional on the version it replaces: a put that dies half-way leaves the old version in force,
   * and the same put completes it.
   */
  private async putDocumentVersion<T>(
    kind: DocumentKind<T>,
    version: DocumentVersion<T>,
    expectedVersion: number,
  ): Promise<void> {
    const meta = {
      entity: kind.entity,
      version: version.version,
      author: version.author,
      at: version.at,
      changeId: version.changeId,
      ...(version.source ? { source: version.source } : {}),
    };
    const packed = pack(version.directory);
    const count = Math.max(1, Math.ceil(packed.length / UNITS_PART_BYTES));
    const parts = Array.from({ length: count }, (_, i) => ({
      ...meta,
      [SK]: `${kind.history}${versionKey(version.version)}#${String(i).padStart(4, '0')}`,
      part: i,
      parts: count,
      data: packed.subarray(i * UNITS_PART_BYTES, (i + 1) * UNITS_PART_BYTES),
    }));
    await this.putVersioned(kind.what, parts, { ...meta, [SK]: kind.current, parts: count }, expectedVersion);
  }

  /**
   * A versioned document: its history items first (immutable) — a crash before the current item is
   * written leaves the old version in force and the same put completes it —, then the current item if
   * it is still `expectedVersion` (0: none), else ConfigConflictError.
   */
  private async putVersioned(
    what: string,
    history: readonly Record<string, unknown>[],
    current: Record<string, unknown>,
    expectedVersion: number,
  ): Promise<void> {
    for (const item of history)
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: { [PK]: CONFIG_PARTITION, ...item } }));
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { [PK]: CONFIG_PARTITION, ...current },
          ConditionExpression:
            expectedVersion === 0
              ? 'attribute_not_exists(#pk)'
              : expectedVersion === 1
                ? '#version = :expected OR attribute_not_exists(#version)'
                : '#version = :expected',
          ExpressionAttributeNames: expectedVersion === 0 ? { '#pk': PK } : { '#version': 'version' },
          ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
    } catch (error) {
      // The history items written stay (immutable): chained too, so a refused change is no false alarm.
      await this.sealed().catch(() => undefined);
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConfigConflictError(
          `${what} changed since version ${expectedVersion}: read it again and redo the change`,
          { cause: error },
        );
      }
      throw error;
    }
    await this.sealed();
  }

  async putAudit(entry: AuditEntry): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        // One item per attempt: a later put of the same change never overwrites what an earlier one did.
        Item: {
          [PK]: AUDIT_PARTITION,
          [SK]: `CHANGE#${entry.at}#${entry.changeId}`,
          entity: 'audit',
          data: JSON.stringify(entry),
        },
      }),
    );
  }

  async listAudit(): Promise<AuditEntry[]> {
    const items = await this.queryPrefix('CHANGE#', AUDIT_PARTITION);
    return (
      items
        .map((item) => JSON.parse(item.data as string) as AuditEntry)
        // By time; at the same instant an initial load comes before the changes made on it.
        .sort((a, b) => a.at.localeCompare(b.at) || Number(b.action === 'seed') - Number(a.action === 'seed'))
    );
  }

  async claimNotice(id: string, at: string, until: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: NOTICE_PARTITION, [SK]: `NOTICE#${id}` },
          UpdateExpression: 'SET #claimedAt = :at, #until = :until',
          ConditionExpression: 'attribute_not_exists(#sentAt) AND (attribute_not_exists(#until) OR #until < :at)',
          ExpressionAttributeNames: { '#claimedAt': 'claimedAt', '#until': 'claimedUntil', '#sentAt': 'sentAt' },
          ExpressionAttributeValues: { ':at': at, ':until': until },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async markNoticeSent(id: string, at: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [PK]: NOTICE_PARTITION, [SK]: `NOTICE#${id}` },
        UpdateExpression: 'SET #sentAt = :at REMOVE #until',
        ExpressionAttributeNames: { '#sentAt': 'sentAt', '#until': 'claimedUntil' },
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  /** Writes rules and calendars (all-or-nothing validation happens before: callers pass validated data). */
  async putAll(
    rules: readonly DeadlineRule[],
    calendars: readonly CalendarDefinition[],
    author: string,
    at: string,
  ): Promise<void> {
    const items = [
      ...rules.map((rule) => ({
        [PK]: CONFIG_PARTITION,
        [SK]: `RULE#${rule.id}`,
        entity: 'rule',
        author,
        at,
        data: JSON.stringify(rule),
      })),
      ...calendars.map((c) => ({
        [PK]: CONFIG_PARTITION,
        [SK]: `CALENDAR#${c.id}`,
        entity: 'calendar',
        author,
        at,
        data: JSON.stringify(c),
      })),
    ];
    await batchWriteAll(this.client, this.tableName, items, 'configuration');
    await this.sealed();
  }

  private async queryPrefix(prefix: string, partition = CONFIG_PARTITION): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    for await (const item of queryAll(this.client, this.tableName, {
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
      ExpressionAttributeValues: { ':pk': partition, ':prefix': prefix },
    }))
      items.push(item);
    return items;
  }
}

function toCalendarVersion(item: Record<string, unknown>): CalendarVersion {
  const definition = calendarDefinitionSchema.parse(JSON.parse(item.data as string));
  return {
    id: definition.id,
    // Calendars loaded by `dunghan seed` before versioning count as version 1.
    version: Number(item.version ?? 1),
    effectiveFrom: (item.effectiveFrom as string | undefined) ?? String(item.at ?? '').slice(0, 10),
    legalBasis: (item.legalBasis as string | undefined) ?? definition.legalBasis.join('; '),
    author: String(item.author ?? ''),
    at: String(item.at ?? ''),
    source: item.source as string | undefined,
    definition,
  };
}

function toDocumentVersion<T>(
  kind: DocumentKind<T>,
  meta: Record<string, unknown>,
  parts: readonly Record<string, unknown>[],
): DocumentVersion<T> {
  const expected = Number(meta.parts ?? parts.length);
  const ordered = [...parts].sort((a, b) => Number(a.part) - Number(b.part));
  if (ordered.length !== expected)
    throw new Error(`${kind.what} version ${String(meta.version)}: ${ordered.length} of ${expected} parts stored`);
  return {
    version: Number(meta.version ?? 1),
    author: String(meta.author ?? ''),
    at: String(meta.at ?? ''),
    changeId: String(meta.changeId ?? ''),
    source: meta.source as string | undefined,
    directory: kind.parse(unpack(Buffer.concat(ordered.map((p) => p.data as Uint8Array)))),
  };
}
