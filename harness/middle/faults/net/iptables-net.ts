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
 *
 * On hosts with a filesystem of their own (`Remote.runDir`, ssh) the delayer is compiled on the host
 * from the same source, since a binary built here may not run there; its log stays beside the node's.
 */
import type { Grudge, LatencyDist, NetControl } from '../../../ground/contracts/roles.js';
import type { HostNetwork } from '../../hosts/environment.js';
import type { Remote, RemoteProcess } from '../../hosts/remote.js';
import { buildOnHost, type HostHelper } from '../../hosts/host-build.js';
import { buildDelayer, DELAYER_HELPER } from './nfq-build.js';
import { delayerArgs, lossRules, partitionRules, restoreScript, SETUP_SCRIPT } from './rules.js';

/** The delayer as a host with a filesystem of its own builds it (once per run and host). */
const REMOTE_DELAYER: HostHelper = { ...DELAYER_HELPER, needs: 'gcc and libnetfilter-queue-dev' };

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

  /** Hosts with a namespace to change: a stopped container has none (its rules come back by `restore`). */
  private get hosts(): readonly Remote[] {
    return this.net.hosts.filter((h) => h.networkUp?.() ?? true);
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

  private partitionOn(h: Remote, grudge: Grudge): Promise<string> {
    const drops = (grudge[h.node] ?? []).map((n) => this.addressOf(n));
    return h.execOk(['iptables-restore', '-w', '--noflush'], { input: restoreScript('FL-PART', partitionRules(drops)) });
  }

  private lossOn(h: Remote, probability: number): Promise<string> {
    const rules = lossRules(probability, this.net.controllerAddress, this.net.subnet);
    return h.execOk(['iptables-restore', '-w', '--noflush'], { input: restoreScript('FL-LOSS', rules) });
  }

  private delayRulesOn(h: Remote, on: boolean): Promise<string> {
    const rules = on ? [`-d ${this.net.controllerAddress} -j RETURN`, `-o ${h.netInterface ?? 'eth0'} -d ${this.net.subnet} -j NFQUEUE --queue-num ${DELAY_QUEUE} --queue-bypass`] : [];
    return h.execOk(['iptables-restore', '-w', '--noflush'], { input: restoreScript('FL-DELAY', rules) });
  }

  private async startDelayer(h: Remote, bin: string, dist: LatencyDist): Promise<void> {
    const p = await h.spawn([bin, String(DELAY_QUEUE), ...delayerArgs(dist)], {
      what: 'nfq-delay',
      logFile: h.runDir !== undefined ? `${h.runDir}/nfq-delay.log` : this.logDir ? `${this.logDir}/${h.node}-nfq-delay.log` : undefined,
    });
    this.delayers.set(h.node, p);
  }

  private bandwidthOn(h: Remote, kbit: number | null): Promise<unknown> {
    const dev = h.netInterface ?? 'eth0';
    if (kbit) return h.execOk(['tc', 'qdisc', 'replace', 'dev', dev, 'root', 'tbf', 'rate', `${kbit}kbit`, 'burst', '32kbit', 'latency', '400ms']);
    // A real machine's own root qdisc is left alone: only the tbf a fault put there is removed.
    return h.runDir !== undefined
      ? h.exec(['sh', '-c', 'tc qdisc show dev "$1" | grep -q "^qdisc tbf" && tc qdisc del dev "$1" root; true', 'sh', dev])
      : h.exec(['tc', 'qdisc', 'del', 'dev', dev, 'root']);
  }

  async partition(grudge: Grudge): Promise<void> {
    await this.timed(Object.keys(grudge).length === 0 ? 'heal' : 'partition', () => Promise.all(this.hosts.map((h) => this.partitionOn(h, grudge))));
    this.current.grudge = grudge;
  }

  async setLoss(probability: number): Promise<void> {
    await this.timed(probability > 0 ? 'loss' : 'stop-loss', () => Promise.all(this.hosts.map((h) => this.lossOn(h, probability))));
    this.current.loss = probability;
  }

  async setExtraLatency(dist: LatencyDist | null): Promise<void> {
    await this.timed(dist ? 'latency' : 'stop-latency', async () => {
      // Rules off first, then the old delayers (which accept what they hold), then the new ones.
      await Promise.all(this.hosts.map((h) => this.delayRulesOn(h, false)));
      await this.stopDelayers();
      if (dist === null) return;
      // Hosts on this machine run the delayer built here; a host with a filesystem of its own builds its own.
      const local = this.hosts.some((h) => h.runDir === undefined) ? await buildDelayer() : '';
      await Promise.all(this.hosts.map(async (h) => this.startDelayer(h, h.runDir === undefined ? local : await buildOnHost(h, REMOTE_DELAYER), dist)));
      // The queue must be bound before packets go to it, or --queue-bypass passes them undelayed.
      await new Promise((r) => setTimeout(r, 50));
      await Promise.all(this.hosts.map((h) => this.delayRulesOn(h, true)));
    });
    this.current.latency = dist;
  }

  /** Caps each host's egress with tbf (null removes the cap). */
  async setBandwidth(kbit: number | null): Promise<void> {
    await this.timed(kbit ? 'bandwidth' : 'stop-bandwidth', () => Promise.all(this.hosts.map((h) => this.bandwidthOn(h, kbit))));
    this.current.bandwidthKbit = kbit;
  }

  /**
   * Re-applies the faults in force on one host after its server started in a fresh network namespace
   * (a restarted container): the chains, its side of the partition, loss, latency (a new delayer: the
   * old one sits in the dead namespace) and the bandwidth cap.
   */
  async restore(node: string): Promise<void> {
    const h = this.net.host(node);
    if (!(h.networkUp?.() ?? true)) return;
    const t0 = performance.now();
    await h.execOk(['iptables-restore', '-w', '--noflush'], { input: SETUP_SCRIPT });
    const c = this.current;
    if (Object.keys(c.grudge).length > 0) await this.partitionOn(h, c.grudge);
    if (c.loss > 0) await this.lossOn(h, c.loss);
    const old = this.delayers.get(node);
    if (old) { this.delayers.delete(node); await old.stop(1_000); }
    if (c.latency) {
      await this.startDelayer(h, await buildDelayer(), c.latency);
      await new Promise((r) => setTimeout(r, 50));
      await this.delayRulesOn(h, true);
    }
    if (c.bandwidthKbit) await this.bandwidthOn(h, c.bandwidthKbit);
    this.timings.push({ op: `restore ${node}`, ms: performance.now() - t0 });
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
