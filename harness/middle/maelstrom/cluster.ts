/**
 * MaelstromCluster: any binary speaking the Maelstrom protocol, run as a Faultline Target.
 *
 * It spawns n0..n{N-1}, routes every message through one simulated Network (journaled to
 * messages.jsonl), hosts Maelstrom's services in-process, hands out client connections, and offers
 * the nemesis kill/start, pause/resume, partitions/loss/latency and — through libfaketime — clock skew.
 * Everything a node does wrong on the wire is recorded by name in `protocolErrors`, never thrown
 * into the run, so the run decides whether it fails.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import type { ClockControl, DiskControl, Grudge, HasPrimaries, Killable, LatencyDist, MembershipControl, NetControl, Pausable, Target } from '../../ground/contracts/roles.js';
import { ClientConn } from './client-conn.js';
import { harnessLog, resolveOptions, type MaelstromClusterOptions, type ResolvedOptions } from './cluster-options.js';
import { detectFaketime, faketimeEnv, writeOffset } from '../hosts/faketime.js';
import type { JournalView } from './journal.js';
import { describeLatency } from './latency.js';
import { Network } from './network.js';
import { NodeProcess, type NodeExit } from './node-process.js';
import type { MaelstromBody } from '../../ground/protocol/protocol.js';
import { createService, replyOf } from './services.js';
import { InitError, initNodes } from './init.js';
import { NodeDisks } from '../faults/disk/node-disks.js';
import { ProtocolErrorLog } from './protocol-errors.js';
import { parseNodeLine, type NodeProtocolError } from './wire.js';

/** The client id the cluster itself uses for init. */
const CONTROL_CLIENT = 'c0';

export class MaelstromCluster implements Target {
  readonly name = 'maelstrom';
  readonly nodes: readonly string[];
  /** Invalid lines the nodes printed (the first 1000; see protocolErrorCount for all). */
  get protocolErrors(): readonly NodeProtocolError[] {
    return this.errors.records;
  }
  /** All invalid lines, including those not kept. */
  get protocolErrorCount(): number {
    return this.errors.count;
  }
  /**
   * Lines delivered although Faultline is stricter than Maelstrom there (wire.ts): per node and rule,
   * how many and the first one's sentence. They go into the report, never into the verdict.
   */
  readonly protocolWarnings = new Map<string, { node: string; rule: string; count: number; text: string }>();
  /** Nodes that never answered init (their malformed lines, if any, are then the run's finding). */
  readonly initFailures = new Set<string>();
  /** Exits the harness did not cause (crashes), with code or signal. */
  readonly crashes: NodeExit[] = [];
  readonly killable: Killable;
  readonly pausable: Pausable;
  readonly net: NetControl;
  readonly clock: ClockControl | undefined;
  /** Why `clock` is undefined (read by the nemesis for its unsupported-fault record). */
  readonly clockUnsupportedReason: string | undefined;
  /** Offered only with the `primaries` option: Maelstrom has no convention for asking who leads. */
  readonly primaries: HasPrimaries | undefined;
  /** Offered with the `disk` option: the nodes' data files, under the lose-un-fsynced layer when asked. */
  readonly disk: DiskControl | undefined;
  /** Set by a target whose nodes have a membership convention (the bundled Raft's `raft_member`). */
  membership: MembershipControl | undefined;
  private readonly disks: NodeDisks | undefined;

  private readonly o: ResolvedOptions;
  private network: Network | undefined;
  private readonly procs = new Map<string, NodeProcess>();
  private readonly conns = new Map<string, ClientConn>();
  private readonly errors: ProtocolErrorLog;
  private readonly log: (line: string) => void;
  private readonly offsets: Record<string, number> = {};
  private readonly faketimeLib: string | undefined;
  private nextClient = 1;
  private setupDone: Promise<void> | undefined;
  private tornDown: Promise<void> | undefined;

