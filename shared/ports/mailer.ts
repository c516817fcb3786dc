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

export interface Mailer {
  send(message: MailMessage): Promise<{ messageId: string }>;
}
