/** The in-memory target: a tiny KV with modeled faults and bug switches (docs/targets/memory.md). */
export { memoryTarget } from './entry.js';
export { MEMORY_BUGS, MemoryKv, type MemoryBug, type MemoryKvOptions } from './kv.js';
