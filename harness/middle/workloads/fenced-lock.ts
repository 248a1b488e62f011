/**
 * The fenced-lock workload for real stores: each client acquires the shared lock, taking the store's
 * fencing token from the grant (etcd's lock key create revision, ZooKeeper's sequence number, the
 * ModifyIndex of Consul's acquire), then works under it — a `read` of the store's guarded counter
 * through its own node (the holder checking in with the store), then a `write` of its token to the
 * resource (fenced-resource.ts) — four times, and releases. A client whose node is paused keeps
 * believing it holds: its read waits for the paused server (LOCK_HOLDER_WAIT_MS) and answers or
 * fails after the lease has expired and another client was granted the lock, and its next write still
 * reaches the resource, which is the stale holder fencing must stop. The round's store op is a read,
 * not the lock workload's read-and-write `update`: a write cut off by the pause is `info`, which
 * retires the process and its token, and the stale holder would then never reach the resource (what
 * ZooKeeper's connection loss did to every paused holder).
 *
 * The checker (checkers/fenced-lock.ts) judges mutual exclusion in the resource's own order, and the
 * tokens; with fencing enforced the stale writes are rejected and reported.
 */
import { fencedLockChecker } from '../../../checkers/fenced-lock.js';
import { eachThread, repeat, sleep } from '../../ground/generator/index.js';
import type { Client, ClientOp, Completion } from '../../ground/contracts/roles.js';
import { errorMessage } from '../../ground/history/errors.js';
import { LOCK_THINK_NS } from './lock.js';
import { ResourceService, type FencingMode } from './fenced-resource.js';
import type { StoreWorkload } from './store-types.js';

/** Read-and-write rounds per holding. */
export const FENCED_ROUNDS = 4;

const round = [{ f: 'read' }, { f: 'write' }];

export const fencedLock: StoreWorkload = {
  name: 'fenced-lock',
  description: 'fenced-lock: acquire a lock with its fencing token, write the token to a resource Faultline runs outside the faults; checks the resource saw one holder at a time',
  generator: () => eachThread(repeat([{ f: 'acquire' }, ...Array.from({ length: FENCED_ROUNDS }, () => round).flat(), { f: 'release' }, sleep(LOCK_THINK_NS)])),
  checkers: [fencedLockChecker()],
  hasHolders: true,
};

interface LockClients {
  open(thread: number, process: number): Client | Promise<Client>;
  holders?(): string[];
  inside?(): string[];
}

/**
 * The store's lock clients with `write` added: the token of the process' current grant goes to the
 * resource. The resource starts with the first client and stops with `close`.
 */
export function fencedClients(inner: LockClients, mode: FencingMode, timeoutMs: number): LockClients & { resource: ResourceService; close(): Promise<void> } {
  const resource = new ResourceService(mode);
  let started: Promise<void> | undefined;
  return {
    resource,
    holders: inner.holders ? () => inner.holders!() : undefined,
    inside: inner.inside ? () => inner.inside!() : undefined,
    async open(thread, process) {
      await (started ??= resource.start());
      const c = await inner.open(thread, process);
      let token: number | undefined;
      return {
        async invoke(op: ClientOp): Promise<Completion> {
          if (op.f === 'write') {
            if (token === undefined) return { type: 'fail', error: 'not holding the lock (or its grant gave no fencing token)' };
            try {
              const a = await resource.write(token, timeoutMs);
              return a.applied ? { type: 'ok', value: { token, seq: a.seq } } : { type: 'fail', value: { token, rejected: true, highest: a.highest }, error: `fenced: token ${token} is below ${a.highest}` };
            } catch (err) {
              return { type: 'info', value: { token }, error: errorMessage(err) };
            }
          }
          if (op.f === 'release') token = undefined;
          const done = await c.invoke(op);
          if (op.f === 'acquire' && done.type === 'ok') {
            const t = (done.value as { token?: unknown } | null)?.token;
            token = typeof t === 'number' ? t : undefined;
          }
          return done;
        },
        close: () => c.close(),
      };
    },
    close: () => resource.stop(),
  };
}
