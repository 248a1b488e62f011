/**
 * Builds the NFQUEUE delayer (`nfq-delay.c`, beside this file in the source tree) with gcc on first
 * use and caches the binary by a hash of the source, so every run after the first starts at once.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOk } from '../provision/exec.js';

/** The C source: beside this module when run from source, under `harness/net/` when run from dist/. */
export function delayerSource(): string {
  const candidates = [new URL('./nfq-delay.c', import.meta.url), new URL('../../../harness/net/nfq-delay.c', import.meta.url)];
  for (const c of candidates) {
    const p = fileURLToPath(c);
    if (fs.existsSync(p)) return p;
  }
  throw new Error('harness/net/nfq-delay.c is missing from this installation; reinstall faultline');
}

const HEADER = '/usr/include/libnetfilter_queue/libnetfilter_queue.h';

/** Why the delayer cannot be built here, or undefined when it can. */
export function delayerUnavailable(): string | undefined {
  if (!fs.existsSync(HEADER)) return 'libnetfilter-queue-dev is not installed; install it with: apt-get install -y gcc libnetfilter-queue-dev';
  return undefined;
}

let building: Promise<string> | undefined;

/** The path of a built delayer, compiling it once per source version. */
export function buildDelayer(cacheDir = nodePath.join(os.tmpdir(), 'faultline-nfq')): Promise<string> {
  building ??= (async () => {
    const why = delayerUnavailable();
    if (why) throw new Error(why);
    const src = delayerSource();
    const hash = createHash('sha256').update(fs.readFileSync(src)).digest('hex').slice(0, 12);
    const bin = nodePath.join(cacheDir, `nfq-delay-${hash}`);
    if (fs.existsSync(bin)) return bin;
    fs.mkdirSync(cacheDir, { recursive: true });
    const tmp = `${bin}.tmp-${process.pid}`;
    await runOk(['gcc', '-O2', '-o', tmp, src, '-lnetfilter_queue', '-lm'], { timeoutMs: 60_000 });
    fs.renameSync(tmp, bin);
    return bin;
  })();
  building.catch(() => { building = undefined; });
  return building;
}
