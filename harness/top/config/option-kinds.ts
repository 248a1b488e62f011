/**
 * The kinds of a common run setting (harness/top/config/run-options.ts): how its flag text and its config
 * value become one typed value, how that value is written back (flag text, config value), and the
 * sentence for each mistake. A declaration picks a kind and adds its name, default, range and help.
 */
import { InputError } from '../../ground/history/errors.js';
import { parseDuration } from '../../ground/contracts/flags.js';
import { didYouMean } from '../../ground/contracts/closest.js';

/** What a default or a check may look at: the target and workload already chosen. */
export interface OptionContext {
  target: string;
  workload: string;
  /** The target's flags as given (a default may depend on them: the run's name names its bug switch). */
  flags?: Readonly<Record<string, unknown>>;
}

/** One common setting: flag, config key, parser both ways, default, range and help, declared once. */
export interface Option<T, In = unknown> {
  /** The flag, without `--`. */
  flag: string;
  /** The field of RunConfig (and test.json) that holds the typed value. */
  field: string;
  /** What to write after the flag in help, e.g. `60s`. */
  meta: string;
  help: string;
  /** The value when absent (computed from the target/workload when a function); none: absent stays absent. */
  default?: T | ((c: OptionContext) => T);
  /** The flag's text as a value; an InputError names the flag and what is allowed. */
  parse(text: string, flag: string, c: OptionContext): T;
  /** The allowed config values, as the message says them. */
  allowed(c: OptionContext): string;
  /** What is wrong with a config value, or undefined. */
  problem(v: unknown, c: OptionContext): string | undefined;
  /** A checked config value as the typed value. */
  fromConfig(v: In): T;
  /** The value as flag text (so argv → value → argv is the identity). */
  show(v: T): string;
  /** The value as a config value. */
  toConfig(v: T): In;
  /** The range, checked on the typed value wherever it came from: an InputError in one sentence. */
  check?(v: T, c: OptionContext): void;
}

export const show = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : typeof v === 'bigint' ? `${v}n` : JSON.stringify(v) ?? String(v));
const DURATION = /^\d+(?:\.\d+)?(?:ms|s|m|h)?$/;
export const listOf = (v: unknown): string[] | undefined =>
  typeof v === 'string' ? v.split(',').map((x) => x.trim()).filter(Boolean)
    : Array.isArray(v) && v.every((x) => typeof x === 'string') ? v.map((x: string) => x.trim()).filter(Boolean) : undefined;

/** Seconds as flag text: whole seconds as `12s`, else whole milliseconds as `1500ms`. */
export const secondsText = (s: number): string => (Number.isInteger(s) ? `${s}s` : `${Math.round(s * 1000)}ms`);
const msText = (ms: number): string => (Number.isInteger(ms / 1000) ? `${ms / 1000}s` : `${ms}ms`);

type Base<T, In> = Pick<Option<T, In>, 'flag' | 'field' | 'meta' | 'help' | 'default' | 'check'>;

/** A duration held in seconds (`--time-limit 60s` → 60); in a config a number means seconds. */
export function seconds(o: Base<number, number | string> & { positive: boolean; example: string }): Option<number, number | string> {
  return {
    ...o,
    parse: (text, flag) => {
      const s = parseDuration(text, flag) / 1000;
      if (o.positive && s <= 0) throw new InputError(`--${flag} must be longer than 0 s`);
      return s;
    },
    allowed: () => `a duration${o.positive ? ' above 0' : ''}: seconds as a number, or a text like ${o.example}`,
    problem: (v) => ((typeof v === 'number' && Number.isFinite(v) && (o.positive ? v > 0 : v >= 0))
      || (typeof v === 'string' && DURATION.test(v.trim()) && (!o.positive || parseFloat(v) > 0))
      ? undefined : `${show(v)} is not a duration${o.positive ? ' above 0' : ''}`),
    fromConfig: (v) => (typeof v === 'number' ? v : parseDuration(v, o.flag) / 1000),
    show: secondsText,
    toConfig: (v) => v,
  };
}

/** A duration held in milliseconds (`--churn-long-wait 500ms` → 500), above 0. */
export function millis(o: Base<number, number | string> & { example: string }): Option<number, number | string> {
  return {
    ...o,
    parse: (text, flag) => {
      const ms = parseDuration(text, flag);
      if (ms <= 0) throw new InputError(`--${flag} ${text} must be longer than 0 ms, e.g. ${o.example}`);
      return ms;
    },
    allowed: () => `a duration above 0: seconds as a number, or a text like ${o.example}`,
    problem: (v) => ((typeof v === 'number' && Number.isFinite(v) && v > 0) || (typeof v === 'string' && DURATION.test(v.trim()) && parseFloat(v) > 0)
      ? undefined : `${show(v)} is not a duration above 0`),
    fromConfig: (v) => parseDuration(typeof v === 'number' ? String(v) : v, o.flag),
    show: msText,
    toConfig: msText,
  };
}

