/**
 * What a Maelstrom workload is: a `Workload` (generators and checkers) that can also make a client
 * speaking the workload's messages to one node over a `MaelstromConn`.
 */
import type { MaelstromConn } from '../../ground/protocol/protocol.js';
import type { Client, ClientOp, Completion, Workload, WorkloadOptions } from '../../ground/contracts/roles.js';
import type { ProtocolError } from './errors.js';

/** Maelstrom's built-in services a node may call through the network. */
export type MaelstromService = 'lin-kv' | 'seq-kv' | 'lww-kv' | 'lin-tso';

/** Broadcast topologies, as Maelstrom's `--topology` names them (`tree2` = branching factor 2). */
export type TopologyKind = 'grid' | 'line' | 'total' | 'tree2' | 'tree3' | 'tree4';

/** Workload options; everything beyond `WorkloadOptions` is optional, with the defaults below. */
export interface MaelstromWorkloadOptions extends WorkloadOptions {
  /** How long a client waits for a reply, ms; default: the connection's own default. */
  rpcTimeoutMs?: number;
  /** Broadcast only: the topology sent to every node at setup; default `grid`, as Maelstrom. */
  topology?: TopologyKind;
  /** Called at once for every protocol error, e.g. to log it (it is also in the op's `error`). */
  onProtocolError?(error: ProtocolError): void;
}

/** A completion that says which node answered (the interpreter records it as the op's `node`). */
export interface MaelstromCompletion extends Completion {
  node: string;
}

/** A client bound to one node. */
export interface MaelstromClient extends Client {
  readonly node: string;
  /** Replies of this client's node that broke the protocol, in order. */
  readonly protocolErrors: readonly ProtocolError[];
  invoke(op: ClientOp): Promise<MaelstromCompletion>;
}

export interface MaelstromWorkload extends Workload {
  /** One line for `--help` and the report. */
  description: string;
  /**
   * Services the workload's usual solutions call (e.g. `seq-kv` for a g-counter, as in Fly.io's
   * Gossip Glomers); the runner must start at least these. Maelstrom itself offers all services to
   * every workload, and a runner that can should do the same: a node may use any of them.
   */
  services: readonly MaelstromService[];
  /**
   * A client for `node`. It sends each op to `node`, except a final read whose value names another
   * node (see `finalRead` in checkers/common.ts): that read goes to the node it names, so every
   * node's final state is read whatever the thread-to-node mapping. It never throws for anything a
   * node does: errors, timeouts and malformed replies all become completions.
   */
  client(conn: MaelstromConn, node: string, opts: MaelstromWorkloadOptions): MaelstromClient;
  /**
   * Runs once after the cluster is up and before the generator (broadcast sends its topology).
   * Resolves with details for the run log / test.json; rejects with a WorkloadSetupError.
   */
  setup?(conn: MaelstromConn, opts: MaelstromWorkloadOptions): Promise<Record<string, unknown>>;
}

