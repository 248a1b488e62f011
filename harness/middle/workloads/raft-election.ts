/**
 * The election workload on the bundled Raft (`--target raft --workload election`): the Raft's own
 * leadership, as each node reports it through `raft_status` (the message the Raft status poller
 * already asks, answered locally). Every client thread observes its node every 50 ms: the epoch is
 * the Raft term, the leader the node the answering node follows in that term (itself when it leads),
 * and `led` the terms the node remembers leading (so a reign shorter than one poll is still sighted).
 *
 * The election checker then judges one leader per term, each observer seeing terms in order, and
 * failover after a fault cut the leader off (here the bound is 10 s; the Raft has no lease TTL).
 * A node's belief that it leads is not vouched for by anyone (a cut-off leader believes until
 * check-quorum deposes it), so real-time order across nodes is not judged on the Raft.
 * Only the bundled Raft answers `raft_status`: this workload is registered for `--target raft` alone.
 */
import { electionChecker } from '../../../checkers/election.js';
import { eachThread, repeat, sleep } from '../../ground/generator/index.js';
import { field, isAny, isInteger, maelstromClient, unknownOp } from './client.js';
import type { MaelstromWorkload } from './types.js';

/** Between two observations of one thread, ns. */
export const RAFT_OBSERVE_GAP_NS = 50e6;

export const raftElection: MaelstromWorkload = {
  name: 'election',
  description: 'election: every client observes its Raft node\'s leader and term (raft_status); checks one leader per term, terms in order per observer, failover',
  services: [],
  generator: () => eachThread(repeat([{ f: 'observe' }, sleep(RAFT_OBSERVE_GAP_NS)])),
  finalGenerator: () => eachThread({ f: 'observe' }),
  client: (conn, node, opts) =>
    maelstromClient(conn, node, opts, (op, call) => {
      if (op.f !== 'observe') throw unknownOp('election', op, ['observe']);
      return call({
        body: { type: 'raft_status' },
        ok: 'raft_status_ok',
        idempotent: true,
        shape: 'role, term: <integer>, leader: <node or null>, led_terms: [<integer>]',
        value: (r) => {
          const term = field(r, 'term', isInteger, 'an integer');
          const role = field(r, 'role', isAny, 'a role');
          const leader = r.leader === null || r.leader === undefined ? null : String(r.leader);
          const led = Array.isArray(r.led_terms) ? r.led_terms.filter((t) => isInteger(t)) : [];
          // The terms this node remembers leading, named as its own.
          const mine = led.length > 0 ? { led: { by: node, terms: led } } : {};
          if (leader === null) return { epoch: null, leader: null, reporter: node, role, ...mine };
          return { epoch: term, leader, node: leader, reporter: node, role, ...mine };
        },
      });
    }),
  checkers: [electionChecker()],
};
