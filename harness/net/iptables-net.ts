/**
 * Real-network faults inside the hosts of any environment (docs/architecture.md, "Faults"): partitions and packet loss
 * with iptables, latency and jitter with the NFQUEUE delayer, bandwidth with tbf (the kernel has no
 * netem). Each host gets three chains once (FL-PART and FL-LOSS on INPUT, FL-DELAY on OUTPUT); a fault
 * rewrites one chain with one `iptables-restore --noflush` per host, all hosts in parallel, so a
 * partition lands everywhere within a few tens of ms and replaces the previous one atomically per host.
 *
 * Faults touch node-to-node traffic only: the controller (the bridge address) always reaches every
 * node, so a client bound to an isolated node keeps talking to it — the isolated node's stale answers
 * are exactly what a test wants to see.
 */
import type { Grudge, LatencyDist, NetControl } from '../roles.js';
import type { HostNetwork } from '../provision/environment.js';
import type { Remote, RemoteProcess } from '../provision/remote.js';
import { buildDelayer } from './nfq-build.js';
import { delayerArgs, lossRules, partitionRules, restoreScript, SETUP_SCRIPT } from './rules.js';

/** The queue number of the delayer (per namespace, so the same number everywhere). */
export const DELAY_QUEUE = 7;

/** How long the last fault took to apply on all hosts, for benchmarks and the run log. */
export interface NetTiming {
  op: string;
  ms: number;
}

export class IptablesNet implements NetControl {
  private delayers = new Map<string, RemoteProcess>();
  private ready: Promise<void> | undefined;
  /** Timing of every change, newest last. */
  readonly timings: NetTiming[] = [];
  /** The current state, for health records and the report. */
  current: { grudge: Grudge; loss: number; latency: LatencyDist | null; bandwidthKbit: number | null } = { grudge: {}, loss: 0, latency: null, bandwidthKbit: null };

  constructor(private readonly net: HostNetwork, private readonly logDir?: string) {}

  private get hosts(): readonly Remote[] {
    return this.net.hosts;
  }

  /** Creates the chains on every host (once; later calls wait for the first). */
  setup(): Promise<void> {
    this.ready ??= Promise.all(this.hosts.map((h) => h.execOk(['iptables-restore', '-w', '--noflush'], { input: SETUP_SCRIPT }))).then(() => undefined);
    return this.ready;
  }

  private async timed(op: string, action: () => Promise<unknown>): Promise<void> {
    await this.setup();
    const t0 = performance.now();
    await action();
    this.timings.push({ op, ms: performance.now() - t0 });
  }

  private addressOf(node: string): string {
    return this.net.host(node).address;
  }

  async partition(grudge: Grudge): Promise<void> {
    await this.timed(Object.keys(grudge).length === 0 ? 'heal' : 'partition', () => Promise.all(this.hosts.map((h) => {
      const drops = (grudge[h.node] ?? []).map((n) => this.addressOf(n));
      return h.execOk(['iptables-restore', '-w', '--noflush'], { input: restoreScript('FL-PART', partitionRules(drops)) });
    })));
    this.current.grudge = grudge;
  }

  async setLoss(probability: number): Promise<void> {
    const rules = lossRules(probability, this.net.controllerAddress, this.net.subnet);
    await this.timed(probability > 0 ? 'loss' : 'stop-loss', () => Promise.all(this.hosts.map((h) =>
      h.execOk(['iptables-restore', '-w', '--noflush'], { input: restoreScript('FL-LOSS', rules) }))));
    this.current.loss = probability;
  }

  async setExtraLatency(dist: LatencyDist | null): Promise<void> {
    await this.timed(dist ? 'latency' : 'stop-latency', async () => {
      // Rules off first, then the old delayers (which accept what they hold), then the new ones.
      await Promise.all(this.hosts.map((h) => h.execOk(['iptables-restore', '-w', '--noflush'], { input: restoreScript('FL-DELAY', []) })));
      await this.stopDelayers();
      if (dist === null) return;
      const bin = await buildDelayer();
      await Promise.all(this.hosts.map(async (h) => {
        const p = await h.spawn([bin, String(DELAY_QUEUE), ...delayerArgs(dist)], {
          what: 'nfq-delay', logFile: this.logDir ? `${this.logDir}/${h.node}-nfq-delay.log` : undefined,
        });
        this.delayers.set(h.node, p);
      }));
      // The queue must be bound before packets go to it, or --queue-bypass passes them undelayed.
      await new Promise((r) => setTimeout(r, 50));
      const rules = [`-d ${this.net.controllerAddress} -j RETURN`, `-o eth0 -d ${this.net.subnet} -j NFQUEUE --queue-num ${DELAY_QUEUE} --queue-bypass`];
      await Promise.all(this.hosts.map((h) => h.execOk(['iptables-restore', '-w', '--noflush'], { input: restoreScript('FL-DELAY', rules) })));
    });
    this.current.latency = dist;
  }

  /** Caps each host's egress with tbf (null removes the cap). */
  async setBandwidth(kbit: number | null): Promise<void> {
    await this.timed(kbit ? 'bandwidth' : 'stop-bandwidth', () => Promise.all(this.hosts.map((h) => kbit
      ? h.execOk(['tc', 'qdisc', 'replace', 'dev', 'eth0', 'root', 'tbf', 'rate', `${kbit}kbit`, 'burst', '32kbit', 'latency', '400ms'])
      : h.exec(['tc', 'qdisc', 'del', 'dev', 'eth0', 'root']))));
    this.current.bandwidthKbit = kbit;
  }

  private async stopDelayers(): Promise<void> {
    const running = [...this.delayers.values()];
    this.delayers.clear();
    await Promise.all(running.map((p) => p.stop(1_000)));
  }

  /** Heals everything (never throws); the namespaces' teardown removes the chains themselves. */
  async healAll(log: (m: string) => void = () => undefined): Promise<void> {
    for (const [what, action] of [
      ['partition', () => this.partition({})],
      ['loss', () => this.setLoss(0)],
      ['latency', () => this.setExtraLatency(null)],
      ['bandwidth', () => this.setBandwidth(null)],
    ] as const) {
      try {
        await action();
      } catch (err) {
        log(`healing ${what} failed: ${(err as Error).message}`);
      }
    }
  }
}
