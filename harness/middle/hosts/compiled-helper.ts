/**
 * C helpers Faultline compiles with gcc on first use (the NFQUEUE delayer, the lose-un-fsynced FUSE
 * layer), cached by a hash of their source so every run after the first starts at once. Root
 * executes them, so the cache is a private directory (mode 0700, owned by the user that runs
 * faultline) and a binary's owner and mode are checked before every use; anything else is rebuilt
 * (docs/security.md).
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOk } from './exec.js';
import { ensurePrivateDir, untrustedReason } from './trust.js';

/**
 * A helper's C source: beside the module at `moduleUrl` when run from source, or at `treePath` of the
 * install when run from dist/ (tsc copies no .c file). Both modules sit four floors under the root.
 */
export function helperSource(moduleUrl: string, treePath: string): string {
  const candidates = [new URL(`./${nodePath.basename(treePath)}`, moduleUrl), new URL(`../../../../../${treePath}`, moduleUrl)];
  for (const c of candidates) {
    const p = fileURLToPath(c);
    if (fs.existsSync(p)) return p;
  }
  throw new Error(`${treePath} is missing from this installation; reinstall faultline`);
}

export interface CompiledHelper {
  /** The binary's name in the cache (the source hash is appended). */
  name: string;
  /** What it is, for the sentence when a built binary is not safe to run. */
  what: string;
  source(): string;
  /** gcc's arguments after `gcc`: compile `src` into `out`. */
  gccArgs(out: string, src: string): string[];
}

const building = new Map<string, Promise<string>>();

/** The path of the built helper, compiled once per source version into the private `cacheDir`. */
export async function buildHelper(h: CompiledHelper, cacheDir: string): Promise<string> {
  ensurePrivateDir(cacheDir);
  const src = h.source();
  const hash = createHash('sha256').update(fs.readFileSync(src)).digest('hex').slice(0, 12);
  const bin = nodePath.join(cacheDir, `${h.name}-${hash}`);
  if (untrustedReason(bin, 'file') === undefined) return bin;
  let b = building.get(bin);
  if (!b) {
    b = (async () => {
      fs.rmSync(bin, { force: true, recursive: true });
      // A private folder, and a name nobody can guess besides: gcc's output is never someone's link.
      const tmp = `${bin}.${randomBytes(9).toString('hex')}.tmp`;
      await runOk(['gcc', ...h.gccArgs(tmp, src)], { timeoutMs: 60_000 });
      fs.chmodSync(tmp, 0o700);
      fs.renameSync(tmp, bin);
      const bad = untrustedReason(bin, 'file');
      if (bad) throw new Error(`${h.what} just built is not safe to run: ${bad}`);
      return bin;
    })();
    building.set(bin, b);
    b.finally(() => building.delete(bin)).catch(() => undefined);
  }
  return b;
}
