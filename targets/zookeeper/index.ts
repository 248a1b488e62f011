/**
 * The ZooKeeper target: its entry for `faultline run --target zookeeper` (entry.ts), the ensemble and clients.
 */
export * from './entry.js';
export { ZkCluster, fourLetter, ZK_JAR, SLF4J_SIMPLE_JAR, ZK_JVM_FLAGS } from './cluster.js';
export type { ZkClusterOptions } from './cluster.js';
export { ZkClients } from './clients.js';
export type { ZkClientOptions, ZkReads } from './clients.js';
export { ZkSession, ZkError } from './session.js';
