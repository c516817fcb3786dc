import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface ClientOptions {
  region?: string;
  dynamoEndpoint?: string;
  eventBridgeEndpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface AwsClients {
  dynamo: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  eventBridge: EventBridgeClient;
}

/**
 * SDK clients built once per container. Without options, endpoints come from the standard variables
 * (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_EVENTBRIDGE), so the same code talks to AWS or to the
 * local servers; the local runtime passes its loopback endpoints explicitly.
 */
export function createClients(options: ClientOptions = {}): AwsClients {
  const common = {
    maxAttempts: 6,
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };
  const dynamo = new DynamoDBClient({
    ...common,
    ...(options.dynamoEndpoint ? { endpoint: options.dynamoEndpoint } : {}),
  });
  return {
    dynamo,
    documents: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
    eventBridge: new EventBridgeClient({
      ...common,
      ...(options.eventBridgeEndpoint ? { endpoint: options.eventBridgeEndpoint } : {}),
    }),
  };
}
