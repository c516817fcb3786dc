import type { OutgoingMail } from '../domain/letters/compose-mail.ts';
import { SendDeferredError, SendRejectedError } from './send-errors.ts';

/** One email (composed by the domain: shared/domain/letters/compose-mail.ts). */
export type MailMessage = OutgoingMail;

/** Thrown when an email is refused for good (a bad address, a rejected message): do not retry blindly. */
export class MailRejectedError extends SendRejectedError {
  override name = 'MailRejectedError';
}

/** Thrown when the mail service refused the message for now (throttled, paused): certainly not sent, retry later. */
export class MailDeferredError extends SendDeferredError {
  override name = 'MailDeferredError';
}

/**
 * Sends one message. Throws MailRejectedError (not sent, never will be), MailDeferredError (not sent,
 * retry later) or any other error when the outcome is unknown (a timeout, a dropped connection, a
 * server error after the message may have been accepted).
 */
export interface Mailer {
  send(message: MailMessage): Promise<{ messageId: string }>;
}
