/**
 * `faultline run`: one test run of a target under a workload and faults, from the command line.
 * Common settings are parsed here; each target adds its own flags (harness/run/targets.ts).
 */
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import nodePath from 'node:path';
import { firstAnomalyOfRun, REPORTERS } from '../../reports/index.js';
import { InputError } from '../history/errors.js';
import { CHURN_CUTS, checkFaultSettings, FAULT_NAMES, PARTITION_SHAPES, parseFaultNames } from '../nemesis/index.js';
import { runTest } from '../run/run.js';
import { verdictWord } from '../../checkers/contract.js';
import type { RunConfig, RunRequest, RunResults, TargetEntry } from '../run-contract.js';
import { DEFAULT_TARGET, TARGETS, getTarget } from '../run/targets.js';
import { getEnvironment } from '../provision/environments.js';
import { parseArgs, parseDuration } from './args.js';
import { DEPRECATED_FLAGS, rewriteDeprecatedFlags } from '../flags.js';
import { configLine, configOf } from '../config/load.js';
import { mergeArgv, runSettingsOf, settingsToArgv } from '../config/schema.js';
import { compareHistories, readTestJson, replayArgv } from '../run/replay.js';
import { readJsonlSync } from '../history/jsonl-reader.js';
import { checkRunRequest } from './run-checks.js';
import type { RunOutcome } from '../run-contract.js';

const COMMON_VALUED = ['target', 'workload', 'nemesis', 'nodes', 'time-limit', 'rate', 'concurrency', 'seed',
  'store', 'name', 'quiet', 'nemesis-interval', 'reporter', 'partition-shapes', 'node-targets', 'clock-offsets', 'churn-long-wait', 'churn-cut'] as const;

/** `faultline run --help`, with every target's flags. */
export function runHelp(): string {
  const targets = Object.values(TARGETS).map((t) => {
    const flags = t.flags.map((f) => `      --${f.name}${f.kind === 'bool' ? '' : ' X'}${f.kind === 'list' ? ' (repeatable)' : ''}  ${f.help}`).join('\n');
    return `  --target ${t.name}: ${t.summary}\n    workloads: ${t.workloads.join(', ')} (default ${t.workloads[0]})\n${flags}`;
  }).join('\n');
  return `faultline run [options]

Runs a cluster, drives clients and faults, records history.jsonl, heals, checks, writes results.json.

  --target NAME            ${Object.keys(TARGETS).join(' | ')} (default ${DEFAULT_TARGET})
  --workload NAME          what the clients do (default: the target's first)
  --nemesis LIST           comma list of ${FAULT_NAMES.join(', ')} (default none)
  --nodes N                cluster size (default 5)
  --time-limit 60s         how long clients and faults run (default 60s)
  --rate N                 client ops per second, all clients together (default 100)
  --concurrency N          client threads (default 10)
  --seed N                 seed of every random choice (default: random, printed and kept in test.json)
  --store DIR              where runs are stored (default ./store)
  --name NAME              test name in the store (default <target>-<workload>)
  --quiet 5s               calm after healing, before final reads (default 5s)
  --nemesis-interval 10s   time between a fault's start and stop, and stop and next start (default 10s)
  --partition-shapes LIST  partitions draw from these shapes (default all: ${PARTITION_SHAPES.join(', ')})
  --node-targets LIST      kill, pause and clock faults draw from these (default: kill and pause one, minority,
                           majority, all; clock random-subset; each plus primaries when the target names them)
  --clock-offsets MIN-MAX  clock bumps and strobes shift by offsets drawn log-uniformly from this range, either
                           direction (default 4ms-262144ms, as Jepsen's); e.g. 1s-60s for skews past a lease
  --churn-long-wait 500ms  leader-churn: one look at the leaders in ten waits up to this (others up to 13 ms),
                           letting some leaders keep office; about the target's election timeout (default 500ms)
  --churn-cut partition|pause  leader-churn: cut a leader off with a partition (default) or pause it (SIGSTOP);
                           a pause lands at once, a real network's partition takes tens of ms
  --reporter text|json|junit  what to print at the end (default text; report.html and junit.xml are always written)
  --config FILE            settings from a config file (default: the nearest faultline.config.{ts,mts,js,mjs,json}
                           from the working directory up to the project root; --config none for none); flags
                           override it; it must be yours or root's and writable by no one else
  --dry-run                check every setting (flags, ranges, config, files, the target's needs), print the
                           resolved settings and exit 0; nothing is started and no run directory is made
  --replay RUN-DIR         run a stored run again: its config, seed and fault schedule (other flags override),
                           then say where the new history first departs from the old one

Targets:
${targets}

Durations: 500ms, 2s, 1m, 1h; a bare number means seconds, on every flag.
Renamed (the old names work until the next release, with a warning): ${DEPRECATED_FLAGS.map((d) => `--${d.name} → --${d.now}`).join(', ')}.

Exit: 0 valid, 1 invalid, 2 unknown (or the run broke off), 254 bad usage or input.`;
}

