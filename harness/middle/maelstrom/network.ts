/**
 * The simulated network every Maelstrom message goes through: node↔node, client↔node and
 * node↔service alike, so that latency, loss and partitions apply uniformly and the journal sees all.
 *
 * Fault rules (deliberately asymmetric, as Maelstrom's):
 * - A partition is a Grudge: `grudge[dest]` lists the endpoints whose messages `dest` drops. Clients
 *   and services are never partitioned unless a grudge names them, so "partition the nodes" never
 *   silently cuts the workload's clients off (their timeouts would mask the nodes' behaviour).
 * - Loss and extra latency touch node↔node messages only, unless `faultScope: 'all'`: the faults model
 *   the cluster's own network; a lossy client link is opt-in.
 * - Base latency applies to every routed message.
 * Decisions are made at send time, with one seeded RNG, so the same seed and the same sequence of
 * sends give the same drops and delays. A partition is checked again on delivery: a message in flight
 * when its destination starts dropping its source is lost, as a packet arriving after an iptables
 * INPUT rule is (and as a delayed heartbeat from a just-isolated leader must be).
 */
import type { Grudge, LatencyDist } from '../../ground/contracts/roles.js';
import { DeliveryQueue } from './delivery-queue.js';
import { Journal, type DropReason, type NetworkStats } from './journal.js';
import { sampleLatencyMs, validateLatency } from './latency.js';
import type { MaelstromBody, MaelstromMessage } from '../../ground/protocol/protocol.js';
import { SeededRng } from './rng.js';

export type EndpointKind = 'node' | 'client' | 'service';

/**
 * Hands a message to its endpoint; `bodyJson` is the body already serialised (a node writes it to
 * stdin as is). Returns false when the endpoint could not take it (e.g. its process just died).
 */
export type Deliver = (msg: MaelstromMessage, bodyJson: string) => boolean | void;

export interface NetworkOptions {
  /** Seeds latency draws and loss. */
  seed: number | string;
  /** Base latency of every message. Default: constant 0 ms. */
  latency?: LatencyDist;
  /** Where to journal messages (`messages.jsonl`); default: counts only. */
  journalPath?: string;
  /** `process.hrtime.bigint()` the journal's `time` counts from (align it with the history's). Default: now. */
  timeOrigin?: bigint;
  /** Which messages loss and extra latency touch: `nodes` (node↔node, default) or `all`. */
  faultScope?: 'nodes' | 'all';
  /** Called when a delivery handler throws (a bug of the harness, not of the nodes). */
  onError?: (err: unknown) => void;
}

/** A send to a name that is neither a node, a client nor a service. */
export class UnknownDestination extends Error {
  constructor(readonly src: string, readonly dest: string, known: readonly string[]) {
    super(`${src} sent a message to "${dest}", which is not on the network; known destinations: ${known.join(', ')}`);
    this.name = 'UnknownDestination';
  }
}

interface Endpoint {
  kind: EndpointKind;
  deliver: Deliver;
  up: boolean;
}

interface InFlight {
  msg: MaelstromMessage;
  bodyJson: string;
}

const CLIENT_ID = /^c\d+$/;

export class Network {
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly rng: SeededRng;
  private readonly journal: Journal;
  private readonly queue: DeliveryQueue<InFlight>;
  private readonly origin: bigint;
  private readonly faultScope: 'nodes' | 'all';
  private latency: LatencyDist;
  private extraLatency: LatencyDist | null = null;
  private loss = 0;
  /** dest → the sources it drops; the current grudge, precomputed for the per-message check. */
  private drops = new Map<string, Set<string>>();
  private grudgeNow: Grudge = {};
  private nextId = 0;
  private lostAtDelivery = 0;

  constructor(opts: NetworkOptions) {
    this.latency = opts.latency ?? { kind: 'constant', ms: 0 };
    validateLatency(this.latency, 'latency');
    this.rng = new SeededRng(opts.seed, 'network');
    this.origin = opts.timeOrigin ?? process.hrtime.bigint();
    this.faultScope = opts.faultScope ?? 'nodes';
    this.journal = new Journal(opts.journalPath);
    const onError = opts.onError ?? ((err: unknown) => { throw err; });
    this.queue = new DeliveryQueue((f) => this.arrive(f), onError);
  }

  /** Ns since the journal's origin. */
  now(): number {
    return Number(process.hrtime.bigint() - this.origin);
  }

  /** Adds an endpoint (a node, client or service) reachable by `id`. */
  register(id: string, kind: EndpointKind, deliver: Deliver): void {
    if (this.endpoints.has(id)) throw new Error(`the network already has an endpoint named ${id}`);
    this.endpoints.set(id, { kind, deliver, up: true });
  }

  /** True when `id` names an endpoint. */
  has(id: string): boolean {
    return this.endpoints.has(id);
  }

  /** Whether `id` is a node, a client or a service. */
  kindOf(id: string): EndpointKind | undefined {
    return this.endpoints.get(id)?.kind;
  }

  /** Marks a node crashed (messages to it are dropped as `down`) or back up. */
  setUp(id: string, up: boolean): void {
    const e = this.endpoints.get(id);
    if (e) e.up = up;
  }

  /** Every endpoint name, nodes first, for error messages. */
  names(): string[] {
    const order: EndpointKind[] = ['node', 'service', 'client'];
    return [...this.endpoints].sort((a, b) => order.indexOf(a[1].kind) - order.indexOf(b[1].kind)).map(([k]) => k);
  }

