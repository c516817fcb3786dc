/**
 * The single-table design shared by the CDK stack, the local table creation and the DynamoDB adapters,
 * so that the three can never disagree on key names.
 */
export const TABLE_DESIGN = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds after which DynamoDB deletes an item (the status page's attempt counters). */
  timeToLive: 'expiresAt',
  /**
   * Sparse GSI of open dossiers keyed by their next action time (`DUE#2026-11-25#07` / instant), keys
   * only: a write that does not move a dossier's next action costs the index nothing, and the detector
   * reads the few records it needs from the table (ADR 0011).
   */
  openByNextAction: {
    indexName: 'open-by-next-action',
    partitionKey: 'gsi1pk',
    sortKey: 'gsi1sk',
    projection: 'KEYS_ONLY',
  },
  /**
   * GSI of every received dossier by when it closed (`CLOSED#2026-11`, Vietnam time, sorted by receipt
   * instant `2026-11-02T01:15:00.000Z#<id>`) or, not closed yet, by the unit holding it (`LIVE#H21.65.01`,
   * sorted by its place in that unit's queue, `1<due, base 36>#<id>`: ADR 0027), projecting only the
   * report row: a period's report reads the dossiers alive in it and nothing else, a desk's queue reads
   * its own partition in order. The `LIVE` partitions are also what administrators' previews and
   * recomputes read (a not-closed row carries the calendar and the clock's start), so no index of its
   * own is paid for on every write (ADR 0013).
   */
  reportByClose: {
    indexName: 'report-by-close',
    partitionKey: 'gsi3pk',
    sortKey: 'gsi3sk',
    projected: ['report'],
    projection: 'INCLUDE',
  },
} as const;

type Index = (typeof TABLE_DESIGN)['openByNextAction' | 'reportByClose'];

/** Every index with its projection: `ALL`, `KEYS_ONLY`, or the attributes it includes. */
export const TABLE_INDEXES: readonly {
  indexName: string;
  partitionKey: string;
  sortKey: string;
  projection: 'ALL' | 'KEYS_ONLY' | readonly string[];
}[] = [TABLE_DESIGN.openByNextAction, TABLE_DESIGN.reportByClose].map((i: Index) => ({
  indexName: i.indexName,
  partitionKey: i.partitionKey,
  sortKey: i.sortKey,
  projection:
    i.projection === 'INCLUDE' && 'projected' in i ? i.projected : i.projection === 'KEYS_ONLY' ? 'KEYS_ONLY' : 'ALL',
}));
