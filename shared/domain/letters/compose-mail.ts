import { createHash } from 'node:crypto';
import { describeError } from '../../support/describe-error.ts';
import type { WorkingCalendar } from '../calendar/working-calendar.ts';
import {
  CITIZEN_CHANNELS,
  type DossierRecord,
  type OwedNotification,
  PHONE_CHANNELS,
} from '../dossier/dossier-record.ts';
import { responsibleNow } from '../dossier/responsibility.ts';
import {
  apologyIssuerDesk,
  type Desk,
  deskKey,
  letterIssuer,
  routeNotification,
  withUnitNames,
} from '../units/routing.ts';
import type { UnitBook } from '../units/unit-directory.ts';
import { renderLetterDocx } from './apology-docx.ts';
import { type ApologyLetter, buildApologyLetter, renderLetterHtml, renderLetterText } from './apology-letter.ts';
import { buildControlSlip, type ControlSlip } from './control-slip.ts';
import { buildDigest, type DigestItem } from './digest.ts';

/** One email, as the mail port sends it. Addresses are plain `local@domain`. */
export interface OutgoingMail {
  from: string;
  to: string[];
  cc?: string[] | undefined;
  subject: string;
  text: string;
  html: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[] | undefined;
  /** Deterministic per notification set, so a repeat is recognisable (`<…@dunghan.vn>`). */
  messageId: string;
}

/** An email and the notifications it carries; `atMostOnce`: a citizen's apology (never resent below). */
export interface Envelope {
  mail: OutgoingMail;
  parts: { dossierId: string; notificationIds: string[] }[];
  atMostOnce?: boolean;
}

/** A dossier and the notifications a detector run sends for it. */
export interface Sending {
  record: DossierRecord;
  sending: readonly OwedNotification[];
}

export interface ComposeSettings {
  senderEmail: string;
  /** The directory of units in force: who each unit's alerts go to, who issues an apology. */
  units: UnitBook;
  /** The signed approval-page link of a dossier's drafted apology, bound to the head it is mailed to. */
  approvalLink: (dossierId: string, boundTo: string) => string;
  /** The citizens' status page of a dossier (issue #18): the letter's QR code and link. */
  statusPage?: ((dossierId: string) => string) | undefined;
}

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const NEEDS_APPROVAL: ReadonlySet<OwedNotification['kind']> = new Set([
  'due_soon',
  'apology_deadline_missed',
  'overdue',
]);

/** One official's digest being gathered: their desk, its items, who is copied, the notifications it carries. */
interface DeskGroup {
  desk: Desk;
  items: DigestItem[];
  cc: Set<string>;
  parts: Envelope['parts'];
}

/** What composing one dossier's mail reads. */
interface Composing {
  record: DossierRecord;
  settings: ComposeSettings;
  calendar: WorkingCalendar;
  now: number;
  /** The dossier's process-control slip, built once for its digest items. */
  slip?: ControlSlip | undefined;
}

/**
 * Turns what a detector run owes into emails: each citizen's apology as its own email (letter in the
 * body and as .docx), everything else as one digest per official — the head copied on missed apology
 * deadlines and overruns, the drafts and printable letters attached, an approval link on drafts.
 * A notification that cannot be composed is returned with the reason instead of stopping the others.
 */
export function composeMail(
  run: readonly Sending[],
  settings: ComposeSettings,
  calendar: WorkingCalendar,
  now: number,
): { envelopes: Envelope[]; failures: Map<string, string> } {
  const envelopes: Envelope[] = [];
  const failures = new Map<string, string>();
  const byDesk = new Map<string, DeskGroup>();
  for (const { record: stored, sending } of run) {
    const record = withUnitNames(stored, settings.units);
    if (!record.state.received) continue;
    const composing: Composing = { record, settings, calendar, now };
    for (const n of sending) {
      // The citizen's phone notices are messages, not mail (run-detector.ts sends them).
      if (PHONE_CHANNELS.has(n.kind)) continue;
      try {
        const letter =
          n.kind === 'due_soon' || n.kind.startsWith('apology_')
            ? buildApologyLetter(
                record,
                calendar,
                now,
                letterIssuer(record, settings.units, now),
                settings.statusPage?.(record.state.dossierId),
              )
            : undefined;
        const citizen = n.kind === 'apology_to_citizen' && letter ? citizenMail(composing, n, letter) : undefined;
        if (citizen) envelopes.push(citizen);
        else addToDigests(byDesk, composing, n, letter);
      } catch (error) {
        failures.set(n.id, describeError(error));
      }
    }
  }
  for (const group of byDesk.values()) envelopes.push(digestMail(group, settings, calendar, now));
  return { envelopes, failures };
}

