/**
 * One run's settings, and its front ends: argv, a config object (file or API), and test.json (replay).
 * Each converts to and from `Settings` through the option registry (run-options.ts, and each target's
 * typed flags), so a setting is parsed, defaulted and range-checked in one place; `requestOf` makes
 * the typed RunRequest that the controller, targets, faults and workloads read.
 */
import { chooseFaults } from '../run/fault-choice.js';
import { randomInt } from 'node:crypto';
import { InputError } from '../../ground/history/errors.js';
import { checkFaultSettings } from '../../middle/faults/nemesis/index.js';
import { getEnvironment } from '../../middle/hosts/environments.js';
import { DEFAULT_TARGET, TARGETS, getTarget } from '../run/targets.js';
import type { RunConfig, RunRequest, TargetEntry } from '../../ground/contracts/run-contract.js';
import { DEPRECATED_FLAGS, flagValues, rewriteDeprecatedFlags } from '../../ground/contracts/flags.js';
import { parseArgs } from '../cli/args.js';
import { checkRunRequest } from '../cli/run-checks.js';
import { closest } from '../../ground/contracts/closest.js';
import type { OptionValue, RunSettings } from './define.js';
import { OPTION_LIST, RUN_OPTIONS, type CommonValues, type OptionKey } from './run-options.js';
import type { Option, OptionContext } from './option-kinds.js';
import { spareCount } from '../../ground/contracts/spare-host.js';

/** A target flag's text: a value, `true` for a bare flag, or the values of a repeated one. */
export type FlagText = string | true | string[];

/** One run's settings: the common ones typed, the target's own as their flag text (typed in requestOf). */
export interface Settings {
  values: CommonValues;
  flags: Record<string, FlagText>;
}

/** Flags of `faultline run` that are not settings of the run. */
const CLI_VALUED = ['reporter', 'repeat'];
const CLI_BOOLS = ['help', 'dry-run', 'shrink'];

const targetOf = (name: unknown): TargetEntry => getTarget(typeof name === 'string' ? name : DEFAULT_TARGET);
const opt = (k: OptionKey): Option<unknown, unknown> => RUN_OPTIONS[k] as unknown as Option<unknown, unknown>;
const ctx = (target: string): OptionContext => ({ target, workload: '' });

/** `--read-consistancy` → `--reads`: the nearest flag of the run (an old name gives its new one), or nothing. */
function nearestFlag(name: string, target: TargetEntry): string | undefined {
  const names = [...OPTION_LIST.map(([, o]) => o.flag), ...target.flags.map((f) => f.name), ...CLI_VALUED, ...CLI_BOOLS, 'config', 'replay'];
  const near = closest(name, [...names, ...DEPRECATED_FLAGS.map((d) => d.name)]);
  return DEPRECATED_FLAGS.find((d) => d.name === near)?.now ?? near;
}

/**
 * `argv` with the flags of its `--preset` (a target's named flag set) in front, so the flags given
 * beside it win; `--preset` itself stays, so the run records which preset it ran.
 */
function withPreset(argv: string[], target: TargetEntry): string[] {
  const i = argv.findIndex((a) => a === '--preset' || a.startsWith('--preset='));
  if (i < 0 || target.presets === undefined) return argv;
  const name = argv[i].includes('=') ? argv[i].slice('--preset='.length) : argv[i + 1];
  const names = Object.keys(target.presets);
  const p = name === undefined ? undefined : Object.prototype.hasOwnProperty.call(target.presets, name) ? target.presets[name] : undefined;
  if (p === undefined) {
    const near = name === undefined ? undefined : closest(name, names);
    throw new InputError(`--preset ${name ?? ''} is not a preset of --target ${target.name}${near ? ` (did you mean ${near}?)` : ''}; choose ${names.join(', ')}`);
  }
  return [...p.args, ...argv];
}

/**
 * The settings of a command line, and its other flags (`--reporter`, `--dry-run`); every mistake is
 * an InputError naming the flag and what is allowed — an unknown one with the nearest flag.
 */
