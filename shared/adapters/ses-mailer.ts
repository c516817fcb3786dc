import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { MailDeferredError, type Mailer, type MailMessage, MailRejectedError } from '../ports/mailer.ts';

const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

/** The header that carries the message's deterministic id: SES replaces Message-ID with its own. */
export const MESSAGE_ID_HEADER = 'X-Dunghan-Message-Id';

/** SES refuses these for good: retrying the same message cannot succeed. */
const PERMANENT = new Set(['MessageRejected', 'BadRequestException', 'MailFromDomainNotVerifiedException']);
/** SES refuses these for now: the message was certainly not accepted, a later retry may succeed. */
const DEFERRED = new Set([
  'TooManyRequestsException',
  'LimitExceededException',
  'SendingPausedException',
  'AccountSuspendedException',
  'ThrottlingException',
  'Throttling',
]);

/** Removes CR, LF and other control characters from a header value (no header injection). */
export function headerSafe(value: string): string {
  let out = '';
  for (const ch of value) out += ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f ? ' ' : ch;
  return out.replace(/\s+/g, ' ').trim();
}

/**
 * Sends email with the SES API v2 `SendEmail` and simple content: SES builds the MIME (UTF-8 subject,
 * text + HTML alternatives, base64 attachments), so the function carries no MIME library (ADR 0009).
 * The deterministic message id travels in X-Dunghan-Message-Id, since SES overrides Message-ID.
 * Invalid addresses and SES rejections throw MailRejectedError; throttling and paused sending throw
 * MailDeferredError (not sent); anything else (timeouts, server errors) is rethrown: outcome unknown.
 */
export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESv2Client,
    private readonly configurationSet?: string | undefined,
    /** The longest one send may take, retries included. */
    private readonly timeoutMs = 30_000,
  ) {}

  async send(message: MailMessage): Promise<{ messageId: string }> {
    const recipients = [...message.to, ...(message.cc ?? [])];
    const bad = [message.from, ...recipients].filter((a) => !ADDRESS.test(a));
    if (bad.length > 0 || message.to.length === 0) {
      throw new MailRejectedError(
        `invalid address${bad.length > 1 ? 'es' : ''}: ${bad.length} of ${recipients.length + 1}`,
      );
    }
    const command = new SendEmailCommand({
      FromEmailAddress: message.from,
      Destination: {
        ToAddresses: message.to,
        ...(message.cc && message.cc.length > 0 ? { CcAddresses: message.cc } : {}),
      },
      Content: {
        Simple: {
          Subject: { Data: headerSafe(message.subject), Charset: 'UTF-8' },
          Body: { Text: { Data: message.text, Charset: 'UTF-8' }, Html: { Data: message.html, Charset: 'UTF-8' } },
          Headers: [{ Name: MESSAGE_ID_HEADER, Value: headerSafe(message.messageId) }],
          ...(message.attachments && message.attachments.length > 0
            ? {
                Attachments: message.attachments.map((a) => ({
                  FileName: headerSafe(a.filename),
                  RawContent: a.content,
                  ContentType: a.contentType,
                  ContentDisposition: 'ATTACHMENT' as const,
                  ContentTransferEncoding: 'BASE64' as const,
                })),
              }
            : {}),
        },
      },
      ...(this.configurationSet ? { ConfigurationSetName: this.configurationSet } : {}),
    });
    try {
      // Belt and braces over the handler's own timeout: the whole call, retries included, is bounded.
      const result = await this.client.send(command, { abortSignal: AbortSignal.timeout(this.timeoutMs) });
      return { messageId: result.MessageId ?? message.messageId };
    } catch (error) {
      const name = (error as Error).name;
      if (PERMANENT.has(name)) throw new MailRejectedError(`SES rejected the message (${name})`, { cause: error });
      if (DEFERRED.has(name)) throw new MailDeferredError(`SES deferred the message (${name})`, { cause: error });
      // A timeout, a dropped connection, a server error: SES may or may not have accepted it.
      throw error;
    }
  }
}
