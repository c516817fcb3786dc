import type { OutboundEvent } from '../contracts/outbound-events.ts';

/** Publishes Đúng Hạn's own events to the bus. */
export interface EventPublisher {
  /** Publishes the events; resolves with the ids that were accepted. */
  publish(events: readonly OutboundEvent[]): Promise<string[]>;
}
