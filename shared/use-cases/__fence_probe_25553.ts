import * as probe from '../adapters/aws-clients.ts';

export const used = probe;
