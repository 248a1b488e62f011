/**
 * Clients of the ZooKeeper target for the store workloads. Each client process has its own session
 * with one server (thread t → node t mod N), so plain reads are that server's local state, and a lock
 * is held by that session's ephemeral node.
 *
 * Reads: `plain` reads the server's local copy (ZooKeeper promises sequential consistency, not
 * linearizability); `sync` first asks the server to catch up with the leader; `quorum` then confirms
 * the version read through the leader's log (`read`). Error mapping: a read
 * that did not succeed is `fail`; a write that timed out or lost its connection is `info`; NO_NODE,
 * BAD_VERSION, NODE_EXISTS are definite (`fail`).
 */
import zookeeper from 'node-zookeeper-client';
import { finalReadOf } from '../../checkers/common.js';
import type { Client, ClientOp, Completion } from '../../harness/ground/contracts/roles.js';
import { definite, ZkError, ZkSession, type MultiOps } from './session.js';
import { zkElection } from './election-client.js';
import { errorMessage } from '../../harness/ground/history/errors.js';
import type { StoreClientOptions } from '../server-base/store-target.js';
import { decodeValue, runTxn, type TxnStore, type Versioned } from '../../harness/middle/workloads/txn-store.js';
import type { MicroOp } from '../../harness/middle/workloads/txn-list-append.js';
import { CriticalHolds, LOCK_HOLD_MS, LOCK_HOLDER_WAIT_MS } from '../../harness/middle/workloads/lock.js';
import { WATCH_PREFIX } from '../../harness/middle/workloads/watch.js';
import { DEFAULT_WATCH, type WatchSettings } from '../../harness/middle/workloads/watch-settings.js';
import { ZkWatchClients } from './watch-client.js';

export type ZkReads = 'plain' | 'sync' | 'quorum';

/** `sessionTtlMs` is the session timeout each client asks for (the server clamps it to 2–20 ticks, 1–10 s here). Default 4 s. */
export type ZkClientOptions = StoreClientOptions<ZkReads>;

const SET_PARENT = '/faultline-set';
const LOCK_PARENT = '/faultline-lock';
const COUNTER = '/faultline-lock-counter';
const TXN_PREFIX = '/faultline-txn-';
const E = zookeeper.Exception;

/**
 * Adds to a multi the op that confirms a read at its commit point: a check of the version read, or,
 * for a znode read as absent (`version` -1), its create and remove in one step (a create fails on a
 * znode that exists).
 */
function confirmRead(t: MultiOps, path: string, version: number): void {
  if (version >= 0) t.check(path, version);
  else {
    t.create(path, Buffer.alloc(0));
    t.remove(path, 0);
  }
}

const isCode = (err: unknown, code: number): boolean => err instanceof ZkError && err.code === code;
const writeError = (err: unknown): Completion => ({ type: definite(err) ? 'fail' : 'info', error: errorMessage(err) });
const num = (b: Buffer | undefined): number | null => (b === undefined || b.length === 0 ? null : Number(b.toString()));

export class ZkClients {
  readonly opts: Required<ZkClientOptions>;
  private readonly holding = new Map<number, string>();
  private watchClients?: ZkWatchClients;
  /** Nodes of the election candidates that lead right now, by candidate. */
  private readonly leading = new Map<object, string>();
  /** Processes inside the hold of their critical section (read done, write not yet sent), and their nodes. */
  private readonly holds: CriticalHolds;

  constructor(private readonly nodes: readonly string[], private readonly address: (node: string) => string, private readonly workload: string, opts: ZkClientOptions,
    /** The watch workload's settings (its window). */
    private readonly watch: WatchSettings = DEFAULT_WATCH) {
    this.opts = { timeoutMs: 2_000, lockTimeoutMs: 5_000, holdMs: LOCK_HOLD_MS, sessionTtlMs: 4_000, ...opts };
    this.holds = new CriticalHolds(this.opts.holdMs);
  }

  /** Nodes whose clients are inside the hold of their critical section right now. */
  inside(): string[] {
    return this.holds.nodes();
  }

  /** The hold of a critical section, marked for faults aimed at holders. */
  private hold(process: number, node: string): Promise<void> {
    return this.holds.hold(process, node);
  }

  holders(): string[] {
    return [...new Set([...this.holding.values(), ...this.leading.values()])];
  }

