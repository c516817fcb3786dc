import { MessageRejected, SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { simpleParser } from 'mailparser';
import { beforeEach, describe, expect, it } from 'vitest';
import { headerSafe, SesMailer } from '../../shared/adapters/ses-mailer.ts';
import { MailRejectedError } from '../../shared/ports/mailer.ts';

const ses = new SESClient({ region: 'ap-southeast-1' });
const sesMock = mockClient(ses);
beforeEach(() => sesMock.reset());

const message = {
  from: 'dunghan@mot-cua.example.vn',
  to: ['an.nv@example.vn'],
  cc: ['hoa.rlt@example.vn'],
  subject: '[Đúng Hạn] 2 hồ sơ cần xử lý\r\nBcc: attacker@example.vn',
  text: 'Kính gửi đồng chí Nguyễn Văn An',
  html: '<p>Kính gửi đồng chí <b>Nguyễn Văn An</b></p>',
  attachments: [
    {
      filename: 'phieu-xin-loi.docx',
      content: Buffer.from('docx'),
      contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    },
  ],
  messageId: '<abc123@dunghan.vn>',
};

describe('the SES mailer (MIME built by MailComposer, sent with SendRawEmail)', () => {
  it('sends proper UTF-8 MIME: encoded subject without CR/LF, text and HTML, attachment, deterministic Message-ID', async () => {
    sesMock.on(SendRawEmailCommand).resolves({ MessageId: 'ses-1' });
    await new SesMailer(ses).send(message);
    const raw = Buffer.from(
      sesMock.commandCalls(SendRawEmailCommand)[0]?.args[0].input.RawMessage?.Data ?? new Uint8Array(),
    );
    expect(raw.toString('latin1')).toMatch(/^Subject: =\?UTF-8\?/m);
    expect(raw.toString('latin1')).not.toMatch(/^Bcc:/im);
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('[Đúng Hạn] 2 hồ sơ cần xử lý Bcc: attacker@example.vn');
    expect(parsed.messageId).toBe('<abc123@dunghan.vn>');
    expect(parsed.text?.trim()).toBe('Kính gửi đồng chí Nguyễn Văn An');
    expect(parsed.html).toContain('<b>Nguyễn Văn An</b>');
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['phieu-xin-loi.docx']);
    expect((Array.isArray(parsed.cc) ? parsed.cc[0] : parsed.cc)?.text).toBe('hoa.rlt@example.vn');
  });

  it('refuses an invalid address without calling SES', async () => {
    await expect(new SesMailer(ses).send({ ...message, to: ['không phải email'] })).rejects.toThrow(MailRejectedError);
    expect(sesMock.calls()).toHaveLength(0);
  });

  it('turns an SES rejection into MailRejectedError and lets other failures through for a retry', async () => {
    sesMock
      .on(SendRawEmailCommand)
      .rejectsOnce(new MessageRejected({ message: 'Email address is not verified.', $metadata: {} }));
    await expect(new SesMailer(ses).send(message)).rejects.toThrow(MailRejectedError);
    sesMock.reset();
    sesMock.on(SendRawEmailCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    await expect(new SesMailer(ses).send(message)).rejects.toThrow('Rate exceeded');
  });

  it('strips control characters from header values', () => {
    expect(headerSafe('a\r\nb\tc\u0000d')).toBe('a b c d');
  });
});