export function settingsFromArgv(given: readonly string[], warn: (message: string) => void): { settings: Settings; cli: Map<string, FlagText> } {
  let argv = rewriteDeprecatedFlags(given, warn);
  const tIndex = argv.findIndex((a) => a === '--target' || a.startsWith('--target='));
  const tText = tIndex < 0 ? DEFAULT_TARGET : argv[tIndex].includes('=') ? argv[tIndex].slice('--target='.length) : argv[tIndex + 1] ?? DEFAULT_TARGET;
  const target = getTarget(RUN_OPTIONS.target.parse(tText, 'target', ctx(tText)));
  argv = withPreset(argv, target);
  const valued = [...OPTION_LIST.map(([, o]) => o.flag), ...CLI_VALUED, ...target.flags.filter((f) => f.kind === 'value').map((f) => f.name)];
  const bools = [...CLI_BOOLS, ...target.flags.filter((f) => f.kind === 'bool').map((f) => f.name)];
  const lists = target.flags.filter((f) => f.kind === 'list').map((f) => f.name);
  for (const a of argv) {
    const name = a.startsWith('--') && a !== '--' ? a.slice(2).split('=')[0] : undefined;
    if (name === undefined || [...valued, ...bools, ...lists].includes(name)) continue;
    // A flag of another target is a common slip (`--bin` without `--target maelstrom`): say whose it is.
    const owners = Object.values(TARGETS).filter((t) => t.flags.some((f) => f.name === name)).map((t) => t.name);
    if (owners.length > 0) throw new InputError(`--${name} is a flag of --target ${owners.join(' or --target ')}, not of ${target.name}; add --target ${owners[0]}`);
    const near = nearestFlag(name, target);
    throw new InputError(`unknown option --${name} for faultline run${near ? ` (did you mean --${near}?)` : ''}; see faultline run --help`);
  }
  const args = parseArgs(argv, valued, bools, 'run', lists);
  if (args.positionals.length > 0) throw new InputError(`faultline run takes no positional arguments, got "${args.positionals[0]}"; see faultline run --help`);
  const values: Record<string, unknown> = {};
  const c: OptionContext = { target: target.name, workload: '' };
  for (const [key, o] of OPTION_LIST) {
    const text = args.options.get(o.flag);
    if (typeof text === 'string') values[key] = o.parse(text, o.flag, { ...c, workload: (values.workload as string) ?? '' });
  }
  const flags: Record<string, FlagText> = {};
  for (const f of target.flags) if (args.options.has(f.name)) flags[f.name] = args.options.get(f.name)!;
  const cli = new Map([...CLI_VALUED, ...CLI_BOOLS].filter((n) => args.options.has(n)).map((n) => [n, args.options.get(n)!]));
  return { settings: { values: values as CommonValues, flags }, cli };
}

/** The flags of `faultline run` that give these settings (so settings → argv → settings is the identity). */
export function settingsToArgv(s: Settings): string[] {
  const argv: string[] = [];
  for (const [key, o] of OPTION_LIST) {
    const v = s.values[key];
    if (v !== undefined) argv.push(`--${o.flag}`, o.show(v));
  }
  for (const [k, v] of Object.entries(s.flags)) {
    if (v === true) argv.push(`--${k}`);
    else if (Array.isArray(v)) for (const x of v) argv.push(`--${k}`, x);
    else argv.push(`--${k}`, v);
  }
  return argv;
}

/** A config value of a target flag as its text (a number as a duration means seconds, as on the CLI). */
const flagText = (v: OptionValue): FlagText | undefined =>
  v === false ? undefined : v === true ? true : Array.isArray(v) ? v.map(String) : String(v);

/** The settings of a (checked) config object: a file's or the API's argument. */
export function settingsFromConfig(c: RunSettings): Settings {
  const values: Record<string, unknown> = {};
  for (const [key, o] of OPTION_LIST) {
    const v = (c as Record<string, unknown>)[key];
    if (v !== undefined) values[key] = o.fromConfig(v);
  }
  const flags: Record<string, FlagText> = {};
  if (c.environment !== undefined) flags.env = c.environment;
  for (const [k, v] of Object.entries(c.options ?? {})) {
    const text = flagText(v);
    // An old name in a config works as on the command line (the warning came with the check).
    if (text !== undefined) flags[DEPRECATED_FLAGS.find((d) => d.name === k)?.now ?? k] = text;
  }
  return { values: values as CommonValues, flags };
}

/** The config object of these settings (so settings → config → settings is the identity). */
export function settingsToConfig(s: Settings): RunSettings {
  const out: Record<string, unknown> = {};
  for (const [key, o] of OPTION_LIST) {
    const v = s.values[key];
    if (v !== undefined) out[key] = o.toConfig(v);
  }
  const { env, ...rest } = s.flags;
  if (typeof env === 'string') out.environment = env;
  if (Object.keys(rest).length > 0) out.options = rest;
  return out as RunSettings;
}

