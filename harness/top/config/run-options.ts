/**
 * The option registry of `faultline run`'s common settings: each declared once — flag, config key,
 * RunConfig field, parser, default, range, help. `--help`, the config file's keys and their checks,
 * test.json, `--replay`, the matrix and the API's types all come from here (settings.ts). A target's
 * own settings are declared with its flags (TargetFlag.type, harness/ground/contracts/flags.ts builders).
 */
import { DEFAULT_INTERVAL_NS } from '../../middle/faults/nemesis/build.js';
import { DEFAULT_WATCH } from '../../middle/workloads/watch-settings.js';
import { STANDARD_BY_DEFAULT } from '../run/fault-choice.js';
import { defaultRunName } from '../../ground/contracts/run-name.js';
import nodePath from 'node:path';
import { InputError } from '../../ground/history/errors.js';
import { CHURN_CUTS, DISK_FAULTS, FAULT_NAMES, NODE_SPECS, PARTITION_SHAPES, parseFaultNames } from '../../middle/faults/nemesis/index.js';
import { DEFAULT_TARGET, TARGETS } from '../run/targets.js';
import { didYouMean } from '../../ground/contracts/closest.js';
import {
  millis, msRange, namesOf, oneOf, positive, seconds, show, text, whole, type Option, type OptionContext,
} from './option-kinds.js';

/** The largest cluster a run starts: every target's nodes share this machine's 2 cores or a handful of hosts. */
export const MAX_NODES = 64;
/** The most client threads: each is a connection and a promise chain; 1e9 ran out of memory after 57 s. */
export const MAX_CONCURRENCY = 1024;
/** The highest client rate, ops per second over all clients. */
export const MAX_RATE = 1_000_000;
/** The longest duration of a run's phases: a week, past which a duration is a typo. */
export const MAX_TIME_LIMIT_S = 7 * 24 * 3600;

const NAME = /^[A-Za-z0-9._-]+$/;
const aWeek = (flag: string) => (s: number): void => {
  if (s > MAX_TIME_LIMIT_S) throw new InputError(`--${flag} ${s} s is longer than a week; pass a shorter duration such as 60s`);
};

/** `--seed`: a whole number ≥ 0; beyond 2^53 its exact digits (a number would round it onto another seed's schedule). */
const seed: Option<number | string, number | string | bigint> = {
  flag: 'seed', field: 'seed', meta: 'N',
  help: 'seed of every random choice (default: random, printed and kept in test.json)',
  parse: (v) => {
    const n = Number(v);
    if (Number.isSafeInteger(n) && n >= 0) return n;
    if (/^\d+$/.test(v)) return BigInt(v).toString();
    if (Number.isInteger(n) && n > 0) throw new InputError(`--seed ${v} is beyond 2^53: write it in plain digits so it is kept exactly`);
    throw new InputError(`--seed ${v} must be a whole number ≥ 0`);
  },
  allowed: () => 'a whole number ≥ 0 (the seed of every random choice; beyond 2^53 as a string of digits)',
  problem: (v) => {
    if ((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) || (typeof v === 'string' && /^\d+$/.test(v)) || (typeof v === 'bigint' && v >= 0n)) return undefined;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return `${show(v)} is beyond 2^53, where a number has already been rounded; write the seed as a string of digits`;
    return `${show(v)} is not a whole number ≥ 0`;
  },
  fromConfig: (v) => seed.parse(String(v), 'seed', { target: '', workload: '' }),
  show: String,
  toConfig: (v) => v,
};

/** `--nemesis`: fault families, a comma list ('none' for none). */
const faults: Option<string[], readonly string[] | string> = {
  ...namesOf({ flag: 'nemesis', field: 'faults', meta: 'LIST', help: `comma list of ${FAULT_NAMES.join(', ')} (default: standard — partition, kill, pause and clock where the target supports them — on ${STANDARD_BY_DEFAULT.join(', ')}; none on the other targets); a run whose faults never took effect is unknown`, all: FAULT_NAMES, what: 'fault', default: [] }),
  parse: (t) => {
    if (t.split(',').every((x) => x.trim() === '')) {
      throw new InputError(`--nemesis "${t}" names no fault; list faults such as partition,kill (${FAULT_NAMES.join(', ')}) or pass none`);
    }
    const bad = t.split(',').map((x) => x.trim()).find((x) => x !== '' && x !== 'none' && !(FAULT_NAMES as readonly string[]).includes(x));
    if (bad !== undefined) throw new InputError(`--nemesis: unknown fault '${bad}'${didYouMean(bad, FAULT_NAMES)}; valid faults are ${FAULT_NAMES.join(', ')}`);
    return parseFaultNames([t]).filter((f) => f !== 'none');
  },
  show: (v) => (v.length === 0 ? 'none' : v.join(',')),
};
faults.fromConfig = (v) => parseFaultNames([typeof v === 'string' ? v : v.join(',')]).filter((f) => f !== 'none');

const targetNames = (): string[] => Object.keys(TARGETS);
const workloadsOf = (c: OptionContext): readonly string[] => (TARGETS[c.target] ?? TARGETS[DEFAULT_TARGET]).workloads;

