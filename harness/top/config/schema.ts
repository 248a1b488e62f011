/**
 * Checking a config (a file's object, a scenario, or the API's argument) key by key, and turning the
 * settings of one run into the flags of `faultline run`. Every mistake is one sentence naming the key,
 * the closest valid key or value when there is one, and the allowed values; the CLI exits 254 on it.
 * The flags then go through the very parser `faultline run` uses, so a config means what its flags do.
 */
import { errorMessage, InputError } from '../../ground/history/errors.js';
import { FAULT_NAMES } from '../../middle/faults/nemesis/index.js';
import { DEPRECATED_FLAGS } from '../../ground/contracts/flags.js';
import { listOf, show, type Option, type OptionContext } from './option-kinds.js';
import { OPTION_LIST, RUN_OPTIONS, type OptionKey } from './run-options.js';
import { settingsFromConfig, settingsToArgv as argvOf } from './settings.js';
import { ENVIRONMENTS } from '../../middle/hosts/environments.js';
import { DEFAULT_TARGET, TARGETS } from '../run/targets.js';
import { closest, didYouMean } from '../../ground/contracts/closest.js';
import type { FaultlineConfig, RunSettings, Scenario } from './define.js';

const NAME = /^[A-Za-z0-9._-]+$/;

/** How one key is checked and which flag it becomes. `problem` returns what is wrong, or nothing. */
interface KeySpec {
  flag?: string;
  /** The allowed values, as the message says them. */
  allowed: (s: RunSettings) => string;
  /** What is wrong with `v` (e.g. `"partiton" is not a fault (did you mean …)`), or undefined. */
  problem(v: unknown, s: RunSettings): string | undefined;
}

const isInt = (v: unknown, min: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min;
const isSeed = (v: unknown): boolean => RUN_OPTIONS.seed.problem(v, { target: '', workload: '' }) === undefined;

const targetOf = (s: RunSettings): string => (typeof s.target === 'string' && s.target in TARGETS ? s.target : DEFAULT_TARGET);
const ctxOf = (s: RunSettings): OptionContext => ({ target: targetOf(s), workload: typeof s.workload === 'string' ? s.workload : '' });

/** A common setting's check, from its declaration: the config value's problem, then its range. */
function fromOption(o: Option<unknown, unknown>): KeySpec {
  return {
    flag: o.flag,
    allowed: (s) => o.allowed(ctxOf(s)),
    problem: (v, s) => {
      const p = o.problem(v, ctxOf(s));
      if (p !== undefined) return p;
      try {
        o.check?.(o.fromConfig(v), ctxOf(s));
        return undefined;
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        return `is out of range (${err.message})`;
      }
    },
  };
}

const { target: TARGET_KEY, ...OPTION_KEYS } = Object.fromEntries(OPTION_LIST.map(([k, o]) => [k, fromOption(o)])) as Record<OptionKey, KeySpec>;

/** The keys of one run's settings, in the order the messages list them: the registry's, plus environment and options. */
export const RUN_KEYS: Readonly<Record<keyof RunSettings, KeySpec>> = {
  target: TARGET_KEY,
  environment: {
    flag: 'env',
    allowed: () => `one of ${Object.keys(ENVIRONMENTS).join(', ')}`,
    problem: (v, s) => (!TARGETS[targetOf(s)].flags.some((f) => f.name === 'env')
      ? `applies only to the targets ${Object.values(TARGETS).filter((t) => t.flags.some((f) => f.name === 'env')).map((t) => t.name).join(', ')}, not to ${targetOf(s)}`
      : typeof v !== 'string' ? `must be a text, got ${show(v)}`
        : v in ENVIRONMENTS ? undefined : `${show(v)} is not an environment${didYouMean(v, Object.keys(ENVIRONMENTS))}`),
  },
  ...OPTION_KEYS,
  options: {
    allowed: (s) => `an object of ${targetOf(s)}'s flags: ${TARGETS[targetOf(s)].flags.map((f) => f.name).join(', ')}`,
    problem: (v, s) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return `must be an object of flag names and values, got ${show(v)}`;
      const flags = TARGETS[targetOf(s)].flags;
      for (const [given, x] of Object.entries(v)) {
        // An old name works as on the command line, for one release.
        const old = DEPRECATED_FLAGS.find((d) => d.name === given && flags.some((g) => g.name === d.now));
        if (old) process.stderr.write(`faultline: options "${old.name}" is deprecated and goes in the next release; use "${old.now}"\n`);
        const k = old?.now ?? given;
        const f = flags.find((g) => g.name === k);
        if (!f) {
          const near = closest(k, [...flags.map((g) => g.name), ...DEPRECATED_FLAGS.map((d) => d.name)]);
          const now = DEPRECATED_FLAGS.find((d) => d.name === near)?.now ?? near;
          return `has "${k}", which is not a flag of target ${targetOf(s)}${now !== undefined && flags.some((g) => g.name === now) ? ` (did you mean "${now}"?)` : ''}`;
        }
        const ok = f.kind === 'bool' ? typeof x === 'boolean'
          : f.kind === 'list' ? listOf(x) !== undefined : typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x));
        if (!ok) return `"${k}" ${show(x)} must be ${f.kind === 'bool' ? 'true or false' : f.kind === 'list' ? 'a text or a list of texts' : 'a text or a number'} (${f.help})`;
        if (f.type && f.kind === 'value') {
          try {
            f.type.parse(String(x), k);
          } catch (err) {
            if (!(err instanceof InputError)) throw err;
            return `"${k}" ${show(x)} is not allowed (${err.message})`;
          }
        }
      }
      return undefined;
    },
  },
};

