/**
 * Maelstrom's lin-kv workload: independent linearizable registers under keys 0..keyCount-1.
 *
 * `read {key}` → `read_ok {value}`; `write {key, value}` → `write_ok`; `cas {key, from, to}` →
 * `cas_ok`, or error 20 (no such key) / 22 (from did not match). Ops carry `key`; values are small
 * random integers so that cas sometimes matches. Checked for linearizability per key with the
 * cas-register model in Jepsen's meaning: a failed op did not happen, initial value null.
 *
 * Error mapping: definite codes (1, 10, 11, 12, 14, 20, 21, 22, 30) are `fail`; others and timeouts
 * are `info` — except for reads, which change nothing: a read that did not succeed is `fail` whatever
 * happened (so a read of a key that does not exist yet, error 20, is a `fail`, as in Maelstrom).
 */
import { linearizableChecker } from '../../../checkers/linearizability.js';
import { protocolChecker } from '../../../checkers/protocol.js';
import { mix } from '../../ground/generator/index.js';
import { field, isAny, maelstromClient, unknownOp } from './client.js';
import { paced } from './common.js';
import type { MaelstromWorkload } from './types.js';

/** Keys used when the options do not say. */
export const DEFAULT_KEY_COUNT = 5;
/** Values are drawn from 0..VALUES-1 (Jepsen's `(rand-int 5)`), so cas matches often enough. */
export const VALUES = 5;

const FS = ['read', 'write', 'cas'] as const;

export const linKv: MaelstromWorkload = {
  name: 'lin-kv',
  description: 'lin-kv: read/write/cas on independent keys, checked for linearizability per key',
  services: [],
  generator(opts) {
    const keys = opts.keyCount ?? DEFAULT_KEY_COUNT;
    if (!Number.isInteger(keys) || keys < 1) {
      throw new RangeError(`lin-kv: keyCount must be a positive integer, got ${keys}`);
    }
    return paced(opts, mix([
      (ctx) => ({ f: 'read', key: ctx.rng.int(keys), value: null }),
      (ctx) => ({ f: 'write', key: ctx.rng.int(keys), value: ctx.rng.int(VALUES) }),
      (ctx) => ({ f: 'cas', key: ctx.rng.int(keys), value: [ctx.rng.int(VALUES), ctx.rng.int(VALUES)] }),
    ]));
  },
  client: (conn, node, opts) =>
    maelstromClient(conn, node, opts, (op, call) => {
      const key = op.key ?? null;
      switch (op.f) {
        case 'read':
          return call({
            body: { type: 'read', key },
            ok: 'read_ok',
            idempotent: true,
            shape: 'value: <any>',
            value: (r) => field(r, 'value', isAny, 'anything'),
          });
        case 'write':
          return call({ body: { type: 'write', key, value: op.value }, ok: 'write_ok', idempotent: false });
        case 'cas': {
          if (!Array.isArray(op.value) || op.value.length !== 2) {
            throw new Error(`lin-kv: a cas needs the value [from, to], got ${JSON.stringify(op.value)}`);
          }
          const [from, to] = op.value as unknown[];
          return call({ body: { type: 'cas', key, from, to }, ok: 'cas_ok', idempotent: false });
        }
        default:
          throw unknownOp('lin-kv', op, FS);
      }
    }),
  checkers: [linearizableChecker({ name: 'cas-register' }), protocolChecker()],
};
