/**
 * The custom target: its entry for `faultline run --target custom` (entry.ts), the cluster, clients
 * and the client API (`defineClient`, `Definite`, `Indefinite`).
 */
export * from './entry.js';
export { CustomCluster } from './cluster.js';
export { CustomClients } from './clients.js';
export { defineClient, Definite, Indefinite } from './client-api.js';
