import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * A client's keys (issue #32): its network — an IPv4 /24, an IPv6 /64 — and, for IPv6, its site's /48,
 * hashed (no address is stored). An IPv6 address is read whole (`2001:db8::1`, `::ffff:192.0.2.1`).
 */
export function clientKeysOf(sourceIp: string): string[] {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(sourceIp)?.[1];
  const ip = mapped ?? sourceIp;
  if (isIPv4(ip)) return [hash(`client:${ip.split('.').slice(0, 3).join('.')}`)];
  const groups = isIPv6(ip) ? ipv6Groups(ip) : undefined;
  if (!groups) return [hash(`client:${ip}`)];
  return [hash(`client:${groups.slice(0, 4).join(':')}`), hash(`site:${groups.slice(0, 3).join(':')}`)];
}

/** An IPv6 address's eight groups, `::` expanded (an embedded IPv4 tail counts as two). */
function ipv6Groups(ip: string): string[] | undefined {
  const [head = '', tail] = ip.toLowerCase().split('::');
  const part = (text: string) => (text ? text.split(':') : []);
  const left = part(head);
  const right = part(tail ?? '');
  const last = right.at(-1) ?? left.at(-1) ?? '';
  if (last.includes('.')) (right.length ? right : left).splice(-1, 1, '0', '0');
  const fill = tail === undefined ? [] : Array.from({ length: 8 - left.length - right.length }, () => '0');
  const groups = [...left, ...fill, ...right].map((g) => String(Number.parseInt(g, 16)));
  return groups.length === 8 ? groups : undefined;
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 32);
}
