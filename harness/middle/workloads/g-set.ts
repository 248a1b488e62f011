/**
 * Maelstrom's g-set workload: a grow-only set. `add {element}` → `add_ok`; `read` → `read_ok
 * {value: [elements]}`. Elements are 0, 1, 2, ... so each is added once; reads are mixed in. After
 * healing, one final read per node; the set checker judges lost and unexpected elements.
 */
import { protocolChecker } from '../../../checkers/protocol.js';
import { setChecker } from '../../../checkers/set.js';
import { mix } from '../../ground/generator/index.js';
import { destOf, field, isArray, maelstromClient, unknownOp } from './client.js';
import { finalReads, numbered, paced } from './common.js';
import type { MaelstromWorkload } from './types.js';

export const gSet: MaelstromWorkload = {
  name: 'g-set',
  description: 'g-set: add unique elements, read the set; no acknowledged element may be lost',
  services: [],
  generator: (opts) => paced(opts, mix([numbered((i) => ({ f: 'add', value: i })), () => ({ f: 'read' })])),
  finalGenerator: (opts) => finalReads(opts),
  client: (conn, node, opts) =>
    maelstromClient(conn, node, opts, (op, call) => {
      switch (op.f) {
        case 'add':
          return call({ body: { type: 'add', element: op.value }, ok: 'add_ok', idempotent: false });
        case 'read':
          return call({
            body: { type: 'read' },
            ok: 'read_ok',
            idempotent: true,
            shape: 'value: [<element>...]',
            value: (r) => field(r, 'value', isArray, 'an array'),
            dest: destOf(op),
          });
        default:
          throw unknownOp('g-set', op, ['add', 'read']);
      }
    }),
  checkers: [setChecker(), protocolChecker()],
};
