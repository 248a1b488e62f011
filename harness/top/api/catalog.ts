/**
 * The library's catalogues: the sequential models by name and the checkers by name, so a caller
 * writes `checkers.set()` or `models['cas-register']({})` without knowing which file holds each.
 */
import { broadcastChecker } from '../../../checkers/broadcast.js';
import { counterChecker } from '../../../checkers/counter.js';
import { linearizableChecker } from '../../../checkers/linearizability.js';
import { MODELS } from '../../../checkers/linearizable/index.js';
import { lockChecker } from '../../../checkers/lock.js';
import { electionChecker } from '../../../checkers/election.js';
import { setChecker } from '../../../checkers/set.js';
import { statsChecker } from '../../../checkers/stats.js';
import { uniqueIdsChecker } from '../../../checkers/unique-ids.js';

/** Every sequential model by name: a factory of options → `Model` (as `faultline check --model`). */
export const models = MODELS;

/** Every checker factory by name; each returns a `Checker` for `check(history, { checkers })` or a workload. */
export const checkers = {
  linearizable: linearizableChecker,
  set: setChecker,
  counter: counterChecker,
  lock: lockChecker,
  election: electionChecker,
  uniqueIds: uniqueIdsChecker,
  broadcast: broadcastChecker,
  stats: statsChecker,
} as const;