const MATRIX_KEYS = ['workloads', 'faultSets', 'seeds', 'expect', 'scenarios'] as const;
const SCENARIO_KEYS = ['name', 'expect', 'why', 'fast'] as const;

const fail = (where: string, key: string, problem: string, allowed: string): never => {
  throw new InputError(`${where}: ${key} ${problem}; ${key} must be ${allowed}`);
};

/** Checks the run keys of `s` (others were handled by the caller); throws an InputError on the first mistake. */
function checkRunKeys(s: Record<string, unknown>, where: string, extra: readonly string[]): void {
  const known = [...Object.keys(RUN_KEYS), ...extra];
  for (const key of Object.keys(s)) {
    if (!known.includes(key)) {
      throw new InputError(`${where}: unknown key "${key}"${didYouMean(key, known)}; the keys are ${known.join(', ')}`);
    }
  }
  // The target first: which workloads and options are valid depends on it.
  for (const key of ['target', ...Object.keys(RUN_KEYS).filter((k) => k !== 'target')] as (keyof RunSettings)[]) {
    const v = s[key];
    if (v === undefined) continue;
    const spec = RUN_KEYS[key];
    const problem = spec.problem(v, s as RunSettings);
    if (problem !== undefined) fail(where, key, problem, spec.allowed(s as RunSettings));
  }
}

