/**
 * Builds the lose-un-fsynced FUSE layer (`lazy-fs.c`, beside this file in the source tree) with gcc on
 * first use, cached and checked as every compiled helper is (hosts/compiled-helper.ts): root runs it
 * (docs/security.md).
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { buildHelper, helperSource, type CompiledHelper } from '../../hosts/compiled-helper.js';
import { helperCacheDir } from '../../hosts/trust.js';

/** The C source: beside this module when run from source, under `harness/middle/faults/disk/` when run from dist/. */
export function lazyFsSource(): string {
  return helperSource(import.meta.url, 'harness/middle/faults/disk/lazy-fs.c');
}

const HEADER = '/usr/include/fuse3/fuse.h';

/** Why the layer cannot be built or mounted here, or undefined when it can. */
export function lazyFsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'mounting the FUSE layer over a node\'s data directory needs root';
  if (!fs.existsSync('/dev/fuse')) return '/dev/fuse is missing (load the fuse module, or give the container --device /dev/fuse)';
  if (!fs.existsSync(HEADER)) return 'fuse3 and libfuse3-dev are not installed; install them with: sudo npx faultline setup --target raft';
  return undefined;
}

/** How the layer is built, here and on a host with files of its own (hosts/host-build.ts). */
export const LAZY_FS_HELPER: CompiledHelper = {
  name: 'lazy-fs', what: 'the FUSE layer', source: lazyFsSource,
  gccArgs: (out, src) => ['-O2', '-I/usr/include/fuse3', '-o', out, src, '-lfuse3', '-lpthread'],
};

/** The path of a built layer, compiled once per source version into a private cache directory. */
export async function buildLazyFs(cacheDir = nodePath.join(helperCacheDir(), 'lazy-fs')): Promise<string> {
  const why = lazyFsUnavailable();
  if (why) throw new Error(why);
  return buildHelper(LAZY_FS_HELPER, cacheDir);
}
