/**
 * Faultline's public entry point (`import … from 'faultline'`): what the library offers besides the
 * CLI. Records and readers of histories, the checkers and their models, the roles and run contract
 * a target or a test implements, and the run itself: `run`, `check`, `models`, `checkers` and
 * `defineConfig` are the short way in (docs/api.md).
 */
// The short way in: a run or a check as plain data, the catalogues, a typed config.
export { run } from './harness/top/api/run-api.js';
export type { RunOptions, RunSummary } from './harness/top/api/run-api.js';
export { check } from './harness/top/api/check-api.js';
export type { CheckOptions, CheckOutcome } from './harness/top/api/check-api.js';
export { checkers, models } from './harness/top/api/catalog.js';
export { defineConfig } from './harness/top/config/define.js';
export type { Duration, Expectation, FaultlineConfig, OptionValue, RunSettings, Scenario } from './harness/top/config/define.js';

// The records everyone shares.
export type { Op, OpType, Process } from './harness/ground/history/op.js';
// An `event` record (a watch's delivery) pairs with nothing: a reader of invoke/completion pairs skips it.
export { isEvent, withoutEvents } from './harness/ground/history/op.js';
export { HistoryError, InputError, errorMessage } from './harness/ground/history/errors.js';
export { HISTORY_FORMATS, detectFormat, readHistory, resolveHistory } from './harness/ground/history/formats.js';
export { HistoryWriter, parseJsonl, readJsonl, parseEdnHistory, parsePorcupineEtcd, parsePorcupineKv } from './harness/ground/history/index.js';

// Checkers: the contract, composition, and each checker.
export type { CheckContext, CheckResult, Checker, Verdict } from './checkers/contract.js';
export { mergeValid, verdictRank, verdictWord } from './checkers/contract.js';
export { compose, composeResults, runChecker } from './checkers/compose.js';
export { linearizableChecker } from './checkers/linearizability.js';
export { checkLinearizable, checkLinearizableSync, MODELS, makeModel, guessModel } from './checkers/linearizable/index.js';
export type { LinearizableResult, Model, ModelSpec } from './checkers/linearizable/index.js';
export { checkElle, MODEL_NAMES as ELLE_MODELS } from './checkers/elle/index.js';
export type { ElleResult, ElleOptions, ElleAnomaly } from './checkers/elle/index.js';
export { setChecker, checkSet } from './checkers/set.js';
export { counterChecker, checkCounter } from './checkers/counter.js';
export { lockChecker, checkLock } from './checkers/lock.js';
export { electionChecker, checkElection } from './checkers/election.js';
export type { ElectionResult, ElectionViolationClass } from './checkers/election.js';
export { uniqueIdsChecker, checkUniqueIds } from './checkers/unique-ids.js';
export { broadcastChecker, checkBroadcast } from './checkers/broadcast.js';
export { statsChecker } from './checkers/stats.js';

// Roles and the run contract, for targets, clients and nemeses of your own.
export type {
  Client, ClientOp, Completion, ClockControl, FaultBand, FaultPackage, HasPrimaries, Killable, Nemesis,
  NetControl, Pausable, Target, UnsupportedFault, Workload, WorkloadOptions,
} from './harness/ground/contracts/roles.js';
export type { RunConfig, RunPlan, RunRequest, RunResults, TargetEntry, TargetFlag, Requirement } from './harness/ground/contracts/run-contract.js';
export type { Environment, EnvironmentKind, HostNetwork } from './harness/middle/hosts/environment.js';
export type { Remote, RemoteProcess } from './harness/middle/hosts/remote.js';

// Your own system as a target (`--client FILE`): the client helper and its outcome errors.
export { defineClient, Definite, Indefinite } from './targets/custom/client-api.js';

// Running a test.
export { runTest } from './harness/top/run/run.js';
export { TARGETS, getTarget } from './harness/top/run/targets.js';
export { ENVIRONMENTS, getEnvironment } from './harness/middle/hosts/environments.js';
