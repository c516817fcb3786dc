import { describe, expect, it } from 'vitest';
import { clientKeysOf } from '../../shared/adapters/client-keys.ts';

/** Issue #32: the status page counts a client by its network, read whole whatever way the address is written. */
describe('a client’s keys', () => {
  it('an IPv4 /24, an IPv4-mapped IPv6 address as the same', () => {
    expect(clientKeysOf('203.0.113.7')).toEqual(clientKeysOf('203.0.113.250'));
    expect(clientKeysOf('::ffff:203.0.113.7')).toEqual(clientKeysOf('203.0.113.9'));
    expect(clientKeysOf('203.0.114.7')).not.toEqual(clientKeysOf('203.0.113.7'));
  });

  it('an IPv6 /64 and its /48, however the address is compressed', () => {
    const [net, site] = clientKeysOf('2001:db8:77:1::1');
    expect(clientKeysOf('2001:0db8:0077:0001:0000:0000:0000:00ff')).toEqual([net, site]);
    expect(clientKeysOf('2001:db8:77:1:ffff::')).toEqual([net, site]);
    const [otherNet, sameSite] = clientKeysOf('2001:db8:77:2::1');
    expect(otherNet).not.toBe(net);
    expect(sameSite).toBe(site);
    expect(clientKeysOf('2001:db8:78:1::1')[1]).not.toBe(site);
    expect(clientKeysOf('::1')).toHaveLength(2);
  });
});
