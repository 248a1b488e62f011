/**
 * Clients of the Consul target for the store workloads (register, set, lock), over Consul's HTTP API
 * (`http.ts`). Client thread t talks to server t mod N only, so a test can read through an isolated
 * server; Consul forwards what that server cannot answer itself to the leader it knows.
 *
 * Error mapping (docs/architecture.md, "Core records"): reads change nothing, so a read that did not succeed is
 * `fail`. A write that timed out, lost its connection or got a 5xx may have been applied — Consul
 * answers `500 leadership lost while committing log` for an entry that may still commit — so it is
 * `info`. Only definite rejections are `fail`: `cas` answered false, a 4xx, or a refused connection
 * (the request was never sent).
 */
import { LOCK_HOLD_MS } from '../../harness/middle/workloads/lock.js';
import { finalReadOf } from '../../checkers/common.js';
import type { Client, ClientOp, Completion } from '../../harness/ground/contracts/roles.js';
import { ConsulError, fetchErrorMessage, kvGet, kvKeys, kvPut, neverSent, txn, type ReadMode, type TxnKvOp } from './http.js';
import { decodeValue, txnStoreClient, type TxnStore } from '../../harness/middle/workloads/txn-store.js';
import { ConsulLockClient, type LockOptions } from './lock-client.js';
import { ConsulElectionClient } from './election-client.js';
import type { StoreClientOptions } from '../server-base/store-target.js';
import { WATCH_PREFIX } from '../../harness/middle/workloads/watch.js';
import { DEFAULT_WATCH, type WatchSettings } from '../../harness/middle/workloads/watch-settings.js';
import { ConsulWatchClients } from './watch-client.js';

export interface ConsulClientOptions extends StoreClientOptions<ReadMode> {
  /** Session lock-delay, s (`--lock-delay`). Default 1. */
  lockDelayS?: LockOptions['lockDelayS'];
}

export const REGISTER_PREFIX = 'faultline/register/';
export const SET_PREFIX = 'faultline/set/';
/** Key k of the transactional workloads is TXN_PREFIX/k/v: a get-tree of TXN_PREFIX/k/ reads it alone, absent or not. */
export const TXN_PREFIX = 'faultline/txn/';

/** fail for a definite rejection, info for anything that may have been applied. */
export function writeError(err: unknown): Completion {
  const definite = neverSent(err) || (err instanceof ConsulError && err.status >= 400 && err.status < 500);
  return { type: definite ? 'fail' : 'info', error: fetchErrorMessage(err) };
}

const readError = (err: unknown): Completion => ({ type: 'fail', error: fetchErrorMessage(err) });

/** Opens clients for a run; remembers which lock clients believe they hold the lock. */
export class ConsulClients {
  readonly opts: Required<ConsulClientOptions>;
  private readonly lockClients = new Set<ConsulLockClient | ConsulElectionClient>();
  private watchClients?: ConsulWatchClients;

  constructor(
    private readonly nodes: readonly string[],
    private readonly endpoint: (node: string) => string,
    private readonly workload: string,
    opts: ConsulClientOptions,
    /** The watch workload's settings (its window, the blocking queries' wait). */
    private readonly watch: WatchSettings = DEFAULT_WATCH,
  ) {
    this.opts = { timeoutMs: 2_000, sessionTtlMs: 2_000, lockDelayS: 1, lockTimeoutMs: 5_000, holdMs: LOCK_HOLD_MS, ...opts };
  }

  /** Nodes whose clients hold the lock right now, as the clients believe. */
  holders(): string[] {
    return [...new Set([...this.lockClients].filter((c) => c.holding).map((c) => c.node))];
  }

  /** Nodes whose clients are inside the hold of their critical section right now. */
  inside(): string[] {
    return [...new Set([...this.lockClients].filter((c) => c instanceof ConsulLockClient && c.inHold).map((c) => c.node))];
  }

  /** The client of `thread`, bound to node thread mod N. */
  open(thread: number): Client {
    const node = this.nodes[thread % this.nodes.length];
    switch (this.workload) {
      case 'register': return this.registerClient(node);
      case 'list-append': case 'rw-register': return this.txnClient(node);
      case 'set': return this.setClient(node);
      case 'watch':
        this.watchClients ??= new ConsulWatchClients(WATCH_PREFIX, this.endpoint, { timeoutMs: this.opts.timeoutMs, windowMs: this.watch.windowMs, waitMs: this.watch.waitMs });
        return this.watchClients.open(thread, node);
      case 'lock': case 'fenced-lock': {
        const c = new ConsulLockClient(node, this.endpoint(node), { ...this.opts });
        this.lockClients.add(c);
        return { invoke: (op) => c.invoke(op), close: async () => { await c.close(); this.lockClients.delete(c); } };
      }
      case 'election': {
        const c = new ConsulElectionClient(node, this.endpoint(node), { ...this.opts });
        this.lockClients.add(c);
        return { invoke: (op) => c.invoke(op), close: async () => { await c.close(); this.lockClients.delete(c); } };
      }
      default: throw new Error(`the consul target has no client for workload ${this.workload}`);
    }
  }