  /**
   * Routes one message: journals it, then drops it (partition, loss, destination down) or queues it
   * for delivery after its latency. Throws UnknownDestination for an unknown `dest`.
   */
  send(src: string, dest: string, body: MaelstromBody): MaelstromMessage {
    const ep = this.endpoints.get(dest);
    if (ep === undefined) throw new UnknownDestination(src, dest, this.names());
    const id = this.nextId++;
    const msg: MaelstromMessage = { id, src, dest, body };
    const bodyJson = JSON.stringify(body);
    const time = this.now();
    let dropped: DropReason | undefined;
    let delayMs = 0;
    const faultable = this.faultScope === 'all' || (ep.kind === 'node' && this.endpoints.get(src)?.kind === 'node');
    if (this.ignores(dest, src)) dropped = 'partition';
    else if (faultable && this.loss > 0 && this.rng.float() < this.loss) dropped = 'loss';
    else if (!ep.up) dropped = 'down';
    else {
      delayMs = sampleLatencyMs(this.latency, this.rng);
      if (faultable && this.extraLatency !== null) delayMs += sampleLatencyMs(this.extraLatency, this.rng);
    }
    this.journal.record(id, time, src, dest, body.type, bodyJson, dropped, dropped ? undefined : time + Math.round(delayMs * 1e6));
    if (dropped === undefined) this.queue.push(delayMs, { msg, bodyJson });
    return msg;
  }

  /**
   * Hands a message to `dest` at once, past the queue and every fault, and journals it. For the
   * harness's own control messages (init), which must reach a (re)started node before anything else.
   */
  inject(src: string, dest: string, body: MaelstromBody): MaelstromMessage {
    const ep = this.endpoints.get(dest);
    if (ep === undefined) throw new UnknownDestination(src, dest, this.names());
    const id = this.nextId++;
    const msg: MaelstromMessage = { id, src, dest, body };
    const bodyJson = JSON.stringify(body);
    const time = this.now();
    this.journal.record(id, time, src, dest, body.type, bodyJson, undefined, time);
    this.deliver({ msg, bodyJson });
    return msg;
  }

  /** Replaces the partition (an empty grudge heals). Throws when it names an unknown node. */
  partition(grudge: Grudge): void {
    const drops = new Map<string, Set<string>>();
    for (const [dest, srcs] of Object.entries(grudge)) {
      if (!Array.isArray(srcs)) throw new Error(`grudge["${dest}"] must be a list of node names, got ${JSON.stringify(srcs)}`);
      for (const n of [dest, ...srcs]) {
        if (typeof n !== 'string' || (!this.endpoints.has(n) && !CLIENT_ID.test(n))) {
          throw new Error(`the grudge names ${JSON.stringify(n)}, which is not on the network; known: ${this.names().join(', ')}`);
        }
      }
      if (srcs.length > 0) drops.set(dest, new Set(srcs));
    }
    this.drops = drops;
    this.grudgeNow = Object.fromEntries([...drops].map(([d, s]) => [d, [...s].sort()]));
  }

  /** The grudge in force (sorted copy). */
  grudge(): Grudge {
    return structuredClone(this.grudgeNow);
  }

  /** Drops each faultable message with probability `p` (0 heals). */
  setLoss(p: number): void {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`loss probability must be in [0, 1], got ${JSON.stringify(p)}`);
    this.loss = p;
  }

  /** Adds latency drawn from `dist` to each faultable message (null removes it). */
  setExtraLatency(dist: LatencyDist | null): void {
    if (dist !== null) validateLatency(dist, 'extra latency');
    this.extraLatency = dist;
  }

  /** The current fault settings, for logs and the report. */
  faults(): { grudge: Grudge; loss: number; extraLatency: LatencyDist | null; latency: LatencyDist } {
    return { grudge: this.grudge(), loss: this.loss, extraLatency: this.extraLatency, latency: this.latency };
  }

  /** Counts per node and per message type. */
  stats(): NetworkStats & { lostAtDelivery: number } {
    return { ...this.journal.stats(this.queue.size), lostAtDelivery: this.lostAtDelivery };
  }

  /** Path of messages.jsonl, if journaling to a file. */
  get journalPath(): string | undefined {
    return this.journal.path;
  }

  /** Resolves when every message journaled so far is on disk. */
  flush(): Promise<void> {
    return this.journal.flush();
  }

  /** Stops delivering (in-flight messages are discarded) and closes the journal. Never rejects. */
  async close(): Promise<void> {
    this.queue.close();
    await this.journal.close();
  }

  /** The grudge in force has `dest` drop what `src` sends. */
  private ignores(dest: string, src: string): boolean {
    return this.drops.get(dest)?.has(src) === true;
  }

  /** A routed message reaching its destination: dropped if a partition began while it travelled, else delivered. */
  private arrive(f: InFlight): void {
    if (this.ignores(f.msg.dest, f.msg.src)) {
      this.journal.recordLateDrop(f.msg, this.now(), 'partition');
      return;
    }
    this.deliver(f);
  }

  private deliver(f: InFlight): void {
    const ep = this.endpoints.get(f.msg.dest);
    // A node killed while the message was in flight loses it, as a real crashed host would.
    if (ep === undefined || !ep.up || ep.deliver(f.msg, f.bodyJson) === false) {
      this.lostAtDelivery++;
      return;
    }
    this.journal.recordDelivery(f.msg.dest);
  }
}
