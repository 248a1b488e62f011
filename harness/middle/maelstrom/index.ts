/**
 * The Maelstrom runner: any binary that speaks the Maelstrom node protocol, as a Faultline Target.
 */
export { MaelstromCluster } from './cluster.js';
export type { MaelstromClusterOptions } from './cluster-options.js';
export { ClientConn, ConnClosed } from './client-conn.js';
export { InitError } from './init.js';
export { Network, UnknownDestination, type Deliver, type EndpointKind, type NetworkOptions } from './network.js';
export type { DropReason, EndpointCounts, JournalEntry, JournalView, NetworkStats, TypeCounts } from './journal.js';
export { NodeProcess, type NodeExit, type NodeProcessOptions, type NodeState } from './node-process.js';
export { LinKv, LinTso, SERVICE_NAMES, createService, replyOf, type Service, type ServiceName, type ServiceOptions } from './services.js';
export { SeqKv, type SeqKvOptions } from './seq-kv.js';
export { LwwKv, type LwwKvOptions } from './lww-kv.js';
export { applyKv, canonical, parseKvRequest, sameValue, type KvRequest } from '../../ground/protocol/kv-request.js';
export { MAX_LINE_SHOWN, parseNodeLine, type NodeProtocolError, type ParsedLine } from './wire.js';
export { MAX_LOGGED_PER_NODE, MAX_PROTOCOL_ERRORS } from './protocol-errors.js';
export { FAKETIME_LIB, detectFaketime, offsetText } from '../hosts/faketime.js';
export { describeLatency, sampleLatencyMs, validateLatency } from './latency.js';
export { SeededRng } from './rng.js';
export { DeliveryQueue } from './delivery-queue.js';
export { LineSplitter } from './line-splitter.js';
export {
  ERROR_CODES, RpcTimeout, completionOf,
  type MaelstromBody, type MaelstromConn, type MaelstromMessage,
} from '../../ground/protocol/protocol.js';
