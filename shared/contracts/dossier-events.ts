import { InvalidInputError } from '../support/errors.ts';
import { durationText, instant, line, text } from './primitives.ts';
import * as z from './z.ts';

/**
 * The dossier lifecycle events one-stop systems publish (EventBridge `detail-type` = the event name,
 * `detail` = the payload below). Version 1; every event carries `eventId`, `schemaVersion`, `occurredAt`
 * and `dossierId`. An example stream: test/fixtures/events/example-stream.jsonl.
 */
const base = {
  schemaVersion: z.literal(1, { message: 'must be 1 (the only version this consumer knows)' }),
  eventId: line(200),
  occurredAt: instant,
  // Dossier codes come in two official shapes and many local ones: never rejected for their shape.
  dossierId: line(120),
};

export const procedureSchema = z.object({
  code: z.optional(line(60)),
  name: line(1000),
  field: line(300),
});

export const agencySchema = z.object({
  id: line(60),
  name: line(300),
  parentId: z.optional(line(60)),
  parentName: z.optional(line(300)),
  place: z.optional(line(120)),
});

export const applicantSchema = z.object({
  kind: z.enum(['person', 'organisation']),
  name: line(300),
  idNumber: z.optional(line(40)),
  email: z.optional(line(254)),
  phone: z.optional(line(40)),
  address: z.optional(line(500)),
});

export const officialSchema = z.object({ id: line(60), name: line(200), email: line(254) });
export const headSchema = z.object({ name: line(200), title: line(200), email: z.optional(line(254)) });
export const stepSchema = z.object({ unitId: line(60), unitName: z.optional(line(300)), duration: durationText });

export const dossierReceivedSchema = z.object({
  ...base,
  procedure: procedureSchema,
  agency: agencySchema,
  receivedAt: instant,
  channel: z.enum(['online', 'in_person', 'postal']),
  applicant: applicantSchema,
  official: officialSchema,
  head: z.optional(headSchema),
  appointmentAt: z.optional(instant),
  steps: z.optional(z.array(stepSchema).check(z.maxLength(30, 'must have at most 30 steps'))),
});

export const dossierSupplementRequestedSchema = z.object({ ...base, reason: z.optional(text(2000)) });
export const dossierSupplementedSchema = z.object({ ...base });
export const dossierSuspendedSchema = z.object({ ...base, reason: line(100), note: z.optional(text(2000)) });
export const dossierResumedSchema = z.object({ ...base });
export const dossierHandedOverSchema = z.object({ ...base, fromUnitId: line(60), toUnitId: line(60) });
export const dossierResolvedSchema = z.object({
  ...base,
  outcome: z._default(z.enum(['approved', 'rejected']), 'approved'),
  returnedAt: z.optional(instant),
});
/**
 * The dossier is being processed at `occurredAt` (the one-stop systems' status "4 Đang xử lý", as their
 * sync feed reports it): it ends a supplement wait (the complete dossier is in) or a suspension, and when
 * `unitId` is another unit than the one holding the dossier, it was handed to that unit.
 */
export const dossierProcessingSchema = z.object({
  ...base,
  unitId: z.optional(line(60)),
  note: z.optional(text(2000)),
});
/** The appointment printed for the citizen changed after receipt (NgayHenTra re-sent with another date). */
export const dossierReappointedSchema = z.object({ ...base, appointmentAt: instant });
export const dossierWithdrawnSchema = z.object({ ...base, reason: z.optional(text(2000)) });
export const dossierRefusedSchema = z.object({ ...base, reason: z.optional(text(2000)) });

/** Schemas by EventBridge `detail-type`. */
export const DOSSIER_EVENT_SCHEMAS = {
  DossierReceived: dossierReceivedSchema,
  DossierSupplementRequested: dossierSupplementRequestedSchema,
  DossierSupplemented: dossierSupplementedSchema,
  DossierSuspended: dossierSuspendedSchema,
  DossierResumed: dossierResumedSchema,
  DossierHandedOver: dossierHandedOverSchema,
  DossierProcessing: dossierProcessingSchema,
  DossierReappointed: dossierReappointedSchema,
  DossierResolved: dossierResolvedSchema,
  DossierWithdrawn: dossierWithdrawnSchema,
  DossierRefused: dossierRefusedSchema,
} as const;

export type DossierEventType = keyof typeof DOSSIER_EVENT_SCHEMAS;
export const DOSSIER_EVENT_TYPES = Object.keys(DOSSIER_EVENT_SCHEMAS) as DossierEventType[];

