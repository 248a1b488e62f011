/**
 * The smallest IPv4 subnet that covers every host's address: what the loss and latency rules call
 * "node-to-node traffic" when the hosts are real machines rather than a bridge Faultline made.
 */
import { formatSubnet, parseSubnet } from '../local/subnet.js';

/** `a.b.c.d/len` covering all `addresses` (at least /24 wide, so one rule covers a typical LAN). */
export function coveringSubnet(addresses: readonly string[], narrowest = 24): string {
  const ints = addresses.map((a) => parseSubnet(`${a}/32`).base);
  let prefix = narrowest;
  const masked = (n: number, p: number): number => (p === 0 ? 0 : (n & ((0xffffffff << (32 - p)) >>> 0)) >>> 0);
  while (prefix > 0 && new Set(ints.map((n) => masked(n, prefix))).size > 1) prefix--;
  return formatSubnet({ base: masked(ints[0], prefix), prefix });
}


