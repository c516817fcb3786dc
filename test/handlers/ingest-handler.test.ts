import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
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
      .on(QueryCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    await expect(invoke(fixture('dossier-received'))).rejects.toThrow('slow down');
    expect(dynamoMock.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('retries the record write on a version conflict with exactly the conditional PutItem it needs', async () => {
    dynamoMock.on(QueryCommand).resolves({ Items: [] });
    dynamoMock
      .on(PutCommand)
      .resolvesOnce({})
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'conflict', $metadata: {} }))
      .resolves({});
    busMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'x' }] });
    const result = await invoke(fixture('dossier-received'));
    expect(result).toMatchObject({ outcome: 'applied', attempts: 2 });
    const puts = dynamoMock.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(puts[0]).toMatchObject({
      ConditionExpression: 'attribute_not_exists(#pk)',
      Item: { sk: expect.stringMatching(/^EVENT#/) },
    });
    expect(puts[1]).toMatchObject({
      ConditionExpression: 'attribute_not_exists(#pk)',
      Item: { sk: 'META', version: 1 },
    });
    // The retry finds no stored event in the (mocked) partition and writes it again: the condition keeps it single.
    expect(puts.filter((p) => p.Item?.sk === 'META')).toHaveLength(2);
  });

  it('fails the invocation when the bus rejects the violation event, leaving it in the outbox for the retry', async () => {
    dynamoMock.on(QueryCommand).resolves({ Items: [] });
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