/** A whole number ≥ `min`. */
export function whole(o: Base<number, number> & { min: number; what: string }): Option<number, number> {
  return {
    ...o,
    parse: (text, flag) => {
      const n = Number(text);
      if (!Number.isInteger(n) || n < o.min) throw new InputError(`--${flag} ${text} must be a whole number ≥ ${o.min}`);
      return n;
    },
    allowed: () => `a whole number ≥ ${o.min} (${o.what})`,
    problem: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= o.min ? undefined : `${show(v)} is not a whole number ≥ ${o.min}`),
    fromConfig: (v) => v,
    show: String,
    toConfig: (v) => v,
  };
}

/** A positive number. */
export function positive(o: Base<number, number> & { what: string }): Option<number, number> {
  return {
    ...o,
    parse: (text, flag) => {
      const n = Number(text);
      if (!Number.isFinite(n) || n <= 0) throw new InputError(`--${flag} ${text} must be a positive number`);
      return n;
    },
    allowed: () => `a positive number (${o.what})`,
    problem: (v) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? undefined : `${show(v)} is not a positive number`),
    fromConfig: (v) => v,
    show: String,
    toConfig: (v) => v,
  };
}

/** One of `names(c)`; a typo gets "did you mean". */
export function oneOf(o: Base<string, string> & { names: (c: OptionContext) => readonly string[]; what: string; refuse?: (text: string, c: OptionContext) => string }): Option<string, string> {
  return {
    ...o,
    parse: (text, flag, c) => {
      if (o.names(c).includes(text)) return text;
      throw new InputError(o.refuse?.(text, c) ?? `--${flag} ${text} is not ${o.what}${didYouMean(text, o.names(c))}; choose ${o.names(c).join(', ')}`);
    },
    allowed: (c) => `one of ${o.names(c).join(', ')}`,
    problem: (v, c) => (typeof v !== 'string' ? `must be a text, got ${show(v)}`
      : o.names(c).includes(v) ? undefined : `${show(v)} is not ${o.what}${didYouMean(v, o.names(c))}`),
    fromConfig: (v) => v,
    show: (v) => v,
    toConfig: (v) => v,
  };
}

/** A comma list of names from `all`; a typo gets "did you mean". */
export function namesOf(o: Base<string[], readonly string[] | string> & { all: readonly string[]; what: string; cliWord?: string; parse?: (text: string) => string[] }): Option<string[], readonly string[] | string> {
  const bad = (list: readonly string[]): string | undefined => list.find((x) => !o.all.includes(x));
  return {
    ...o,
    parse: (text, flag) => {
      if (o.parse) return o.parse(text);
      const list = listOf(text)!;
      const b = bad(list);
      const w = o.cliWord ?? o.what;
      if (b !== undefined) throw new InputError(`--${flag}: unknown ${w} ${b}${didYouMean(b, o.all)}; the ${w}s are ${o.all.join(', ')}`);
      return list;
    },
    allowed: () => `a list of ${o.all.join(', ')}`,
    problem: (v) => {
      const list = listOf(v);
      if (list === undefined) return `must be a list of names, got ${show(v)}`;
      const b = bad(list);
      return b === undefined ? undefined : `${show(b)} is not a ${o.what}${didYouMean(b, o.all)}`;
    },
    fromConfig: (v) => listOf(v)!,
    show: (v) => v.join(','),
    toConfig: (v) => [...v],
  };
}

/** A text that `ok` accepts (a path, a name). */
export function text(o: Base<string, string> & { ok: (v: string) => boolean; allowed: string; bad: string; refuse?: (text: string) => string }): Option<string, string> {
  return {
    ...o,
    parse: (t) => {
      if (o.refuse !== undefined && !o.ok(t)) throw new InputError(o.refuse(t));
      return t;
    },
    allowed: () => o.allowed,
    problem: (v) => (typeof v === 'string' && o.ok(v) ? undefined : `${show(v)} is not ${o.bad}`),
    fromConfig: (v) => v,
    show: (v) => v,
    toConfig: (v) => v,
  };
}

/** `MIN-MAX` of two durations (`1s-60s`), held as [min, max] ms, MIN > 0 and MIN ≤ MAX. */
export function msRange(o: Base<[number, number], string> & { example: string }): Option<[number, number], string> {
  const parse = (t: string, flag: string): [number, number] => {
    const m = /^([^-]+)-([^-]+)$/.exec(t.trim());
    if (!m) throw new InputError(`--${flag} "${t}" is not a range; write MIN-MAX, e.g. ${o.example}`);
    const lo = parseDuration(m[1], flag);
    const hi = parseDuration(m[2], flag);
    if (lo <= 0 || lo > hi) throw new InputError(`--${flag} ${t}: MIN must be above 0 and at most MAX, e.g. ${o.example}`);
    return [lo, hi];
  };
  return {
    ...o,
    parse,
    allowed: () => `a range MIN-MAX of durations, e.g. "${o.example}"`,
    problem: (v) => (typeof v === 'string' && /^[^-]+-[^-]+$/.test(v) && v.split('-').every((d) => DURATION.test(d.trim())) ? undefined : `${show(v)} is not a range`),
    fromConfig: (v) => parse(v, o.flag),
    show: ([lo, hi]) => `${lo}ms-${hi}ms`,
    toConfig: ([lo, hi]) => `${lo}ms-${hi}ms`,
  };
}
