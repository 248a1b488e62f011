/**
 * Builds the lose-un-fsynced FUSE layer (`lazy-fs.c`, beside this file in the source tree) with gcc on
 * first use and caches the binary by a hash of the source, as the NFQUEUE delayer is built
 * (faults/net/nfq-build.ts): root runs it, so the cache is a private directory and the binary's owner
 * and mode are checked before every use; anything else is rebuilt (docs/security.md).
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOk } from '../../hosts/exec.js';
import { ensurePrivateDir, helperCacheDir, untrustedReason } from '../../hosts/trust.js';

/** The C source: beside this module when run from source, under `harness/middle/faults/disk/` when run from dist/. */
export function lazyFsSource(): string {
  const candidates = [new URL('./lazy-fs.c', import.meta.url), new URL('../../../../../harness/middle/faults/disk/lazy-fs.c', import.meta.url)];
  for (const c of candidates) {
    const p = fileURLToPath(c);
    if (fs.existsSync(p)) return p;
  }
  throw new Error('harness/middle/faults/disk/lazy-fs.c is missing from this installation; reinstall faultline');
}

const HEADER = '/usr/include/fuse3/fuse.h';

/** Why the layer cannot be built or mounted here, or undefined when it can. */
export function lazyFsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'mounting the FUSE layer over a node\'s data directory needs root';
  if (!fs.existsSync('/dev/fuse')) return '/dev/fuse is missing (load the fuse module, or give the container --device /dev/fuse)';
  if (!fs.existsSync(HEADER)) return 'fuse3 and libfuse3-dev are not installed; install them with: sudo npx faultline setup --target raft';
  return undefined;
}

const building = new Map<string, Promise<string>>();

/** The path of a built layer, compiled once per source version into a private cache directory. */
export async function buildLazyFs(cacheDir = nodePath.join(helperCacheDir(), 'lazy-fs')): Promise<string> {
  const why = lazyFsUnavailable();
  if (why) throw new Error(why);
  ensurePrivateDir(cacheDir);
  const src = lazyFsSource();
  const hash = createHash('sha256').update(fs.readFileSync(src)).digest('hex').slice(0, 12);
  const bin = nodePath.join(cacheDir, `lazy-fs-${hash}`);
  if (untrustedReason(bin, 'file') === undefined) return bin;
  let b = building.get(bin);
  if (!b) {
    b = (async () => {
      fs.rmSync(bin, { force: true, recursive: true });
      // A private folder, and a name nobody can guess besides: gcc's output is never someone's link.
      const tmp = `${bin}.${randomBytes(9).toString('hex')}.tmp`;
      await runOk(['gcc', '-O2', '-I/usr/include/fuse3', '-o', tmp, src, '-lfuse3', '-lpthread'], { timeoutMs: 60_000 });
      fs.chmodSync(tmp, 0o700);
      fs.renameSync(tmp, bin);
      const bad = untrustedReason(bin, 'file');
      if (bad) throw new Error(`the FUSE layer just built is not safe to run: ${bad}`);
      return bin;
    })();
    building.set(bin, b);
    b.finally(() => building.delete(bin)).catch(() => undefined);
  }
  return b;
}
