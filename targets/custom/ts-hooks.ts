/**
 * Module hooks (node:module `register`) that let a user's client load without a build step: `.ts`
 * files are transpiled on load with the TypeScript compiler Faultline already depends on (types are
 * checked separately, before the run, by load-client.ts), `./x.js` written for a sibling `x.ts`
 * resolves to it (TypeScript's own convention), and the bare specifier `faultline` resolves to this
 * package's public API wherever the client file lives.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

let apiUrl = '';

/** Receives the URL `faultline` resolves to. */
export function initialize(data: { apiUrl: string }): void {
  apiUrl = data.apiUrl;
}

type Next<C, R> = (specifier: string, context: C) => Promise<R>;
interface ResolveContext { parentURL?: string }
interface ResolveResult { url: string; format?: string | null; shortCircuit?: boolean }

export async function resolve(specifier: string, context: ResolveContext, next: Next<ResolveContext, ResolveResult>): Promise<ResolveResult> {
  if (specifier === 'faultline') return { url: apiUrl, shortCircuit: true };
  try {
    return await next(specifier, context);
  } catch (err) {
    const fromTs = context.parentURL?.endsWith('.ts') === true;
    if (fromTs && /^\.{1,2}\//.test(specifier) && specifier.endsWith('.js')) return next(`${specifier.slice(0, -3)}.ts`, context);
    throw err;
  }
}

interface LoadResult { format: string; source?: string | Buffer; shortCircuit?: boolean }

export async function load(url: string, context: unknown, next: Next<unknown, LoadResult>): Promise<LoadResult> {
  if (url.startsWith('file:') && url.endsWith('.ts') && !url.includes('/node_modules/')) {
    const fileName = fileURLToPath(url);
    const out = ts.transpileModule(fs.readFileSync(fileName, 'utf8'), {
      fileName,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, inlineSourceMap: true, inlineSources: true },
    });
    return { format: 'module', source: out.outputText, shortCircuit: true };
  }
  return next(url, context);
}