  /** Validates the options; nothing starts until setup(). */
  constructor(options: MaelstromClusterOptions) {
    this.o = resolveOptions(options);
    this.log = harnessLog(this.o);
    this.errors = new ProtocolErrorLog((line) => this.log(line), this.o.onProtocolError);
    this.nodes = Array.from({ length: this.o.nodeCount }, (_, i) => `n${i}`);
    const ft = detectFaketime(this.o.bin, this.o.faketime);
    if ('lib' in ft) {
      this.faketimeLib = ft.lib;
      this.clock = {
        setClockOffset: async (node, ms) => this.setClockOffset(node, ms),
        clockOffsets: () => ({ ...this.offsets }),
      };
    } else {
      this.clockUnsupportedReason = ft.reason;
    }
    this.killable = { kill: (n) => this.kill(n), start: (n) => this.startNode(n) };
    const ask = this.o.primaries;
    if (ask) {
      this.primaries = {
        primaries: () => ask(async (node, body, timeoutMs) => this.client('c-primaries').rpc(node, body, timeoutMs), this.nodes),
      };
    }
    if (this.o.disk) this.disk = this.disks = new NodeDisks({ ...this.o.disk, log: (line) => this.log(line) });
    this.pausable = { pause: async (n) => this.proc(n).pause(), resume: async (n) => this.proc(n).resume() };
    this.net = {
      partition: async (g: Grudge) => { this.requireNet().partition(g); this.log(`partition ${JSON.stringify(this.requireNet().grudge())}`); },
      setLoss: async (p: number) => { this.requireNet().setLoss(p); this.log(`message loss ${p}`); },
      setExtraLatency: async (d: LatencyDist | null) => {
        this.requireNet().setExtraLatency(d);
        this.log(`extra latency ${d === null ? 'off' : describeLatency(d)}`);
      },
      // No setBandwidth: the routed network has no links, so there is no rate to cap.
      bandwidthUnsupportedReason:
        'the routed Maelstrom network delivers each message whole after a latency; it has no link rate to cap (use a namespace target such as etcd or zookeeper)',
    };
  }

  /** Constructs and sets up a cluster: spawned, initialised, every node answered init_ok. */
  static async start(options: MaelstromClusterOptions): Promise<MaelstromCluster> {
    const c = new MaelstromCluster(options);
    await c.setup();
    return c;
  }

  /** Spawns the nodes and waits for every init_ok; on failure tears down and throws one clear error. */
  setup(): Promise<void> {
    this.setupDone ??= this.doSetup();
    return this.setupDone;
  }

  /** A client connection (a MaelstromConn) with id `id` (default c1, c2, …); the same id gives the same connection. */
  client(id?: string): ClientConn {
    const net = this.requireNet();
    if (this.tornDown) throw new Error('the Maelstrom cluster is torn down; no new clients');
    if (id === CONTROL_CLIENT) throw new Error(`client id ${CONTROL_CLIENT} is reserved for the cluster's init messages`);
    if (id !== undefined) {
      const existing = this.conns.get(id);
      if (existing) return existing;
      if (net.has(id)) throw new Error(`client id ${id} is taken by a node or service`);
    } else {
      do id = `c${this.nextClient++}`; while (net.has(id));
    }
    return this.connect(id);
  }

  /** The network journal, for the report. */
  get journal(): JournalView {
    const net = this.requireNet();
    return { path: net.journalPath!, stats: () => net.stats(), flush: () => net.flush() };
  }

  /** The PID of a running node (undefined when stopped), for logs and tests. */
  pidOf(node: string): number | undefined {
    const p = this.proc(node);
    return p.state === 'stopped' ? undefined : p.pid;
  }

  /** The node's state: running, paused or stopped. */
  stateOf(node: string): NodeProcess['state'] {
    return this.proc(node).state;
  }

  /** Kills every node and service connection, closes the journal. Idempotent; never throws. */
  teardown(): Promise<void> {
    this.tornDown ??= this.doTeardown();
    return this.tornDown;
  }

