/**
 * The Consul target: its entry for `faultline run --target consul` (entry.ts), the cluster and clients.
 */
export * from './entry.js';
export { ConsulCluster, CONSUL_HCL } from './cluster.js';
export type { ConsulClusterOptions } from './cluster.js';
export { ConsulClients } from './clients.js';
export type { ConsulClientOptions } from './clients.js';
export type { ReadMode } from './http.js';
