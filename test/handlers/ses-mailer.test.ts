import { createRequire } from 'node:module';
import {
  BadRequestException,
  MessageRejected,
  SESv2Client,
  SendEmailCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../local/local-runtime.ts';
import { clearSentEmails, type LocalSes, sentEmails, startSesEmulator } from '../../local/ses-server.ts';
import { headerSafe, MESSAGE_ID_HEADER, SesMailer } from '../../shared/adapters/ses-mailer.ts';
import { MailDeferredError, MailRejectedError } from '../../shared/ports/mailer.ts';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const message = {
  from: 'dunghan@mot-cua.example.vn',
  to: ['an.nv@example.vn'],
  cc: ['hoa.rlt@example.vn'],
  subject: '[Đúng Hạn] 2 hồ sơ cần xử lý\r\nBcc: attacker@example.vn',
  text: 'Kính gửi đồng chí Nguyễn Văn An',
  html: '<p>Kính gửi đồng chí <b>Nguyễn Văn An</b></p>',
  attachments: [{ filename: 'phieu-xin-loi\r\n.docx', content: Buffer.from('PK docx bytes'), contentType: DOCX }],
  messageId: '<abc123@dunghan.vn>',
};

describe('the SES mailer against the SES emulator (SES API v2, simple content)', () => {
  let ses: LocalSes;
  let client: SESv2Client;
  beforeAll(async () => {
    ses = await startSesEmulator();
    client = new SESv2Client({ region: 'ap-southeast-1', credentials: LOCAL_CREDENTIALS, endpoint: ses.endpoint });
  });
  afterAll(async () => {
    client.destroy();
    await ses.close();
  });

  it('delivers subject (no CR/LF), text and HTML, Cc, the .docx attachment byte for byte and the message id', async () => {
    await clearSentEmails(ses.endpoint);
    const { messageId } = await new SesMailer(client).send(message);
    const [mail, ...others] = await sentEmails(ses.endpoint);
    expect(others).toHaveLength(0);
    expect(mail?.messageId).toBe(messageId);
    expect(mail?.subject).toBe('[Đúng Hạn] 2 hồ sơ cần xử lý Bcc: attacker@example.vn');
    expect(mail?.destination).toEqual({ to: ['an.nv@example.vn'], cc: ['hoa.rlt@example.vn'], bcc: [] });
    expect(mail?.body.text).toBe('Kính gửi đồng chí Nguyễn Văn An');
    expect(mail?.body.html).toContain('<b>Nguyễn Văn An</b>');
    expect(mail?.attachments.map((a) => [a.filename, a.contentType, a.contentDisposition])).toEqual([
      ['phieu-xin-loi .docx', DOCX, 'ATTACHMENT'],
    ]);
    expect(Buffer.from(mail?.attachments[0]?.content ?? '', 'base64').toString()).toBe('PK docx bytes');
    expect(mail?.headers).toEqual([{ name: MESSAGE_ID_HEADER, value: '<abc123@dunghan.vn>' }]);
  });

  it('keeps a large attachment and a long HTML body out of the emulator’s memory, and reads them back unchanged', async () => {
    await clearSentEmails(ses.endpoint);
    const content = Buffer.from('PK'.padEnd(200_000, 'x'));
    // A digest's HTML: a row per dossier, Vietnamese (two bytes a character in a JavaScript string).
    const html = `<table>${'<tr><td>Hồ sơ đăng ký đất đai quá hạn — Ủy ban nhân dân xã Đông Hưng</td></tr>'.repeat(400)}</table>`;
    await new SesMailer(client).send({
      ...message,
      html,
      attachments: [{ ...message.attachments[0], content } as never],
    });
    const { getStoreReadonly } = createRequire(import.meta.url)('aws-ses-v2-local/dist/store.js') as {
      getStoreReadonly(): { emails: { attachments: object[]; body: object }[] };
    };
    const spilled = (holder: object | undefined, key: string) =>
      Object.getOwnPropertyDescriptor(holder ?? {}, key)?.get !== undefined;
    await expect.poll(() => spilled(getStoreReadonly().emails[0]?.attachments[0], 'content')).toBe(true);
    expect(spilled(getStoreReadonly().emails[0]?.body, 'html')).toBe(true);
    // A short text stays where it is: a file per short text would cost more than it saves.
    expect(spilled(getStoreReadonly().emails[0]?.body, 'text')).toBe(false);
    const [mail] = await sentEmails(ses.endpoint);
    expect(Buffer.from(mail?.attachments[0]?.content ?? '', 'base64').equals(content)).toBe(true);
    expect(mail?.body.html).toBe(html);
    expect(mail?.body.text).toBe(message.text);
  });

  it('refuses an invalid address without calling SES', async () => {
    await clearSentEmails(ses.endpoint);
    await expect(new SesMailer(client).send({ ...message, to: ['không phải email'] })).rejects.toThrow(
      MailRejectedError,
    );
    expect(await sentEmails(ses.endpoint)).toHaveLength(0);
  });
});

describe('the SES mailer on SES errors', () => {
  const client = new SESv2Client({ region: 'ap-southeast-1' });
  const sesMock = mockClient(client);

  it('turns a rejection into MailRejectedError (not retried) and passes the configuration set', async () => {
    sesMock.reset();
    sesMock
      .on(SendEmailCommand)
      .rejectsOnce(new MessageRejected({ message: 'Email address is not verified.', $metadata: {} }));
    await expect(new SesMailer(client, 'dunghan').send(message)).rejects.toThrow(MailRejectedError);
    expect(sesMock.commandCalls(SendEmailCommand)[0]?.args[0].input.ConfigurationSetName).toBe('dunghan');
    sesMock.reset();
    sesMock.on(SendEmailCommand).rejectsOnce(new BadRequestException({ message: 'Illegal address', $metadata: {} }));
    await expect(new SesMailer(client).send(message)).rejects.toThrow(MailRejectedError);
  });

  it('says "not sent, retry later" for throttling, and "outcome unknown" for a timeout', async () => {
    sesMock.reset();
    sesMock.on(SendEmailCommand).rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));
    const throttled = await new SesMailer(client).send(message).catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(MailDeferredError);
    expect((throttled as Error).cause).toBeInstanceOf(TooManyRequestsException);
    sesMock.reset();
    sesMock.on(SendEmailCommand).rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    const timeout = await new SesMailer(client).send(message).catch((e: unknown) => e);
    expect(timeout).not.toBeInstanceOf(MailDeferredError);
    expect(timeout).not.toBeInstanceOf(MailRejectedError);
    expect((timeout as Error).name).toBe('TimeoutError');
  });

  it('strips control characters from header values', () => {
    expect(headerSafe('a\r\nb\tc\u0000d')).toBe('a b c d');
  });
});
