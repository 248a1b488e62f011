/**
 * The in-memory target's store: a tiny replicated KV whose nodes, crashes, pauses and partitions are
 * modeled in memory, on the run's clock. It exists so the controller (same-seed schedules, signals,
 * replay, progress, fault accounting) can be tested in simulated time in seconds, and as a teaching
 * target with bugs that Faultline finds (docs/targets/memory.md). It is not a store to trust.
 *
 * The model: one shared committed state, served by a leader — the first node that is up and reaches
 * a majority of up nodes. A node that is down or paused does not answer (the client times out); a node
 * cut off from the leader answers `temporarily-unavailable`; otherwise the leader applies the op at
 * once, which is linearizable. Each follower keeps a replica that catches up with the committed state
 * every `lagMs`, while it is up and reaches the leader. The bug switches break this on purpose:
 *
 * - `stale-read`: a follower answers reads from its replica (stale up to `lagMs`, and for as long as a
 *   partition cuts it off) instead of asking the leader.
 * - `lost-write`: a follower acknowledges a write at once and forwards it `lagMs` later; if it is
 *   killed or cut off from the leader before then, the acknowledged write is lost.
 */
import type { Clock } from '../../harness/ground/generator/clock.js';
import type { Rng } from '../../harness/ground/generator/index.js';
import type { Grudge, LatencyDist, Target } from '../../harness/ground/contracts/roles.js';

export const MEMORY_BUGS = {
  'stale-read': 'followers answer reads from a replica that lags the leader',
  'lost-write': 'followers acknowledge writes before the leader has them; a crash or partition loses them',
} as const;
export type MemoryBug = keyof typeof MEMORY_BUGS;

/** A Maelstrom message body (the lin-kv workload's requests and replies). */
export type Body = Record<string, unknown> & { type: string };

export interface MemoryKvOptions {
  nodeCount: number;
  clock: Clock;
  rng: Rng;
  bugs: readonly MemoryBug[];
  /** One network hop, uniform in [min, max] ms. */
  latencyMs?: readonly [number, number];
  /** How far behind the leader a follower's replica (and a forwarded write) runs, ms. */
  lagMs?: number;
  /** Cluster start, ms (modeled, on the run's clock). */
  startMs?: number;
}

type Value = unknown;
const TIMEOUT: Body = { type: 'error', code: 0, text: 'no reply in time' };
const unavailable = (why: string): Body => ({ type: 'error', code: 11, text: why });

export class MemoryKv implements Target {
  readonly name = 'memory';
  readonly nodes: readonly string[];
  private readonly time: Clock;
  private readonly rng: Rng;
  private readonly bugs: ReadonlySet<MemoryBug>;
  private readonly latency: readonly [number, number];
  private readonly lagMs: number;
  private readonly startMs: number;
  private committed = new Map<string, Value>();
  private readonly replicas = new Map<string, Map<string, Value>>();
  private readonly down = new Set<string>();
  private readonly paused = new Map<string, (() => void)[]>();
  private grudge: Grudge = {};
  private loss = 0;
  private extra: LatencyDist | null = null;
  private up = false;
  private sync: { cancel(): void } | undefined;
  /** What the model did, for results.json: requests answered, writes lost by the `lost-write` bug. */
  readonly stats = { requests: 0, timeouts: 0, unavailable: 0, lostWrites: 0 };

  constructor(opts: MemoryKvOptions) {
    this.nodes = Array.from({ length: opts.nodeCount }, (_, i) => `n${i + 1}`);
    this.time = opts.clock;
    this.rng = opts.rng;
    this.bugs = new Set(opts.bugs);
    this.latency = opts.latencyMs ?? [1, 5];
    this.lagMs = opts.lagMs ?? 100;
    this.startMs = opts.startMs ?? 200;
    for (const n of this.nodes) this.replicas.set(n, new Map());
  }

  async setup(): Promise<void> {
    await this.time.sleep(this.startMs);
    this.up = true;
    this.sync = this.time.setInterval(() => this.catchUp(), this.lagMs);
  }

  async teardown(): Promise<void> {
    this.up = false;
    this.sync?.cancel();
    this.sync = undefined;
    // Requests waiting on a paused node end (their clients time out); the pause itself stays on
    // record, so a test sees whether the nemesis healed it.
    for (const waiters of this.paused.values()) for (const w of waiters.splice(0)) w();
  }

  /** The modeled faults in force now: nodes down, nodes paused, and whether any link is cut. */
  faultsInForce(): { down: string[]; paused: string[]; cut: boolean } {
    return { down: [...this.down].sort(), paused: [...this.paused.keys()].sort(), cut: Object.values(this.grudge).some((g) => g.length > 0) };
  }

  readonly killable = {
    kill: async (node: string): Promise<void> => { this.known(node); this.down.add(node); },
    start: async (node: string): Promise<void> => { this.known(node); this.down.delete(node); },
  };

  readonly pausable = {
    pause: async (node: string): Promise<void> => { this.known(node); if (!this.paused.has(node)) this.paused.set(node, []); },
    resume: async (node: string): Promise<void> => {
      const waiters = this.paused.get(node) ?? [];
      this.paused.delete(node);
      for (const w of waiters) w();
    },
  };

  readonly net = {
    partition: async (grudge: Grudge): Promise<void> => { this.grudge = { ...grudge }; },
    setLoss: async (p: number): Promise<void> => { this.loss = p; },
    setExtraLatency: async (d: LatencyDist | null): Promise<void> => { this.extra = d; },
  };

  readonly primaries = {
    primaries: async (): Promise<string[]> => { const l = this.leader(); return l ? [l] : []; },
  };