const intFlag = (v: string | undefined, name: string, dflt: number, min: number): number => {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InputError(`--${name} ${v} must be a whole number ≥ ${min}`);
  return n;
};

/**
 * `--seed`: a whole number ≥ 0, as a number while safe; beyond 2^53 its exact digits (a number would
 * round it onto a neighbouring seed's schedule), which test.json keeps and runSeed turns into a bigint.
 */
export function seedFlag(v: string): number | string {
  const n = Number(v);
  if (Number.isSafeInteger(n) && n >= 0) return n;
  if (/^\d+$/.test(v)) return BigInt(v).toString();
  if (Number.isInteger(n) && n > 0) throw new InputError(`--seed ${v} is beyond 2^53: write it in plain digits so it is kept exactly`);
  throw new InputError(`--seed ${v} must be a whole number ≥ 0`);
}

const posFlag = (v: string | undefined, name: string, dflt: number): number => {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InputError(`--${name} ${v} must be a positive number`);
  return n;
};

/** `MIN-MAX` of two durations (`1s-60s`, `500ms-2s`) as [min, max] ms, MIN > 0 and MIN ≤ MAX. */
function parseRange(text: string, name: string): [number, number] {
  const m = /^([^-]+)-([^-]+)$/.exec(text.trim());
  if (!m) throw new InputError(`--${name} "${text}" is not a range; write MIN-MAX, e.g. 1s-60s`);
  const lo = parseDuration(m[1], name);
  const hi = parseDuration(m[2], name);
  if (lo <= 0 || lo > hi) throw new InputError(`--${name} ${text}: MIN must be above 0 and at most MAX, e.g. 1s-60s`);
  return [lo, hi];
}

/** The value of `--target` in argv, before the target's own flags are known. */
function targetOf(argv: readonly string[]): string {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--target') return argv[i + 1] ?? DEFAULT_TARGET;
    if (argv[i].startsWith('--target=')) return argv[i].slice('--target='.length);
  }
  return DEFAULT_TARGET;
}

