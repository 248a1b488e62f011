// A client that answers every register op at once without a server: the replays need a workload
// running while the nemesis restarts nodes, not a verdict.
import { defineClient } from 'faultline';

export default defineClient({ ops: ['read', 'write', 'cas'], open: () => 0, invoke: () => null });