  /** Closes every lock client still open (destroying its session). */
  async close(): Promise<void> {
    await Promise.all([...this.lockClients].map((c) => c.close()));
    this.lockClients.clear();
  }

  /**
   * list-append and rw-register (harness/middle/workloads/txn-store.ts): the keys read in one `/v1/txn` of
   * `get-tree`s (one snapshot; a read-only transaction is served in the --reads mode, so `stale` may
   * answer from a lagging server), written in one `/v1/txn` of `cas` at the ModifyIndex read (0:
   * create) for the keys written and `check-index` / `check-not-exists` for the keys only read.
   */
  private txnClient(node: string): Client {
    const endpoint = this.endpoint(node);
    const key = (k: number): string => `${TXN_PREFIX}${k}/v`;
    const store: TxnStore<number> = {
      read: async (keys) => {
        const got = await txn(endpoint, keys.map((k) => ({ Verb: 'get-tree', Key: `${TXN_PREFIX}${k}/` })), this.opts.reads, this.opts.timeoutMs);
        if (got === null) throw new Error('Consul refused a read-only transaction');
        const byKey = new Map(got.map((e) => [e.key, e]));
        return new Map(keys.map((k) => {
          const e = byKey.get(key(k));
          return [k, e ? { value: decodeValue(e.value), version: e.modifyIndex } : { value: null, version: 0 }];
        }));
      },
      commit: async (read, writes) => {
        const ops: TxnKvOp[] = [...read].map(([k, { version }]) => (writes.has(k)
          ? { Verb: 'cas', Key: key(k), Value: Buffer.from(JSON.stringify(writes.get(k))).toString('base64'), Index: version }
          : version === 0 ? { Verb: 'check-not-exists', Key: key(k) } : { Verb: 'check-index', Key: key(k), Index: version }));
        return (await txn(endpoint, ops, 'default', this.opts.timeoutMs)) !== null;
      },
      commitError: writeError,
    };
    return txnStoreClient(store, this.workload);
  }

  private registerClient(node: string): Client {
    const ep = this.endpoint(node);
    const { reads, timeoutMs } = this.opts;
    return {
      invoke: async (op: ClientOp): Promise<Completion> => {
        const key = `${REGISTER_PREFIX}${String(op.key)}`;
        if (op.f === 'read') {
          try {
            const { entry } = await kvGet(ep, key, reads, timeoutMs);
            return { type: 'ok', value: entry === null ? null : Number(entry.value) };
          } catch (err) {
            return readError(err);
          }
        }
        if (op.f === 'write') {
          try {
            const applied = await kvPut(ep, key, String(op.value), timeoutMs);
            return applied ? { type: 'ok', value: op.value } : { type: 'fail', error: 'consul answered false' };
          } catch (err) {
            return writeError(err);
          }
        }
        if (op.f === 'cas') {
          const [from, to] = op.value as [number, number];
          // Compare on the value read, swap on its ModifyIndex: Consul applies `?cas=IDX` only if the
          // key was not modified since, so a stale read can make the cas fail but never wrongly apply.
          let index: number;
          try {
            const { entry } = await kvGet(ep, key, reads, timeoutMs);
            if (entry === null || Number(entry.value) !== from) return { type: 'fail', value: op.value, error: entry === null ? 'compare failed: absent' : `compare failed: ${entry.value}` };
            index = entry.modifyIndex;
          } catch (err) {
            return { type: 'fail', value: op.value, error: `read before cas: ${fetchErrorMessage(err)}` };
          }
          try {
            const swapped = await kvPut(ep, key, String(to), timeoutMs, `cas=${index}`);
            return swapped ? { type: 'ok', value: op.value } : { type: 'fail', value: op.value, error: `cas: modified since index ${index}` };
          } catch (err) {
            return { ...writeError(err), value: op.value };
          }
        }
        return { type: 'fail', error: `register: unknown op ${op.f}` };
      },
      close: async () => undefined,
    };
  }

  private setClient(node: string): Client {
    const { reads, timeoutMs } = this.opts;
    return {
      invoke: async (op: ClientOp): Promise<Completion> => {
        if (op.f === 'add') {
          try {
            const applied = await kvPut(this.endpoint(node), `${SET_PREFIX}${String(op.value).padStart(10, '0')}`, '', timeoutMs);
            return applied ? { type: 'ok', value: op.value } : { type: 'fail', error: 'consul answered false' };
          } catch (err) {
            return writeError(err);
          }
        }
        if (op.f === 'read') {
          // A final read names the node whose state it reads.
          const target = finalReadOf(op.value)?.node ?? node;
          try {
            const keys = await kvKeys(this.endpoint(target), SET_PREFIX, reads, timeoutMs);
            return { type: 'ok', value: keys.map((k) => Number(k.slice(SET_PREFIX.length))) };
          } catch (err) {
            return readError(err);
          }
        }
        return { type: 'fail', error: `set: unknown op ${op.f}` };
      },
      close: async () => undefined,
    };
  }
}
