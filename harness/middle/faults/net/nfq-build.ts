/**
 * Builds the NFQUEUE delayer (`nfq-delay.c`, beside this file in the source tree) with gcc on first
 * use, cached and checked as every compiled helper is (hosts/compiled-helper.ts, docs/security.md).
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { buildHelper, helperSource, type CompiledHelper } from '../../hosts/compiled-helper.js';
import { helperCacheDir } from '../../hosts/trust.js';

/** The C source: beside this module when run from source, under `harness/middle/faults/net/` when run from dist/. */
export function delayerSource(): string {
  return helperSource(import.meta.url, 'harness/middle/faults/net/nfq-delay.c');
}

const HEADER = '/usr/include/libnetfilter_queue/libnetfilter_queue.h';

/** Why the delayer cannot be built here, or undefined when it can. */
export function delayerUnavailable(): string | undefined {
  if (!fs.existsSync(HEADER)) return 'libnetfilter-queue-dev is not installed; install it with: apt-get install -y gcc libnetfilter-queue-dev';
  return undefined;
}

/** How the delayer is built, here and on a host with files of its own (hosts/host-build.ts). */
export const DELAYER_HELPER: CompiledHelper = {
  name: 'nfq-delay', what: 'the NFQUEUE delayer', source: delayerSource,
  gccArgs: (out, src) => ['-O2', '-o', out, src, '-lnetfilter_queue', '-lm'],
};

/**
 * The path of a built delayer, compiling it once per source version into a private cache directory.
 * Checked on every call: a cached binary that is not ours or is writable by others is replaced.
 */
export async function buildDelayer(cacheDir = nodePath.join(helperCacheDir(), 'nfq')): Promise<string> {
  const why = delayerUnavailable();
  if (why) throw new Error(why);
  return buildHelper(DELAYER_HELPER, cacheDir);
}
