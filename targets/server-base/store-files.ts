/**
 * What every store's disk faults share. Rollback keeps its copy of a node's data directory in memory
 * (file-faults.ts readTree), and a store's directory holds preallocated log segments (etcd's WAL and
 * ZooKeeper's logs: 64 MB each, and etcd keeps the next one ready too): five nodes' copies would be
 * gigabytes, so the stores do not offer it until the copy goes to disk.
 */
import type { DiskFault } from '../../harness/ground/contracts/roles.js';

export const STORE_ROLLBACK: Partial<Record<DiskFault, string>> = {
  rollback: 'rollback keeps a copy of the node\'s data directory in memory, too large with a store\'s preallocated 64 MB log segments; not built for the stores yet',
};
