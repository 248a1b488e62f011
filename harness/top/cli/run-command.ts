/**
 * `faultline run`: one test run of a target under a workload and faults, from the command line.
 * Common settings are parsed here; each target adds its own flags (harness/top/run/targets.ts).
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { firstAnomalyOfRun, REPORTERS } from '../../../reports/index.js';
import { InputError } from '../../ground/history/errors.js';
import { runTest } from '../run/run.js';
import { verdictWord } from '../../../checkers/contract.js';
import { isNetStats, msgsPerOpText } from '../../../checkers/net-stats.js';
import { stableLatencyText, type StableLatency } from '../../../checkers/stable-latency.js';
import type { RunRequest, RunResults, TargetEntry } from '../../ground/contracts/run-contract.js';
import { TARGETS } from '../run/targets.js';
import { DEPRECATED_FLAGS } from '../../ground/contracts/flags.js';
import { OPTION_LIST, RUN_OPTIONS } from '../config/run-options.js';
import { requestOf, settingsFromArgv, settingsFromConfig, settingsFromTestJson, settingsToArgv } from '../config/settings.js';
import { configLine, configOf } from '../config/load.js';
import { mergeArgv, runSettingsOf } from '../config/schema.js';
import { compareHistories, readTestJson } from '../run/replay.js';
import { emptyLearned, type LearnedState } from '../../middle/faults/nemesis/auto/learner.js';
import { choicesOfHistory, scheduleHistory, timedChoicesOfHistory } from '../../middle/faults/nemesis/auto/schedule.js';
import { readInDir } from '../../middle/hosts/safe-files.js';
import { shrinkSchedule, startsFault } from '../run/shrink.js';
import { readJsonlSync } from '../../ground/history/jsonl-reader.js';
import type { RunOutcome } from '../../ground/contracts/run-contract.js';
import { diskOutcomeLines, type DiskFaultOutcome } from '../../middle/faults/disk/disk-outcome.js';
import { leaseClockLine, type LeaseClockRecord } from '../run/lease-clock.js';

const isLeaseClock = (v: unknown): v is LeaseClockRecord => typeof v === 'object' && v !== null && typeof (v as LeaseClockRecord).tested === 'boolean' && typeof (v as LeaseClockRecord).note === 'string';

/** `faultline run --help`: the common settings and every target's flags, from their declarations. */
export function runHelp(): string {
  const targets = Object.values(TARGETS).map((t) => {
    const flags = t.flags.map((f) => `      --${f.name}${f.kind === 'bool' ? '' : ' X'}${f.kind === 'list' ? ' (repeatable)' : ''}  ${f.help}`).join('\n');
    return `  --target ${t.name}: ${t.summary}\n    workloads: ${t.workloads.join(', ')} (default ${t.workloads[0]})\n${flags}`;
  }).join('\n');
  const common = OPTION_LIST.map(([, o]) => {
    const d = typeof o.default === 'function' || o.default === undefined || /\(default/.test(o.help) ? ''
      : ` (default ${Array.isArray(o.default) && o.default.length === 0 ? 'none' : o.show(o.default)})`;
    return `  ${`--${o.flag} ${o.meta}`.padEnd(24)} ${o.help}${d}`;
  }).join('\n');
  return `faultline run [options]

Runs a cluster, drives clients and faults, records history.jsonl, heals, checks, writes results.json.

${common}
  --reporter text|json|junit  what to print at the end (default text; report.html and junit.xml are always written)
  --shrink                 with --replay of an invalid --nemesis auto run: replay it with fewer faults (ddmin,
                           at most 12 runs) and a shorter time, and print the flags of the smallest that fails
  --repeat N               a campaign: N runs, seeds counting up from --seed; with --nemesis auto the learned
                           table is carried from run to run (a single run starts empty); exit is the worst verdict
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

/**
 * `--seed`: a whole number ≥ 0, as a number while safe; beyond 2^53 its exact digits (a number would
 * round it onto a neighbouring seed's schedule), which test.json keeps and runSeed turns into a bigint.
 */
export function seedFlag(v: string): number | string {
  return RUN_OPTIONS.seed.parse(v, 'seed', { target: '', workload: '' });
}

/** Parses the command line into a request for `target`; every mistake is an InputError. */
export function parseRunRequest(
  given: string[], warn: (message: string) => void = (m) => process.stderr.write(`faultline: ${m}\n`),
): { target: TargetEntry; req: RunRequest; reporter: string; repeat: number } {
  const { settings, cli } = settingsFromArgv(given, warn);
  const repeatText = cli.get('repeat');
  const repeat = repeatText === undefined ? 1 : Number(repeatText);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 1000) throw new InputError(`--repeat ${String(repeatText)} must be a whole number from 1 to 1000 (the runs of a campaign, seeds counting up from --seed)`);
  const { target, req } = requestOf(settings);
  const reporter = (cli.get('reporter') as string | undefined) ?? 'text';
  if (reporter !== 'text' && !Object.prototype.hasOwnProperty.call(REPORTERS, reporter)) {
    throw new InputError(`--reporter ${reporter} is not a reporter; choose text, ${Object.keys(REPORTERS).filter((r) => r !== 'text').join(', ')}`);
  }
  return { target, req, reporter, repeat };
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
  // What the faults did, family by family (results.json `faults`, harness/top/run/fault-summary.ts).
  const faults = (r.faults ?? {}) as Record<string, { scheduled: number; tookEffect: number; nodesHitByRole: Record<string, string[]>; secondsInForce: number }>;
  for (const [name, f] of Object.entries(faults)) {
    const hit = Object.entries(f.nodesHitByRole).map(([role, nodes]) => (role === 'none' ? nodes.join(',') : `${role} ${nodes.join(',')}`)).join('; ');
    lines.push(`  fault ${name}: ${f.tookEffect} of ${f.scheduled} took effect${f.tookEffect > 0 ? `, ${f.secondsInForce.toFixed(1)} s in force, hit ${hit}` : ''}`);
  }
  // Clock faults against leases: tested with the skew tolerated, or NOT tested and why (results.json `leaseClock`).
  if (isLeaseClock(r.leaseClock)) lines.push(`  ${leaseClockLine(r.leaseClock)}`);
  // Per disk fault, what the store did with the damage (results.json `disk`, harness/top/run/disk-outcome.ts).
  if (r.disk) for (const l of diskOutcomeLines(r.disk as Record<string, DiskFaultOutcome>)) lines.push(`  ${l}`);
  const auto = r.auto as { decisions: number; states: number; triples: number; newStatesPerMinute: number[] } | undefined;
  if (auto) lines.push(`  auto: ${auto.decisions} decisions reached ${auto.states} distinct abstract states and tried ${auto.triples} (state × fault × role); new states per minute ${auto.newStatesPerMinute.join(', ')}`);
  // Every nemesis's faults, on the one measure that puts auto and standard side by side (results.json `stateCoverage`).
  const sc = r.stateCoverage as { starts: number; states: number; triples: number } | undefined;
  if (sc) lines.push(`  coverage: ${sc.starts} fault starts began in ${sc.states} distinct states and tried ${sc.triples} (state × fault × role)`);
  // Maelstrom's net figures (results.json `net`): what the Gossip Glomers efficiency challenges judge.
  if (isNetStats(r.net)) lines.push(`  net: ${msgsPerOpText(r.net)}`);
  const stable = (r.checkers.broadcast as { stableLatency?: StableLatency } | undefined)?.stableLatency;
  if (stable && stable.count > 0) lines.push(`  broadcast stable latency: ${stableLatencyText(stable)}`);
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
    const test = readTestJson(real);
    // An adaptive run's schedule follows from what it observed, not from the seed alone: the replay
    // feeds its recorded choices back (harness/middle/faults/nemesis/auto/schedule.ts).
    const faults = Array.isArray(test.faults) ? test.faults : [];
    const auto = faults.includes('auto') && test.autoSchedule === undefined && !rest.some((a) => a === '--auto-schedule' || a.startsWith('--auto-schedule=')) ? ['--auto-schedule', real] : [];
    return { argv: mergeArgv([...settingsToArgv(settingsFromTestJson(test)), ...auto], rest), replayOf: real };
  }
  const { argv: rest, file, config } = await configOf(argv, cwd);
  return { argv: config ? mergeArgv(settingsToArgv(settingsFromConfig(runSettingsOf(config as Record<string, unknown>))), rest) : rest, configFile: file };
}

/** Parses `argv` (flags only, config already merged), checks the machine, runs and checks the test. */
export async function runFromArgv(argv: string[], progress: NodeJS.WriteStream = process.stderr, learned?: LearnedState): Promise<RunOutcome & { reporter: string; seed: number | string }> {
  const { target, req, reporter } = parseRunRequest(argv);
  // A campaign (the matrix) hands its --nemesis auto scenarios one learned table, run to run.
  if (learned && req.config.faults.includes('auto')) req.config.autoLearned = learned;
  return { ...await runRequest(target, req, progress), reporter };
}

/** Checks the machine for a typed request, runs and checks the test (the API's way in: no argv). */
export async function runRequest(target: TargetEntry, req: RunRequest, progress: NodeJS.WriteStream = process.stderr): Promise<RunOutcome & { seed: number | string }> {
  await target.preflight?.(req);
  const outcome = await runTest(req.config, (run, ctx) => target.plan(req, run, ctx), progress);
  return { ...outcome, seed: req.config.seed };
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
  const { target, req, reporter, repeat } = parseRunRequest(full);
  await target.preflight?.(req);
  if (repeat > 1 && !full.includes('--dry-run')) return campaign(target, req, reporter, repeat, out);
  if (full.includes('--shrink')) return shrinkCommand(target, req, replayOf, out);
  if (full.includes('--dry-run')) {
    out(dryRunText(req));
    return 0;
  }
  out(`faultline run: ${req.config.name}, seed ${req.config.seed}, ${req.config.timeLimitS} s, faults ${String(req.config.faultChoice ?? (req.config.faults.join(',') || 'none'))}${replayOf ? `, replaying ${replayOf}` : ''}`);
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

/** The seed of run `i` of a campaign: counting up from the first, kept exact beyond 2^53. */
export function campaignSeed(seed: number | string, i: number): number | string {
  return typeof seed === 'number' && Number.isSafeInteger(seed + i) ? seed + i : (BigInt(seed) + BigInt(i)).toString();
}

/**
 * `--repeat N`: N runs one after another, seeds counting up; with `--nemesis auto` one learned table
 * goes from run to run, so the campaign gets better as it goes. Prints each run's summary, then which
 * runs failed and the choices that led to them. Exit: the worst verdict (1 > 2 > 0).
 */
async function campaign(target: TargetEntry, req: RunRequest, reporter: string, repeat: number, out: (s: string) => void): Promise<number> {
  const learned = req.config.faults.includes('auto') ? emptyLearned() : undefined;
  const verdicts: { seed: number | string; valid: unknown; dir: string; choices: string[] }[] = [];
  for (let i = 0; i < repeat; i++) {
    const seed = campaignSeed(req.config.seed, i);
    const config = { ...req.config, seed, ...(learned ? { autoLearned: learned } : {}) };
    out(`faultline run ${i + 1}/${repeat}: ${config.name}, seed ${seed}, ${config.timeLimitS} s, faults ${String(req.config.faultChoice ?? (config.faults.join(',') || 'none'))}${learned ? `, learned table of ${learned.runs} run(s)` : ''}`);
    const r = { ...req, config };
    const { dir, results } = await runTest(config, (run, ctx) => target.plan(r, run, ctx));
    if (reporter === 'text') out(summarize(dir, results));
    else out(REPORTERS[reporter](dir, results).trimEnd());
    const choices = fs.existsSync(nodePath.join(dir, 'history.jsonl'))
      ? choicesOfHistory(fs.readFileSync(nodePath.join(dir, 'history.jsonl'), 'utf8')).map((c) => c.action) : [];
    verdicts.push({ seed, valid: results.valid, dir, choices });
  }
  const failed = verdicts.filter((v) => v.valid === false);
  out(`campaign: ${repeat} runs, ${failed.length} invalid (${failed.map((v) => `seed ${v.seed}`).join(', ') || 'none'}), ${verdicts.filter((v) => v.valid === 'unknown').length} unknown${failed.length ? `; first invalid run: ${verdicts.indexOf(failed[0]) + 1}` : ''}`);
  for (const f of failed) if (f.choices.length) out(`  seed ${f.seed} (${f.dir}): choices ${f.choices.join(' → ')}`);
  return failed.length ? 1 : verdicts.some((v) => v.valid !== true) ? 2 : 0;
}

/** `--replay DIR --shrink`: the smallest schedule of DIR's recorded choices that still fails, as flags. */
async function shrinkCommand(target: TargetEntry, req: RunRequest, replayOf: string | undefined, out: (s: string) => void): Promise<number> {
  if (replayOf === undefined) throw new InputError('--shrink shrinks a stored run: pass --replay RUN-DIR of an invalid --nemesis auto run');
  if (!req.config.faults.includes('auto')) throw new InputError(`--shrink: ${replayOf} was not a --nemesis auto run, so it has no recorded choices to shrink; run with --nemesis auto`);
  const timed = timedChoicesOfHistory(readInDir(replayOf, 'history.jsonl').toString('utf8'));
  // The tries' schedules stay in the store: each try's test.json names its own.
  fs.mkdirSync(nodePath.join(req.config.store, 'shrink'), { recursive: true });
  const scratch = fs.mkdtempSync(nodePath.join(req.config.store, 'shrink', 'schedules-'));
  {
    let k = 0;
    const result = await shrinkSchedule(timed, async (schedule, timeLimitS) => {
      const dir = nodePath.join(scratch, String(k++));
      fs.mkdirSync(dir);
      fs.writeFileSync(nodePath.join(dir, 'history.jsonl'), scheduleHistory(schedule));
      const config = { ...req.config, autoSchedule: dir, timeLimitS };
      const faults = schedule.filter(startsFault).length;
      const r = { ...req, config };
      const { dir: runDir, results } = await runTest(config, (run, ctx) => target.plan(r, run, ctx), process.stderr);
      out(`shrink try ${k}: ${faults} fault(s), ${timeLimitS} s: ${results.valid === false ? 'invalid again' : `verdict ${String(results.valid)}`} (${runDir})`);
      return { invalid: results.valid === false, dir: runDir };
    }, { intervalS: req.config.faultIntervalS, timeLimitS: req.config.timeLimitS });
    if (result.dir === undefined) {
      out(`shrink: the run did not fail again when replayed (${result.runs} run(s)); a failure that depends on timing may need the replay repeated`);
      return 2;
    }
    const kept = result.kept.map((i) => timed[i].choice.action);
    out(`shrink: ${kept.length} fault(s) of ${timed.filter((t) => startsFault(t.choice)).length} still fail in ${result.timeLimitS} s (${result.runs} runs): ${kept.join(' → ')}`);
    out(`rerun: faultline run --replay ${replayOf} --auto-schedule ${result.dir} --time-limit ${result.timeLimitS}s`);
    return 1;
  }
}
