/**
 * Maelstrom's echo workload: `echo {echo}` → `echo_ok {echo}` with the same payload. The smallest
 * check that a node speaks the protocol at all.
 */
import { echoChecker } from '../../../checkers/echo.js';
import { protocolChecker } from '../../../checkers/protocol.js';
import { field, isAny, maelstromClient, unknownOp } from './client.js';
import { paced } from './common.js';
import type { MaelstromWorkload } from './types.js';

export const echo: MaelstromWorkload = {
  name: 'echo',
  description: 'echo: every echo_ok returns the payload that was sent',
  services: [],
  generator: (opts) => paced(opts, (ctx) => ({ f: 'echo', value: `Please echo ${ctx.rng.int(128)}` })),
  client: (conn, node, opts) =>
    maelstromClient(conn, node, opts, (op, call) => {
      if (op.f !== 'echo') throw unknownOp('echo', op, ['echo']);
      return call({
        body: { type: 'echo', echo: op.value },
        ok: 'echo_ok',
        // Sending it again changes nothing.
        idempotent: true,
        shape: 'echo: <the payload sent>',
        value: (r) => field(r, 'echo', isAny, 'anything'),
      });
    }),
  checkers: [echoChecker(), protocolChecker()],
};
