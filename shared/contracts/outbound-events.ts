import { z } from 'zod';

/** Events Đúng Hạn publishes (source `vn.dunghan`), so dashboards and agencies' systems can subscribe. */
export const OUTBOUND_SOURCE = 'vn.dunghan';

const common = {
  schemaVersion: z.literal(1),
  /** Deterministic: the same fact always has the same id, so subscribers can drop repeats. */
  eventId: z.string(),
  dossierId: z.string(),
  procedureCode: z.string().optional(),
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

export type OutboundEventType = 'ReceiptWithoutAppointment' | 'AppointmentBeyondDueDate';

/** An event owed to the bus, held in the dossier's outbox until published. No personal data. */
export interface OutboundEvent {
  type: OutboundEventType;
  detail: z.output<typeof receiptWithoutAppointmentSchema> | z.output<typeof appointmentBeyondDueDateSchema>;
}
