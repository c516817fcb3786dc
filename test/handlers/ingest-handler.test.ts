import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createIngestHandler } from '../../functions/ingest-dossier-event/handler.ts';
import { localContext } from '../../local/local-runtime.ts';
import { DynamoDossierStore } from '../../shared/adapters/dynamo-dossier-store.ts';
import { EventBridgePublisher } from '../../shared/adapters/eventbridge-publisher.ts';
import { fixture } from '../support/fixtures.ts';
import { fixedClock, shippedRuleBook } from '../support/in-memory.ts';

// Error paths only: what the handler does when AWS fails. Happy paths run against dynalite.
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-southeast-1' }));
const dynamoMock = mockClient(documents);
const eventBridge = new EventBridgeClient({ region: 'ap-southeast-1' });
const busMock = mockClient(eventBridge);

async function handler() {
  const clock = fixedClock('2022-04-09T00:00:00Z');
  return createIngestHandler({
    store: new DynamoDossierStore(documents, 'table'),
    rules: await shippedRuleBook(clock),
    publisher: new EventBridgePublisher(eventBridge, 'bus'),
    clock,
    sleep: async () => undefined,
  });
}
const invoke = async (event: unknown) => (await handler())(event as never, localContext('ingest'));

beforeEach(() => {
  dynamoMock.reset();
  busMock.reset();
});

describe('ingest handler error paths', () => {
  it('fails the invocation when DynamoDB throttles, so Lambda retries and nothing is marked applied', async () => {
    dynamoMock
      .on(PutCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    dynamoMock
      .on(GetCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    await expect(invoke(fixture('dossier-received'))).rejects.toThrow('slow down');
    await expect(invoke(fixture('dossier-resolved'))).rejects.toThrow('slow down');
    // Throttled at the event log, the first write (ADR 0011): no record was attempted, the retry starts clean.
    const recordPuts = dynamoMock.commandCalls(PutCommand).filter((c) => c.args[0].input.Item?.sk === 'META');
    expect(recordPuts).toEqual([]);
  });

  it('creates the record of a receipt without reading, and on a conflict reads and retries with conditional writes', async () => {
    dynamoMock.on(GetCommand).resolves({});
    dynamoMock.on(PutCommand).resolves({});
    dynamoMock
      .on(PutCommand, { Item: { sk: 'META' } })
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'conflict', $metadata: {} }))
      .resolves({});
    busMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'x' }] });
    const result = await invoke(fixture('dossier-received'));
    expect(result).toMatchObject({ outcome: 'applied', attempts: 2, published: 1 });
    // One read of the record, after the conflict; the trail's sealed mark is read once a minute (ADR 0021).
    const reads = dynamoMock.commandCalls(GetCommand).map((c) => String(c.args[0].input.Key?.pk));
    expect(reads.filter((pk) => pk.startsWith('DOSSIER#'))).toHaveLength(1);
    expect(reads.filter((pk) => !pk.startsWith('DOSSIER#'))).toEqual(['AUDITTRAIL']);
    const puts = dynamoMock
      .commandCalls(PutCommand)
      .map((c) => c.args[0].input)
      .filter((p) => String(p.Item?.pk).startsWith('DOSSIER#'));
    // ADR 0011: the event log first, then the record (which no longer carries the events).
    expect(puts.map((p) => [p.Item?.sk.slice(0, 6), p.ConditionExpression])).toEqual([
      ['EVENT#', 'attribute_not_exists(#pk)'],
      ['META', 'attribute_not_exists(#pk)'],
      ['META', 'attribute_not_exists(#pk)'],
    ]);
    expect(puts[2]?.Item?.version).toBe(1);
    expect(puts[2]?.Item?.events).toBeUndefined();
  });

  it('fails the invocation when the bus rejects the violation event, leaving it in the outbox for the retry', async () => {
    dynamoMock.on(PutCommand).resolves({});
    busMock.on(PutEventsCommand).rejects(new Error('bus down'));
    await expect(invoke(fixture('dossier-received'))).rejects.toThrow('bus down');
    const meta = dynamoMock.commandCalls(PutCommand).find((c) => c.args[0].input.Item?.sk === 'META');
    expect(Object.keys(meta?.args[0].input.Item?.outbox ?? {})).toEqual(['H21.65-220408-0012#appointment_after_due']);
  });

  it('rejects an invalid envelope before touching DynamoDB, naming the field', async () => {
    const { time: _time, ...noTime } = fixture('dossier-received');
    await expect(invoke(noTime)).rejects.toThrow(/invalid event: envelope: time: /);
    expect(dynamoMock.calls()).toHaveLength(0);
  });
});
