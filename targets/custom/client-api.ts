/**
 * The public client API of `--target custom`: a user's client is one module whose default export is
 * `defineClient({ ops, open, invoke, close })`. The harness calls `open` once per logical client
 * (a process bound to one node), `invoke` once per op, and `close` when the process ends.
 *
 * What `invoke` does decides the op's completion (docs/architecture.md, "Core records"):
 * - it returns a value: `ok`, with that value (a read's value, `null` for an absent key);
 * - it throws `new Definite(why)`: `fail` — the op certainly did not happen (a compare that failed,
 *   a server that says it did not apply the write);
 * - it throws `new Indefinite(why)`, or anything else, or runs past the deadline: `info` — the op may
 *   or may not have happened (a timeout, a reset connection after the request left).
 * This file imports nothing of the harness: it is what a user's client imports, as `faultline`.
 */

/** A node as a client sees it. */
import type { WatchSettings } from '../../harness/middle/workloads/watch-settings.js';
export interface ClientNode {
  /** Node name, e.g. `n1`. */
  name: string;
  /** Its address on the test network. */
  host: string;
  /** Its client port (`--port`). */
  port: number;
  /** `http://host:port`, for HTTP clients. */
  url: string;
}

/** What `open` gets besides the node. */
export interface OpenContext {
  /** The logical client (process) number. */
  process: number;
  /** Every node of the cluster, by name (a set's final read names the node it reads). */
  nodes: Readonly<Record<string, ClientNode>>;
  /** Deadline of one request, ms (`--request-timeout`). */
  timeoutMs: number;
  /** The watch workload's settings: a watch op's window and a long poll's longest wait, ms. */
  watch: WatchSettings;
}

/** What `invoke` gets besides the op. */
export interface InvokeContext<C> extends OpenContext {
  /** What `open` returned for this client. */
  conn: C;
  /** The node this client is bound to. */
  node: ClientNode;
  /** Aborts when the request's deadline passes (pass it to fetch); the op is then `info`. */
  signal: AbortSignal;
  /**
   * Records, now, an event the client received — a watch's delivery — as a history record of its own
   * (type `event`, with this client's process and node): call it as each one arrives.
   */
  observe(value: unknown): void;
}

/**
 * One workload op. Register: `read {key}` → the value or null, `write {key, value}`, `cas {key,
 * value: [from, to]}`. Set: `add {value}`, `read` → the elements (a final read's value is
 * `{final: node}`). Lock: `acquire`, `update` → `{read, wrote}`, `release`. list-append and
 * rw-register: `txn {value: [[f, key, v], ...]}` (f `r`, `append` or `w`), applied as one
 * transaction → the micro-ops with each read's value filled in.
 */
export interface ClientOp {
  f: string;
  key?: string | number;
  value: unknown;
  process: number;
}

/** What a user writes: the ops the client supports and how it performs them. */
export interface ClientDefinition<C = unknown> {
  /** The op names it performs, e.g. `['read', 'write', 'cas']`: a workload needing others is refused. */
  ops: readonly string[];
  /** Connects to `node` (or just remembers it); the value returned comes back as `ctx.conn`. */
  open(node: ClientNode, ctx: OpenContext): C | Promise<C>;
  /** Performs one op: return its value (ok), throw Definite (fail) or Indefinite (info). */
  invoke(op: ClientOp, ctx: InvokeContext<C>): unknown;
  /** Releases what `open` took. */
  close?(conn: C): void | Promise<void>;
}

/** The brand that marks a client built by defineClient (a symbol of the global registry, so two copies of this module agree). */
export const CLIENT_BRAND: unique symbol = Symbol.for('faultline.client') as never;
const OUTCOME = Symbol.for('faultline.outcome');

/** A client definition, checked by the compiler and marked for the loader. */
export type DefinedClient<C = unknown> = ClientDefinition<C> & { readonly [CLIENT_BRAND]: true };

/** Builds a client for `faultline run --target custom --client FILE` (export it as the default). */
export function defineClient<C>(def: ClientDefinition<C>): DefinedClient<C> {
  return Object.assign(Object.create(null) as object, def, { [CLIENT_BRAND]: true as const }) as DefinedClient<C>;
}

/** The op certainly did not happen (a failed compare, a refused write): recorded as `fail`. */
export class Definite extends Error {
  readonly [OUTCOME] = 'fail';
  constructor(message: string) {
    super(message);
    this.name = 'Definite';
  }
}

/** The op may or may not have happened (a timeout after the request left): recorded as `info`. */
export class Indefinite extends Error {
  readonly [OUTCOME] = 'info';
  constructor(message: string) {
    super(message);
    this.name = 'Indefinite';
  }
}

/** `fail` for a Definite error (from any copy of this module), `info` for anything else. */
export function outcomeOf(err: unknown): 'fail' | 'info' {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[OUTCOME] === 'fail' ? 'fail' : 'info';
}