  open(thread: number, process: number): Client {
    const node = this.nodes[thread % this.nodes.length];
    if (this.workload === 'watch') {
      this.watchClients ??= new ZkWatchClients(WATCH_PREFIX, this.address, { timeoutMs: this.opts.timeoutMs, sessionTtlMs: this.opts.sessionTtlMs, windowMs: this.watch.windowMs });
      return this.watchClients.open(thread, node);
    }
    const sessions = new Map<string, ZkSession>();
    // Sessions are opened lazily: a server that is down makes ops fail, not the client's creation.
    const session = async (n = node): Promise<ZkSession> => {
      let s = sessions.get(n);
      if (!s) { s = new ZkSession(this.address(n), this.opts.timeoutMs, this.opts.sessionTtlMs); sessions.set(n, s); }
      await s.connect();
      return s;
    };
    const candidate = {};
    const close = async (): Promise<void> => { for (const s of sessions.values()) s.close(); sessions.clear(); this.holding.delete(process); this.leading.delete(candidate); };
    const perform = this.workload === 'register' ? this.register.bind(this)
      : this.workload === 'set' ? this.set.bind(this)
        : this.workload === 'list-append' || this.workload === 'rw-register' ? this.txn.bind(this)
        : this.workload === 'lock' || this.workload === 'fenced-lock' ? this.lock(node, process)
        : this.workload === 'election' ? zkElection(node, { sessionTtlMs: this.opts.sessionTtlMs, campaignTimeoutMs: this.opts.lockTimeoutMs }, this.leading, candidate) : undefined;
    if (!perform) throw new Error(`the zookeeper target has no client for workload ${this.workload}`);
    return {
      invoke: async (op) => {
        try {
          return await perform(op, session);
        } catch (err) {
          // Reached only when connecting failed: nothing was sent.
          return { type: 'fail', error: errorMessage(err) };
        }
      },
      close,
    };
  }

  /**
   * One znode's data and version. `timeoutMs`, when given, replaces the request deadline (a lock
   * holder waits longer: LOCK_HOLDER_WAIT_MS). With `--reads quorum` the read is confirmed through the
   * leader's log: a multi that checks the version read (or, for a znode read as absent, creates and
   * removes it in one step) commits only if the value was still current at its commit point, inside
   * the op. A sync does not promise that: a leader that a reconfig removed keeps answering syncs and
   * reads from its own state after its followers moved to the new leader (docs/targets/zookeeper.md).
   * A value changed in between is read again, twice at most.
   */
  private async read(s: ZkSession, path: string, timeoutMs?: number): Promise<{ data: Buffer | undefined; version: number } | null> {
    if (this.opts.reads !== 'plain') await s.sync(path, timeoutMs);
    for (let attempt = 1; ; attempt++) {
      let r: { data: Buffer | undefined; version: number } | null;
      try {
        const got = await s.getData(path, timeoutMs);
        r = { data: got.data, version: got.stat.version };
      } catch (err) {
        if (!isCode(err, E.NO_NODE)) throw err;
        r = null;
      }
      if (this.opts.reads !== 'quorum') return r;
      try {
        await s.multi((t) => confirmRead(t, path, r === null ? -1 : r.version));
        return r;
      } catch (err) {
        const changed = isCode(err, E.BAD_VERSION) || isCode(err, E.NODE_EXISTS) || isCode(err, E.NO_NODE);
        if (!changed || attempt >= 3) throw err;
      }
    }
  }

