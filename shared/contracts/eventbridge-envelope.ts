import * as z from './z.ts';

/**
 * The EventBridge envelope, field for field as Powertools' `EventBridgeSchema`, declared here with the
 * tree-shakeable namespace import: Powertools' own schema imports `{ z }`, which pulls every zod locale
 * and the JSON-Schema code into the function bundle (≈ 350 KB minified).
 */
export const eventBridgeEnvelopeSchema = z.object({
  version: z.string(),
  id: z.string(),
  source: z.string(),
  account: z.string(),
  time: z.iso.datetime({ offset: true }),
  region: z.string(),
  resources: z.array(z.string()),
  'detail-type': z.string(),
  detail: z.unknown(),
  'replay-name': z.optional(z.string()),
});

export type EventBridgeEnvelope = z.output<typeof eventBridgeEnvelopeSchema>;
