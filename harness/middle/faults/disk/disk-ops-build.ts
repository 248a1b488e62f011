/**
 * The file faults' helper (`disk-ops.c`, beside this file in the source tree): built with gcc on first
 * use, here into the private helper cache (hosts/compiled-helper.ts: root runs it, docs/security.md) and
 * on an ssh host into its private directory (host-disks.ts). Rollback's copy is its `snapshot` and
 * `restore`, which walk a node's directory without following a link; this reads what they print.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import type { DiskTouch } from '../../../ground/contracts/roles.js';
import { buildHelper, helperSource, type CompiledHelper } from '../../hosts/compiled-helper.js';
import { which } from '../../hosts/exec.js';
import { helperCacheDir } from '../../hosts/trust.js';

export const DISK_OPS_HELPER: CompiledHelper = {
  name: 'disk-ops', what: 'the file faults\' helper',
  source: () => helperSource(import.meta.url, 'harness/middle/faults/disk/disk-ops.c'),
  gccArgs: (out, src) => ['-O2', '-o', out, src],
};

/** disk-ops.c includes linux/openat2.h (linux-libc-dev, which libc6-dev brings): gcc alone builds nothing. */
const OPENAT2_HEADER = '/usr/include/linux/openat2.h';

/** Why the helper cannot be built on this machine, or undefined when it can. */
export function diskOpsUnavailable(): string | undefined {
  if (!which('gcc') || !fs.existsSync(OPENAT2_HEADER)) return 'rollback\'s copy is taken by the file faults\' helper, which needs gcc and libc6-dev on this machine (sudo npx faultline setup --target raft installs them)';
  return undefined;
}

/** The path of the built helper on this machine (compiled once per source version). */
export function buildDiskOps(cacheDir = nodePath.join(helperCacheDir(), 'disk-ops')): Promise<string> {
  return buildHelper(DISK_OPS_HELPER, cacheDir);
}

/** What one `disk-ops snapshot` or `restore` did: files copied (snapshot), files restored or removed (restore), entries skipped or removed that are not regular files. */
export interface TreeReport {
  copied: number;
  copiedBytes: number;
  /** Restore: each file rewritten (offset 0, its size) or removed (0 bytes), as today's rollback records them. */
  touched: DiskTouch[];
  /** "PATH (KIND)" of each symlink, FIFO, socket, device or hard link the snapshot skipped. */
  skipped: string[];
  /** "PATH (KIND)" of each entry that is not a regular file the restore removed (a link planted after the copy). */
  removed: string[];
}

/** Parses disk-ops' lines: "F SIZE PATH", "S KIND PATH", "W SIZE PATH", "R PATH", "X KIND PATH". */
export function parseTreeReport(out: string): TreeReport {
  const r: TreeReport = { copied: 0, copiedBytes: 0, touched: [], skipped: [], removed: [] };
  for (const line of out.split('\n')) {
    if (!/^[FSWRX] ./.test(line)) continue;
    // R is followed by the path alone (which may hold spaces); the others by one word, then the path.
    const rest = line.slice(2);
    const space = rest.indexOf(' ');
    const word = rest.slice(0, space), path = rest.slice(space + 1);
    switch (line[0]) {
      case 'R': r.touched.push({ file: rest, offset: 0, bytes: 0 }); break;
      case 'W': r.touched.push({ file: path, offset: 0, bytes: Number(word) }); break;
      case 'F': r.copied++; r.copiedBytes += Number(word); break;
      case 'S': r.skipped.push(`${path} (${word})`); break;
      case 'X': r.removed.push(`${path} (${word})`); break;
    }
  }
  return r;
}