  /**
   * list-append and rw-register (harness/middle/workloads/txn-store.ts): each key a znode holding JSON, read
   * with getData (after one sync with --reads sync); the commit is a `multi` of setData at the version
   * read for each key written and check at the version read for each key only read. A key read as
   * absent is asserted absent by create-then-remove inside the multi (a create fails on an existing
   * node), or created when written. A read-only transaction's reads are separate getData calls, not
   * one snapshot: a check-only multi of their versions confirms they were all current at one point.
   */
  private async txn(op: ClientOp, session: (n?: string) => Promise<ZkSession>): Promise<Completion> {
    if (op.f !== 'txn' || !Array.isArray(op.value)) return { type: 'fail', error: `${this.workload}: unknown op ${op.f}` };
    const s = await session();
    const path = (k: number): string => `${TXN_PREFIX}${k}`;
    const multi = async (read: ReadonlyMap<number, Versioned<number>>, writes: ReadonlyMap<number, unknown>): Promise<boolean> => {
      try {
        await s.multi((t) => {
          for (const [k, { version }] of read) {
            const w = writes.has(k) ? Buffer.from(JSON.stringify(writes.get(k))) : undefined;
            if (version >= 0) {
              if (w) t.setData(path(k), w, version);
              else t.check(path(k), version);
            } else if (w) t.create(path(k), w);
            else confirmRead(t, path(k), version);
          }
        });
        return true;
      } catch (err) {
        if (isCode(err, E.BAD_VERSION) || isCode(err, E.NODE_EXISTS) || isCode(err, E.NO_NODE)) return false;
        throw err;
      }
    };
    const store: TxnStore<number> = {
      read: async (keys) => {
        if (this.opts.reads !== 'plain') await s.sync('/');
        const got = await Promise.all(keys.map(async (k) => {
          try {
            const r = await s.getData(path(k));
            return [k, { value: decodeValue(r.data?.toString()), version: r.stat.version }] as const;
          } catch (err) {
            if (isCode(err, E.NO_NODE)) return [k, { value: null, version: -1 }] as const;
            throw err;
          }
        }));
        return new Map(got);
      },
      commit: multi,
      confirm: (read) => multi(read, new Map()),
      commitError: writeError,
    };
    return runTxn(store, op.value as MicroOp[]);
  }

  private async register(op: ClientOp, session: (n?: string) => Promise<ZkSession>): Promise<Completion> {
    const s = await session();
    const path = `/faultline-register-${String(op.key)}`;
    if (op.f === 'read') {
      try {
        const r = await this.read(s, path);
        return { type: 'ok', value: r === null ? null : num(r.data) };
      } catch (err) {
        return { type: 'fail', error: errorMessage(err) };
      }
    }
    if (op.f === 'write') {
      const data = Buffer.from(String(op.value));
      try {
        try {
          await s.setData(path, data, -1);
        } catch (err) {
          if (!isCode(err, E.NO_NODE)) throw err;
          try {
            await s.create(path, data);
          } catch (err2) {
            if (!isCode(err2, E.NODE_EXISTS)) throw err2;
            await s.setData(path, data, -1);
          }
        }
        return { type: 'ok', value: op.value };
      } catch (err) {
        return writeError(err);
      }
    }
    if (op.f === 'cas') {
      const [from, to] = op.value as [number, number];
      let cur: { data: Buffer | undefined; version: number } | null;
      try {
        // A plain read is enough: the versioned setData only succeeds on the version that was read.
        const r = await s.getData(path);
        cur = { data: r.data, version: r.stat.version };
      } catch (err) {
        return { type: 'fail', error: isCode(err, E.NO_NODE) ? 'no such key' : errorMessage(err) };
      }
      if (num(cur.data) !== from) return { type: 'fail', value: op.value, error: 'compare failed' };
      try {
        await s.setData(path, Buffer.from(String(to)), cur.version);
        return { type: 'ok', value: op.value };
      } catch (err) {
        return writeError(err);
      }
    }
    return { type: 'fail', error: `register: unknown op ${op.f}` };
  }

  private async set(op: ClientOp, session: (n?: string) => Promise<ZkSession>): Promise<Completion> {
    if (op.f === 'add') {
      const s = await session();
      const path = `${SET_PARENT}/e${String(op.value)}`;
      try {
        try {
          await s.create(path, Buffer.alloc(0));
        } catch (err) {
          if (!isCode(err, E.NO_NODE)) throw err;
          await s.create(SET_PARENT, Buffer.alloc(0)).catch((e: unknown) => { if (!isCode(e, E.NODE_EXISTS)) throw e; });
          await s.create(path, Buffer.alloc(0));
        }
        return { type: 'ok', value: op.value };
      } catch (err) {
        return writeError(err);
      }
    }
    if (op.f === 'read') {
      const s = await session(finalReadOf(op.value)?.node);
      try {
        if (this.opts.reads !== 'plain') await s.sync(SET_PARENT);
        const children = await s.getChildren(SET_PARENT).catch((err: unknown) => { if (isCode(err, E.NO_NODE)) return [] as string[]; throw err; });
        return { type: 'ok', value: children.map((c) => Number(c.slice(1))) };
      } catch (err) {
        return { type: 'fail', error: errorMessage(err) };
      }
    }
    return { type: 'fail', error: `set: unknown op ${op.f}` };
  }

