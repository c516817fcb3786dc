import type { PhoneMessage } from '../domain/notices/phone-notices.ts';
import { SendDeferredError, SendRejectedError } from './send-errors.ts';

/** One message to a citizen's phone (composed by the domain: shared/domain/notices/phone-notices.ts). */
export type { PhoneMessage };

/** Thrown when the channel cannot deliver the message (not a Zalo user, a bad number, not configured): never retried. */
export class MessageRejectedError extends SendRejectedError {
  override name = 'MessageRejectedError';
}

/** Thrown when the channel refused the message for now (throttled, out of quota): certainly not sent, retry later. */
export class MessageDeferredError extends SendDeferredError {
  override name = 'MessageDeferredError';
}

/**
 * Sends one message, once (no retry below: at most once, as for the citizen's email). Throws
 * MessageRejectedError, MessageDeferredError, or any other error when the outcome is unknown.
 */
export interface PhoneMessenger {
  send(message: PhoneMessage): Promise<{ messageId: string }>;
}
