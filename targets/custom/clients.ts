/**
 * Turns a client definition (a user's module or http-kv) into the harness's clients: client thread t
 * is bound to node t mod N, `open` runs lazily (a node that is down when a process starts only fails
 * that op), and every invoke gets a deadline. The completion follows client-api.ts: a value is ok, a
 * Definite error fail, anything else info — except for reads, which change nothing, so any error of
 * a read is a fail (as the etcd and ZooKeeper clients map it).
 */
import { DEFAULT_WATCH, type WatchSettings } from '../../harness/middle/workloads/watch-settings.js';
import { errorMessage } from '../../harness/ground/history/errors.js';
import type { Client, ClientOp, Completion } from '../../harness/ground/contracts/roles.js';
import { outcomeOf, type ClientDefinition, type ClientNode } from './client-api.js';
import { bounded, CLOSE_BOUND_MS } from '../../harness/middle/hosts/bounded.js';

/**
 * What `invoke` gets, one per op: a class with the signal as a lazy getter on its prototype, so an op
 * costs one small allocation (an object literal spread with a getter of its own costs several times
 * as much, at thousands of ops per second). The signal is made on first use: most clients never read
 * it, and a timeout signal per op costs a timer that fires (and builds a DOMException) two seconds
 * after every op, answered or not.
 */
class Context {
  private sig: AbortSignal | undefined;
  constructor(
    readonly process: number,
    readonly nodes: Readonly<Record<string, ClientNode>>,
    readonly timeoutMs: number,
    readonly conn: unknown,
    readonly node: ClientNode,
    readonly watch: WatchSettings,
    private readonly observer: ((value: unknown, node?: string) => void) | undefined,
  ) {}

  /** Records an event this client received (a watch's delivery) in the history, now. */
  observe(value: unknown): void {
    this.observer?.(value, this.node.name);
  }

  get signal(): AbortSignal {
    return (this.sig ??= AbortSignal.timeout(this.timeoutMs));
  }
}

/** Ops that change nothing, whose errors are always `fail`. */
const READ_ONLY = new Set(['read']);

export class CustomClients {
  private readonly open = new Set<Client>();

  constructor(
    private readonly def: ClientDefinition,
    private readonly nodes: readonly string[],
    private readonly info: (node: string) => ClientNode,
    private readonly timeoutMs: number,
    /** The client enforces the deadline itself (the built-in http-kv): no race against a timer per op. */
    private readonly selfTimed = false,
    /** The watch workload's settings, handed to clients in their context. */
    private readonly watch: WatchSettings = DEFAULT_WATCH,
  ) {}

  /** Every node as clients see it (once the cluster is up). */
  private allNodes(): Record<string, ClientNode> {
    return Object.fromEntries(this.nodes.map((n) => [n, this.info(n)]));
  }

  /** The client of `thread`, as process `process`. */
  client(thread: number, process: number): Client {
    const def = this.def;
    const node = this.info(this.nodes[thread % this.nodes.length]);
    const base = { process, nodes: this.allNodes(), timeoutMs: this.timeoutMs, watch: this.watch };
    let conn: { value: unknown } | undefined;
    const client: Client = {
      invoke: async (op: ClientOp): Promise<Completion> => {
        if (conn === undefined) {
          try {
            conn = { value: await def.open(node, base) };
          } catch (err) {
            return { type: 'fail', error: `open ${node.name}: ${errorMessage(err)}` };
          }
        }
        const timeoutMs = this.timeoutMs;
        const ctx = new Context(base.process, base.nodes, timeoutMs, conn.value, node, this.watch, op.observe);
        const call = { f: op.f, key: op.key, value: op.value, process: op.process };
        let timer: NodeJS.Timeout | undefined;
        try {
          // A user's client that ignores the signal still ends at the deadline (plus a grace for its own timeout to win).
          const value = this.selfTimed ? await def.invoke(call, ctx) : await Promise.race([
            Promise.resolve(def.invoke(call, ctx)),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs + 250);
            }),
          ]);
          return { type: 'ok', value: value === undefined ? op.value : value };
        } catch (err) {
          return { type: READ_ONLY.has(op.f) ? 'fail' : outcomeOf(err), error: errorMessage(err) };
        } finally {
          clearTimeout(timer);
        }
      },
      close: async () => {
        this.open.delete(client);
        const c = conn;
        conn = undefined;
        if (c !== undefined) await def.close?.(c.value as never);
      },
    };
    this.open.add(client);
    return client;
  }

  /** Closes every client still open (teardown). */
  async close(): Promise<void> {
    await Promise.all([...this.open].map((c) => bounded(() => c.close(), CLOSE_BOUND_MS, 'client close')));
  }
}
