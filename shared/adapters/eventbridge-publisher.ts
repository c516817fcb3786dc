import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { OUTBOUND_SOURCE, type OutboundEvent } from '../contracts/outbound-events.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';

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
