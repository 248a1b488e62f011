/**
 * IPv4 subnets for the namespace network: parsing `a.b.c.d/len`, the addresses hosts get (the bridge
 * is .1, node i is .(10+i)), and overlap with the routes this machine already has — a subnet that is
 * already routed would hijack real traffic or collide with another run, so it is refused.
 */
export interface Subnet {
  base: number;
  prefix: number;
}

const toInt = (ip: string): number | undefined => {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
};

export const ipOf = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');

const mask = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

/** Parses `a.b.c.d/len`; throws a RangeError naming the problem. */
export function parseSubnet(text: string): Subnet {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(text.trim());
  const ip = m ? toInt(m[1]) : undefined;
  const prefix = m ? Number(m[2]) : NaN;
  if (!m || ip === undefined || prefix > 32) throw new RangeError(`"${text}" is not an IPv4 subnet like 10.91.0.0/24`);
  return { base: (ip & mask(prefix)) >>> 0, prefix };
}

export function formatSubnet(s: Subnet): string {
  return `${ipOf(s.base)}/${s.prefix}`;
}

/** Addresses available to hosts: the bridge takes .1 and node i (0-based) takes base + 11 + i. */
export function capacity(s: Subnet): number {
  return Math.max(0, 2 ** (32 - s.prefix) - 12);
}

export function gatewayIp(s: Subnet): string {
  return ipOf(s.base + 1);
}

/** The address of the i-th node (0-based). */
export function hostIp(s: Subnet, i: number): string {
  if (i < 0 || i >= capacity(s)) throw new RangeError(`subnet ${formatSubnet(s)} has room for ${capacity(s)} hosts, not ${i + 1}`);
  return ipOf(s.base + 11 + i);
}

/** True when the two subnets share an address. */
export function overlaps(a: Subnet, b: Subnet): boolean {
  const p = Math.min(a.prefix, b.prefix);
  return ((a.base & mask(p)) >>> 0) === ((b.base & mask(p)) >>> 0);
}

/**
 * Destination prefixes of `ip -4 route show table all` output, ignoring the default route (which
 * covers everything and would forbid every subnet) and the local/broadcast entries of loopback.
 */
export function routedSubnets(routeOutput: string): Subnet[] {
  const out: Subnet[] = [];
  for (const line of routeOutput.split('\n')) {
    const words = line.trim().split(/\s+/);
    let dest = words[0];
    if (dest === 'local' || dest === 'broadcast' || dest === 'unicast') dest = words[1];
    if (!dest || dest === 'default' || words.includes('lo')) continue;
    try {
      out.push(parseSubnet(dest.includes('/') ? dest : `${dest}/32`));
    } catch {
      // Not an IPv4 route (multicast type words, blank lines): irrelevant.
    }
  }
  return out;
}

/** The first /24 of `10.91.0.0/16` … that overlaps none of `routed`, or undefined when all are taken. */
export function freeSubnet(routed: readonly Subnet[], pool = '10.91.0.0/16'): Subnet | undefined {
  const p = parseSubnet(pool);
  for (let i = 0; i < 2 ** (24 - p.prefix); i++) {
    const candidate: Subnet = { base: p.base + i * 256, prefix: 24 };
    if (!routed.some((r) => overlaps(r, candidate))) return candidate;
  }
  return undefined;
}