/** The settings a run's test.json recorded (its RunConfig): `--replay` runs them again. */
export function settingsFromTestJson(test: Record<string, unknown>): Settings {
  const seedOk = typeof test.seed === 'number' || (typeof test.seed === 'string' && /^\d+$/.test(test.seed));
  if (typeof test.target !== 'string' || !seedOk) {
    throw new InputError('--replay: the run\'s test.json names no target or seed (a run from before replay was possible); rerun it with the command in its test.json');
  }
  const values: Record<string, unknown> = {};
  for (const [key, o] of OPTION_LIST) {
    const v = test[o.field];
    if (v === undefined || v === null) continue;
    // Through the flag's own text: a test.json edited by hand is checked as a flag would be.
    try {
      values[key] = o.parse(o.show(v), o.flag, { target: test.target, workload: String(test.workload ?? '') });
    } catch (err) {
      throw new InputError(`--replay: test.json's ${o.field} ${JSON.stringify(v)} is not valid (${(err as Error).message}); rerun it with the command in its test.json`);
    }
  }
  const flags: Record<string, FlagText> = {};
  const stored = typeof test.targetFlags === 'object' && test.targetFlags !== null ? test.targetFlags as Record<string, unknown> : {};
  for (const [k, v] of Object.entries(stored)) {
    if (v === true || typeof v === 'string') flags[DEPRECATED_FLAGS.find((d) => d.name === k)?.now ?? k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) flags[k] = v as string[];
  }
  return { values: values as CommonValues, flags };
}

/**
 * `over`'s settings over `base`'s. When `over` names another target, `base`'s target flags are
 * dropped: they were meant for the other target.
 */
export function mergeSettings(base: Settings, over: Settings): Settings {
  const otherTarget = over.values.target !== undefined && over.values.target !== (base.values.target ?? DEFAULT_TARGET);
  return { values: { ...base.values, ...over.values }, flags: { ...(otherTarget ? {} : base.flags), ...over.flags } };
}

/**
 * The typed request of these settings: defaults filled (computed ones from the target and workload),
 * every range checked, the target's flags typed. Every refusal comes here, before anything starts.
 */
export function requestOf(s: Settings): { target: TargetEntry; req: RunRequest } {
  const target = targetOf(s.values.target);
  const c: OptionContext = { target: target.name, workload: '', flags: s.flags };
  const value = <K extends OptionKey>(k: K): unknown => {
    const o = opt(k);
    const v = s.values[k] ?? (typeof o.default === 'function' ? (o.default as (c: OptionContext) => unknown)(c) : o.default);
    return v;
  };
  c.workload = RUN_OPTIONS.workload.parse(String(value('workload')), 'workload', c);
  const flagMap = new Map(Object.entries(s.flags));
  for (const k of Object.keys(s.flags)) {
    if (!target.flags.some((f) => f.name === k)) throw new InputError(`--${k} is not a flag of target ${target.name}; see faultline run --help`);
  }
  // Without --nodes, an environment whose flags name the hosts (--env ssh --hosts …) sets the count.
  const envName = s.flags.env;
  const listed = s.values.nodes === undefined && typeof envName === 'string' ? getEnvironment(envName).defaultNodeCount?.(flagMap) : undefined;
  // With membership changes the last host listed is the spare, not a node.
  const spares = spareCount(s.values.faults as readonly string[] | undefined);
  const implied = listed !== undefined && spares > 0 ? Math.max(1, listed - spares) : listed;
  const seed = s.values.seed ?? randomInt(2 ** 31 - 1);
  const all: Record<string, unknown> = { ...s.values, target: target.name, workload: c.workload, seed, ...(implied !== undefined ? { nodes: implied } : {}) };
  for (const [key, o] of OPTION_LIST) {
    if (all[key] === undefined) all[key] = value(key);
    if (all[key] !== undefined) o.check?.(all[key], c);
  }
  // Without --nemesis a fault-injecting target runs its standard package, at an interval that fits the
  // time limit; a schedule in which no fault can start is refused here (fault-choice.ts).
  const given = s.values.faults as readonly string[] | undefined;
  const choice = chooseFaults(target.name, given === undefined ? undefined : given.join(',') || 'none', all.timeLimit as number, s.values.faultInterval as number | undefined);
  all.faults = choice.faults;
  all.faultInterval = choice.faultIntervalS;
  const config = {} as RunConfig;
  // test.json's order: the fields the controller reads first, then the optional ones.
  for (const key of ['name', 'store', 'seed', 'timeLimit', 'rate', 'concurrency', 'quiet', 'faults', 'faultInterval', 'target', 'workload', 'nodes',
    'partitionShapes', 'nodeTargets', 'diskFaults', 'clockOffsets', 'churnLongWait', 'churnCut', 'membershipEvery', 'autoSchedule', 'watchWindow', 'watchCompactEvery', 'watchWait'] as OptionKey[]) {
    if (all[key] !== undefined) (config as Record<string, unknown>)[opt(key).field] = all[key];
  }
  checkFaultSettings(config);
  config.targetFlags = { ...s.flags };
  config.faultChoice = choice.says;
  config.command = ['faultline', 'run', ...settingsToArgv({ values: { ...s.values, seed } as CommonValues, flags: s.flags })]
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
  const req: RunRequest = {
    config, flags: flagMap, workload: c.workload, nodeCount: config.nodes as number,
    values: flagValues(target.flags, flagMap, c),
  };
  checkRunRequest(req);
  return { target, req };
}
