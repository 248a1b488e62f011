/**
 * The etcd target: its entry for `faultline run --target etcd` (entry.ts), the cluster and clients.
 */
export * from './entry.js';
export { EtcdCluster } from './cluster.js';
export type { EtcdClusterOptions } from './cluster.js';
export { EtcdClients } from './clients.js';
export type { EtcdClientOptions, ReadConsistency } from './clients.js';
export { GatewayError, lockAcquire, lockRelease, memberStatus } from './http.js';
