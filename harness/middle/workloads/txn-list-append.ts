/**
 * Maelstrom's txn-list-append workload: `txn {txn: [["r", k, null], ["append", k, v], ...]}` →
 * `txn_ok {txn}` with the reads filled in (a list, or null for a key never appended to).
 *
 * The generator follows Jepsen's append test: a few active keys at a time, 1–4 micro-ops per
 * transaction, appends unique per key (0, 1, 2, ... per key); a key that has had `maxWritesPerKey`
 * appends retires and a fresh key takes its place, which keeps lists short for the checker.
 *
 * Only transactions of nothing but reads are idempotent (a timeout is then `fail`); any other that
 * times out is `info`. The verdict is Elle's list-append analysis (checkers/elle/) for strict
 * serializability.
 */
import { protocolChecker } from '../../../checkers/protocol.js';
import { txnListAppendChecker } from '../../../checkers/txn.js';
import { lift, type Context, type Generator, type OpResult } from '../../ground/generator/index.js';
import { ShapeError, field, isArray, maelstromClient, unknownOp } from './client.js';
import { paced } from './common.js';
import type { MaelstromWorkload } from './types.js';
import type { Checker } from '../../../checkers/contract.js';

export type MicroOp = ['r', unknown, unknown] | ['append', unknown, unknown] | ['w', unknown, unknown];

export interface AppendTxnOptions {
  /** Keys active at once; default 3. */
  keyCount: number;
  minTxnLength: number;
  maxTxnLength: number;
  maxWritesPerKey: number;
  /** The write micro-op: `append` (list-append) or `w` (rw-register, Jepsen's wr-register: unique values per key). */
  write: 'append' | 'w';
}

export const DEFAULT_APPEND: AppendTxnOptions = { keyCount: 3, minTxnLength: 1, maxTxnLength: 4, maxWritesPerKey: 16, write: 'append' };

/** Immutable: the next element per active key lives in the generator, so look-ahead is harmless. */
class AppendTxns implements Generator {
  constructor(
    private readonly o: AppendTxnOptions,
    private readonly active: readonly number[],
    private readonly appended: ReadonlyMap<number, number>,
    private readonly nextKey: number,
  ) {}

  op(ctx: Context): OpResult {
    const rng = ctx.rng.fork('txn');
    const active = this.active.slice();
    const appended = new Map(this.appended);
    let nextKey = this.nextKey;
    const length = this.o.minTxnLength + rng.int(this.o.maxTxnLength - this.o.minTxnLength + 1);
    const txn: MicroOp[] = [];
    for (let i = 0; i < length; i++) {
      const slot = rng.int(active.length);
      const key = active[slot];
      if (rng.int(2) === 0) {
        txn.push(['r', key, null]);
        continue;
      }
      const n = appended.get(key) ?? 0;
      // Register writes count from 1: a node that reads a missing key as a falsy value cannot mistake a write for it.
      txn.push([this.o.write, key, this.o.write === 'w' ? n + 1 : n]);
      if (n + 1 >= this.o.maxWritesPerKey) {
        appended.delete(key);
        active[slot] = nextKey++;
      } else appended.set(key, n + 1);
    }
    const r = lift({ f: 'txn', value: txn }).op(ctx);
    if (r === null || r === 'pending') return r;
    return { op: r.op, gen: new AppendTxns(this.o, active, appended, nextKey) };
  }

  update(): Generator {
    return this;
  }
}

/** Endless rw-register transactions (the stores' and Maelstrom's): as appendTxns, with writes of values unique per key (1, 2, 3, …). */
export function registerTxns(options: Partial<Omit<AppendTxnOptions, 'write'>> = {}): Generator {
  return appendTxns({ ...options, write: 'w' });
}

/** Endless list-append transactions (see the module comment). */
export function appendTxns(options: Partial<AppendTxnOptions> = {}): Generator {
  const o = { ...DEFAULT_APPEND, ...options };
  if (!(o.keyCount >= 1 && o.minTxnLength >= 1 && o.maxTxnLength >= o.minTxnLength && o.maxWritesPerKey >= 1)) {
    throw new RangeError(`txn-list-append: bad options ${JSON.stringify(o)}; need keyCount ≥ 1 and 1 ≤ minTxnLength ≤ maxTxnLength`);
  }
  return new AppendTxns(o, Array.from({ length: o.keyCount }, (_, i) => i), new Map(), o.keyCount);
}

/**
 * The completed transaction, checked against the request: same micro-ops, writes (`append` or `w`)
 * returning the value sent; list-append's reads are lists or null.
 */
function completedTxn(sent: readonly MicroOp[], got: unknown[], listReads: boolean): MicroOp[] {
  if (got.length !== sent.length) throw new ShapeError(`has ${got.length} micro-ops in "txn" for the ${sent.length} sent`);
  return got.map((m, i) => {
    const [f, k, v] = sent[i];
    if (!Array.isArray(m) || m.length !== 3 || m[0] !== f || JSON.stringify(m[1]) !== JSON.stringify(k)) {
      throw new ShapeError(`has ${JSON.stringify(m)} as micro-op ${i} of "txn", which should be [${JSON.stringify(f)}, ${JSON.stringify(k)}, ...]`);
    }
    if (listReads && f === 'r' && m[2] !== null && !Array.isArray(m[2])) {
      throw new ShapeError(`has the read ${JSON.stringify(m)} in "txn", whose value is neither a list nor null`);
    }
    if (f !== 'r' && JSON.stringify(m[2]) !== JSON.stringify(v)) {
      throw new ShapeError(`has the ${f === 'w' ? 'write' : 'append'} ${JSON.stringify(m)} in "txn", which should return the value sent, ${JSON.stringify(v)}`);
    }
    return m as MicroOp;
  });
}

/**
 * A Maelstrom transactional workload (txn-list-append, txn-rw-register): `txn` bodies of the
 * generator's micro-ops, `txn_ok` with the reads filled in, and its Elle checker for the models.
 */
export function maelstromTxnWorkload(w: {
  name: string; description: string; txns: (o: { keyCount?: number }) => Generator; listReads: boolean;
  checker: (o: { consistencyModels?: readonly string[] }) => Checker;
}, consistencyModels?: readonly string[]): MaelstromWorkload {
  return {
    name: w.name,
    description: w.description,
    services: [],
    generator: (opts) => paced(opts, w.txns(opts.keyCount === undefined ? {} : { keyCount: opts.keyCount })),
    client: (conn, node, opts) =>
      maelstromClient(conn, node, opts, (op, call) => {
        if (op.f !== 'txn') throw unknownOp(w.name, op, ['txn']);
        if (!Array.isArray(op.value)) throw new Error(`${w.name}: a txn needs a list of micro-ops, got ${JSON.stringify(op.value)}`);
        const sent = op.value as MicroOp[];
        return call({
          body: { type: 'txn', txn: sent },
          ok: 'txn_ok',
          idempotent: sent.every((m) => m[0] === 'r'),
          shape: 'txn: [the micro-ops sent, reads filled in]',
          value: (r) => completedTxn(sent, field(r, 'txn', isArray, 'an array'), w.listReads),
        });
      }),
    checkers: [w.checker(consistencyModels ? { consistencyModels } : {}), protocolChecker()],
    withConsistencyModels: (models) => maelstromTxnWorkload(w, models),
  };
}

export const txnListAppend: MaelstromWorkload = maelstromTxnWorkload({
  name: 'txn-list-append',
  description: 'txn-list-append: transactions of reads and appends, checked by Elle for strict serializability',
  txns: appendTxns, listReads: true, checker: txnListAppendChecker,
});
