// dynalite (4.0) reads the local table through abstract-level iterators and never closes one that ran to
// its end; abstract-level keeps every open iterator attached to the database, and with it the snapshot of
// the data it was opened on. Every Query and Scan then leaks a snapshot: the local runtime grew past 1 GB
// over the sample year (issue #13). Closing an iterator as soon as it reports its end releases it; a
// closed iterator is never read again (dynalite's stream ends there).
import { AbstractIterator, AbstractKeyIterator, AbstractValueIterator } from 'abstract-level';

for (const Iterator of [AbstractIterator, AbstractKeyIterator, AbstractValueIterator]) {
  const next = Iterator.prototype.next;
  if (next.closesAtEnd) continue;
  const closingNext = async function (...args) {
    const item = await next.apply(this, args);
    if (item === undefined) await this.close().catch(() => undefined);
    return item;
  };
  closingNext.closesAtEnd = true;
  Iterator.prototype.next = closingNext;
}
