import * as z from './z.ts';

/** Events Đúng Hạn publishes (source `vn.dunghan`), so dashboards and agencies' systems can subscribe. */
export const OUTBOUND_SOURCE = 'vn.dunghan';

const common = {
  schemaVersion: z.literal(1),
  /** Deterministic: the same fact always has the same id, so subscribers can drop repeats. */
  eventId: z.string(),
  dossierId: z.string(),
  procedureCode: z.optional(z.string()),
  field: z.string(),
  agencyId: z.string(),
  occurredAt: z.string(),
};

export const receiptWithoutAppointmentSchema = z.object({ ...common, receivedAt: z.string(), legalDueAt: z.string() });
export const appointmentBeyondDueDateSchema = z.object({
  ...common,
  receivedAt: z.string(),
  appointmentAt: z.string(),
  legalDueAt: z.string(),
});
/** DossierDueSoon, ApologyDeadlineMissed, DossierOverdue, SecondOverrun, ApologyDrafted, ApologyApproved, ApologyIssued. */
export const deadlineEventSchema = z.object({
  ...common,
  stage: z.string(),
  dueAt: z.string(),
  originalDueAt: z.string(),
  extendedDueAt: z.optional(z.string()),
  /** The unit answering for the delay, when one is late (issue #15): the first whose step overran, else the holder. */
  responsibleUnit: z.optional(
    z.object({ id: z.string(), name: z.string(), step: z.optional(z.number()), dueAt: z.string() }),
  ),
});

export type ViolationEventType = 'ReceiptWithoutAppointment' | 'AppointmentBeyondDueDate';
export type DeadlineEventType =
  | 'DossierDueSoon'
  | 'ApologyDeadlineMissed'
  | 'DossierOverdue'
  | 'SecondOverrun'
  | 'ApologyDrafted'
  /** An official approved the apology and the new date: the delivery function sends it at once (#16). */
  | 'ApologyApproved'
  | 'ApologyIssued';
export type OutboundEventType = ViolationEventType | DeadlineEventType;

/** An event owed to the bus, held in the dossier's outbox until published. No personal data. */
export type OutboundEvent =
  | { type: 'ReceiptWithoutAppointment'; detail: z.output<typeof receiptWithoutAppointmentSchema> }
  | { type: 'AppointmentBeyondDueDate'; detail: z.output<typeof appointmentBeyondDueDateSchema> }
  | { type: DeadlineEventType; detail: z.output<typeof deadlineEventSchema> };