export type DossierReceived = z.output<typeof dossierReceivedSchema>;
export type DossierSupplementRequested = z.output<typeof dossierSupplementRequestedSchema>;
export type DossierSupplemented = z.output<typeof dossierSupplementedSchema>;
export type DossierSuspended = z.output<typeof dossierSuspendedSchema>;
export type DossierResumed = z.output<typeof dossierResumedSchema>;
export type DossierHandedOver = z.output<typeof dossierHandedOverSchema>;
export type DossierProcessing = z.output<typeof dossierProcessingSchema>;
export type DossierReappointed = z.output<typeof dossierReappointedSchema>;
export type DossierResolved = z.output<typeof dossierResolvedSchema>;
export type DossierWithdrawn = z.output<typeof dossierWithdrawnSchema>;
export type DossierRefused = z.output<typeof dossierRefusedSchema>;

/** A validated event with its type: what the domain consumes. */
export type DossierEvent =
  | { type: 'DossierReceived'; detail: DossierReceived }
  | { type: 'DossierSupplementRequested'; detail: DossierSupplementRequested }
  | { type: 'DossierSupplemented'; detail: DossierSupplemented }
  | { type: 'DossierSuspended'; detail: DossierSuspended }
  | { type: 'DossierResumed'; detail: DossierResumed }
  | { type: 'DossierHandedOver'; detail: DossierHandedOver }
  | { type: 'DossierProcessing'; detail: DossierProcessing }
  | { type: 'DossierReappointed'; detail: DossierReappointed }
  | { type: 'DossierResolved'; detail: DossierResolved }
  | { type: 'DossierWithdrawn'; detail: DossierWithdrawn }
  | { type: 'DossierRefused'; detail: DossierRefused };

/** The EventBridge envelope fields this consumer relies on; the rest is kept but not required. */
export const eventBridgeEnvelopeSchema = z.object({
  version: z.optional(z.string()),
  id: z.optional(z.string()),
  'detail-type': z.string({ message: 'must name the event type' }),
  source: z.optional(z.string()),
  time: z.optional(z.string()),
  detail: z.unknown(),
});

/** One problem in an event: the field path and the reason. */
export interface EventProblem {
  path: string;
  reason: string;
}

/** Thrown for an event that fails its contract; the message names every bad field. Nothing is written. */
export class InvalidEventError extends InvalidInputError {
  override name = 'InvalidEventError';
  constructor(
    readonly detailType: string | undefined,
    readonly problems: EventProblem[],
  ) {
    super(
      `invalid ${detailType ?? 'event'}: ${problems.map((p) => `${p.path || '(root)'}: ${p.reason}`).join('; ')}`,
      problems[0]?.path,
    );
  }
}

/** Validates an EventBridge envelope and its detail against the contract of its `detail-type`. */
export function parseDossierEvent(envelope: unknown): DossierEvent {
  const outer = eventBridgeEnvelopeSchema.safeParse(envelope);
  if (!outer.success) throw new InvalidEventError(undefined, toProblems(outer.error, ''));
  const type = outer.data['detail-type'];
  if (!Object.hasOwn(DOSSIER_EVENT_SCHEMAS, type)) {
    throw new InvalidEventError(type, [
      { path: 'detail-type', reason: `unknown event type; expected one of ${DOSSIER_EVENT_TYPES.join(', ')}` },
    ]);
  }
  const schema = DOSSIER_EVENT_SCHEMAS[type as DossierEventType];
  const detail = schema.safeParse(outer.data.detail);
  if (!detail.success) throw new InvalidEventError(type, toProblems(detail.error, 'detail.'));
  const ahead = runsAhead(detail.data.occurredAt, outer.data.time);
  if (ahead) throw new InvalidEventError(type, [{ path: 'detail.occurredAt', reason: ahead }]);
  return { type, detail: detail.data } as DossierEvent;
}

/** How far an event's instant may run ahead of its envelope's time (senders' clocks drift; a day is generous). */
export const MAX_EVENT_AHEAD_MS = 86_400_000;

/**
 * Why an event dated after the envelope it was sent in cannot be (issue #32: a contract-valid 2099 typo
 * filed every later dossier of a replay under 2099), or undefined. An envelope without a time says nothing.
 */
export function runsAhead(occurredAt: string, envelopeTime: string | undefined): string | undefined {
  const occurred = Date.parse(occurredAt);
  const sent = envelopeTime === undefined ? Number.NaN : Date.parse(envelopeTime);
  if (!Number.isFinite(occurred) || !Number.isFinite(sent) || occurred <= sent + MAX_EVENT_AHEAD_MS) return undefined;
  return `(${new Date(occurred).toISOString()}) is more than a day after the envelope's time (${new Date(sent).toISOString()}): an event is sent after it happens`;
}

function toProblems(error: z.core.$ZodError, prefix: string): EventProblem[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return { path: path ? `${prefix}${path}` : prefix.replace(/\.$/, ''), reason: issue.message };
  });
}