/** Checks a whole config object (a file's default export, or the API's argument). */
export function checkConfig(raw: unknown, where: string): FaultlineConfig {
  // A config is code: a getter that throws, or a Proxy, must end as one sentence, not exit 3.
  try {
    return checkConfigValues(raw, where);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${where} threw while its settings were read (${errorMessage(err)}); make every setting a plain value`);
  }
}

function checkConfigValues(raw: unknown, where: string): FaultlineConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InputError(`${where} must export an object of settings (export default defineConfig({ … })), got ${show(raw)}`);
  }
  const c = raw as Record<string, unknown>;
  checkRunKeys(c, where, MATRIX_KEYS);
  if (c.workloads !== undefined) {
    const spec = RUN_KEYS.workload;
    const list = listOf(c.workloads);
    if (list === undefined) fail(where, 'workloads', `must be a list, got ${show(c.workloads)}`, spec.allowed(c));
    for (const w of list!) { const p = spec.problem(w, c); if (p) fail(where, 'workloads', p, `a list of ${spec.allowed(c)}`); }
  }
  if (c.faultSets !== undefined) {
    if (!Array.isArray(c.faultSets)) fail(where, 'faultSets', `must be a list of fault lists, got ${show(c.faultSets)}`, `a list of lists of ${FAULT_NAMES.join(', ')}`);
    for (const set of c.faultSets as unknown[]) {
      const p = RUN_KEYS.faults.problem(set, c);
      if (p) fail(where, 'faultSets', p, `a list of lists of ${FAULT_NAMES.join(', ')}`);
    }
  }
  if (c.seeds !== undefined) {
    const allowed = 'a list of whole numbers ≥ 0 (beyond 2^53 as strings of digits)';
    const at = Array.isArray(c.seeds) ? (c.seeds as unknown[]).findIndex((x) => !isSeed(x)) : 0;
    if (at !== -1) {
      const bad = Array.isArray(c.seeds) ? c.seeds[at] : undefined;
      fail(where, 'seeds', isInt(bad, 0) ? RUN_OPTIONS.seed.problem(bad, { target: '', workload: '' })! : `${show(c.seeds)} is not a list of whole numbers ≥ 0`, allowed);
    }
  }
  if (c.expect !== undefined && c.expect !== 'valid' && c.expect !== 'invalid') fail(where, 'expect', `${show(c.expect)} is not an expectation`, '"valid" or "invalid"');
  if (c.scenarios !== undefined) {
    if (!Array.isArray(c.scenarios)) fail(where, 'scenarios', `must be a list, got ${show(c.scenarios)}`, 'a list of { name, expect, … } objects');
    const seen = new Set<string>();
    (c.scenarios as unknown[]).forEach((sc, i) => {
      const at = `${where}: scenarios[${i}]${typeof (sc as Scenario)?.name === 'string' ? ` (${(sc as Scenario).name})` : ''}`;
      if (typeof sc !== 'object' || sc === null || Array.isArray(sc)) throw new InputError(`${at} must be an object with a name and an expect`);
      const s = sc as Record<string, unknown>;
      if (typeof s.name !== 'string' || !NAME.test(s.name)) fail(at, 'name', `${show(s.name)} is not a valid name`, "a name of letters, digits, '.', '_' and '-'");
      if (seen.has(s.name as string)) throw new InputError(`${at}: the name "${String(s.name)}" is used twice; give each scenario its own name`);
      seen.add(s.name as string);
      if (s.expect !== 'valid' && s.expect !== 'invalid') fail(at, 'expect', `${show(s.expect)} is not an expectation`, '"valid" or "invalid"');
      if (s.store !== undefined) throw new InputError(`${at}: store belongs to the whole matrix, not a scenario; set it at the top of the config or with --store`);
      // A scenario's settings are checked merged over the config's: its target decides its options.
      const { name: _n, expect: _e, why: _w, fast: _f, ...own } = s;
      void _n; void _e; void _w; void _f;
      checkRunKeys({ ...runSettingsOf(c), ...own }, at, SCENARIO_KEYS);
    });
  }
  return c as FaultlineConfig;
}

/** Only the settings of one run from a config (no matrix keys). */
export function runSettingsOf(c: Record<string, unknown>): RunSettings {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(RUN_KEYS)) if (c[k] !== undefined) out[k] = c[k];
  return out as RunSettings;
}

/** The `faultline run` flags of one run's (checked) settings. */
export function settingsToArgv(s: RunSettings): string[] {
  return argvOf(settingsFromConfig(s));
}

/** The flag names an argv sets (`--rate 5`, `--rate=5`), so the command line can override a config. */
export function flagNames(argv: readonly string[]): Set<string> {
  return new Set(argv.filter((a) => a.startsWith('--') && a !== '--').map((a) => a.slice(2).split('=')[0]));
}

/**
 * The config's flags with the command line's after them, every flag the command line sets dropped from
 * the config's (lists too, which would otherwise add up). When the command line names another target,
 * the config's target options are dropped as well: they were meant for the config's target.
 */
export function mergeArgv(fromConfig: readonly string[], cli: readonly string[]): string[] {
  const given = flagNames(cli);
  const cliTarget = cli.find((a, i) => cli[i - 1] === '--target') ?? cli.find((a) => a.startsWith('--target='))?.slice(9);
  const cfgTarget = fromConfig.find((a, i) => fromConfig[i - 1] === '--target') ?? DEFAULT_TARGET;
  const common = new Set(Object.values(RUN_KEYS).map((s) => s.flag).filter(Boolean));
  const out: string[] = [];
  for (let i = 0; i < fromConfig.length; i++) {
    const name = fromConfig[i].slice(2);
    const hasValue = i + 1 < fromConfig.length && !fromConfig[i + 1].startsWith('--');
    const drop = given.has(name) || (cliTarget !== undefined && cliTarget !== cfgTarget && !common.has(name));
    if (!drop) out.push(fromConfig[i], ...(hasValue ? [fromConfig[i + 1]] : []));
    if (hasValue) i++;
  }
  return [...out, ...cli];
}
