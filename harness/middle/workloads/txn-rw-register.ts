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
import { txnRwRegisterChecker } from '../../../checkers/txn.js';
import type { MaelstromWorkload } from './types.js';
import { maelstromTxnWorkload, registerTxns } from './txn-list-append.js';


/** The workload for the given consistency models (the registered one checks strict-serializable). */
export function txnRwRegisterFor(consistencyModels?: readonly string[]): MaelstromWorkload {
  return maelstromTxnWorkload({
    name: 'txn-rw-register',
    description: 'txn-rw-register: transactions of reads and writes on registers, checked by Elle (default strict-serializable; --consistency-models)',
    txns: registerTxns, listReads: false, checker: txnRwRegisterChecker,
  }, consistencyModels);
}

export const txnRwRegister: MaelstromWorkload = txnRwRegisterFor();
