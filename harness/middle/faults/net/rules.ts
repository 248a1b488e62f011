/**
 * The iptables rule text of each network fault, pure so it can be unit-tested: a restore script that
 * replaces one chain's rules, the partition, loss and delay rules, and the delayer's arguments.
 */
import type { LatencyDist } from '../../../ground/contracts/roles.js';

/** Creates the fault chains and hooks them in; run once per fresh namespace. */
export const SETUP_SCRIPT = [
  '*filter',
  ':FL-PART - [0:0]',
  ':FL-LOSS - [0:0]',
  ':FL-DELAY - [0:0]',
  '-A INPUT -j FL-PART',
  '-A INPUT -j FL-LOSS',
  '-A OUTPUT -j FL-DELAY',
  'COMMIT',
  '',
].join('\n');

/**
 * An `iptables-restore --noflush` script that replaces `chain`'s rules with `rules` in one
 * transaction: declaring an existing chain flushes it, and the commit applies all or nothing.
 */
export function restoreScript(chain: string, rules: readonly string[]): string {
  return ['*filter', `:${chain} - [0:0]`, ...rules.map((r) => `-A ${chain} ${r}`), 'COMMIT', ''].join('\n');
}

/** Drops everything from the given addresses (Jepsen drops on INPUT, on each side). */
export function partitionRules(dropFrom: readonly string[]): string[] {
  return dropFrom.map((ip) => `-s ${ip} -j DROP`);
}

/** Drops node-to-node packets with probability p; the controller's traffic (gateway) is spared. */
export function lossRules(p: number, gateway: string, subnet: string): string[] {
  if (!(p > 0)) return [];
  if (p > 1) throw new RangeError(`loss probability must be in (0, 1], got ${p}`);
  return [`-s ${gateway} -j RETURN`, `-s ${subnet} -m statistic --mode random --probability ${p.toFixed(4)} -j DROP`];
}

/** The delayer's command-line arguments for a distribution. */
export function delayerArgs(dist: LatencyDist): string[] {
  switch (dist.kind) {
    case 'constant':
      return ['constant', String(dist.ms)];
    case 'uniform':
      return ['uniform', String(dist.minMs), String(dist.maxMs)];
    case 'exponential':
      return ['exponential', String(dist.meanMs)];
  }
}