/**
 * The common settings of one run, by config key, in the order help and messages list them. The value
 * types (inferred) are RunConfig's: durations as the field's unit, lists as arrays.
 */
export const RUN_OPTIONS = {
  target: oneOf({
    flag: 'target', field: 'target', meta: 'NAME', help: `${targetNames().join(' | ')}`, default: DEFAULT_TARGET,
    names: targetNames, what: 'a target',
    refuse: (t) => `unknown target "${t}"${didYouMean(t, targetNames())}; choose one of ${targetNames().join(', ')} with --target`,
  }),
  nodes: {
    ...whole({ flag: 'nodes', field: 'nodes', meta: 'N', help: 'cluster size', min: 1, what: 'cluster size', default: 5 }),
    check: (n: number, c: OptionContext) => {
      if (n > MAX_NODES) throw new InputError(`--nodes ${n} is more than ${MAX_NODES}, the most nodes a run starts; pass --nodes 1 to ${MAX_NODES}`);
      const least = TARGETS[c.target]?.minNodes;
      if (least && n < least.min) throw new InputError(`--target ${c.target} needs --nodes ${least.min} or more (${least.why}), got ${n}; pass --nodes ${least.suggest}`);
    },
  },
  workload: oneOf({
    flag: 'workload', field: 'workload', meta: 'NAME', help: 'what the clients do (default: the target\'s first)',
    default: (c) => workloadsOf(c)[0], names: workloadsOf, what: 'a workload of the target',
    refuse: (w, c) => `--workload ${w} is not a workload of target ${c.target}${didYouMean(w, workloadsOf(c))}; choose ${workloadsOf(c).join(', ')}`,
  }),
  faults,
  faultInterval: seconds({
    flag: 'nemesis-interval', field: 'faultIntervalS', meta: '10s', positive: true, example: '10s', default: DEFAULT_INTERVAL_NS / 1e9,
    help: 'how long a fault is held from when its start op completed, and the quiet time after its stop completed (default 10s, or a third of a shorter --time-limit); one no fault can start within is refused', check: aWeek('nemesis-interval'),
  }),
  partitionShapes: namesOf({
    flag: 'partition-shapes', field: 'partitionShapes', meta: 'LIST', all: PARTITION_SHAPES, what: 'partition shape', cliWord: 'shape',
    help: `partitions draw from these shapes (default all: ${PARTITION_SHAPES.join(', ')}; primaries where the target names them, primaries-minority only when named, holders — the lock holder's node cut off — where the workload has holders)`,
  }),
  nodeTargets: namesOf({
    flag: 'node-targets', field: 'nodeTargets', meta: 'LIST', all: NODE_SPECS, what: 'node target', cliWord: 'target',
    help: 'kill, pause, clock and disk faults draw from these (default: kill and pause one, minority, majority, all; disk\'s truncate, bit-flip and rollback one, minority, never more than a minority damaged until each is back in service (naming majority, all or random-subset lifts that: damage past the failure model), its lose-unfsynced all; clock random-subset; each plus primaries when the target names them, and holders — the node whose client holds the lock as the fault starts — when the workload has holders; refused for a workload without)',
  }),
  diskFaults: namesOf({
    flag: 'disk-faults', field: 'diskFaults', meta: 'LIST', all: DISK_FAULTS, what: 'disk fault', cliWord: 'fault',
    help: `--nemesis disk takes these in turn on a killed node before restarting it (default all: ${DISK_FAULTS.join(', ')}; lose-unfsynced mounts a FUSE layer over each node's data directory, root only)`,
  }),
  clockOffsets: msRange({
    flag: 'clock-offsets', field: 'clockOffsetsMs', meta: 'MIN-MAX', example: '1s-60s',
    help: 'clock bumps and strobes shift by offsets drawn log-uniformly from this range, either direction (default 4ms-262144ms, as Jepsen\'s); e.g. 1s-60s for skews past a lease',
  }),
  churnLongWait: millis({
    flag: 'churn-long-wait', field: 'churnLongWaitMs', meta: '500ms', example: '100ms',
    help: 'leader-churn: one look at the leaders in ten waits up to this (others up to 13 ms), letting some leaders keep office; about the target\'s election timeout (default 500ms)',
  }),
  membershipEvery: millis({
    flag: 'membership-every', field: 'membershipEveryMs', meta: 'DURATION', example: '500ms',
    help: '--nemesis membership: time between membership changes (default half of --nemesis-interval); short, with a long election timeout, to put several changes in one partition',
  }),
  churnCut: oneOf({
    flag: 'churn-cut', field: 'churnCut', meta: CHURN_CUTS.join('|'), names: () => CHURN_CUTS, what: 'a way to cut a leader off',
    help: 'leader-churn: cut a leader off with a partition (default) or pause it (SIGSTOP); a pause lands at once, a real network\'s partition takes tens of ms',
    refuse: (t) => `--churn-cut ${t} is not a way to cut a leader off${didYouMean(t, CHURN_CUTS)}; use ${CHURN_CUTS.join(' or ')}`,
  }),
  autoSchedule: text({
    flag: 'auto-schedule', field: 'autoSchedule', meta: 'DIR', ok: (v) => v !== '', allowed: 'a run directory', bad: 'a path',
    help: 'with --nemesis auto: replay the choices recorded in that run directory\'s history instead of learning (--replay of an auto run sets it)',
  }),
  timeLimit: seconds({
    flag: 'time-limit', field: 'timeLimitS', meta: '60s', positive: true, example: '60s', default: 60,
    help: 'how long clients and faults run', check: aWeek('time-limit'),
  }),
  rate: {
    ...positive({ flag: 'rate', field: 'rate', meta: 'N', help: 'client ops per second, all clients together', what: 'client ops per second, all clients together', default: 100 }),
    check: (r: number) => { if (r > MAX_RATE) throw new InputError(`--rate ${r} is more than ${MAX_RATE} ops/s; pass a rate up to ${MAX_RATE}`); },
  },
  concurrency: {
    ...whole({ flag: 'concurrency', field: 'concurrency', meta: 'N', help: 'client threads', min: 1, what: 'client threads', default: 10 }),
    check: (n: number) => {
      if (n > MAX_CONCURRENCY) throw new InputError(`--concurrency ${n} is more than ${MAX_CONCURRENCY} client threads; pass --concurrency 1 to ${MAX_CONCURRENCY}`);
    },
  },
  seed,
  quiet: seconds({
    flag: 'quiet', field: 'quietS', meta: '5s', positive: false, example: '5s', default: 5,
    help: 'calm after healing, before final reads', check: aWeek('quiet'),
  }),
  store: {
    ...text({ flag: 'store', field: 'store', meta: 'DIR', help: 'where runs are stored (default ./store)', ok: (v) => v !== '', allowed: 'a directory path', bad: 'a path' }),
    default: () => nodePath.resolve('store'),
    parse: (t: string) => nodePath.resolve(t),
    fromConfig: (v: string) => nodePath.resolve(v),
  },
  name: text({
    flag: 'name', field: 'name', meta: 'NAME', help: 'test name in the store (default <target>-<workload>, then any bug switch, environment and read mode that is not the default: raft-lin-kv-bug-stale-read)',
    default: (c) => defaultRunName(c.target, c.workload, c.flags),
    ok: (v) => NAME.test(v) && v !== '.' && v !== '..', allowed: "a name of letters, digits, '.', '_' and '-'", bad: 'a valid name',
    refuse: (v) => `--name ${v} must be a directory name inside the store: letters, digits, '.', '_' and '-', and not "." or ".."`,
  }),
  watchWindow: {
    ...millis({
      flag: 'watch-window', field: 'watchWindowMs', meta: '3s', example: '3s', default: DEFAULT_WATCH.windowMs,
      help: 'watch workload: how long one watch op observes (an etcd stream, a ZooKeeper watcher\'s window, Consul\'s blocking queries) before the next resumes (default 3s)',
    }),
    check: (ms: number) => { if (ms > MAX_TIME_LIMIT_S * 1000) throw new InputError(`--watch-window ${ms} ms is longer than a week; pass a shorter duration such as 3s`); },
  },
  watchCompactEvery: seconds({
    flag: 'watch-compact-every', field: 'watchCompactEveryS', meta: '10s', positive: false, example: '10s', default: DEFAULT_WATCH.compactEveryS,
    help: 'watch workload: time between its compactions (an op on etcd and the bundled Raft; ZooKeeper and Consul have none to ask for), 0 for none (default 10s)', check: aWeek('watch-compact-every'),
  }),
  watchWait: {
    ...millis({
      flag: 'watch-wait', field: 'watchWaitMs', meta: '1s', example: '1s', default: DEFAULT_WATCH.waitMs,
      help: 'watch workload: the longest one long poll (the bundled Raft\'s GET /watch) or Consul blocking query (its wait) waits before returning with nothing (default 1s)',
    }),
    check: (ms: number) => { if (ms > 600_000) throw new InputError(`--watch-wait ${ms} ms is longer than Consul's 10 minute cap; pass a shorter duration such as 1s`); },
  },
} as const;

export type RunOptions = typeof RUN_OPTIONS;
export type OptionKey = keyof RunOptions;
/** The typed value of a common setting, inferred from its declaration. */
export type ValueOf<K extends OptionKey> = RunOptions[K] extends Option<infer T, infer _In> ? T : never;
/** What a config file (or the API) may give for a common setting, inferred from its declaration. */
export type InputOf<K extends OptionKey> = RunOptions[K] extends Option<infer _T, infer In> ? In : never;
/** Typed values of the common settings (each optional: absent means its default). */
export type CommonValues = { -readonly [K in OptionKey]?: ValueOf<K> };

/** The declarations as a list, for code that walks them all. */
export const OPTION_LIST = Object.entries(RUN_OPTIONS) as [OptionKey, Option<unknown, unknown>][];
