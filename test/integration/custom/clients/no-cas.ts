// A client that performs read and write but not cas: refused for the register workload.
import { defineClient } from 'faultline';

export default defineClient({ ops: ['read', 'write'], open: () => 0, invoke: () => null });