  /** A connection as the Maelstrom workloads' clients use one. */
  conn(id: string): { id: string; rpc(dest: string, body: Body, timeoutMs?: number): Promise<Body> } {
    return { id, rpc: (dest, body, timeoutMs) => this.request(dest, body, timeoutMs ?? 1_000) };
  }

  /** Serves one request at `node`, or times out: the reply arrives after the hops, on the run's clock. */
  private request(node: string, body: Body, timeoutMs: number): Promise<Body> {
    this.stats.requests++;
    return new Promise((resolve) => {
      let settled = false;
      const done = (reply: Body): void => {
        if (settled) return;
        settled = true;
        timer.cancel();
        if (reply === TIMEOUT) this.stats.timeouts++;
        if (reply.code === 11) this.stats.unavailable++;
        resolve(reply);
      };
      const timer = this.time.setTimeout(() => done(TIMEOUT), timeoutMs);
      void this.serve(node, body).then((r) => { if (r) done(r); });
    });
  }

  /** The reply, or undefined for none (a node down, a message lost): the caller's timeout answers. */
  private async serve(node: string, body: Body): Promise<Body | undefined> {
    if (!this.nodes.includes(node)) return { type: 'error', code: 1, text: `no node ${node}` };
    await this.time.sleep(this.hop());
    if (!this.up || this.down.has(node) || this.lost()) return undefined;
    await this.whilePaused(node);
    if (!this.up || this.down.has(node)) return undefined;
    const key = String(body.key);
    const leader = this.leader();
    const cut = leader === undefined || !this.reaches(node, leader);
    const replica = this.replicas.get(node)!;
    if (body.type === 'read' && this.bugs.has('stale-read') && node !== leader) {
      return reply(body, replica);
    }
    if (body.type === 'write' && this.bugs.has('lost-write') && node !== leader) {
      if (cut) return unavailable(`${node} reaches no leader`);
      this.forwardLater(node, key, body.value);
      replica.set(key, body.value);
      return { type: 'write_ok' };
    }
    if (cut) return unavailable(`${node} reaches no leader`);
    // A follower forwards to the leader: one more hop there and back, on which anything may happen.
    if (node !== leader) {
      await this.time.sleep(this.hop());
      if (!this.up || this.down.has(node) || this.leader() !== leader) return undefined;
    }
    return apply(body, this.committed);
  }

  /** The lost-write bug: the write reaches the leader `lagMs` later, if its node is still up and connected. */
  private forwardLater(node: string, key: string, value: unknown): void {
    this.time.setTimeout(() => {
      const leader = this.leader();
      if (!this.up || this.down.has(node) || leader === undefined || !this.reaches(node, leader)) {
        this.stats.lostWrites++;
        return;
      }
      this.committed.set(key, value);
    }, this.lagMs);
  }

  /** Every follower that is up and reaches the leader takes the committed state. */
  private catchUp(): void {
    const leader = this.leader();
    if (leader === undefined) return;
    for (const n of this.nodes) {
      if (this.down.has(n) || this.paused.has(n) || !this.reaches(n, leader)) continue;
      this.replicas.set(n, new Map(this.committed));
    }
  }

  /** The first node that is up, not paused, and reaches a majority of such nodes (itself included). */
  leader(): string | undefined {
    const live = this.nodes.filter((n) => !this.down.has(n) && !this.paused.has(n));
    const majority = Math.floor(this.nodes.length / 2) + 1;
    return live.find((n) => live.filter((m) => this.reaches(n, m)).length >= majority);
  }

  private reaches(a: string, b: string): boolean {
    if (a === b) return true;
    return !(this.grudge[a] ?? []).includes(b) && !(this.grudge[b] ?? []).includes(a);
  }

  private whilePaused(node: string): Promise<void> {
    const waiters = this.paused.get(node);
    if (!waiters) return Promise.resolve();
    return new Promise((resolve) => { waiters.push(resolve); });
  }

  private hop(): number {
    const [lo, hi] = this.latency;
    let ms = lo + this.rng.float() * (hi - lo);
    const e = this.extra;
    if (e) ms += e.kind === 'constant' ? e.ms : e.kind === 'uniform' ? e.minMs + this.rng.float() * (e.maxMs - e.minMs) : -Math.log(1 - this.rng.float()) * e.meanMs;
    return ms;
  }

  private lost(): boolean {
    return this.loss > 0 && this.rng.float() < this.loss;
  }

  private known(node: string): void {
    if (!this.nodes.includes(node)) throw new Error(`memory: no node ${node}; the nodes are ${this.nodes.join(', ')}`);
  }
}

/** A lin-kv read from `state`. */
function reply(body: Body, state: Map<string, Value>): Body {
  const key = String(body.key);
  return state.has(key) ? { type: 'read_ok', value: state.get(key) } : { type: 'error', code: 20, text: `no key ${key}` };
}

/** A lin-kv request applied to `state` (Maelstrom's lin-kv service semantics). */
function apply(body: Body, state: Map<string, Value>): Body {
  const key = String(body.key);
  switch (body.type) {
    case 'read': return reply(body, state);
    case 'write': state.set(key, body.value); return { type: 'write_ok' };
    case 'cas': {
      if (!state.has(key)) return { type: 'error', code: 20, text: `no key ${key}` };
      if (JSON.stringify(state.get(key)) !== JSON.stringify(body.from)) return { type: 'error', code: 22, text: `expected ${JSON.stringify(body.from)}` };
      state.set(key, body.to);
      return { type: 'cas_ok' };
    }
    default: return { type: 'error', code: 10, text: `memory: no request ${body.type}` };
  }
}
