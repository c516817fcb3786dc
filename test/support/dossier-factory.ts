import type { EventBridgeEnvelope } from '../../local/local-event-bus.ts';
import { fixture } from './fixtures.ts';

/** A DossierReceived envelope based on the example, with the given changes to its detail. */
export function receivedEvent(changes: Record<string, unknown>): EventBridgeEnvelope {
  const base = fixture('dossier-received');
  const detail = { ...(base.detail as Record<string, unknown>), ...changes };
  if (!('steps' in changes)) delete detail.steps;
  return { ...base, detail };
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
