/**
 * Maelstrom's broadcast workload. At setup every node gets the whole topology (`topology
 * {topology: {n0: [...], ...}}` → `topology_ok`); then clients mix `broadcast {message}` →
 * `broadcast_ok` (messages 0, 1, 2, ..., each sent once) with `read` → `read_ok {messages}`. After
 * healing, one final read per node; every acknowledged message must be in every node's final read.
 */
import { broadcastChecker } from '../../../checkers/broadcast.js';
import { protocolChecker } from '../../../checkers/protocol.js';
import { RpcTimeout } from '../../ground/protocol/protocol.js';
import { mix } from '../../ground/generator/index.js';
import { destOf, field, isArray, maelstromClient, unknownOp } from './client.js';
import { finalReads, numbered, paced } from './common.js';
import { WorkloadSetupError } from './errors.js';
import { topology } from './topology.js';
import type { MaelstromWorkload } from './types.js';
import { errorMessage } from '../../ground/history/errors.js';

export const broadcast: MaelstromWorkload = {
  name: 'broadcast',
  description: 'broadcast: gossip messages over a topology; every acknowledged message must reach every node',
  services: [],
  async setup(conn, opts) {
    const kind = opts.topology ?? 'grid';
    const topo = topology(kind, opts.nodes);
    const failures: Record<string, string> = {};
    await Promise.all(opts.nodes.map(async (node) => {
      try {
        const reply = await conn.rpc(node, { type: 'topology', topology: topo }, opts.rpcTimeoutMs);
        if (typeof reply !== 'object' || reply === null) {
          failures[node] = `it answered the topology message with ${JSON.stringify(reply)}; expected topology_ok`;
        } else if (reply.type === 'error') {
          failures[node] = `it answered the topology message with error ${String(reply.code)} ${String(reply.text ?? '')}`.trim();
        } else if (reply.type !== 'topology_ok') {
          failures[node] = `it answered the topology message with type "${reply.type}"; expected topology_ok (fix the node's topology handler)`;
        }
      } catch (err) {
        failures[node] = err instanceof RpcTimeout
          ? `no topology_ok within ${err.timeoutMs} ms; does the node handle "topology" messages?`
          : `sending the topology failed: ${errorMessage(err)}`;
      }
    }));
    if (Object.keys(failures).length > 0) throw new WorkloadSetupError('broadcast', failures);
    return { topologyKind: kind, topology: topo };
  },
  generator: (opts) => paced(opts, mix([numbered((i) => ({ f: 'broadcast', value: i })), () => ({ f: 'read' })])),
  finalGenerator: (opts) => finalReads(opts),
  client: (conn, node, opts) =>
    maelstromClient(conn, node, opts, (op, call) => {
      switch (op.f) {
        case 'broadcast':
          return call({ body: { type: 'broadcast', message: op.value }, ok: 'broadcast_ok', idempotent: false });
        case 'read':
          return call({
            body: { type: 'read' },
            ok: 'read_ok',
            idempotent: true,
            shape: 'messages: [<message>...]',
            value: (r) => field(r, 'messages', isArray, 'an array'),
            dest: destOf(op),
          });
        default:
          throw unknownOp('broadcast', op, ['broadcast', 'read']);
      }
    }),
  checkers: [broadcastChecker(), protocolChecker()],
};
