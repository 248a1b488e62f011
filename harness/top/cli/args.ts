import { InputError } from '../../ground/history/errors.js';

/** Parsed command line: positionals and `--name value` / `--flag` options. */
export interface Args {
  positionals: string[];
  /** A repeated `lists` option collects its values (comma-separated values are split). */
  options: Map<string, string | true | string[]>;
}

/**
 * Parses `argv` against the options a command accepts: `valued` take a value (`--x v` or `--x=v`),
 * `flags` take none. Anything else is a usage error naming the option and the command's help.
 */
export function parseArgs(argv: string[], valued: readonly string[], flags: readonly string[], command: string, lists: readonly string[] = []): Args {
  const positionals: string[] = [];
  const options = new Map<string, string | true | string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--') || a === '--') {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (flags.includes(name)) {
      if (eq >= 0) throw new InputError(`--${name} takes no value; drop "=${a.slice(eq + 1)}"`);
      options.set(name, true);
    } else if (valued.includes(name) || lists.includes(name)) {
      const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) {
        throw new InputError(`--${name} needs a value; see faultline ${command} --help`);
      }
      if (lists.includes(name)) {
        const prev = options.get(name);
        options.set(name, [...(Array.isArray(prev) ? prev : []), value]);
      } else {
        options.set(name, value);
      }
    } else {
      throw new InputError(`unknown option --${name} for faultline ${command}; see faultline ${command} --help`);
    }
  }
  return { positionals, options };
}

export { parseDuration } from '../../ground/contracts/flags.js';

/** A flag's JSON value (`--initial`); text that is not JSON is an InputError naming the flag and the fix. */
export function parseValue(text: string, flag = 'initial'): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const quoted = JSON.stringify(text);
    throw new InputError(`--${flag} ${text} is not valid JSON (${(err as Error).message}); write a JSON value such as 0, null, [1,2] or, for a string, '${quoted}'`);
  }
}