/** Parses the command line into a request for `target`; every mistake is an InputError. */
export function parseRunRequest(
  given: string[], warn: (message: string) => void = (m) => process.stderr.write(`faultline: ${m}\n`),
): { target: TargetEntry; req: RunRequest; reporter: string } {
  const argv = rewriteDeprecatedFlags(given, warn);
  const target = getTarget(targetOf(argv));
  const valued = [...COMMON_VALUED, ...target.flags.filter((f) => f.kind === 'value').map((f) => f.name)];
  const bools = ['help', 'dry-run', ...target.flags.filter((f) => f.kind === 'bool').map((f) => f.name)];
  const lists = target.flags.filter((f) => f.kind === 'list').map((f) => f.name);
  // A flag of another target is a common slip (`--bin` without `--target maelstrom`): say whose it is.
  for (const a of argv) {
    const name = a.startsWith('--') ? a.slice(2).split('=')[0] : undefined;
    if (name === undefined || [...valued, ...bools, ...lists].includes(name)) continue;
    const owners = Object.values(TARGETS).filter((t) => t.flags.some((f) => f.name === name)).map((t) => t.name);
    if (owners.length > 0) {
      throw new InputError(`--${name} is a flag of --target ${owners.join(' or --target ')}, not of ${target.name}; add --target ${owners[0]}`);
    }
  }
  const args = parseArgs(argv, valued, bools, 'run', lists);
  if (args.positionals.length > 0) {
    throw new InputError(`faultline run takes no positional arguments, got "${args.positionals[0]}"; see faultline run --help`);
  }
  const o = (name: string): string | undefined => args.options.get(name) as string | undefined;
  const workload = o('workload') ?? target.workloads[0];
  if (!target.workloads.includes(workload)) {
    throw new InputError(`--workload ${workload} is not a workload of target ${target.name}; choose ${target.workloads.join(', ')}`);
  }
  const nemesisText = o('nemesis');
  if (nemesisText !== undefined && nemesisText.split(',').every((x) => x.trim() === '')) {
    throw new InputError(`--nemesis "${nemesisText}" names no fault; list faults such as partition,kill (${FAULT_NAMES.join(', ')}) or pass none`);
  }
  const faults = parseFaultNames([nemesisText ?? 'none']).filter((f) => f !== 'none');
  const seedText = o('seed');
  const seed = seedText === undefined ? randomInt(2 ** 31 - 1) : seedFlag(seedText);
  let nodeCount = intFlag(o('nodes'), 'nodes', 5, 1);
  const timeLimitS = parseDuration(o('time-limit') ?? '60s', 'time-limit') / 1000;
  if (timeLimitS <= 0) throw new InputError('--time-limit must be longer than 0 s');
  const config: RunConfig = {
    name: o('name') ?? `${target.name}-${workload}`,
    store: nodePath.resolve(o('store') ?? 'store'),
    seed,
    timeLimitS,
    rate: posFlag(o('rate'), 'rate', 100),
    concurrency: intFlag(o('concurrency'), 'concurrency', 10, 1),
    quietS: parseDuration(o('quiet') ?? '5s', 'quiet') / 1000,
    faults,
    faultIntervalS: parseDuration(o('nemesis-interval') ?? '10s', 'nemesis-interval') / 1000,
    target: target.name,
    workload,
    nodes: nodeCount,
  };
  if (!/^[A-Za-z0-9._-]+$/.test(config.name) || config.name === '.' || config.name === '..') {
    throw new InputError(`--name ${config.name} must be a directory name inside the store: letters, digits, '.', '_' and '-', and not "." or ".."`);
  }
  if (config.faultIntervalS <= 0) throw new InputError('--nemesis-interval must be longer than 0 s');
  const list = (v: string | undefined): string[] | undefined => v?.split(',').map((x) => x.trim()).filter(Boolean);
  const shapes = list(o('partition-shapes'));
  if (shapes) config.partitionShapes = shapes;
  const nodeTargets = list(o('node-targets'));
  if (nodeTargets) config.nodeTargets = nodeTargets;
  const offsets = o('clock-offsets');
  if (offsets !== undefined) config.clockOffsetsMs = parseRange(offsets, 'clock-offsets');
  const longWait = o('churn-long-wait');
  if (longWait !== undefined) {
    config.churnLongWaitMs = parseDuration(longWait, 'churn-long-wait');
    if (config.churnLongWaitMs <= 0) throw new InputError(`--churn-long-wait ${longWait} must be longer than 0 ms, e.g. 100ms`);
  }
  const cut = o('churn-cut');
  if (cut !== undefined) {
    if (!(CHURN_CUTS as readonly string[]).includes(cut)) throw new InputError(`--churn-cut ${cut} is not a way to cut a leader off; use ${CHURN_CUTS.join(' or ')}`);
    config.churnCut = cut;
  }
  checkFaultSettings(config);
  const flags = new Map<string, string | true | string[]>();
  for (const f of target.flags) if (args.options.has(f.name)) flags.set(f.name, args.options.get(f.name)!);
  config.targetFlags = Object.fromEntries(flags);
  // Without --nodes, an environment whose flags name the hosts (--env ssh --hosts …) sets the count.
  const envName = flags.get('env');
  const implied = o('nodes') === undefined && typeof envName === 'string' ? getEnvironment(envName).defaultNodeCount?.(flags) : undefined;
  if (implied !== undefined) {
    nodeCount = implied;
    config.nodes = implied;
  }
  // The command that replays this run: the same flags with the seed pinned.
  config.command = ['faultline', 'run', ...argv.filter((a, i) => !(a === '--seed' || a.startsWith('--seed=') || argv[i - 1] === '--seed')), '--seed', String(seed)]
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
  const reporter = o('reporter') ?? 'text';
  if (reporter !== 'text' && !Object.prototype.hasOwnProperty.call(REPORTERS, reporter)) {
    throw new InputError(`--reporter ${reporter} is not a reporter; choose text, ${Object.keys(REPORTERS).filter((r) => r !== 'text').join(', ')}`);
  }
  const req = { config, flags, workload, nodeCount };
  checkRunRequest(req);
  return { target, req, reporter };
}

