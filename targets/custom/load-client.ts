/**
 * Loads a user's client module (`--client FILE`) and refuses it, before anything starts, when it
 * cannot work: a type error (TypeScript files are checked with the compiler, strict), no default
 * export, a default export not built with defineClient or missing a field, or a workload op it does
 * not declare. Each refusal is one InputError sentence naming the file and the field or op.
 *
 * Why the TypeScript compiler and not esbuild or tsx: those strip types without checking them, so a
 * client with a type error would start a cluster and fail mid-run; Node 20 has no type stripping at
 * all. `typescript` both checks (before the run) and transpiles (on load, harness/middle/modules/module-hooks.ts),
 * and it is one dependency instead of two.
 *
 * The client is code the controller (often root) runs: it, and every file it imports, must pass the
 * ownership rule of trust.ts, and `faultline` in it is the running Faultline (user-module.ts).
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, errorMessage } from '../../harness/ground/history/errors.js';
import { importUserModule } from '../../harness/middle/modules/user-module.js';
import { refuseUntrusted } from '../../harness/middle/hosts/trust.js';
import { CLIENT_BRAND, type ClientDefinition } from './client-api.js';

const here = nodePath.dirname(fileURLToPath(import.meta.url));
/** The package root: two folders up from targets/custom (source) or three from dist/targets/custom. */
const ROOT = nodePath.basename(nodePath.resolve(here, '../..')) === 'dist' ? nodePath.resolve(here, '../../..') : nodePath.resolve(here, '../..');

/** What `faultline` means to the type checker inside a client: the package's root API once it exists, else this folder's. */
function apiTypes(): string {
  const rootIndex = nodePath.join(ROOT, 'index.ts');
  return fs.existsSync(rootIndex) ? rootIndex : nodePath.join(ROOT, 'targets/custom/client-api.ts');
}

/** The ops each store workload sends its client. */
export const WORKLOAD_OPS: Readonly<Record<string, readonly string[]>> = {
  register: ['read', 'write', 'cas'],
  set: ['add', 'read'],
  lock: ['acquire', 'update', 'release'],
  watch: ['put', 'watch', 'final-read'],
  'list-append': ['txn'],
  'rw-register': ['txn'],
};

/** The first type error of a TypeScript client, as `file:line:col: message`, or undefined. */
export async function typeCheck(file: string): Promise<string | undefined> {
  // Loaded here, not at the top: every `faultline` command imports this target, few load a client.
  const ts = (await import('typescript')).default;
  const types = apiTypes();
  const program = ts.createProgram([file], {
    strict: true, noEmit: true, skipLibCheck: true,
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts'], types: ['node'], typeRoots: [nodePath.join(ROOT, 'node_modules/@types')],
    paths: { faultline: [types] }, allowImportingTsExtensions: true,
  });
  const diags = ts.getPreEmitDiagnostics(program).filter((d) => d.category === ts.DiagnosticCategory.Error);
  const d = diags.find((x) => x.file?.fileName === file) ?? diags[0];
  if (d === undefined) return undefined;
  const text = ts.flattenDiagnosticMessageText(d.messageText, ' ').replace(/\.$/, '');
  if (!d.file || d.start === undefined) return text;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return `${d.file.fileName === file ? 'line' : `${d.file.fileName}, line`} ${line + 1}:${character + 1}: ${text}`;
}

const loaded = new Map<string, ClientDefinition>();

/**
 * The client in `given` (a path), checked against the ops `workload` needs. Cached per file, so the
 * preflight and the plan load it once. `note` hears about the slow type check of a TypeScript module.
 */
export async function loadClient(
  given: string, workload: string,
  note: (message: string) => void = (m) => process.stderr.write(`faultline: ${m}\n`),
): Promise<ClientDefinition> {
  const file = nodePath.resolve(given);
  let def = loaded.get(file);
  if (def === undefined) {
    if (!fs.existsSync(file)) throw new InputError(`--client ${given} does not exist; pass the path of your client module (.ts, .mjs or .js) or http-kv`);
    if (!/\.(ts|mts|js|mjs)$/.test(file)) throw new InputError(`--client ${given} is not a .ts, .mts, .js or .mjs module; rename it or pass http-kv`);
    // Before the type check too: the compiler reads the file and what it imports.
    refuseUntrusted(file, '--client');
    if (/\.m?ts$/.test(file)) {
      // The compiler takes tens of seconds on a cold start: say so, or the run looks hung before its first line.
      note(`type-checking the client module ${given} (TypeScript, strict; this takes 20–45 s)`);
      const began = performance.now();
      const err = await typeCheck(file);
      if (err === undefined) note(`client module ${given} type-checked in ${((performance.now() - began) / 1000).toFixed(1)} s`);
      if (err !== undefined) throw new InputError(`--client ${given} has a type error: ${err}; fix it (npx tsc --noEmit shows them all)`);
    }
    let mod: Record<string, unknown>;
    try {
      mod = await importUserModule(file, '--client');
    } catch (err) {
      if (err instanceof InputError) throw err;
      const hint = /import statement outside a module|Unexpected token 'export'/.test(errorMessage(err)) ? ' (a JavaScript client must be an ES module: name it .mjs, or put it under a package.json with "type": "module")' : '';
      throw new InputError(`--client ${given} cannot be loaded: ${errorMessage(err).split('\n')[0]}${hint}`);
    }
    def = checkDefinition(given, mod);
    loaded.set(file, def);
  }
  const need = WORKLOAD_OPS[workload] ?? [];
  const missing = need.filter((op) => !def!.ops.includes(op));
  if (missing.length > 0) {
    throw new InputError(`--client ${given} does not support op ${missing.join(', ')}, which workload ${workload} needs (its field ops lists ${def.ops.join(', ') || 'nothing'}); add ${missing.length > 1 ? 'them' : 'it'} to ops and invoke, or choose another --workload`);
  }
  return def;
}

/** The default export, checked field by field. */
export function checkDefinition(given: string, mod: Record<string, unknown>): ClientDefinition {
  const def = mod.default as Record<string | symbol, unknown> | undefined;
  if (def === undefined) {
    const named = Object.keys(mod).length > 0 ? ` (it exports ${Object.keys(mod).join(', ')})` : '';
    throw new InputError(`--client ${given} has no default export${named}; end it with export default defineClient({ ops, open, invoke, close })`);
  }
  if (typeof def !== 'object' || def === null || def[CLIENT_BRAND] !== true) {
    throw new InputError(`--client ${given}: its default export is not built with defineClient; write export default defineClient({ ops, open, invoke, close }) with defineClient imported from faultline`);
  }
  if (!Array.isArray(def.ops) || def.ops.length === 0 || !def.ops.every((o) => typeof o === 'string')) {
    throw new InputError(`--client ${given}: field ops must list the op names the client performs, e.g. ops: ['read', 'write', 'cas']`);
  }
  for (const field of ['open', 'invoke'] as const) {
    if (typeof def[field] !== 'function') throw new InputError(`--client ${given}: field ${field} is missing or not a function; defineClient needs ${field}(${field === 'open' ? 'node, ctx' : 'op, ctx'})`);
  }
  if (def.close !== undefined && typeof def.close !== 'function') throw new InputError(`--client ${given}: field close is not a function; make it close(conn) or leave it out`);
  return def as unknown as ClientDefinition;
}
