import { isIP } from 'node:net';

/**
 * Hosts no public article lives on: loopback, private, link-local, CGNAT, unspecified and
 * multicast addresses, and `localhost` names. Only the URL's literal host is judged (no DNS
 * lookup: ingest never fetches the URL, it only refuses to store links into private networks).
 */
export function privateHostReason(value: string): string | null {
  let host: string;
  try {
    host = new URL(value).hostname.toLowerCase();
  } catch {
    return null; // the schema reports malformed URLs
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) {
    return 'must not point at a local host';
  }
  const family = isIP(host);
  if (family === 4 && isPrivateIpv4(host)) return 'must not point at a private-network address';
  if (family === 6 && isPrivateIpv6(host)) return 'must not point at a private-network address';
  return null;
}

function isPrivateIpv4(address: string): boolean {
  const [a, b] = address.split('.').map(Number);
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

function isPrivateIpv6(address: string): boolean {
  const lower = address.toLowerCase();
  if (lower === '::' || lower === '::1') return true;
  // IPv4-mapped (::ffff:a.b.c.d, or the hex form the URL parser writes: ::ffff:7f00:1).
  const mapped = /^::ffff:(.+)$/.exec(lower);
  if (mapped) {
    const tail = mapped[1];
    if (isIP(tail) === 4) return isPrivateIpv4(tail);
    const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(tail);
    if (hex) {
      const high = parseInt(hex[1], 16);
      const low = parseInt(hex[2], 16);
      return isPrivateIpv4(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
    }
    return true;
  }
  const first = parseInt(lower.split(':')[0] || '0', 16);
  return (
    (first & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (first & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (first & 0xff00) === 0xff00 // multicast
  );
}
