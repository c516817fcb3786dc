import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * SDK clients built once per container. Endpoints come from the standard variables
 * (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_EVENTBRIDGE), so the same code talks to AWS or to the
 * local servers.
 */
export function createClients(): {
  dynamo: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  eventBridge: EventBridgeClient;
} {
  const dynamo = new DynamoDBClient({ maxAttempts: 6 });
  return {
    dynamo,
    documents: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
    eventBridge: new EventBridgeClient({ maxAttempts: 6 }),
  };
}