/** The citizen's apology as its own email, when they gave an address; sent at most once (CITIZEN_CHANNELS). */
function citizenMail(
  { record, settings }: Composing,
  n: OwedNotification,
  letter: ApologyLetter,
): Envelope | undefined {
  const received = record.state.received;
  const email = received?.applicant.email;
  if (!received || !email) return undefined;
  const dossierId = record.state.dossierId;
  return {
    mail: {
      from: settings.senderEmail,
      to: [email],
      subject: `${received.agency.name}: ${letter.title.charAt(0)}${letter.title.slice(1).toLocaleLowerCase('vi')} — hồ sơ ${dossierId}`,
      text: renderLetterText(letter),
      html: `<!doctype html><html lang="vi"><head><meta charset="utf-8"></head><body>${renderLetterHtml(letter)}</body></html>`,
      attachments: [{ filename: letterFileName(dossierId), content: renderLetterDocx(letter), contentType: DOCX }],
      messageId: messageIdOf([n.id]),
    },
    parts: [{ dossierId, notificationIds: [n.id] }],
    atMostOnce: CITIZEN_CHANNELS.has(n.kind),
  };
}

/**
 * A notification as an item of the digests of the desks it is routed to. Every item whose dossier still
 * needs its apology approved carries the link (issue #16): approval stays possible after the apology
 * deadline and after the due date. Only the issuing unit's mail carries it, bound to its head, who is
 * copied (ADR 0023): the holding unit and the unit at fault are told, but cannot sign in its name.
 */
function addToDigests(
  byDesk: Map<string, DeskGroup>,
  composing: Composing,
  n: OwedNotification,
  letter: ApologyLetter | undefined,
): void {
  const { record, settings, calendar, now } = composing;
  const dossierId = record.state.dossierId;
  const issuer = apologyIssuerDesk(record, settings.units, now);
  const signer = issuer.standingInFor ? undefined : issuer.head?.email;
  const approvalUrl =
    signer && NEEDS_APPROVAL.has(n.kind) && record.apology.status === 'drafted' && record.extendedDueAt === null
      ? settings.approvalLink(dossierId, signer)
      : undefined;
  const responsible = responsibleNow(record.state, now);
  composing.slip ??=
    record.state.steps.length > 0 ? buildControlSlip(record.state, calendar, settings.units, now) : undefined;
  for (const route of routeNotification(record, n, settings.units, now)) {
    const key = deskKey(route.desk);
    const group = byDesk.get(key) ?? { desk: route.desk, items: [], cc: new Set<string>(), parts: [] };
    const signs = approvalUrl !== undefined && route.desk.unitId === issuer.unitId && !route.desk.standingInFor;
    group.items.push({
      record,
      kind: n.kind,
      letter,
      approvalUrl: signs ? approvalUrl : undefined,
      step: n.step,
      responsible,
      standingInFor: route.desk.standingInFor,
      slip: composing.slip,
    });
    if ((route.copyHead || signs) && route.desk.head?.email) group.cc.add(route.desk.head.email);
    const part = group.parts.find((p) => p.dossierId === dossierId);
    if (part) part.notificationIds.push(n.id);
    else group.parts.push({ dossierId, notificationIds: [n.id] });
    byDesk.set(key, group);
  }
}

/** One official's digest: the items, the drafts and printable letters attached, the heads copied. */
function digestMail(group: DeskGroup, settings: ComposeSettings, calendar: WorkingCalendar, now: number): Envelope {
  const to = group.desk.officials.map((o) => o.email);
  const digest = buildDigest(group.desk.officials.map((o) => o.name).join(', '), group.items, calendar, now);
  const attachments = digest.attachments.map(({ dossierId, letter }) => ({
    filename: letterFileName(dossierId),
    content: renderLetterDocx(letter),
    contentType: DOCX,
  }));
  return {
    mail: {
      from: settings.senderEmail,
      to,
      cc: [...group.cc].filter((c) => !to.includes(c)),
      subject: digest.subject,
      text: digest.text,
      html: digest.html,
      attachments,
      messageId: messageIdOf(group.parts.flatMap((p) => p.notificationIds)),
    },
    parts: group.parts,
  };
}

function letterFileName(dossierId: string): string {
  return `phieu-xin-loi-${dossierId.replace(/[^A-Za-z0-9.-]+/g, '_').slice(0, 80)}.docx`;
}

/** The same notifications always make the same id, so a resent email is recognisable as a repeat. */
function messageIdOf(notificationIds: readonly string[]): string {
  const hash = createHash('sha256')
    .update([...notificationIds].sort().join('\n'))
    .digest('hex')
    .slice(0, 32);
  return `<${hash}@dunghan.vn>`;
}
