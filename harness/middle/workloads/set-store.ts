/**
 * The set workload for real stores: clients add unique elements (0, 1, 2, … as one key each, or one
 * child znode each) and read the whole set; after healing, one final read per node. The set checker
 * reports lost elements (acknowledged, then missing from a final read) and stale reads (an
 * acknowledged element missing from a later read, yet present at the end).
 */
import { setChecker } from '../../../checkers/set.js';
import { mix } from '../../ground/generator/index.js';
import { finalReads, numbered, paced } from './common.js';
import type { StoreWorkload } from './store-types.js';

export const setStore: StoreWorkload = {
  name: 'set',
  description: 'set: add unique elements, read the set; no acknowledged element may be lost',
  // Three adds for every read: reads of a growing set cost more than adds.
  generator: (opts) => paced(opts, mix([
    numbered((i) => ({ f: 'add', value: i })),
    numbered((i) => ({ f: 'add', value: 1_000_000 + i })),
    numbered((i) => ({ f: 'add', value: 2_000_000 + i })),
    () => ({ f: 'read' }),
  ])),
  finalGenerator: (opts) => finalReads(opts),
  checkers: [setChecker()],
};
