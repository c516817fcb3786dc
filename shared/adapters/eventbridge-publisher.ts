import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { OUTBOUND_SOURCE, type OutboundEvent } from '../contracts/outbound-events.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { InboundEvent, InboundEventSink } from '../ports/inbound-events.ts';
import { mapLimit } from '../support/map-limit.ts';

/** Publishes Đúng Hạn's events with PutEvents (10 per call); reports which were accepted. */
export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
  ) {}

  async publish(events: readonly OutboundEvent[]): Promise<string[]> {
    const accepted: string[] = [];
    for (let i = 0; i < events.length; i += 10) {
      const batch = events.slice(i, i + 10);
      const result = await this.client.send(
        new PutEventsCommand({
          Entries: batch.map((e) => ({
            EventBusName: this.eventBusName,
            Source: OUTBOUND_SOURCE,
            DetailType: e.type,
            Detail: JSON.stringify(e.detail),
          })),
        }),
      );
      batch.forEach((event, index) => {
        if (!result.Entries?.[index]?.ErrorCode) accepted.push(event.detail.eventId);
      });
    }
    return accepted;
  }
}

/**
 * Puts events from outside (the portal sync feed) on the bus for the ingest function: PutEvents, 10 per
 * call, a few calls at a time; entries the bus refuses (throttled, internal error) are put again, twice,
 * after a pause. Resolves with the indexes still refused: their senders are told to send them again.
 */
export class EventBridgeInboundSink implements InboundEventSink {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
    private readonly options: { concurrency?: number; retryPauseMs?: number } = {},
  ) {}

  async put(events: readonly InboundEvent[]): Promise<number[]> {
    const batches: number[][] = [];
    for (let i = 0; i < events.length; i += 10)
      batches.push(Array.from({ length: Math.min(10, events.length - i) }, (_, k) => i + k));
    const failed: number[] = [];
    await mapLimit(batches, this.options.concurrency ?? 4, async (batch) => {
      let pending = batch;
      for (let attempt = 0; attempt < 3 && pending.length > 0; attempt += 1) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, (this.options.retryPauseMs ?? 200) * attempt));
        const result = await this.client.send(
          new PutEventsCommand({
            Entries: pending.map((index) => {
              const e = events[index] as InboundEvent;
              return {
                EventBusName: this.eventBusName,
                Source: e.source,
                DetailType: e.detailType,
                Detail: JSON.stringify(e.detail),
              };
            }),
          }),
        );
        pending = pending.filter((_, k) => result.Entries?.[k]?.ErrorCode !== undefined || !result.Entries?.[k]);
      }
      failed.push(...pending);
    });
    return failed.sort((a, b) => a - b);
  }
}
