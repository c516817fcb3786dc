import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An event as EventBridge delivers it to a target. */
export interface EventBridgeEnvelope {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

/** A rule: which events go to which target (a Lambda handler, in-process). */
export interface LocalRule {
  name: string;
  source?: string[];
  /** Sources the rule never matches (EventBridge's `anything-but`). */
  excludeSource?: string[];
  detailType?: string[];
  target: (event: EventBridgeEnvelope) => Promise<unknown>;
  /** Called when the target failed on its last attempt: the local dead-letter queue. */
  onFailure?: (event: EventBridgeEnvelope, error: unknown) => Promise<void>;
}

/** What the bus did with one event. */
export interface Delivery {
  rule: string;
  ok: boolean;
  /** What the target returned (a handler's result). */
  result?: unknown;
  error?: unknown;
}

/**
 * The local event bus: speaks the PutEvents API on loopback (so the functions' EventBridge client
 * publishes to it through AWS_ENDPOINT_URL_EVENTBRIDGE, unchanged) and invokes the matching rules'
 * targets with the EventBridge envelope, as EventBridge invokes Lambda.
 */
export class LocalEventBus {
  readonly published: EventBridgeEnvelope[] = [];
  private readonly rules: LocalRule[] = [];
  private server: Server | undefined;

  constructor(private readonly options: { account?: string; region?: string; keepPublished?: boolean } = {}) {}

  addRule(rule: LocalRule): void {
    this.rules.push(rule);
  }

  /** Builds the envelope EventBridge would deliver for an entry. */
  envelope(entry: { source: string; detailType: string; detail: unknown; time?: string }): EventBridgeEnvelope {
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.detailType,
      source: entry.source,
      account: this.options.account ?? '000000000000',
      time: entry.time ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.options.region ?? 'ap-southeast-1',
      resources: [],
      detail: entry.detail,
    };
  }

  /** Delivers one envelope to every matching rule's target; a failing target goes to its dead letters. */
  async deliver(event: EventBridgeEnvelope): Promise<Delivery[]> {
    const deliveries: Delivery[] = [];
    for (const rule of this.rules) {
      if (rule.source && !rule.source.includes(event.source)) continue;
      if (rule.excludeSource?.includes(event.source)) continue;
      if (rule.detailType && !rule.detailType.includes(event['detail-type'])) continue;
      try {
        const result = await rule.target(event);
        deliveries.push({ rule: rule.name, ok: true, result });
      } catch (error) {
        deliveries.push({ rule: rule.name, ok: false, error });
        if (rule.onFailure) await rule.onFailure(event, error);
      }
    }
    return deliveries;
  }

  /** Starts the PutEvents endpoint on loopback; returns its URL. */
  async listen(port = 0): Promise<string> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify({ __type: 'InternalException', message: String(error) }));
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, '127.0.0.1', () => resolve());
    });
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const target = String(request.headers['x-amz-target'] ?? '');
    if (target !== 'AWSEvents.PutEvents') {
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(
        JSON.stringify({ __type: 'UnknownOperationException', message: `${target} is not supported locally` }),
      );
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      Entries: { Source: string; DetailType: string; Detail: string; Time?: string }[];
    };
    const results: { EventId: string }[] = [];
    for (const entry of body.Entries) {
      const event = this.envelope({
        source: entry.Source,
        detailType: entry.DetailType,
        detail: JSON.parse(entry.Detail),
      });
      if (this.options.keepPublished !== false) this.published.push(event);
      results.push({ EventId: event.id });
      await this.deliver(event);
    }
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(JSON.stringify({ FailedEntryCount: 0, Entries: results }));
  }
}
