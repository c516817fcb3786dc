import type { DossierRecord, OwedNotification } from './dossier-record.ts';

/*
 * A citizen receives at most one apology email for one delay (ADR 0005, amended). The write that leases
 * the apology for sending marks it in flight; the write that records the outcome clears the mark. An
 * outcome nobody recorded (the run died) or that SES did not give (a timeout) is unknown: the apology
 * is never emailed again, and the desk official is asked to confirm with the citizen instead.
 */

/**
 * The citizen's apology marked uncertain (never emailed again) and the desk alert that replaces it: the
 * desk official gets the printable letter and asks the citizen whether the email arrived.
 */
export function uncertainApology(record: DossierRecord, n: OwedNotification, at: string): DossierRecord {
  const { inFlight: _unknown, ...rest } = n;
  const desk: OwedNotification = {
    id: `${record.state.dossierId}#apology#apology_unconfirmed`,
    kind: 'apology_unconfirmed',
    createdAt: at,
    attempts: 0,
  };
  return {
    ...record,
    notifications: {
      ...record.notifications,
      [n.id]: { ...rest, uncertainAt: at },
      ...(record.notifications[desk.id] ? {} : { [desk.id]: desk }),
    },
  };
}

/** Settles every citizen's apology left in flight by another run whose lease is over. */
export function settleUncertainApologies(record: DossierRecord, runId: string, now: number): DossierRecord {
  let next = record;
  for (const n of Object.values(record.notifications)) {
    if (n.kind !== 'apology_to_citizen' || !n.inFlight || n.inFlight.runId === runId) continue;
    if (n.sentAt || n.uncertainAt || n.cancelledAt || n.failedAt) continue;
    next = uncertainApology(next, n, new Date(now).toISOString());
  }
  return next;
}
