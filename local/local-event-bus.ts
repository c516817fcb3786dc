import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How many deliveries taken for later run at once. */
const LATER_CONCURRENCY = 4;

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
  /**
   * Attempts after a failure, as Lambda retries an asynchronous invocation (2 on AWS, after about one and
   * two minutes; here after a jittered fraction of a second). Default none.
   */
  retries?: number;
  /** A failure no attempt can change (the event refused by its contract): dead-lettered at once. */
  permanent?: (error: unknown) => boolean;
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

  /** Deliveries taken by PutEvents and not yet made (see `deliverLater`), and those under way. */
  private readonly pending: EventBridgeEnvelope[] = [];
  private running = 0;
  private readonly drained: (() => void)[] = [];

  constructor(
    private readonly options: {
      account?: string;
      region?: string;
      keepPublished?: boolean;
      /**
       * Events PutEvents answers at once and delivers afterwards, in order, as EventBridge does (the portal
       * sync feed's: its sender waits for the answer, not for the ingest). The others are delivered before
       * the answer, so a local approval's letter is in the inbox when the page answers.
       */
      deliverLater?: (event: EventBridgeEnvelope) => boolean;
    } = {},
  ) {}

  /** Resolves once every delivery taken for later has been made. */
  async idle(): Promise<void> {
    if (this.running === 0 && this.pending.length === 0) return;
    await new Promise<void>((resolve) => this.drained.push(resolve));
  }

  /**
   * Makes the deliveries taken for later, a few at a time as EventBridge invokes Lambda concurrently (the
   * ingest is idempotent and order-proof, so events of one dossier may overtake each other, as on AWS).
   */
  private pump(): void {
    while (this.running < LATER_CONCURRENCY && this.pending.length > 0) {
      const event = this.pending.shift() as EventBridgeEnvelope;
      this.running += 1;
      this.deliver(event)
        .catch((error: unknown) => {
          // Only the dead-letter store itself failing gets here: say so, and go on.
          process.stderr.write(`local bus: ${event['detail-type']} could not be dead-lettered: ${String(error)}\n`);
        })
        .finally(() => {
          this.running -= 1;
          this.pump();
          if (this.running === 0 && this.pending.length === 0) for (const resolve of this.drained.splice(0)) resolve();
        });
    }
  }

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
      for (let attempt = 0; ; attempt += 1) {
        try {
          const result = await rule.target(event);
          deliveries.push({ rule: rule.name, ok: true, result });
          break;
        } catch (error) {
          if (attempt < (rule.retries ?? 0) && !rule.permanent?.(error)) {
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 250 * 2 ** attempt));
            continue;
          }
          deliveries.push({ rule: rule.name, ok: false, error });
          if (rule.onFailure) await rule.onFailure(event, error);
          break;
        }
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
    // What was taken is delivered before the servers stop (the store is still open).
    await this.idle();
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
      if (this.options.deliverLater?.(event)) {
        // A failing target goes to its dead letters (onFailure), as on AWS: nothing here throws.
        this.pending.push(event);
        this.pump();
      } else await this.deliver(event);
    }
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(JSON.stringify({ FailedEntryCount: 0, Entries: results }));
  }
}