  /** The standard recipe: an ephemeral sequential node; the lowest holds, the others watch their predecessor. */
  private lock(node: string, process: number): (op: ClientOp, session: (n?: string) => Promise<ZkSession>) => Promise<Completion> {
    let mine: string | undefined;
    const o = this.opts;
    return async (op, session) => {
      const s = await session();
      if (op.f === 'acquire') {
        if (mine) return { type: 'fail', error: 'already holding the lock' };
        let path: string;
        try {
          await s.create(LOCK_PARENT, Buffer.alloc(0)).catch((e: unknown) => { if (!isCode(e, E.NODE_EXISTS)) throw e; });
          path = await s.create(`${LOCK_PARENT}/lock-`, Buffer.alloc(0), zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL);
        } catch (err) {
          return writeError(err);
        }
        const deadline = Date.now() + o.lockTimeoutMs;
        try {
          for (;;) {
            const children = (await s.getChildren(LOCK_PARENT)).sort();
            const me = path.slice(LOCK_PARENT.length + 1);
            const i = children.indexOf(me);
            if (i < 0) throw new ZkError(-1, 'our lock node vanished (session expired)');
            if (i === 0) break;
            const changed = new Promise<void>((resolve) => {
              void s.exists(`${LOCK_PARENT}/${children[i - 1]}`, resolve).then((there) => { if (!there) resolve(); }, () => resolve());
            });
            const left = deadline - Date.now();
            if (left <= 0) throw new ZkError('timeout', `lock not granted within ${o.lockTimeoutMs} ms`);
            await Promise.race([changed, new Promise((r) => setTimeout(r, Math.min(left, 500)))]);
          }
        } catch (err) {
          await s.remove(path).catch(() => undefined);
          return { type: 'info', error: errorMessage(err) };
        }
        mine = path;
        this.holding.set(process, node);
        // The fencing token: the sequence number ZooKeeper gave the lock node (it grows with creation).
        return { type: 'ok', value: { node, key: path, token: Number(path.slice(path.lastIndexOf('-') + 1)) } };
      }
      if (op.f === 'update') {
        if (!mine) return { type: 'fail', error: 'not holding the lock' };
        let cur;
        try {
          cur = await this.read(s, COUNTER, LOCK_HOLDER_WAIT_MS);
        } catch (err) {
          return { type: 'fail', error: `read: ${errorMessage(err)}` };
        }
        const read = cur === null ? null : num(cur.data);
        await this.hold(process, node);
        const wrote = (read ?? 0) + 1;
        try {
          if (cur === null) await s.create(COUNTER, Buffer.from(String(wrote)), undefined, LOCK_HOLDER_WAIT_MS);
          else await s.setData(COUNTER, Buffer.from(String(wrote)), -1, LOCK_HOLDER_WAIT_MS);
          return { type: 'ok', value: { read, wrote, node } };
        } catch (err) {
          return writeError(err);
        }
      }
      if (op.f === 'read') {
        // fenced-lock: the holder checks in with the store through its node (a read changes nothing, so any failure is `fail`).
        if (!mine) return { type: 'fail', error: 'not holding the lock' };
        try {
          const cur = await this.read(s, COUNTER, LOCK_HOLDER_WAIT_MS);
          await this.hold(process, node);
          return { type: 'ok', value: { read: cur === null ? null : num(cur.data), node } };
        } catch (err) {
          return { type: 'fail', error: `read: ${errorMessage(err)}` };
        }
      }
      if (op.f === 'release') {
        if (!mine) return { type: 'fail', error: 'not holding the lock' };
        const path = mine;
        mine = undefined;
        this.holding.delete(process);
        try {
          await s.remove(path);
          return { type: 'ok', value: { node } };
        } catch (err) {
          return isCode(err, E.NO_NODE) ? { type: 'ok', value: { node, note: 'the lock node was already gone' } } : { type: 'info', error: errorMessage(err) };
        }
      }
      return { type: 'fail', error: `lock: unknown op ${op.f}` };
    };
  }
}
