/**
 * Maelstrom's txn-rw-register workload: `txn {txn: [["r", k, null], ["w", k, v], ...]}` → `txn_ok
 * {txn}` with the reads filled in (the value, or null for a key never written).
 *
 * The generator is the stores' rw-register one (registerTxns, txn-list-append.ts), after Elle's
 * rw-register test: a few active keys at a time, 1–4 micro-ops per transaction, writes unique per key
 * (1, 2, 3, ... per key, which Elle's inference needs); a key that has had `maxWritesPerKey` writes
 * retires and a fresh key takes its place. Only transactions of
 * nothing but reads are idempotent. Checked by Elle's rw-register analysis (checkers/elle/) for the
 * consistency models of --consistency-models (default strict-serializable; Gossip Glomers 6a–6c
 * ask for serializable, read-uncommitted and read-committed).
 */
import { protocolChecker } from '../../../checkers/protocol.js';
import { txnRwRegisterChecker } from '../../../checkers/txn.js';
import { ShapeError, field, isArray, maelstromClient, unknownOp } from './client.js';
import { paced } from './common.js';
import type { MaelstromWorkload } from './types.js';
import { registerTxns } from './txn-list-append.js';

export type RwMicroOp = ['r', unknown, unknown] | ['w', unknown, unknown];

/** The completed transaction, checked against the request: same micro-ops, writes as sent. */
function completedTxn(sent: readonly RwMicroOp[], got: unknown[]): RwMicroOp[] {
  if (got.length !== sent.length) throw new ShapeError(`has ${got.length} micro-ops in "txn" for the ${sent.length} sent`);
  return got.map((m, i) => {
    const [f, k, v] = sent[i];
    if (!Array.isArray(m) || m.length !== 3 || m[0] !== f || JSON.stringify(m[1]) !== JSON.stringify(k)) {
      throw new ShapeError(`has ${JSON.stringify(m)} as micro-op ${i} of "txn", which should be [${JSON.stringify(f)}, ${JSON.stringify(k)}, ...]`);
    }
    if (f === 'w' && JSON.stringify(m[2]) !== JSON.stringify(v)) {
      throw new ShapeError(`has the write ${JSON.stringify(m)} in "txn", which should return the value sent, ${JSON.stringify(v)}`);
    }
    return m as RwMicroOp;
  });
}

/** The workload for the given consistency models (the registered one checks strict-serializable). */
export function txnRwRegisterFor(consistencyModels?: readonly string[]): MaelstromWorkload {
  return {
    name: 'txn-rw-register',
    description: 'txn-rw-register: transactions of reads and writes on registers, checked by Elle (default strict-serializable; --consistency-models)',
    services: [],
    generator: (opts) => paced(opts, registerTxns(opts.keyCount === undefined ? {} : { keyCount: opts.keyCount })),
    client: (conn, node, opts) =>
      maelstromClient(conn, node, opts, (op, call) => {
        if (op.f !== 'txn') throw unknownOp('txn-rw-register', op, ['txn']);
        if (!Array.isArray(op.value)) throw new Error(`txn-rw-register: a txn needs a list of micro-ops, got ${JSON.stringify(op.value)}`);
        const sent = op.value as RwMicroOp[];
        return call({
          body: { type: 'txn', txn: sent },
          ok: 'txn_ok',
          idempotent: sent.every((m) => m[0] === 'r'),
          shape: 'txn: [the micro-ops sent, reads filled in]',
          value: (r) => completedTxn(sent, field(r, 'txn', isArray, 'an array')),
        });
      }),
    checkers: [txnRwRegisterChecker(consistencyModels ? { consistencyModels } : {}), protocolChecker()],
    withConsistencyModels: (models) => txnRwRegisterFor(models),
  };
}

export const txnRwRegister: MaelstromWorkload = txnRwRegisterFor();
