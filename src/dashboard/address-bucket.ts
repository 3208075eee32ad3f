import { isIP } from 'node:net';

/**
 * The rate-limit key of a client address. IPv4 is taken as is; IPv6 by its /64, since one home or
 * shop network is given a whole /64 and can rotate through its addresses for free, so one key per
 * address would let every guess come from a new one. IPv4-mapped IPv6 counts as the IPv4 address.
 */
export function addressBucket(ip: string): string {
  const addr = ip.trim().toLowerCase().replace(/%.*$/, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(addr);
  if (mapped) return mapped[1];
  if (isIP(addr) !== 6) return addr;
  return `${hextets(addr).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, without leading zeros (`::` expanded). */
function hextets(addr: string): string[] {
  const split = (part: string) => (part === '' ? [] : part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])));
  const [head, tail] = addr.includes('::') ? addr.split('::') : [addr, ''];
  const h = split(head);
  const t = split(tail);
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => parseInt(g, 16).toString(16));
}
