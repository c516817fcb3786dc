import type { DossierRecord, OwedNotification } from '../dossier/dossier-record.ts';
import { vietnameseMobile } from '../phones/phone-number.ts';

/*
 * The citizen's apology by phone (issue #18; NĐ 61/2018 Điều 19 k9: "qua thư điện tử, tin nhắn, điện
 * thoại hoặc mạng xã hội"): a Zalo ZNS template message when the dossier carries a phone number, an SMS
 * when ZNS cannot deliver it, and never between 21:00 and 07:00 Vietnam time.
 */

/** What a phone notice says, from the approved apology: the same facts as the letter, shorter. */
export interface PhoneNoticeFacts {
  dossierId: string;
  agency: string;
  procedure: string;
  reason: string;
  /** The new return date, dd/mm/yyyy. */
  newReturnDate: string;
  statusUrl: string;
}

export function phoneNoticeFacts(record: DossierRecord, statusUrl: string): PhoneNoticeFacts | undefined {
  const received = record.state.received;
  const at = record.extendedDueAt;
  if (!received || !at || !record.apology.reason) return undefined;
  return {
    dossierId: record.state.dossierId,
    agency: received.agency.name,
    procedure: received.procedure.name,
    reason: record.apology.reason,
    newReturnDate: `${at.slice(8, 10)}/${at.slice(5, 7)}/${at.slice(0, 4)}`,
    statusUrl,
  };
}

/**
 * The ZNS template's parameters. A template is approved by Zalo before use and its parameters have
 * lengths Zalo sets (a code 30, a custom text up to 200 or 400 characters): each value is cut to fit.
 * The template itself (its id, and wording such as "{co_quan} xin lỗi Ông/Bà: hồ sơ {ma_ho_so} ({thu_tuc})
 * chưa được giải quyết đúng hạn vì {ly_do}. Ngày hẹn trả kết quả mới: {ngay_hen_moi}.") is registered
 * by the province with Zalo; README explains how.
 */
export function znsTemplateData(facts: PhoneNoticeFacts): Record<string, string> {
  return {
    ma_ho_so: cut(facts.dossierId, 30),
    co_quan: cut(facts.agency, 200),
    thu_tuc: cut(facts.procedure, 200),
    ly_do: cut(facts.reason, 400),
    ngay_hen_moi: facts.newReturnDate,
    tra_cuu: facts.statusUrl,
  };
}

/** One SMS segment: 160 characters of the GSM 7-bit alphabet (Vietnamese without its marks). */
export const SMS_SEGMENT = 160;

/**
 * The SMS: without diacritics (a message with them is UCS-2, 70 characters a segment) and within one
 * segment. The province's template may use `{co_quan}`, `{ma_ho_so}`, `{ngay_hen_moi}` and `{tra_cuu}`.
 * When the filled text is too long, the compact wording is used (the SMS brandname already names the
 * agency), then the link is dropped: the code and the date always stay — with them the citizen can ask
 * the desk or type the code on the status page.
 */
export function smsText(facts: PhoneNoticeFacts, template = DEFAULT_SMS_TEMPLATE): string {
  const fill = (wording: string, link: string) =>
    unaccented(
      wording
        .replaceAll('{co_quan}', facts.agency)
        .replaceAll('{ma_ho_so}', facts.dossierId)
        .replaceAll('{ngay_hen_moi}', facts.newReturnDate)
        .replaceAll('{tra_cuu}', link),
    )
      .replace(/\s+/g, ' ')
      .trim();
  for (const text of [
    fill(template, facts.statusUrl),
    fill(COMPACT_SMS_TEMPLATE, facts.statusUrl),
    fill(COMPACT_SMS_TEMPLATE.replace(/\s*Tra cuu \{tra_cuu\}$/, ''), ''),
  ])
    if (text.length <= SMS_SEGMENT) return text;
  return fill(COMPACT_SMS_TEMPLATE.replace(/\s*Tra cuu \{tra_cuu\}$/, ''), '').slice(0, SMS_SEGMENT);
}

export const DEFAULT_SMS_TEMPLATE =
  '{co_quan} xin loi: ho so {ma_ho_so} cham tra ket qua. Hen tra moi {ngay_hen_moi}. Tra cuu: {tra_cuu}';
const COMPACT_SMS_TEMPLATE = 'Xin loi: HS {ma_ho_so} tre han, hen tra moi {ngay_hen_moi}. Tra cuu {tra_cuu}';

/**
 * The SMS carrying a one-time code for the status page (issue #32): unaccented, one segment; the dossier's
 * code is left out when it would not fit.
 */
export function oneTimeCodeSms(dossierId: string, code: string, minutes: number): string {
  const full = `Ma xac nhan tra cuu ho so ${dossierId}: ${code}. Hieu luc ${minutes} phut. Khong chia se ma nay.`;
  return unaccented(
    full.length <= SMS_SEGMENT ? full : `Ma xac nhan tra cuu ho so: ${code}. Hieu luc ${minutes} phut.`,
  );
}

/** Vietnamese without its marks, in the GSM 7-bit alphabet: đ → d, ư → u, ế → e… */
export function unaccented(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e\n]/g, '?');
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** One message to a citizen's phone. */
export type PhoneMessage =
  | {
      channel: 'zns';
      /** `84…`, as Zalo wants it. */
      phone: string;
      templateData: Record<string, string>;
      /** Our id of the message, echoed in the channel's delivery reports. */
      trackingId: string;
    }
  | {
      channel: 'sms';
      /** E.164, `+84…`. */
      phone: string;
      text: string;
      trackingId: string;
    };

/** A phone message for one notification, or why it cannot be sent on that channel (it falls back). */
export type PhoneEnvelope =
  | { notificationId: string; dossierId: string; message: PhoneMessage }
  | { notificationId: string; dossierId: string; refused: string };

/** The message a citizen's phone notice (`apology_zns`, `apology_sms`) becomes. */
export function composePhoneNotice(
  record: DossierRecord,
  n: OwedNotification,
  statusUrl: string,
  smsTemplate?: string,
): PhoneEnvelope {
  const dossierId = record.state.dossierId;
  const phone = vietnameseMobile(record.state.received?.applicant.phone);
  const facts = phoneNoticeFacts(record, statusUrl);
  if (!phone) return { notificationId: n.id, dossierId, refused: 'no Vietnamese mobile number on the dossier' };
  if (!facts) return { notificationId: n.id, dossierId, refused: 'the apology is not approved' };
  return {
    notificationId: n.id,
    dossierId,
    message:
      n.kind === 'apology_zns'
        ? { channel: 'zns', phone: phone.zalo, templateData: znsTemplateData(facts), trackingId: trackingIdOf(n.id) }
        : { channel: 'sms', phone: phone.e164, text: smsText(facts, smsTemplate), trackingId: trackingIdOf(n.id) },
  };
}

/** A short, stable id of a notification for the channels' delivery reports (Zalo allows 48 characters). */
function trackingIdOf(notificationId: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < notificationId.length; i += 1) {
    const c = notificationId.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 16777619) >>> 0;
    h2 = Math.imul(h2 ^ c, 2246822519) >>> 0;
  }
  return `dh-${h1.toString(16).padStart(8, '0')}${h2.toString(16).padStart(8, '0')}`;
}
