import type { EventBridgeEnvelope } from '../../local/local-event-bus.ts';
import { fixture } from './fixtures.ts';

/** A DossierReceived envelope based on the example, with the given changes to its detail. */
export function receivedEvent(changes: Record<string, unknown>): EventBridgeEnvelope {
  const base = fixture('dossier-received');
  const detail = { ...(base.detail as Record<string, unknown>), ...changes };
  if (!('steps' in changes)) delete detail.steps;
  // Sent when it happened, as a one-stop system puts it on the bus (the envelope's time follows it).
  const time = new Date(String(detail.occurredAt)).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { ...base, time, detail };
}

/** Any other lifecycle event for a dossier. */
export function lifecycleEvent(type: string, detail: Record<string, unknown>): EventBridgeEnvelope {
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': type,
    source: 'vn.gialai.one-door',
    account: '123456789012',
    time: new Date(String(detail.occurredAt)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'ap-southeast-1',
    resources: [],
    detail: { schemaVersion: 1, ...detail },
  };
}

/** A land dossier received at the commune of Ia Rmok on Mon 02/11/2026 09:00 (8 working days, due 12/11 17:00). */
export function communeLandReceipt(dossierId: string, changes: Record<string, unknown> = {}): EventBridgeEnvelope {
  return receivedEvent({
    dossierId,
    eventId: `${dossierId}/r`,
    occurredAt: '2026-11-02T09:00:00+07:00',
    receivedAt: '2026-11-02T09:00:00+07:00',
    appointmentAt: '2026-11-12T17:00:00+07:00',
    procedure: { code: '1.013831', name: 'Đăng ký biến động quyền sử dụng đất', field: 'Đất đai' },
    agency: { id: 'H21.65.01', name: 'UBND xã Ia Rmok', parentName: 'UBND huyện Krông Pa', place: 'Ia Rmok' },
    head: undefined,
    steps: [
      { unitId: 'VPDKDD-KP', duration: '5wd' },
      { unitId: 'CCT-KP', duration: '3wd' },
    ],
    ...changes,
  });
}
