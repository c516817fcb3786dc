import { type SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { type Mailer, type MailMessage, MailRejectedError } from '../ports/mailer.ts';

const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

/** Removes CR, LF and other control characters from a header value (no header injection). */
export function headerSafe(value: string): string {
  let out = '';
  for (const ch of value) out += ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f ? ' ' : ch;
  return out.replace(/\s+/g, ' ').trim();
}

/**
 * Sends email through SES SendRawEmail, the MIME built by nodemailer's MailComposer (UTF-8 subject,
 * text + HTML alternatives, attachments). Invalid addresses and SES rejections throw MailRejectedError.
 */
export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESClient,
    private readonly configurationSet?: string | undefined,
  ) {}

  async send(message: MailMessage): Promise<{ messageId: string }> {
    const recipients = [...message.to, ...(message.cc ?? [])];
    const bad = [message.from, ...recipients].filter((a) => !ADDRESS.test(a));
    if (bad.length > 0 || message.to.length === 0) {
      throw new MailRejectedError(
        `invalid address${bad.length > 1 ? 'es' : ''}: ${bad.length} of ${recipients.length + 1}`,
      );
    }
    const raw = await new MailComposer({
      from: message.from,
      to: message.to,
      ...(message.cc && message.cc.length > 0 ? { cc: message.cc } : {}),
      subject: headerSafe(message.subject),
      text: message.text,
      html: message.html,
      messageId: message.messageId,
      textEncoding: 'base64',
      attachments: (message.attachments ?? []).map((a) => ({
        filename: headerSafe(a.filename),
        content: a.content,
        contentType: a.contentType,
      })),
    })
      .compile()
      .build();
    try {
      const result = await this.client.send(
        new SendRawEmailCommand({
          RawMessage: { Data: raw },
          ...(this.configurationSet ? { ConfigurationSetName: this.configurationSet } : {}),
        }),
      );
      return { messageId: result.MessageId ?? message.messageId };
    } catch (error) {
      const name = (error as Error).name;
      if (
        name === 'MessageRejected' ||
        name === 'InvalidParameterValue' ||
        name === 'MailFromDomainNotVerifiedException'
      ) {
        throw new MailRejectedError(`SES rejected the message (${name})`, { cause: error });
      }
      throw error;
    }
  }
}
