/**
 * Finding and loading `faultline.config.{ts,mts,js,mjs,json}`: from the working directory upward, the
 * first directory holding one wins (as vitest and Playwright find theirs).
 *
 * TypeScript configs load without a build step. Node 20 cannot strip types, so the file is transpiled
 * with the `typescript` package (a dependency for this reason; `transpileModule` only erases types, it
 * type-checks nothing and takes ~50 ms) into a sibling `.mjs` that is imported and removed at once.
 * The sibling keeps the config's own directory, so its imports (`faultline`, relative `.js` files)
 * resolve as they would for a compiled file. Vite loads its config the same way, through esbuild.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, errorMessage } from '../history/errors.js';
import type { FaultlineConfig } from './define.js';
import { checkConfig } from './schema.js';
import { checkInputFile } from '../history/input-file.js';

export const CONFIG_NAMES = ['faultline.config.ts', 'faultline.config.mts', 'faultline.config.js', 'faultline.config.mjs', 'faultline.config.json'] as const;

/** The config file in `from` or the nearest directory above it that has one, or undefined. */
export function findConfigFile(from: string = process.cwd()): string | undefined {
  for (let dir = nodePath.resolve(from); ; dir = nodePath.dirname(dir)) {
    for (const name of CONFIG_NAMES) {
      const file = nodePath.join(dir, name);
      if (fs.existsSync(file)) return file;
    }
    if (nodePath.dirname(dir) === dir) return undefined;
  }
}

/** The object a module config exports: its default export, else the module itself. */
const exported = (mod: Record<string, unknown>): unknown => ('default' in mod ? mod.default : mod);

async function importTypeScript(file: string): Promise<unknown> {
  let ts: typeof import('typescript');
  try {
    ts = (await import('typescript')).default;
  } catch {
    throw new InputError(`${file} is TypeScript, and loading it needs the typescript package; run npm install typescript, or write the config as faultline.config.mjs`);
  }
  const out = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false },
    reportDiagnostics: true,
  });
  refuseSyntaxErrors(file, out.diagnostics ?? []);
  const tmp = `${file}.timestamp-${Date.now()}-${process.pid}.mjs`;
  fs.writeFileSync(tmp, out.outputText);
  try {
    return exported(await import(pathToFileURL(tmp).href) as Record<string, unknown>);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Loads and checks a config file; every mistake is one sentence naming the file. */
export async function loadConfigFile(file: string): Promise<FaultlineConfig> {
  const where = nodePath.basename(file);
  if (!fs.existsSync(file)) throw new InputError(`config file ${file} does not exist; pass an existing file with --config`);
  checkInputFile(file, `config file ${file}`); // not a FIFO or /dev/zero: those hung the load
  let raw: unknown;
  try {
    if (file.endsWith('.json')) raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    else if (/\.m?ts$/.test(file)) raw = await importTypeScript(file);
    else raw = exported(await import(pathToFileURL(nodePath.resolve(file)).href) as Record<string, unknown>);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${file} could not be loaded: ${errorMessage(err)}; fix the file or pass another with --config`);
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
  return { argv: rest, file, config: await loadConfigFile(file) };
}

/** A syntax error is refused: transpileModule emits what it could parse, so a truncated config loaded as `{}`. */
function refuseSyntaxErrors(file: string, diagnostics: readonly import('typescript').Diagnostic[]): void {
  const first = diagnostics[0];
  if (first === undefined) return;
  const text = typeof first.messageText === 'string' ? first.messageText : first.messageText.messageText;
  const line = first.file && first.start !== undefined ? first.file.getLineAndCharacterOfPosition(first.start).line + 1 : undefined;
  throw new InputError(`${file}${line !== undefined ? `:${line}` : ''}: ${text} — the config does not parse (is it cut short?); fix it or pass another with --config`);
}