  private async doSetup(): Promise<void> {
    const o = this.o;
    fs.mkdirSync(nodePath.join(o.dir, 'nodes'), { recursive: true });
    if (this.faketimeLib) fs.mkdirSync(nodePath.join(o.dir, 'clock'), { recursive: true });
    const net = new Network({
      seed: o.seed, latency: o.latency, journalPath: nodePath.join(o.dir, 'messages.jsonl'),
      timeOrigin: o.timeOrigin, faultScope: o.netFaultScope,
      onError: (err) => this.log(`network delivery failed: ${(err as Error).stack ?? String(err)}`),
    });
    this.network = net;
    for (const name of o.services) {
      const svc = createService(name, { seed: o.seed, seqKv: o.seqKv, lwwKv: o.lwwKv });
      net.register(name, 'service', (msg) => {
        const reply = replyOf(svc, msg.src, msg.body);
        // A request without msg_id cannot be matched by its sender; Maelstrom's answer would be noise.
        if (msg.body.msg_id !== undefined) net.send(name, msg.src, reply);
      });
    }
    this.connect(CONTROL_CLIENT);
    const env = { ...process.env, ...o.env };
    for (const id of this.nodes) {
      const proc = this.makeProc(id, env);
      this.procs.set(id, proc);
      net.register(id, 'node', (msg, bodyJson) =>
        proc.write(`{"id":${msg.id},"src":${JSON.stringify(msg.src)},"dest":${JSON.stringify(msg.dest)},"body":${bodyJson}}`));
      net.setUp(id, false);
    }
    // If the harness exits without teardown (an uncaught error, process.exit), the nodes — in their own
    // process groups, so no terminal signal reaches them — must not outlive it.
    process.on('exit', this.exitHook);
    this.log(`maelstrom: starting ${this.nodes.length} nodes: ${[o.bin, ...o.args].join(' ')}; latency ${describeLatency(o.latency)}; ` +
      `services ${o.services.join(', ')}; clock skew ${this.faketimeLib ? 'via libfaketime' : `unsupported (${this.clockUnsupportedReason})`}`);
    try {
      // The disks (and their FUSE layers) before the first node opens a file.
      await this.disks?.setup(this.nodes);
      // allSettled: a node still spawning when another failed must be running (and killable) before teardown.
      const spawned = await Promise.allSettled([...this.procs.values()].map((p) => p.start()));
      const failed = spawned.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      await this.init(this.nodes);
    } catch (err) {
      await this.teardown();
      throw err;
    }
  }

  private makeProc(id: string, env: NodeJS.ProcessEnv): NodeProcess {
    const o = this.o;
    let nodeEnv: NodeJS.ProcessEnv = env;
    if (this.faketimeLib) {
      const file = nodePath.join(o.dir, 'clock', id);
      writeOffset(file, 0);
      this.offsets[id] = 0;
      nodeEnv = { ...env, ...faketimeEnv(this.faketimeLib, nodePath.resolve(file), env, true) };
    }
    return new NodeProcess({
      id, bin: o.bin, args: o.args, env: nodeEnv, cwd: o.cwd,
      logPath: nodePath.join(o.dir, 'nodes', `${id}.log`),
      now: () => this.requireNet().now(),
      onLine: (line) => this.onLine(id, line),
      onOverflow: (head) => this.errors.add(id, this.requireNet().now(), head, `it printed more than 16 MiB without a newline`, 'one JSON message per line, each ending in a newline'),
      onExit: (exit) => this.onExit(exit),
    });
  }

  private onLine(node: string, line: string): void {
    const net = this.network!;
    const parsed = parseNodeLine(node, line, (d) => net.has(d), () => net.names());
    if (!parsed.ok) return this.errors.add(node, net.now(), line, parsed.problem, parsed.expected);
    for (const w of parsed.warnings ?? []) {
      const key = `${node} ${w.rule}`;
      const seen = this.protocolWarnings.get(key);
      if (seen) seen.count++;
      else {
        this.protocolWarnings.set(key, { node, rule: w.rule, count: 1, text: w.text });
        this.log(`protocol warning: ${w.text}`);
      }
    }
    net.send(parsed.msg.src, parsed.msg.dest, parsed.msg.body, parsed.bodyJson);
  }

