/** One email. Addresses are plain `local@domain`; display names are added by the adapter. */
export interface MailMessage {
  from: string;
  to: string[];
  cc?: string[] | undefined;
  subject: string;
  text: string;
  html: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[] | undefined;
  /** Deterministic per notification set, so a repeat is recognisable (`<…@dunghan>`). */
  messageId: string;
}

/** Thrown when an email is refused for good (a bad address, a rejected message): do not retry blindly. */
export class MailRejectedError extends Error {
  override name = 'MailRejectedError';
}

/** Thrown when the mail service refused the message for now (throttled, paused): certainly not sent, retry later. */
export class MailDeferredError extends Error {
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
