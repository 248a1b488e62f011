/**
 * Reading flags, the one way: durations with one rule for bare numbers, a target's own flags out of a
 * run request, and the deprecated names that still work for one release (with a warning).
 *
 * The rule for durations: a number with a unit (`500ms`, `2s`, `1m`, `1h`) means what it says; a bare
 * number means seconds, on every flag — as `--time-limit 60` always has.
 */
import { InputError } from '../history/errors.js';
import { didYouMean } from './closest.js';
import type { FlagContext, FlagType, RunRequest, TargetFlag } from './run-contract.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Parses a duration (`60s`, `500ms`, `2m`, `1h`, or a bare number of seconds) into milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new InputError(`--${flag} "${text}" is not a duration; write e.g. 60s, 500ms or 2m (a bare number means seconds)`);
  return Number(m[1]) * UNIT_MS[m[2] ?? 's'];
}

/** A target flag's single value (the last when repeated), or undefined when absent. */
export function flagValue(req: RunRequest, name: string): string | undefined {
  const v = req.flags.get(name);
  if (v === undefined) return undefined;
  if (v === true) throw new InputError(`--${name} needs a value`);
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** A repeatable flag's values: comma lists split and empty entries dropped, unless `split` is false (verbatim arguments). */
export function flagList(req: RunRequest, name: string, opts: { split?: boolean } = {}): string[] {
  const v = req.flags.get(name);
  const raw = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  if (opts.split === false) return raw;
  return raw.flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);
}

/** A flag that must be one of `choices` (the first is the default). */
export function choiceFlag<T extends string>(req: RunRequest, name: string, choices: readonly T[]): T {
  const v = flagValue(req, name) ?? choices[0];
  if (!(choices as readonly string[]).includes(v)) throw new InputError(`--${name} must be one of ${choices.join(', ')}, got "${v}"`);
  return v as T;
}

