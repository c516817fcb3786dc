import { BatchWriteCommand, type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_DESIGN } from '../config/table-design.ts';
import { type CalendarDefinition, calendarDefinitionSchema } from '../domain/calendar/calendar-definition.ts';
import type { DeadlineRule } from '../domain/rules/deadline-rule.ts';
import type { ConfigSource } from '../ports/config-source.ts';

const { partitionKey: PK, sortKey: SK } = TABLE_DESIGN;
/** All configuration lives in one partition, read whole (it is small) and cached by the rule book. */
export const CONFIG_PARTITION = 'CONFIG';

/** Rules (`RULE#<scope>@<effectiveFrom>`) and calendars (`CALENDAR#<id>`) in the single table. */
export class DynamoConfigStore implements ConfigSource {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async listRules(): Promise<DeadlineRule[]> {
    return (await this.queryPrefix('RULE#')).map((item) => JSON.parse(item.data as string) as DeadlineRule);
  }

  async listCalendars(): Promise<CalendarDefinition[]> {
    return (await this.queryPrefix('CALENDAR#')).map((item) =>
      calendarDefinitionSchema.parse(JSON.parse(item.data as string)),
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
    for (let i = 0; i < items.length; i += 25) {
      let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
        [this.tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
      };
      for (let attempt = 0; request && Object.keys(request).length > 0; attempt += 1) {
        if (attempt > 8) throw new Error('configuration write kept being throttled');
        const result = await this.client.send(new BatchWriteCommand({ RequestItems: request }));
        request = result.UnprocessedItems as typeof request;
        if (request && Object.keys(request).length > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      }
    }
  }

  private async queryPrefix(prefix: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
          ExpressionAttributeValues: { ':pk': CONFIG_PARTITION, ':prefix': prefix },
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}
