import { isIP } from 'node:net';

/**
 * True for addresses only this machine can reach: 127.0.0.0/8, ::1, their IPv4-mapped form and
 * "localhost". Every listener (dashboard, embedded broker) asks this before it opens without a login.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h.startsWith('::ffff:127.');
  return false;
}
