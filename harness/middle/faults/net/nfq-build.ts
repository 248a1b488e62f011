/**
 * Builds the NFQUEUE delayer (`nfq-delay.c`, beside this file in the source tree) with gcc on first
 * use and caches the binary by a hash of the source, so every run after the first starts at once.
 * Root executes this binary, so the cache is a private directory (mode 0700, owned by the user that
 * runs faultline) and the binary's owner and mode are checked before every use; anything else is
 * rebuilt (docs/security.md).
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOk } from '../../hosts/exec.js';
import { ensurePrivateDir, helperCacheDir, untrustedReason } from '../../hosts/trust.js';

/** The C source: beside this module when run from source, under `harness/middle/faults/net/` when run from dist/. */
export function delayerSource(): string {
  const candidates = [new URL('./nfq-delay.c', import.meta.url), new URL('../../../../../harness/middle/faults/net/nfq-delay.c', import.meta.url)];
  for (const c of candidates) {
    const p = fileURLToPath(c);
    if (fs.existsSync(p)) return p;
  }
  throw new Error('harness/middle/faults/net/nfq-delay.c is missing from this installation; reinstall faultline');
}

const HEADER = '/usr/include/libnetfilter_queue/libnetfilter_queue.h';

/** Why the delayer cannot be built here, or undefined when it can. */
export function delayerUnavailable(): string | undefined {
  if (!fs.existsSync(HEADER)) return 'libnetfilter-queue-dev is not installed; install it with: apt-get install -y gcc libnetfilter-queue-dev';
  return undefined;
}

const building = new Map<string, Promise<string>>();

/**
 * The path of a built delayer, compiling it once per source version into a private cache directory.
 * Checked on every call: a cached binary that is not ours or is writable by others is replaced.
 */
export async function buildDelayer(cacheDir = nodePath.join(helperCacheDir(), 'nfq')): Promise<string> {
  const why = delayerUnavailable();
  if (why) throw new Error(why);
  ensurePrivateDir(cacheDir);
  const src = delayerSource();
  const hash = createHash('sha256').update(fs.readFileSync(src)).digest('hex').slice(0, 12);
  const bin = nodePath.join(cacheDir, `nfq-delay-${hash}`);
  if (untrustedReason(bin, 'file') === undefined) return bin;
  let b = building.get(bin);
  if (!b) {
    b = (async () => {
      fs.rmSync(bin, { force: true, recursive: true });
      // A private folder, and a name nobody can guess besides: gcc's output is never someone's link.
      const tmp = `${bin}.${randomBytes(9).toString('hex')}.tmp`;
      await runOk(['gcc', '-O2', '-o', tmp, src, '-lnetfilter_queue', '-lm'], { timeoutMs: 60_000 });
      fs.chmodSync(tmp, 0o700);
      fs.renameSync(tmp, bin);
      const bad = untrustedReason(bin, 'file');
      if (bad) throw new Error(`the NFQUEUE delayer just built is not safe to run: ${bad}`);
      return bin;
    })();
    building.set(bin, b);
    b.finally(() => building.delete(bin)).catch(() => undefined);
  }
  return b;
}
