/**
 * A slow link: `start-bandwidth {rateKbit}` caps every node's egress at that rate, `stop-bandwidth`
 * lifts the cap. Unlike loss, nothing is dropped outright: a cluster that sends big messages
 * (snapshots, catch-up batches) falls behind, queues grow, and timeouts tuned for a fast LAN fire —
 * elections and session expiries that a partition-only nemesis never provokes.
 *
 * Needs `NetControl.setBandwidth` (a real network shapes traffic with tbf); a network that cannot
 * cap a rate says why through `NetControl.bandwidthUnsupportedReason`.
 */
import { nemesis } from '../../../ground/generator/index.js';
import { InputError } from '../../../ground/history/errors.js';
import type { Nemesis, NetControl } from '../../../ground/contracts/roles.js';
import { missingCapability, startStopCycle, type FaultContext, type FamilyBuild } from './family.js';
import { errorMessage } from '../../../ground/history/errors.js';

export interface BandwidthOptions {
  /** Egress cap of every node while the fault is on, kbit/s. Default 1000 (1 Mbit/s). */
  rateKbit?: number;
}

export const DEFAULT_BANDWIDTH_KBIT = 1_000;

/** Why `r` is not a rate in kbit/s, or undefined if it is one. */
function rateProblem(r: unknown): string | undefined {
  return typeof r === 'number' && Number.isInteger(r) && r >= 1 ? undefined : `must be a whole number of kbit/s ≥ 1, got ${JSON.stringify(r)}`;
}

/** The bandwidth package, or why the target's network cannot cap a rate. */
export function bandwidthPackage(ctx: FaultContext, options: BandwidthOptions = {}): FamilyBuild {
  const rateKbit = options.rateKbit ?? DEFAULT_BANDWIDTH_KBIT;
  const problem = rateProblem(rateKbit);
  if (problem !== undefined) throw new InputError(`the bandwidth rate ${problem}`);
  const net = ctx.net;
  if (net === undefined) return { unsupported: [missingCapability('bandwidth', ctx.target, 'net')] };
  if (net.setBandwidth === undefined) {
    const why = net.bandwidthUnsupportedReason?.trim();
    return { unsupported: [{ fault: 'bandwidth', reason: `bandwidth: the target's network cannot limit bandwidth${why ? ` (${why})` : ''}` }] };
  }
  return {
    unsupported: [],
    package: {
      name: 'bandwidth',
      nemesis: bandwidthNemesis(ctx, net as Required<Pick<NetControl, 'setBandwidth'>>),
      generator: startStopCycle(ctx.interval, { f: 'start-bandwidth', value: { rateKbit } }, { f: 'stop-bandwidth' }),
      finalGenerator: nemesis({ f: 'stop-bandwidth' }),
      bands: [{ name: 'bandwidth', start: 'start-bandwidth', stop: 'stop-bandwidth' }],
    },
  };
}

function bandwidthNemesis(ctx: FaultContext, net: Required<Pick<NetControl, 'setBandwidth'>>): Nemesis {
  return {
    fs: ['start-bandwidth', 'stop-bandwidth'],
    async invoke(op) {
      if (op.f === 'start-bandwidth') {
        const rateKbit = (op.value as { rateKbit?: unknown } | null)?.rateKbit;
        const problem = rateProblem(rateKbit);
        if (problem !== undefined) throw new Error(`start-bandwidth: rateKbit ${problem}`);
        await net.setBandwidth(rateKbit as number);
        return { rateKbit };
      }
      if (op.f === 'stop-bandwidth') {
        await net.setBandwidth(null);
        return { rateKbit: null };
      }
      throw new Error(`the bandwidth nemesis does not handle ${op.f}`);
    },
    async teardown() {
      try {
        await net.setBandwidth(null);
      } catch (err) {
        ctx.log(`bandwidth teardown failed: ${errorMessage(err)}`);
      }
    },
  };
}
