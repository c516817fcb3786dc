import { describe, expect, it } from 'vitest';
import type { DeadlineRule } from '../../shared/domain/rules/deadline-rule.ts';
import type { ConfigSource } from '../../shared/ports/config-source.ts';
import { RuleBook, UnknownCalendarError } from '../../shared/use-cases/rule-book.ts';
import { shippedConfig } from '../support/in-memory.ts';

describe('the rule book (rules and calendars cached with a short TTL)', () => {
  it('reads the source once per TTL and sees an administrator change after it expires', async () => {
    const shipped = await shippedConfig();
    let rules = await shipped.listRules();
    let reads = 0;
    const source: ConfigSource = {
      listRules: async () => {
        reads += 1;
        return rules;
      },
      listCalendars: () => shipped.listCalendars(),
      getUnitDirectory: () => shipped.getUnitDirectory(),
    };
    let now = 0;
    const book = new RuleBook(source, { now: () => now }, 60_000);
    const first = await book.current();
    now = 59_000;
    expect(await book.current()).toBe(first);
    expect(reads).toBe(1);
    rules = rules.slice(0, 1) as DeadlineRule[];
    now = 61_000;
    expect((await book.current()).rules).toHaveLength(1);
    expect(reads).toBe(2);
  });

  it('keeps a calendar index across reloads while its definition is unchanged', async () => {
    let now = 0;
    const book = new RuleBook(await shippedConfig(), { now: () => now }, 1);
    const a = (await book.current()).calendar('vn-civil-service');
    now = 10;
    expect((await book.current()).calendar('vn-civil-service')).toBe(a);
  });

  it('names an unknown calendar id', async () => {
    const book = new RuleBook(await shippedConfig(), { now: () => 0 });
    await expect(book.current().then((s) => s.calendar('mars'))).rejects.toThrow(UnknownCalendarError);
    await expect((async () => (await book.current()).calendar('mars'))()).rejects.toThrow('unknown calendar id "mars"');
  });

  it('asks every five seconds whether the configuration changed, and reloads at once when it did (issue #32)', async () => {
    const shipped = await shippedConfig();
    let mark = 'head-1';
    let loads = 0;
    let probes = 0;
    const source: ConfigSource = {
      listRules: async () => {
        loads += 1;
        return shipped.listRules();
      },
      listCalendars: () => shipped.listCalendars(),
      getUnitDirectory: () => shipped.getUnitDirectory(),
      changeMark: async () => {
        probes += 1;
        return mark;
      },
    };
    let now = 0;
    const book = new RuleBook(source, { now: () => now }, 60_000);
    const first = await book.current();
    now = 4_000;
    expect(await book.current()).toBe(first);
    now = 5_000;
    expect(await book.current()).toBe(first); // probed: unchanged
    expect([loads, probes]).toEqual([1, 2]);
    mark = 'head-2'; // a unit added by `dunghan units put` in another process
    now = 6_000;
    expect(await book.current()).toBe(first); // not asked again yet
    now = 10_000;
    expect(await book.current()).not.toBe(first);
    expect(loads).toBe(2);
  });
});
