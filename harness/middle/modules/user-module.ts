/**
 * Importing code a user hands faultline (a config file, a `--client` module): through the hooks of
 * module-hooks.ts, so `faultline` is the running Faultline and no file another user could write is
 * loaded, and within a time limit, so a top-level await that never settles is an error instead of a
 * process that exits 0 with nothing done (Node ends a process whose only work is a pending import).
 */
import fs from 'node:fs';
import { register } from 'node:module';
import nodePath from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InputError, errorMessage } from '../../ground/history/errors.js';
import type { HookData } from './module-hooks.js';

const here = nodePath.dirname(fileURLToPath(import.meta.url));
const ext = nodePath.extname(fileURLToPath(import.meta.url));
/** The install's root: three folders up from harness/middle/modules (source) or four from dist/harness/middle/modules. */
const ROOT = nodePath.basename(nodePath.resolve(here, '../../..')) === 'dist' ? nodePath.resolve(here, '../../../..') : nodePath.resolve(here, '../../..');

/** The environment variable that overrides the load limit (a duration: 2s, 500ms, or seconds). */
export const LOAD_TIMEOUT_ENV = 'FAULTLINE_LOAD_TIMEOUT';
const DEFAULT_LIMIT_MS = 30_000;

/** The time a user module may take to load: FAULTLINE_LOAD_TIMEOUT, else 30 s. */
export function loadLimitMs(): number {
  const text = process.env[LOAD_TIMEOUT_ENV];
  if (text === undefined || text === '') return DEFAULT_LIMIT_MS;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m || Number(m[1]) <= 0) throw new InputError(`${LOAD_TIMEOUT_ENV}=${text} is not a duration; set it to e.g. 30s or 500ms, or unset it for the default 30 s`);
  return Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000);
}

/** What the hooks resolve `faultline` to: the install's public entry point (dist/index.js, or index.ts from source). */
function hookData(): HookData {
  const own = [ROOT];
  try {
    own.push(fs.realpathSync(nodePath.join(ROOT, 'node_modules')));
  } catch { /* no node_modules beside the install: its dependencies are found elsewhere, and checked */ }
  return {
    apiUrl: pathToFileURL(nodePath.resolve(here, '../../..', `index${ext}`)).href,
    packageJsonUrl: pathToFileURL(nodePath.join(ROOT, 'package.json')).href,
    ownRoots: own,
  };
}

let registered = false;

/** An error thrown when a module did not settle in time: main exits at once, whatever the module left running. */
export class UnsettledLoadError extends InputError {
  readonly abandoned = true;
}

/**
 * The module `file` exports, imported through the hooks within loadLimitMs(); `what` names it in the
 * error ("the config", "--client"). A refusal by the hooks and a timeout are InputErrors; other
 * errors (syntax, a throw at top level) are left to the caller to word.
 */
export async function importUserModule(file: string, what: string): Promise<Record<string, unknown>> {
  const limit = loadLimitMs();
  if (!registered) {
    // Node runs hooks on its own loader thread, which cannot load TypeScript: from source (tests), the built hooks.
    const hooks = ext === '.js' ? nodePath.join(here, 'module-hooks.js') : nodePath.join(ROOT, 'dist/harness/middle/modules/module-hooks.js');
    register(pathToFileURL(hooks).href, { data: hookData() });
    registered = true;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    // Not unref'd: this timer is what keeps the process alive while the import is pending.
    timer = setTimeout(() => reject(new UnsettledLoadError(`${what} ${file} did not finish loading within ${limit / 1000} s (a top-level await that never settles?); fix it, or allow more time with ${LOAD_TIMEOUT_ENV}=60s`)), limit);
  });
  try {
    return await Promise.race([import(pathToFileURL(file).href) as Promise<Record<string, unknown>>, late]);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const message = errorMessage(err);
    if (message.startsWith('faultline will not load')) throw new InputError(message.split('\n')[0]);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
