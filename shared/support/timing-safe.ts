import { timingSafeEqual } from 'node:crypto';

/** Two texts compared in constant time (a secret's digest against the one stored). */
export function timingSafeEqualText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