/** One line per checker, then where the run is stored. */
export function summarize(dir: string, r: RunResults): string {
  const lines = [`verdict: ${verdictWord(r.valid)}`];
  for (const [name, c] of Object.entries(r.checkers)) {
    const why = typeof c.reason === 'string' ? ` — ${c.reason}` : typeof c.error === 'string' ? ` — ${c.error}` : '';
    lines.push(`  ${name}: ${verdictWord(c.valid)}${why}`);
    // The first example, when a checker has one that says it in a sentence (protocol breaks).
    const first = Array.isArray(c.examples) ? (c.examples[0] as { message?: unknown } | undefined) : undefined;
    if (c.valid === false && typeof first?.message === 'string') lines.push(`    e.g. ${first.message}`);
    // Warnings never change the verdict; they say where the system did something Faultline allows but doubts.
    if (Array.isArray(c.warnings)) {
      for (const w of c.warnings as { message?: unknown; count?: unknown }[]) {
        if (typeof w.message === 'string') lines.push(`    warning (${String(w.count ?? 1)}×): ${w.message}`);
      }
    }
  }
  // Where the first anomaly falls against the faults: the reader's first question of an invalid run.
  const story = r.valid === false ? firstAnomalyOfRun(dir, r.checkers) : undefined;
  if (story) lines.push(`  ${story}`);
  for (const u of r.unsupportedFaults) lines.push(`  unsupported fault: ${u.reason}`);
  if (r.interrupted) lines.push(`  interrupted by ${r.interrupted}: the history so far was checked`);
  if (r.error) lines.push(`  the run broke off: ${r.error}`);
  lines.push(`${r.ops} history records in ${r.durationS.toFixed(1)} s`);
  lines.push(`results: ${nodePath.join(dir, 'results.json')}`);
  if (fs.existsSync(nodePath.join(dir, 'report.html'))) lines.push(`report:  ${nodePath.join(dir, 'report.html')}`);
  return lines.join('\n');
}


/**
 * The full argv of a run: `--replay DIR`'s stored flags, or the config file's, with the command line's
 * flags over them. Returns the replayed run's directory (resolved: `latest` moves with the new run).
 */
