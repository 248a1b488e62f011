export { checkLinearizable, checkLinearizableSync, prepare, type CheckOptions } from './check.js';
export { describeOp, same, show, type Model, type ModelSpec, type Operation } from './model.js';
export { guessModel, makeModel, MODELS } from './models/index.js';
export { searchLinearization, type Deepest, type SearchResult } from './search.js';
export { minimizeCounterexample } from './minimize.js';
export type { OpRef, PartitionFailure, Candidate } from './explain.js';
export type { LinearizableResult } from './result.js';
export { formatLinearizable } from './text.js';
