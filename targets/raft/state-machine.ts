/**
 * The replicated state machine: a map of JSON keys to JSON values with lin-kv's read/write/cas and
 * transactions (txn.ts).
 * Semantics (error codes 20/22, deep comparison of values, create_if_not_exists) are shared with
 * Faultline's in-process lin-kv service through `applyKv`, so both stores answer alike.
 */
import { applyKv, keyOf, type KvRequest } from '../../harness/ground/protocol/kv-request.js';
import type { MaelstromBody } from '../../harness/ground/protocol/protocol.js';
import type { Command } from './messages.js';
import { applyTxn, localReads, type TxnRequest } from './txn.js';

export class KvStateMachine {
  private readonly map = new Map<string, { value: unknown }>();

  /** A state machine holding the pairs of a snapshot. */
  static fromData(data: readonly [string, unknown][]): KvStateMachine {
    const sm = new KvStateMachine();
    for (const [k, value] of data) sm.map.set(k, { value });
    return sm;
  }

  /** Applies a committed command; returns the reply body for its client (a no-op gives undefined). */
  apply(cmd: Command): MaelstromBody | undefined {
    // A configuration entry changes who votes, not the data (membership.ts).
    if (cmd === null || cmd.f === 'config') return undefined;
    if (cmd.f === 'txn') return applyTxn(cmd, (k) => this.map.get(k), (k, value) => this.map.set(k, { value }));
    return applyKv(cmd, (k) => this.map.get(k), (k, value) => this.map.set(k, { value }));
  }

  /** What a cas or write would answer now, without changing anything (for early-ack). */
  preview(cmd: KvRequest | TxnRequest): MaelstromBody {
    const shadow = new Map<string, { value: unknown }>();
    if (cmd.f === 'txn') return applyTxn(cmd, (k) => shadow.get(k) ?? this.map.get(k), (k, value) => shadow.set(k, { value }));
    return applyKv(cmd, (k) => shadow.get(k) ?? this.map.get(k), (k, value) => shadow.set(k, { value }));
  }

  /** A read served from this state. */
  read(key: unknown): MaelstromBody {
    return applyKv({ f: 'read', key }, (k) => this.map.get(k), () => {});
  }

  /** BUG `txn-local-reads`: a transaction's reads as this state answers them now. */
  txnReads(req: TxnRequest): unknown[] {
    return localReads(req, (k) => this.map.get(k));
  }

  /** The value under `key`, if any (for tests). */
  get(key: unknown): unknown {
    return this.map.get(keyOf(key))?.value;
  }

  /** The pairs, for a snapshot. */
  toData(): [string, unknown][] {
    return [...this.map].map(([k, v]) => [k, v.value]);
  }

  get size(): number {
    return this.map.size;
  }
}
