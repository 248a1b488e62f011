/**
 * Clients of the etcd target for the store workloads (register, set, lock), over the etcd3 npm
 * client (gRPC) and etcd's JSON gateway for the lock API. Client thread t talks to node t mod N only,
 * so a test can read through an isolated member.
 *
 * Error mapping (docs/architecture.md, "Core records"): reads change nothing, so a read that did not succeed is
 * `fail`. A write or cas that timed out or lost its connection may have been applied: `info`. A
 * definite rejection — the cas compare failed, an invalid argument — is `fail`. The etcd3 client's
 * retries are turned off (a retried cas could apply twice, hiding or inventing anomalies).
 */
import { Etcd3, GRPCInvalidArgumentError, EtcdPermissionDeniedError, type Lease } from 'etcd3';
import { finalReadOf } from '../../checkers/common.js';
import type { Client, ClientOp, Completion } from '../../harness/ground/contracts/roles.js';
import { GatewayError, lockAcquireRevision, lockRelease } from './http.js';
import { errorMessage } from '../../harness/ground/history/errors.js';
import type { StoreClientOptions } from '../server-base/store-target.js';
import { EtcdWatchClients } from './watch-client.js';
import { etcdElectionClient } from './election-client.js';
import { WATCH_PREFIX } from '../../harness/middle/workloads/watch.js';
import { CriticalHolds, LOCK_HOLD_MS, LOCK_HOLDER_WAIT_MS } from '../../harness/middle/workloads/lock.js';
import { DEFAULT_WATCH, type WatchSettings } from '../../harness/middle/workloads/watch-settings.js';
import { decodeValue, txnStoreClient, type TxnStore } from '../../harness/middle/workloads/txn-store.js';
import { grantLease } from './lease.js';

export type ReadConsistency = 'linearizable' | 'serializable';

/** `sessionTtlMs` is the lease TTL of a lock holder (etcd's minimum is 1.5 election timeouts, rounded up). Default 2 s. */
export type EtcdClientOptions = StoreClientOptions<ReadConsistency>;

const REGISTER_PREFIX = '/faultline/register/';
const SET_PREFIX = '/faultline/set/';
const COUNTER_KEY = '/faultline/lock-counter';
const LOCK_NAME = '/faultline/lock';
const TXN_PREFIX = '/faultline/txn/';

/**
 * A cockatiel policy that runs the call once: no retries, no circuit breaker. Like cockatiel's, it
 * always answers with a promise: etcd3's `markFailed` (a lease keepalive stream that broke when its
 * member was killed) runs a throwing function through it and catches the rejection; a synchronous
 * throw escaped instead and killed the controller.
 */
const ONCE = { execute: async <T>(fn: (ctx: { signal: AbortSignal; attempt: number }) => T): Promise<Awaited<T>> => fn({ signal: new AbortController().signal, attempt: 0 }) as Awaited<T> };


/** fail for a definite rejection, info for anything that may have been applied. */
function writeError(err: unknown): Completion {
  // A refused connection (a killed member) means the request was never sent.
  const neverSent = /ECONNREFUSED|No connection established/.test(errorMessage(err));
  const definite = neverSent || err instanceof GRPCInvalidArgumentError || err instanceof EtcdPermissionDeniedError || (err instanceof GatewayError && err.status === 400);
  return { type: definite ? 'fail' : 'info', error: errorMessage(err) };
}

/** Opens clients for a run and owns their connections (one gRPC channel per node, shared). */
export class EtcdClients {
  private readonly conns = new Map<string, Etcd3>();
  private readonly holding = new Map<number, string>();
  /** Nodes of the election candidates that lead right now. */
  private readonly leading = new Map<object, string>();
  /** Processes inside the hold of their critical section (read done, write not yet sent), and their nodes. */
  private readonly holds: CriticalHolds;
  private watchClients?: EtcdWatchClients;
  readonly opts: Required<EtcdClientOptions>;

  constructor(
    private readonly nodes: readonly string[],
    private readonly endpoint: (node: string) => string,
    private readonly workload: string,
    opts: EtcdClientOptions,
    /** The watch workload's settings (its window). */
    private readonly watch: WatchSettings = DEFAULT_WATCH,
  ) {
    this.opts = { timeoutMs: 2_000, sessionTtlMs: 2_000, lockTimeoutMs: 5_000, holdMs: LOCK_HOLD_MS, ...opts };
    this.holds = new CriticalHolds(this.opts.holdMs);
  }

