/**
 * Maelstrom's unique-ids workload: `generate` → `generate_ok {id}`; every acknowledged id must be
 * globally unique. A `generate` that timed out is `info`: it may have used up an id.
 */
import { protocolChecker } from '../../../checkers/protocol.js';
import { uniqueIdsChecker } from '../../../checkers/unique-ids.js';
import { field, isAny, maelstromClient, unknownOp } from './client.js';
import { paced } from './common.js';
import type { MaelstromWorkload } from './types.js';

export const uniqueIds: MaelstromWorkload = {
  name: 'unique-ids',
  description: 'unique-ids: generate ids; no two acknowledged ids may be equal',
  services: [],
  generator: (opts) => paced(opts, () => ({ f: 'generate' })),
  client: (conn, node, opts) =>
    maelstromClient(conn, node, opts, (op, call) => {
      if (op.f !== 'generate') throw unknownOp('unique-ids', op, ['generate']);
      return call({
        body: { type: 'generate' },
        ok: 'generate_ok',
        idempotent: false,
        shape: 'id: <any>',
        value: (r) => field(r, 'id', isAny, 'anything'),
      });
    }),
  checkers: [uniqueIdsChecker(), protocolChecker()],
};
