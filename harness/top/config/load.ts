/**
 * Finding and loading `faultline.config.{ts,mts,js,mjs,json}`: from the working directory upward, the
 * first directory holding one wins (as vitest and Playwright find theirs) — but the search stops at
 * the project root (the nearest directory with a package.json or .git) and never looks inside a
 * sticky directory others may write (/tmp), where any user could have left a file named like a config.
 * A config found or named is loaded only when another user could not have written it (trust.ts): it
 * is code, and faultline often runs as root.
 *
 * Modules load through user-module.ts: `faultline` is the running Faultline, TypeScript is transpiled
 * on load by the module hooks (Node 20 cannot strip types; `transpileModule` only erases them), in
 * memory — no temporary file beside the config that another process could swap — and relative
 * imports resolve from the config's own directory as they would for a compiled file.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { InputError, errorMessage } from '../../ground/history/errors.js';
import { isSharedDir, refuseUntrusted, untrustedReason } from '../../middle/hosts/trust.js';
import type { FaultlineConfig } from './define.js';
import { checkConfig } from './schema.js';
import { importUserModule } from '../../middle/modules/user-module.js';
import { checkInputFile } from '../../ground/history/input-file.js';

export const CONFIG_NAMES = ['faultline.config.ts', 'faultline.config.mts', 'faultline.config.js', 'faultline.config.mjs', 'faultline.config.json'] as const;

/** Whether `dir` is a project's root, where the search for a config ends. */
const isProjectRoot = (dir: string): boolean => fs.existsSync(nodePath.join(dir, 'package.json')) || fs.existsSync(nodePath.join(dir, '.git'));

/**
 * The config file in `from` or the nearest directory above it that has one, up to the project root
 * and never inside a sticky world-writable directory; undefined when there is none.
 */
export function findConfigFile(from: string = process.cwd()): string | undefined {
  for (let dir = nodePath.resolve(from); ; dir = nodePath.dirname(dir)) {
    if (isSharedDir(dir)) return undefined;
    for (const name of CONFIG_NAMES) {
      const file = nodePath.join(dir, name);
      if (fs.existsSync(file)) return file;
    }
    if (isProjectRoot(dir) || nodePath.dirname(dir) === dir) return undefined;
  }
}

/**
 * Refuses a config found by the search that another user could have written or placed: the file,
 * every directory from the search's start up to the file's (none writable by group or others), and
 * those above it (trust.ts's rule, where a sticky /tmp is fine).
 */
function refuseUntrustedSearch(file: string, from: string): void {
  const top = nodePath.dirname(file);
  for (let dir = nodePath.resolve(from); dir !== top && dir !== nodePath.dirname(dir); dir = nodePath.dirname(dir)) {
    const why = untrustedReason(dir, 'searched');
    if (why !== undefined) {
      throw new InputError(`faultline will not load the config ${file}, found by looking up from ${from}: ${why}, so another user could have placed it; run from a directory of your own, or pass --config FILE (or --config none)`);
    }
  }
  refuseUntrusted(file, 'the config');
}

/** The object a module config exports: its default export, else the module itself. */
const exported = (mod: Record<string, unknown>): unknown => ('default' in mod ? mod.default : mod);

/** Loads and checks a config file; every mistake is one sentence naming the file. */
export async function loadConfigFile(file: string): Promise<FaultlineConfig> {
  const where = nodePath.basename(file);
  if (!fs.existsSync(file)) throw new InputError(`config file ${file} does not exist; pass an existing file with --config`);
  checkInputFile(file, `config file ${file}`); // not a FIFO or /dev/zero: those hung the load
  refuseUntrusted(file, 'the config');
  let raw: unknown;
  try {
    if (file.endsWith('.json')) raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    else raw = exported(await importUserModule(nodePath.resolve(file), 'the config'));
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${file} could not be loaded: ${errorMessage(err).split('\n')[0]}; fix the file or pass another with --config`);
  }
  const config = checkConfig(raw, where);
  // A relative store is relative to the config file, so the runs land in the same place from any cwd.
  return config.store === undefined ? config : { ...config, store: nodePath.resolve(nodePath.dirname(file), config.store) };
}

/**
 * The config of a command: `--config FILE` when given (`--config none` for none), else the nearest
 * file from the working directory up. Returns the argv without `--config` and the config's path.
 */
export async function configOf(argv: readonly string[], cwd = process.cwd()): Promise<{ argv: string[]; file?: string; config?: FaultlineConfig }> {
  const rest: string[] = [];
  let chosen: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--config') {
      chosen = argv[++i];
      if (chosen === undefined) throw new InputError('--config needs a file (or none); e.g. --config faultline.config.ts');
    } else if (argv[i].startsWith('--config=')) chosen = argv[i].slice('--config='.length);
    else rest.push(argv[i]);
  }
  if (chosen === 'none') return { argv: rest };
  const file = chosen !== undefined ? nodePath.resolve(cwd, chosen) : findConfigFile(cwd);
  if (file === undefined) return { argv: rest };
  if (chosen === undefined) refuseUntrustedSearch(file, cwd);
  return { argv: rest, file, config: await loadConfigFile(file) };
}

/** The line a command prints (on stderr, so --reporter json stays pure) when it loaded a config. */
export const configLine = (file: string): string => `faultline: config ${file}\n`;