  private onExit(exit: NodeExit): void {
    this.network?.setUp(exit.node, false);
    const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
    if (exit.expected || this.tornDown) return;
    this.crashes.push(exit);
    // Read the log once the node's last stderr is in it (a node that throws and exits is still flushing).
    const proc = this.proc(exit.node);
    void proc.flushLog().then(() => {
      const tail = proc.logExcerpt(600);
      this.log(`${exit.node} (pid ${exit.pid}) exited unexpectedly with ${how}${tail ? `; the end of nodes/${exit.node}.log:\n${tail}` : ''}`);
    });
  }

  private async init(nodes: readonly string[]): Promise<void> {
    try {
      await this.initOnce(nodes);
    } catch (err) {
      if (err instanceof InitError) for (const n of Object.keys(err.failures)) this.initFailures.add(n);
      throw err;
    }
  }

  private initOnce(nodes: readonly string[]): Promise<void> {
    return initNodes({
      nodes,
      allNodes: this.nodes,
      ...(this.o.initNodeIds ? { idsOf: this.o.initNodeIds } : {}),
      timeoutMs: this.o.initTimeoutMs,
      markUp: (n) => this.requireNet().setUp(n, true),
      rpc: (n, body: MaelstromBody) => this.conns.get(CONTROL_CLIENT)!.rpcDirect(n, body, this.o.initTimeoutMs),
      proc: (n) => this.proc(n),
      protocolErrorsOf: (n) => this.errors.of(n),
    });
  }

  private async kill(node: string): Promise<void> {
    const p = this.proc(node);
    // Down first, so messages already in flight to it are lost like packets to a crashed host.
    this.requireNet().setUp(node, false);
    await p.kill();
    this.log(`killed ${node}`);
  }

  private async startNode(node: string): Promise<void> {
    const p = this.proc(node);
    if (p.state !== 'stopped') return;
    if (this.tornDown) throw new Error(`cannot start ${node}: the cluster is torn down`);
    await p.start();
    try {
      await this.init([node]);
    } catch (err) {
      // A node that never initialised is of no use and must not linger half-started.
      this.requireNet().setUp(node, false);
      await p.kill();
      throw err;
    }
    this.log(`started ${node} (pid ${p.pid})`);
  }

  private setClockOffset(node: string, ms: number): void {
    this.proc(node);
    if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new Error(`clock offset for ${node} must be a finite number of ms, got ${JSON.stringify(ms)}`);
    writeOffset(nodePath.join(this.o.dir, 'clock', node), ms);
    this.offsets[node] = ms;
  }

  private connect(id: string): ClientConn {
    const net = this.requireNet();
    const conn = new ClientConn(id, net, this.o.rpcTimeoutMs);
    net.register(id, 'client', (msg) => conn.deliver(msg));
    this.conns.set(id, conn);
    return conn;
  }

  private proc(node: string): NodeProcess {
    const p = this.procs.get(node);
    if (p === undefined) {
      if (this.network === undefined) throw new Error(`the Maelstrom cluster is not set up; call setup() before acting on ${node}`);
      throw new Error(`no node named ${JSON.stringify(node)}; the nodes are ${this.nodes.join(', ')}`);
    }
    return p;
  }

  private requireNet(): Network {
    if (this.network === undefined) throw new Error('the Maelstrom cluster is not set up; call setup() (or MaelstromCluster.start) first');
    return this.network;
  }

  private readonly exitHook = (): void => {
    for (const p of this.procs.values()) p.killNow();
  };

  private async doTeardown(): Promise<void> {
    process.off('exit', this.exitHook);
    for (const c of this.conns.values()) c.close();
    const procs = [...this.procs.values()];
    await Promise.all(procs.map((p) => p.kill().catch((e: Error) => this.log(`teardown: killing ${p.id}: ${e.message}`))));
    for (const p of procs) p.sweepShm();
    await this.disks?.teardown();
    await this.network?.close().catch(() => {});
    await Promise.all(procs.map((p) => p.closeLog()));
    const s = this.network?.stats();
    if (s) this.log(`maelstrom: torn down; ${s.total} messages, ${s.dropped.partition + s.dropped.loss + s.dropped.down} dropped, ${this.protocolErrorCount} protocol errors, ${this.crashes.length} crashes`);
  }
}

