import {
  LOCAL_CREDENTIALS,
  LOCAL_LINK_SECRET,
  type LocalRuntime,
  localPhoneChannels,
} from '../../local/local-runtime.ts';
import { createSesClients } from '../../shared/adapters/ses-clients.ts';
import { signApprovalToken } from '../../shared/domain/approval-link.ts';
import { defaultCalendar } from '../../shared/domain/calendar/default-calendar.ts';
import type { Mailer } from '../../shared/ports/mailer.ts';
import { approveThroughLink } from '../../shared/use-cases/approve-through-link.ts';
import { RuleBook } from '../../shared/use-cases/rule-book.ts';
import { type DetectorDeps, runDetector } from '../../shared/use-cases/run-detector.ts';
import { headOf } from './actors.ts';
import { receivedEvent } from './dossier-factory.ts';

/** A settable clock shared by a test and the runtime it started. */
export interface TestClock {
  at: number;
  now(): number;
}

/** Detector dependencies on a local runtime, with the mailers a test chooses. */
export function detectorDeps(
  runtime: LocalRuntime,
  clock: TestClock,
  mailer: Mailer,
  extra: Partial<DetectorDeps> = {},
): DetectorDeps {
  return {
    store: runtime.store,
    index: runtime.platform.table.due,
    rules: new RuleBook(runtime.config, clock, 0),
    mailer,
    // The citizens' phones as production sends to them, on the runtime's emulator (issue #18).
    phone: runtime.phone ? localPhoneChannels(runtime.phone.endpoint) : undefined,
    publisher: { publish: async (list) => list.map((e) => e.detail.eventId) },
    clock,
    config: {
      senderEmail: 'dunghan@mot-cua.example.vn',
      approvalBaseUrl: runtime.apiUrl ?? '',
      linkSecret: LOCAL_LINK_SECRET,
      leaseMs: 10 * 60_000,
    },
    ...extra,
  };
}

/** Delivers the receipt of a dossier received on `day` at 09:00, without an appointment. */
export async function receiveWithoutAppointment(
  runtime: LocalRuntime,
  dossierId: string,
  day: string,
  changes: Record<string, unknown> = {},
): Promise<void> {
  const [delivery] = await runtime.deliver(
    receivedEvent({
      dossierId,
      eventId: `${dossierId}/r`,
      occurredAt: `${day}T09:00:00+07:00`,
      receivedAt: `${day}T09:00:00+07:00`,
      appointmentAt: undefined,
      ...changes,
    }),
  );
  if (!delivery?.ok) throw delivery?.error;
}

/** The detector's two SES clients on the local emulator (or a fake in front of it), with short timeouts. */
export function localSesClients(endpoint: string) {
  return createSesClients({
    region: 'ap-southeast-1',
    credentials: LOCAL_CREDENTIALS,
    endpoint,
    timeouts: { connectionMs: 1_000, requestMs: 1_500 },
  });
}

/**
 * A dossier received on `day` (no appointment) whose apology a detector run drafted three days before
 * its due date and an official approved through the link: the citizen's letter is owed. Leaves the
 * clock at the approval.
 */
export async function approvedApology(
  runtime: LocalRuntime,
  clock: TestClock,
  deps: DetectorDeps,
  dossierId: string,
  day: string,
  /** Changes to the receipt (another applicant: a phone and no email…). */
  changes: Record<string, unknown> = {},
): Promise<{ citizen: string }> {
  await receiveWithoutAppointment(runtime, dossierId, day, changes);
  const { record } = await runtime.store.load(dossierId);
  const due = Date.parse(record?.state.dueAt ?? '');
  clock.at = due - 3 * 86_400_000; // DUE_SOON: the draft is made and the official alerted
  await runDetector(deps, `${dossierId}-draft`);
  const token = signApprovalToken(LOCAL_LINK_SECRET, dossierId, clock.at + 86_400_000);
  // The new return date: the first working day at least a week after the legal due date.
  const calendar = defaultCalendar();
  let newReturn = calendar.toLocal(due).day + 7;
  while (!calendar.isWorkingDay(newReturn)) newReturn += 1;
  await approveThroughLink(
    { store: runtime.store, rules: new RuleBook(runtime.config, clock, 0), clock, linkSecret: LOCAL_LINK_SECRET },
    {
      dossierId,
      token,
      reason: 'Chờ ý kiến của cơ quan thuế',
      newReturnDate: new Date(newReturn * 86_400_000).toISOString().slice(0, 10),
      actor: headOf(record?.state.received?.agency.id ?? '', 'Rơ Lan Thị Hoa'),
    },
  );
  return { citizen: record?.state.received?.applicant.email ?? '' };
}
