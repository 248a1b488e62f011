// A client exported under a name, not as the default: refused before the run.
import { defineClient } from 'faultline';

export const client = defineClient({ ops: ['read', 'write', 'cas'], open: () => 0, invoke: () => null });