  /** The gRPC client of `node`, created on first use. */
  conn(node: string): Etcd3 {
    let c = this.conns.get(node);
    if (!c) {
      const timeoutMs = this.opts.timeoutMs;
      c = new Etcd3({
        hosts: this.endpoint(node),
        dialTimeout: timeoutMs,
        // Reconnect quickly after a kill or partition: gRPC's default backoff grows to minutes.
        grpcOptions: { 'grpc.initial_reconnect_backoff_ms': 100, 'grpc.max_reconnect_backoff_ms': 1_000 },
        faultHandling: { host: () => ONCE as never, global: ONCE as never },
        defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + timeoutMs }),
      });
      this.conns.set(node, c);
    }
    return c;
  }

  /** Nodes whose clients are inside the hold of their critical section right now. */
  inside(): string[] {
    return this.holds.nodes();
  }

  /** The hold of a critical section, marked for faults aimed at holders. */
  private hold(process: number, node: string): Promise<void> {
    return this.holds.hold(process, node);
  }

  /** Nodes whose clients hold the lock right now, as the clients believe. */
  holders(): string[] {
    return [...new Set([...this.holding.values(), ...this.leading.values()])];
  }

  /**
   * The fencing token of a grant: the create revision of its lock key (etcd's documented token; each
   * key is created at a revision of its own). Not the lock response's header revision: a member just
   * resumed from a pause granted the lock to a second client with the same header revision as the
   * first (measured on this branch). None when the key cannot be read (then the client writes nothing).
   */
  private async createRevision(etcd: Etcd3, key: string): Promise<{ token?: number }> {
    try {
      const r = await etcd.get(key).exec();
      const rev = Number(r.kvs[0]?.create_revision);
      return Number.isSafeInteger(rev) ? { token: rev } : {};
    } catch {
      return {};
    }
  }

  /** The client of `thread`, bound to node thread mod N. */
  open(thread: number, process: number): Client {
    const node = this.nodes[thread % this.nodes.length];
    switch (this.workload) {
      case 'register': return this.registerClient(node);
      case 'set': return this.setClient(node);
      case 'lock': case 'fenced-lock': return this.lockClient(node, process);
      case 'election': return etcdElectionClient(this.conn(node), this.endpoint(node), node, { timeoutMs: this.opts.timeoutMs, sessionTtlMs: this.opts.sessionTtlMs, campaignTimeoutMs: this.opts.lockTimeoutMs }, this.leading);
      case 'watch':
        this.watchClients ??= new EtcdWatchClients(WATCH_PREFIX, this.opts.timeoutMs, this.watch.windowMs);
        return this.watchClients.open(thread, node, this.endpoint(node));
      case 'list-append': case 'rw-register': return this.txnClient(node);
      default: throw new Error(`the etcd target has no client for workload ${this.workload}`);
    }
  }

  private get serializable(): boolean {
    return this.opts.reads === 'serializable';
  }

  private registerClient(node: string): Client {
    const etcd = this.conn(node);
    return {
      invoke: async (op: ClientOp): Promise<Completion> => {
        const key = `${REGISTER_PREFIX}${String(op.key)}`;
        if (op.f === 'read') {
          try {
            const v = await etcd.get(key).serializable(this.serializable).string();
            return { type: 'ok', value: v === null ? null : Number(v) };
          } catch (err) {
            return { type: 'fail', error: errorMessage(err) };
          }
        }
        try {
          if (op.f === 'write') {
            await etcd.put(key).value(String(op.value));
            return { type: 'ok', value: op.value };
          }
          if (op.f === 'cas') {
            const [from, to] = op.value as [number, number];
            const r = await etcd.if(key, 'Value', '==', String(from)).then(etcd.put(key).value(String(to))).commit();
            return r.succeeded ? { type: 'ok', value: op.value } : { type: 'fail', value: op.value, error: 'compare failed' };
          }
        } catch (err) {
          return writeError(err);
        }
        return { type: 'fail', error: `register: unknown op ${op.f}` };
      },
      close: async () => undefined,
    };
  }

  private setClient(node: string): Client {
    return {
      invoke: async (op: ClientOp): Promise<Completion> => {
        if (op.f === 'add') {
          try {
            await this.conn(node).put(`${SET_PREFIX}${String(op.value).padStart(10, '0')}`).value('');
            return { type: 'ok', value: op.value };
          } catch (err) {
            return writeError(err);
          }
        }
        if (op.f === 'read') {
          // A final read names the node whose state it reads.
          const target = finalReadOf(op.value)?.node ?? node;
          try {
            const keys = await this.conn(target).getAll().prefix(SET_PREFIX).serializable(this.serializable).keys();
            return { type: 'ok', value: keys.map((k) => Number(k.slice(SET_PREFIX.length))) };
          } catch (err) {
            return { type: 'fail', error: errorMessage(err) };
          }
        }
        return { type: 'fail', error: `set: unknown op ${op.f}` };
      },
      close: async () => undefined,
    };
  }

  /**
   * list-append and rw-register (harness/middle/workloads/txn-store.ts): the keys read in one `Txn` of ranges
   * (one revision; with --reads serializable every range is, so etcd serves a read-only transaction
   * from the member alone), written in one `Txn` comparing each key's mod revision (0: absent).
   */
  private txnClient(node: string): Client {
    const kv = this.conn(node).kv;
    const key = (k: number): Buffer => Buffer.from(`${TXN_PREFIX}${k}`);
    const store: TxnStore<string> = {
      read: async (keys) => {
        const r = await kv.txn({ compare: [], success: keys.map((k) => ({ request_range: { key: key(k), serializable: this.serializable } })), failure: [] });
        return new Map(keys.map((k, i) => {
          const found = r.responses[i]?.response_range?.kvs?.[0];
          return [k, found ? { value: decodeValue(found.value.toString()), version: String(found.mod_revision) } : { value: null, version: '0' }];
        }));
      },
      commit: async (read, writes) => {
        const r = await kv.txn({
          compare: [...read].map(([k, v]) => ({ key: key(k), target: 'Mod' as const, result: 'Equal' as const, mod_revision: v.version })),
          success: [...writes].map(([k, v]) => ({ request_put: { key: key(k), value: Buffer.from(JSON.stringify(v)) } })),
          failure: [],
        });
        return r.succeeded;
      },
      commitError: writeError,
    };
    return txnStoreClient(store, this.workload);
  }

  private lockClient(node: string, process: number): Client {
    const etcd = this.conn(node);
    const endpoint = this.endpoint(node);
    const o = this.opts;
    let held: { lease: Lease; key: string } | undefined;
    const drop = async (): Promise<void> => {
      const h = held;
      held = undefined;
      this.holding.delete(process);
      await h?.lease.revoke().catch(() => undefined);
    };
    return {
      invoke: async (op: ClientOp): Promise<Completion> => {
        if (op.f === 'acquire') {
          if (held) return { type: 'fail', error: 'already holding the lock' };
          const granted = await grantLease(etcd, o.sessionTtlMs);
          if (!('lease' in granted)) return granted;
          const { lease, id } = granted;
          try {
            const { key, revision } = await lockAcquireRevision(endpoint, LOCK_NAME, id, o.lockTimeoutMs);
            held = { lease, key };
            this.holding.set(process, node);
            const name = Buffer.from(key, 'base64').toString();
            return { type: 'ok', value: { node, key: name, lease: id, revision, ...(await this.createRevision(etcd, name)) } };
          } catch (err) {
            // It may still be granted later: revoking the lease releases whatever the server does.
            await lease.revoke().catch(() => undefined);
            return err instanceof GatewayError ? { type: 'fail', error: errorMessage(err) } : { type: 'info', error: errorMessage(err) };
          }
        }
        if (op.f === 'update') {
          if (!held) return { type: 'fail', error: 'not holding the lock' };
          let read: number | null;
          try {
            const v = await etcd.get(COUNTER_KEY).options({ deadline: Date.now() + LOCK_HOLDER_WAIT_MS }).string();
            read = v === null ? null : Number(v);
          } catch (err) {
            return { type: 'fail', error: `read: ${errorMessage(err)}` };
          }
          await this.hold(process, node);
          const wrote = (read ?? 0) + 1;
          try {
            await etcd.put(COUNTER_KEY).value(String(wrote)).options({ deadline: Date.now() + LOCK_HOLDER_WAIT_MS });
            return { type: 'ok', value: { read, wrote, node } };
          } catch (err) {
            return writeError(err);
          }
        }
        if (op.f === 'read') {
          // fenced-lock: the holder checks in with the store through its node (a read changes nothing, so any failure is `fail`).
          if (!held) return { type: 'fail', error: 'not holding the lock' };
          try {
            const v = await etcd.get(COUNTER_KEY).options({ deadline: Date.now() + LOCK_HOLDER_WAIT_MS }).string();
            await this.hold(process, node);
            return { type: 'ok', value: { read: v === null ? null : Number(v), node } };
          } catch (err) {
            return { type: 'fail', error: `read: ${errorMessage(err)}` };
          }
        }
        if (op.f === 'release') {
          if (!held) return { type: 'fail', error: 'not holding the lock' };
          const { key } = held;
          // From here the client no longer acts as the holder (the checker ends its holding at this
          // invocation), so a fault aimed at the holders does not pick it while it releases.
          this.holding.delete(process);
          try {
            await lockRelease(endpoint, key, o.timeoutMs);
            await drop();
            return { type: 'ok', value: { node } };
          } catch (err) {
            await drop();
            return { type: 'info', error: errorMessage(err) };
          }
        }
        return { type: 'fail', error: `lock: unknown op ${op.f}` };
      },
      close: async () => { await drop(); },
    };
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    for (const c of this.conns.values()) c.close();
    this.conns.clear();
  }
}
