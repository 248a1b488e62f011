/**
 * Transactions on the bundled Raft (Maelstrom's `txn` message: `txn: [[f, k, v], ...]` with f `r`,
 * `append` or `w`), applied whole by the state machine as one log entry, so every transaction is
 * atomic and, since reads go through the log too, strict-serializable.
 *
 * BUG `txn-local-reads` (bugs.ts) breaks isolation: the node a client reached fills in the reads from
 * its own applied state at once (a follower's may lag), and only the writes go through the log: the
 * command carries those reads (`reads`), which the apply uses instead of the state it applies to.
 */
import { errorBody, keyOf } from '../../harness/ground/protocol/kv-request.js';
import type { MaelstromBody } from '../../harness/ground/protocol/protocol.js';

export type TxnMicroOp = [string, unknown, unknown];

/** The txn command in the log; `reads` is set by the bug switch alone: the reads' values as the receiving node saw them. */
export interface TxnRequest { f: 'txn'; txn: TxnMicroOp[]; reads?: unknown[] }

/** The request of a `txn` body, or the error reply for a malformed one. */
export function parseTxnRequest(body: MaelstromBody): TxnRequest | MaelstromBody {
  const txn = body.txn;
  if (!Array.isArray(txn) || !txn.every((m) => Array.isArray(m) && m.length === 3 && (m[0] === 'r' || m[0] === 'append' || m[0] === 'w'))) {
    return errorBody(12, 'raft txn needs "txn": a list of [f, key, value] micro-ops with f r, append or w');
  }
  const reads = Array.isArray(body.reads) ? body.reads as unknown[] : undefined;
  return { f: 'txn', txn: txn as TxnMicroOp[], ...(reads ? { reads } : {}) };
}

/**
 * Runs the micro-ops in order against get/set (keys mapped by `keyOf`, as lin-kv's) and returns `txn_ok` with the reads filled in (a list
 * or register value, null for a key never written). An append to a key holding a non-list is refused
 * before anything is set (error 12), so the transaction stays all or nothing.
 */
export function applyTxn(req: TxnRequest, get: (k: string) => { value: unknown } | undefined, set: (k: string, value: unknown) => void): MaelstromBody {
  const shadow = new Map<string, { value: unknown }>();
  const look = (k: string): { value: unknown } | undefined => shadow.get(k) ?? get(k);
  const done: TxnMicroOp[] = [];
  for (let i = 0; i < req.txn.length; i++) {
    const [f, key, v] = req.txn[i];
    const k = keyOf(key);
    if (f === 'r') {
      const cur = look(k)?.value;
      const seen = req.reads ? req.reads[i] : cur;
      done.push(['r', key, seen === undefined ? null : Array.isArray(seen) ? [...seen] : seen]);
    } else if (f === 'append') {
      const cur = look(k)?.value;
      if (cur !== undefined && !Array.isArray(cur)) return errorBody(12, `cannot append to key ${JSON.stringify(key)}: it holds ${JSON.stringify(cur)}, not a list`);
      shadow.set(k, { value: [...((cur as unknown[] | undefined) ?? []), v] });
      done.push(['append', key, v]);
    } else {
      shadow.set(k, { value: v });
      done.push(['w', key, v]);
    }
  }
  for (const [k, v] of shadow) set(k, v.value);
  return { type: 'txn_ok', txn: done };
}

/** BUG `txn-local-reads`: the reads of `req` as this node's state answers them now (writes of the txn itself seen). */
export function localReads(req: TxnRequest, get: (k: string) => { value: unknown } | undefined): unknown[] {
  const reply = applyTxn({ f: 'txn', txn: req.txn }, get, () => {});
  return (reply.txn as TxnMicroOp[]).map((m) => (m[0] === 'r' ? m[2] : null));
}