export async function runArgv(argv: readonly string[], cwd = process.cwd()): Promise<{ argv: string[]; replayOf?: string; configFile?: string }> {
  const i = argv.findIndex((a) => a === '--replay' || a.startsWith('--replay='));
  if (i >= 0) {
    const dir = argv[i].startsWith('--replay=') ? argv[i].slice('--replay='.length) : argv[i + 1];
    if (dir === undefined || dir.startsWith('--')) throw new InputError('--replay needs a run directory, e.g. --replay store/latest');
    const rest = argv.filter((_, j) => j !== i && !(j === i + 1 && !argv[i].includes('=')));
    if (rest.some((a) => a === '--config' || a.startsWith('--config='))) throw new InputError('--replay takes its settings from the run\'s test.json; drop --config');
    if (!fs.existsSync(dir)) throw new InputError(`--replay ${dir}: no such run directory; pass one such as store/latest`);
    const real = fs.realpathSync(dir);
    return { argv: mergeArgv(replayArgv(readTestJson(real)), rest), replayOf: real };
  }
  const { argv: rest, file, config } = await configOf(argv, cwd);
  return { argv: config ? mergeArgv(settingsToArgv(runSettingsOf(config as Record<string, unknown>)), rest) : rest, configFile: file };
}

/** Parses `argv` (flags only, config already merged), checks the machine, runs and checks the test. */
export async function runFromArgv(argv: string[], progress: NodeJS.WriteStream = process.stderr): Promise<RunOutcome & { reporter: string; seed: number | string }> {
  const { target, req, reporter } = parseRunRequest(argv);
  await target.preflight?.(req);
  const outcome = await runTest(req.config, (run, ctx) => target.plan(req, run, ctx), progress);
  return { ...outcome, reporter, seed: req.config.seed };
}

/** What `--dry-run` prints: the resolved settings, as the run would record them in test.json. */
export function dryRunText(req: RunRequest): string {
  const { command: _command, ...config } = req.config;
  return `faultline run --dry-run: the settings are valid; nothing was started and no run directory was made\n${JSON.stringify({ ...config, nodes: req.nodeCount }, null, 2)}`;
}

/** `faultline run`: returns the exit code. */
export async function runCommand(argv: string[], out: (s: string) => void): Promise<number> {
  if (argv.includes('--help')) {
    out(runHelp());
    return 0;
  }
  const { argv: full, replayOf, configFile } = await runArgv(argv);
  // Which file's settings (and code) this run took is never a guess.
  if (configFile !== undefined) process.stderr.write(configLine(configFile));
  const { target, req, reporter } = parseRunRequest(full);
  await target.preflight?.(req);
  if (full.includes('--dry-run')) {
    out(dryRunText(req));
    return 0;
  }
  out(`faultline run: ${req.config.name}, seed ${req.config.seed}, ${req.config.timeLimitS} s, faults ${req.config.faults.join(',') || 'none'}${replayOf ? `, replaying ${replayOf}` : ''}`);
  const { dir, results } = await runTest(req.config, (run, ctx) => target.plan(req, run, ctx));
  // A run that broke off before recording anything (the cluster never came up) has nothing to
  // check: the message names the cause, and the run directory keeps the node logs.
  // The exit code is results.json's verdict (the index shows the same): a node that broke the protocol
  // before the cluster came up is a finding (exit 1, printed with why the run broke off). Otherwise
  // there is nothing to judge, and the cause is the one sentence (exit 254; results.json: unknown).
  if (results.error && results.ops === 0 && results.valid !== false) throw new InputError(`${results.error}\n(run directory: ${dir})`);
  if (reporter === 'text') out(summarize(dir, results));
  else out(REPORTERS[reporter](dir, results).trimEnd());
  if (replayOf) {
    const old = nodePath.join(replayOf, 'history.jsonl');
    if (fs.existsSync(old)) {
      out(`replay of ${replayOf}:`);
      for (const line of compareHistories(readJsonlSync(old), readJsonlSync(nodePath.join(dir, 'history.jsonl')))) out(`  ${line}`);
    } else out(`replay: ${replayOf} has no history.jsonl to compare with`);
  }
  return results.valid === true ? 0 : results.valid === false ? 1 : 2;
}
