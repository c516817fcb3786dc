/** An event from outside for the ingest path: what EventBridge's PutEvents takes. */
export interface InboundEvent {
  source: string;
  detailType: string;
  detail: unknown;
}

/** Puts events from outside on the bus, where the ingest function takes them (issue #17). */
export interface InboundEventSink {
  /** Puts the events; resolves with the indexes of those the bus did not take after its retries. */
  put(events: readonly InboundEvent[]): Promise<number[]>;
}

/** A rejected input, kept with its reason (the ingest dead letters' store; `dunghan dead-letters`). */
export interface DeadLetter {
  at: string;
  detailType?: string | undefined;
  eventId?: string | undefined;
  dossierId?: string | undefined;
  reason: string;
  payload: string;
}

export interface DeadLetterSink {
  put(letter: DeadLetter): Promise<void>;
}
