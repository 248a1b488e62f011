/**
 * Module hooks (node:module `register`) for the code a user hands faultline — a config file or a
 * `--client` module — and everything it imports:
 * - `faultline` (and `faultline/package.json`, the package's only other export) resolves to the
 *   running Faultline wherever the file lives, never to a node_modules/faultline found above it, which
 *   anyone who can write a directory up the tree (/tmp/node_modules) could plant;
 * - every other file the graph loads, outside Faultline's own install, must pass the ownership rule
 *   of trust.ts, so a root-owned config cannot pull in another user's module by a bare import;
 * - `.ts`/`.mts` files are transpiled on load with the TypeScript compiler Faultline already depends on
 *   (types are checked separately: clients before the run by load-client.ts, configs not at all), and
 *   `./x.js` written for a sibling `x.ts` resolves to it (TypeScript's own convention).
 * The hooks run on Node's loader thread; errors reach the importer as their message.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { untrustedReason } from '../hosts/trust.js';

export interface HookData {
  /** The URL `faultline` resolves to: the running install's public entry point. */
  apiUrl: string;
  /** The URL `faultline/package.json` resolves to. */
  packageJsonUrl: string;
  /** Directories of the running install (its root and its node_modules' real path): trusted as they run already. */
  ownRoots: string[];
}

let data: HookData = { apiUrl: '', packageJsonUrl: '', ownRoots: [] };

/** Receives what `faultline` resolves to and where Faultline itself lives. */
export function initialize(given: HookData): void {
  data = given;
}

type Next<C, R> = (specifier: string, context: C) => Promise<R>;
interface ResolveContext { parentURL?: string }
interface ResolveResult { url: string; format?: string | null; shortCircuit?: boolean }

const ownFile = (file: string): boolean => data.ownRoots.some((r) => file === r || file.startsWith(`${r}${nodePath.sep}`));

/** The resolved file, refused (thrown as one sentence) when another user could have written it. */
function checked(result: ResolveResult, parentURL: string | undefined): ResolveResult {
  if (!result.url.startsWith('file:')) return result;
  const file = fileURLToPath(result.url);
  if (ownFile(file)) return result;
  const why = untrustedReason(file, 'code');
  if (why === undefined) return result;
  const by = parentURL?.startsWith('file:') ? ` (imported by ${fileURLToPath(parentURL)})` : '';
  throw new Error(`faultline will not load ${file}${by}: ${why}, so another user could change what faultline loads; move it into a directory of your own (owned by you or root, writable by no one else)`);
}

export async function resolve(specifier: string, context: ResolveContext, next: Next<ResolveContext, ResolveResult>): Promise<ResolveResult> {
  if (specifier === 'faultline') return { url: data.apiUrl, shortCircuit: true };
  if (specifier === 'faultline/package.json') return { url: data.packageJsonUrl, shortCircuit: true };
  if (specifier.startsWith('faultline/')) throw new Error(`${specifier} is not a module faultline exports; import from 'faultline'`);
  try {
    return checked(await next(specifier, context), context.parentURL);
  } catch (err) {
    const parent = context.parentURL ?? '';
    const fromTs = parent.endsWith('.ts') || parent.endsWith('.mts');
    if (fromTs && /^\.{1,2}\//.test(specifier) && specifier.endsWith('.js') && !String(err).includes('faultline will not load')) {
      return checked(await next(`${specifier.slice(0, -3)}.ts`, context), context.parentURL);
    }
    throw err;
  }
}

let ts: typeof import('typescript') | undefined;

interface LoadResult { format: string; source?: string | Buffer; shortCircuit?: boolean }

export async function load(url: string, context: unknown, next: Next<unknown, LoadResult>): Promise<LoadResult> {
  if (url.startsWith('file:') && /\.m?ts$/.test(url) && !url.includes('/node_modules/')) {
    const fileName = fileURLToPath(url);
    // Loaded on the first TypeScript file only: importing the compiler costs about half a second.
    ts ??= (await import('typescript')).default;
    const out = ts.transpileModule(fs.readFileSync(fileName, 'utf8'), {
      fileName,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, inlineSourceMap: true, inlineSources: true },
      reportDiagnostics: true,
    });
    refuseSyntaxErrors(fileName, out.diagnostics ?? []);
    return { format: 'module', source: out.outputText, shortCircuit: true };
  }
  return next(url, context);
}

/** A syntax error is refused: transpileModule emits what it could parse, so a truncated config loaded as `{}`. */
function refuseSyntaxErrors(file: string, diagnostics: readonly import('typescript').Diagnostic[]): void {
  const first = diagnostics[0];
  if (first === undefined) return;
  const text = typeof first.messageText === 'string' ? first.messageText : first.messageText.messageText;
  const line = first.file && first.start !== undefined ? first.file.getLineAndCharacterOfPosition(first.start).line + 1 : undefined;
  throw new Error(`${file}${line !== undefined ? `:${line}` : ''}: ${text} — the file does not parse (is it cut short?)`);
}
