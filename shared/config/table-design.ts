/**
 * The single-table design shared by the CDK stack, the local table creation and the DynamoDB adapters,
 * so that the three can never disagree on key names.
 */
export const TABLE_DESIGN = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Sparse GSI of open dossiers keyed by their next action time (`DUE#2026-11-25#07` / instant). */
  openByNextAction: { indexName: 'open-by-next-action', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
} as const;
