/**
 * What g-counter and pn-counter share: `add {delta}` → `add_ok`; `read` → `read_ok {value:
 * <integer>}`; reads mixed with adds, one final read per node after healing, the counter checker.
 * They differ only in the deltas: g-counter's are never negative.
 */
import { counterChecker } from '../../../checkers/counter.js';
import { protocolChecker } from '../../../checkers/protocol.js';
import { mix } from '../../ground/generator/index.js';
import { destOf, field, isInteger, maelstromClient, unknownOp } from './client.js';
import { finalReads, paced, randomInt } from './common.js';
import type { MaelstromService, MaelstromWorkload } from './types.js';

export interface CounterSpec {
  name: string;
  description: string;
  services: readonly MaelstromService[];
  /** Deltas are drawn uniformly from [min, max]. */
  delta: readonly [number, number];
}

/** A counter workload with deltas drawn from `spec.delta`. */
export function counterWorkload(spec: CounterSpec): MaelstromWorkload {
  const [lo, hi] = spec.delta;
  return {
    name: spec.name,
    description: spec.description,
    services: spec.services,
    generator: (opts) => paced(opts, mix([(ctx) => ({ f: 'add', value: randomInt(ctx, lo, hi) }), () => ({ f: 'read' })])),
    finalGenerator: (opts) => finalReads(opts),
    client: (conn, node, opts) =>
      maelstromClient(conn, node, opts, (op, call) => {
        switch (op.f) {
          case 'add':
            return call({ body: { type: 'add', delta: op.value }, ok: 'add_ok', idempotent: false });
          case 'read':
            return call({
              body: { type: 'read' },
              ok: 'read_ok',
              idempotent: true,
              shape: 'value: <integer>',
              value: (r) => field(r, 'value', isInteger, 'an integer'),
              dest: destOf(op),
            });
          default:
            throw unknownOp(spec.name, op, ['add', 'read']);
        }
      }),
    checkers: [counterChecker(), protocolChecker()],
  };
}