/** A positive number flag, or the default. */
export function numberFlag(req: RunRequest, name: string, fallback: number): number {
  const v = flagValue(req, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InputError(`--${name} must be a positive number, got "${v}"`);
  return n;
}

/** A whole-number flag ≥ `min`, or the default. */
export function intFlag(req: RunRequest, name: string, fallback: number, min = 1): number {
  const v = flagValue(req, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InputError(`--${name} ${v} must be a whole number ≥ ${min}`);
  return n;
}

/** A positive duration flag in milliseconds, or the default (given as a duration text, e.g. `2s`). */
export function durationFlag(req: RunRequest, name: string, fallback: string): number {
  const ms = parseDuration(flagValue(req, name) ?? fallback, name);
  if (ms <= 0) throw new InputError(`--${name} must be longer than 0, e.g. ${fallback}`);
  return ms;
}

/** A target flag with a declared type: `valueOf(req, flag)` is its typed value. */
export type TypedFlag<T> = TargetFlag & { type: FlagType<T> };

const withDefault = (help: string, text: string | undefined): string => (text === undefined ? help : `${help} (default ${text})`);
const resolve = <T>(d: T | ((c: FlagContext) => T), c: FlagContext): T => (typeof d === 'function' ? (d as (c: FlagContext) => T)(c) : d);

/**
 * A duration flag, in ms: default, and the range it must lie in (`outside` says the sentence when it
 * does not; default: longer than 0). The default may depend on the target (`(c) => …`).
 */
export function durationOption(name: string, help: string, dflt: string | ((c: FlagContext) => string) | undefined,
  range: { min?: number; max?: number; zero?: boolean; outside?: (text: string) => string } = {}): TypedFlag<number> {
  const parse = (text: string, flag: string): number => {
    const ms = parseDuration(text, flag);
    if (ms <= 0 && !range.zero) throw new InputError(`--${flag} must be longer than 0, e.g. ${typeof dflt === 'string' ? dflt : '2s'}`);
    if ((range.min !== undefined && ms < range.min) || (range.max !== undefined && ms > range.max)) {
      throw new InputError(range.outside?.(text) ?? `--${flag} ${text} is outside ${range.min ?? 0} ms–${range.max} ms`);
    }
    return ms;
  };
  const type: FlagType<number> = { parse, defaultText: typeof dflt === 'string' ? dflt : dflt };
  if (dflt !== undefined) type.default = typeof dflt === 'string' ? parse(dflt, name) : (c) => parse(resolve(dflt, c), name);
  return { name, kind: 'value', help: typeof dflt === 'string' ? withDefault(help, dflt) : help, type };
}

/** A flag of one of `choices` (the first is the default); a typo gets "did you mean". */
export function choiceOption<const C extends readonly string[]>(name: string, choices: C, help: string): TypedFlag<C[number]> {
  const parse = (text: string, flag: string): C[number] => {
    if ((choices as readonly string[]).includes(text)) return text;
    throw new InputError(`--${flag} must be one of ${choices.join(', ')}, got "${text}"${didYouMean(text, choices)}`);
  };
  return { name, kind: 'value', help: `${choices.join(' | ')}: ${help} (default ${choices[0]})`, type: { parse, default: choices[0], defaultText: choices[0] } };
}

/** A whole-number flag from `min` to `max` (the sentence when outside: `range`), with its default. */
export function intOption(name: string, help: string, dflt: number | ((c: FlagContext) => number) | undefined, min: number, max = Number.MAX_SAFE_INTEGER,
  range?: (text: string) => string): TypedFlag<number> {
  const parse = (text: string, flag: string): number => {
    const n = Number(text);
    // The flag's own sentence (`range`) names what it takes, so it answers a non-number too.
    if (!Number.isInteger(n)) throw new InputError(range?.(text) ?? `--${flag} ${text} must be a whole number ≥ ${min}`);
    if (n < min || n > max) throw new InputError(range?.(text) ?? `--${flag} ${text} must be a whole number ≥ ${min}`);
    return n;
  };
  const text = typeof dflt === 'number' ? String(dflt) : dflt === undefined ? undefined : (c: FlagContext) => String(dflt(c));
  return { name, kind: 'value', help: typeof dflt === 'number' ? withDefault(help, String(dflt)) : help, type: { parse, default: dflt, defaultText: text } };
}

/**
 * The typed value of a declared flag: the value parsed where the settings were read, else (a request
 * built by hand, as tests do) its text parsed now, else its default.
 */
export function valueOf<T>(req: RunRequest, flag: TypedFlag<T>): T {
  if (req.values?.has(flag.name)) return req.values.get(flag.name) as T;
  const text = flagValue(req, flag.name);
  if (text !== undefined) return flag.type.parse(text, flag.name) as T;
  return resolve(flag.type.default as T | ((c: FlagContext) => T), { target: String(req.config.target ?? ''), workload: req.workload });
}

/**
 * Every declared flag's value of a target (text parsed, defaults filled), then each flag's check
 * against the others: a bad value or range is refused here, before anything starts.
 */
export function flagValues(flags: readonly TargetFlag[], given: ReadonlyMap<string, string | true | string[]>, c: FlagContext): Map<string, unknown> {
  const values = new Map<string, unknown>();
  for (const f of flags) {
    if (f.type === undefined) continue;
    const v = given.get(f.name);
    const text = Array.isArray(v) ? v[v.length - 1] : v;
    if (text === true) continue;
    if (text !== undefined) values.set(f.name, f.type.parse(text, f.name));
    else if (f.type.default !== undefined) values.set(f.name, resolve(f.type.default, c));
  }
  for (const f of flags) if (f.type?.check && values.has(f.name)) f.type.check(values.get(f.name), values, f.name);
  return values;
}

/** A flag name kept for one release: what it is now called and how its value converts. */
export interface DeprecatedFlag {
  name: string;
  now: string;
  /** The value under the new name (default: unchanged). */
  convert?(value: string): string;
}

const bareMs = (v: string): string => v.replace(/^(\d+(?:\.\d+)?)$/, '$1ms');

/** Old flag names that still work, with a warning, until the next release. */
export const DEPRECATED_FLAGS: readonly DeprecatedFlag[] = [
  { name: 'key-count', now: 'keys' },
  { name: 'rpc-timeout', now: 'request-timeout', convert: bareMs },
  { name: 'request-timeout-ms', now: 'request-timeout', convert: bareMs },
  { name: 'session-timeout-ms', now: 'session-ttl', convert: bareMs },
  // Read modes: one flag across stores, each with its own values (issue 23).
  { name: 'read-consistency', now: 'reads' },
  { name: 'consul-reads', now: 'reads' },
  // The lock holder's session or lease TTL: one flag across stores, each with its own default and range.
  { name: 'lock-ttl', now: 'session-ttl' },
  { name: 'session-timeout', now: 'session-ttl' },
];

/**
 * Rewrites deprecated flags in `argv` to their names now, and bare-number `--latency` values (which
 * meant milliseconds before the one rule) to `ms`; each rewrite is announced once through `warn`.
 */
export function rewriteDeprecatedFlags(argv: readonly string[], warn: (message: string) => void): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const name = a.startsWith('--') ? a.slice(2, eq < 0 ? undefined : eq) : undefined;
    const old = DEPRECATED_FLAGS.find((d) => d.name === name);
    const value = eq >= 0 ? a.slice(eq + 1) : argv[i + 1];
    if (old) {
      const converted = value === undefined ? undefined : (old.convert ?? ((v: string) => v))(value);
      warn(`--${old.name} is deprecated and goes in the next release; use --${old.now}${converted !== undefined ? ` ${converted}` : ''}`);
      if (eq >= 0) out.push(`--${old.now}=${converted}`);
      else { out.push(`--${old.now}`); if (value !== undefined) { out.push(converted!); i++; } }
      continue;
    }
    if (name === 'latency' && value !== undefined && /^\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)?$/.test(value) && !/^0+(?:\.0+)?$/.test(value)) {
      warn(`--latency ${value}: a bare number means seconds now, as on every flag; taken as ${value}ms for this release — write ${value}ms`);
      if (eq >= 0) out.push(`--latency=${value}ms`);
      else { out.push('--latency', `${value}ms`); i++; }
      continue;
    }
    out.push(a);
  }
  return out;
}

/**
 * `--request-timeout`, the one declaration for every target: a client waits this long for a reply
 * (no reply = info). `--target maelstrom` takes Maelstrom's own (its client.clj and workloads): 5s,
 * and for lin-kv max(10 × the mean --latency, 1s) — the lin-kv workload computes that part from the
 * latency (requestTimeoutMs in harness/middle/workloads/lin-kv.ts), as Maelstrom's lin-kv does. The bundled
 * Raft answers behind the same routed network in ms: 1s. A store's request crosses a real network and
 * a Raft round: 2s.
 */
export const REQUEST_TIMEOUT = durationOption(
  'request-timeout', 'deadline of one client request, a duration; no reply = info (default: maelstrom as Maelstrom, 5s, lin-kv max(10× mean latency, 1s); raft 1s; the stores 2s; was --rpc-timeout / --request-timeout-ms)',
  (c) => (c.target === 'maelstrom' ? (c.workload === 'lin-kv' ? '1s' : '5s') : c.target === 'raft' ? '1s' : '2s'),
);
