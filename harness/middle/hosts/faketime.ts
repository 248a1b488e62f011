/**
 * Per-node wall-clock skew through libfaketime (docs/architecture.md, "Environments"; the exact working libfaketime
 * recipes"): every node is started with the library preloaded and a per-node offset file that the
 * library re-reads at runtime, so `setClockOffset` is a file write.
 *
 * Findings this relies on (measured on this VM, libfaketime 0.9.10):
 * - `FAKETIME_DONT_FAKE_MONOTONIC=1` is required for Node (otherwise its monotonic clock jumps too and
 *   a backward skew freezes every timer); `FAKETIME_FORCE_MONOTONIC_FIX=0` is required for JVM nodes
 *   (otherwise timed waits return early and the JVM spins).
 * - `FAKETIME_CACHE_DURATION=1` re-reads the file at most once a second: a change takes effect up to
 *   1 s after the nemesis recorded it. `FAKETIME_NO_CACHE=1` makes it immediate at ~3.4 µs per
 *   wall-clock read (Date.now 88 ns → 3.35 µs in Node 20; performance.now, monotonic, unchanged at
 *   ~80 ns). Maelstrom nodes get the immediate kind: a skew that lands a second late misplaces the
 *   fault in the history and shrinks short windows (a lease outliving its leader's isolation) to
 *   nothing, while a node reading the wall clock 10,000 times a second pays 3 % of a core. JVM nodes
 *   (ZooKeeper), which read it far more often, keep the cache.
 * - The file holds a signed offset in seconds; fractions work ("+1.5", "-0.250").
 * - Go binaries read the clock through the vDSO, not libc, and static binaries load no preload at
 *   all: neither can be skewed, which is detected here so the nemesis reports it instead of lying.
 * - libfaketime leaves `/dev/shm/faketime_shm_<pid>` and `/dev/shm/sem.faketime_sem_<pid>` behind on
 *   SIGKILL — and even on a clean exit when the process was exec'd through `#!/usr/bin/env` — and a
 *   stale pair plus PID reuse breaks a later process; `removeShm` cleans them per dead PID.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { writeAtomic } from './safe-files.js';

export const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

/** The library path, or why clock skew is unsupported for this binary. */
export function detectFaketime(bin: string, lib: string | false | undefined): { lib: string } | { reason: string } {
  if (lib === false) return { reason: 'clock skew was turned off (faketime: false)' };
  const path = lib ?? FAKETIME_LIB;
  if (!fs.existsSync(path)) {
    return { reason: `libfaketime is not installed (${path} is missing); install it with: apt-get install -y faketime libfaketime` };
  }
  const why = unskewableBinary(bin);
  return why === undefined ? { lib: path } : { reason: why };
}

/**
 * Env for a node whose clock reads the offset in `offsetFile`; appends to an existing LD_PRELOAD.
 * `immediate`: every wall-clock read sees the current offset (no cache; see above for the cost).
 */
export function faketimeEnv(lib: string, offsetFile: string, env: NodeJS.ProcessEnv, immediate = false): Record<string, string> {
  const preload = env.LD_PRELOAD ? `${lib}:${env.LD_PRELOAD}` : lib;
  return {
    LD_PRELOAD: preload,
    FAKETIME_TIMESTAMP_FILE: offsetFile,
    ...(immediate ? { FAKETIME_NO_CACHE: '1' } : { FAKETIME_CACHE_DURATION: '1' }),
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
    FAKETIME_FORCE_MONOTONIC_FIX: '0',
  };
}

/** libfaketime's offset text for `ms`: signed seconds with ms precision, e.g. "+1.500". */
export function offsetText(ms: number): string {
  const s = (Math.abs(ms) / 1000).toFixed(3);
  return ms < 0 ? `-${s}` : `+${s}`;
}

/**
 * Writes the offset atomically (temp file + rename), so libfaketime never reads half a number; the
 * node can write the file's folder, so the temporary name is random and nothing there is followed.
 */
export function writeOffset(file: string, ms: number): void {
  writeAtomic(file, `${offsetText(ms)}\n`);
}

/** Removes libfaketime's shared-memory files of processes that are gone (never of a live one). */
export function removeShm(pids: Iterable<number>): number {
  let removed = 0;
  for (const pid of pids) {
    if (isLive(pid)) continue;
    for (const f of [`/dev/shm/faketime_shm_${pid}`, `/dev/shm/sem.faketime_sem_${pid}`]) {
      try {
        fs.unlinkSync(f);
        removed++;
      } catch {
        // Absent: the process exited cleanly, or was never preloaded.
      }
    }
  }
  return removed;
}

/** True when `pid` runs (a zombie is dead for this purpose: it holds no shm any more). */
export function isLive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** PIDs in process group `pgid` (the node and any processes it started), read from /proc. */
export function groupPids(pgid: number): number[] {
  const out: number[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [pgid];
  }
  for (const e of entries) {
    if (e.charCodeAt(0) < 48 || e.charCodeAt(0) > 57) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      // Fields after the ")" of comm: state ppid pgrp …
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[2]) === pgid) out.push(Number(e));
    } catch {
      // It exited while we looked.
    }
  }
  return out.includes(pgid) ? out : [pgid, ...out];
}

/** Why this binary's clock cannot be skewed by a preload, or undefined if it can (as far as we can tell). */
function unskewableBinary(bin: string): string | undefined {
  const path = resolveBin(bin);
  if (path === undefined) return undefined; // Spawning will report the missing binary.
  let data: Buffer;
  try {
    data = fs.readFileSync(path);
  } catch {
    return undefined;
  }
  if (data.length < 64 || data.readUInt32BE(0) !== 0x7f454c46) return undefined; // A script: its interpreter decides.
  if (data.includes('\xff Go buildinf:', 0, 'latin1')) {
    return `${bin} is a Go binary; Go reads the clock through the vDSO, not libc, so libfaketime cannot skew it`;
  }
  if (!hasInterpreter(data)) return `${bin} is statically linked; LD_PRELOAD (libfaketime) has no effect on it`;
  return undefined;
}

/** True when a 64-bit little-endian ELF has a PT_INTERP program header (is dynamically linked). */
function hasInterpreter(elf: Buffer): boolean {
  if (elf[4] !== 2 || elf[5] !== 1) return true; // Not ELF64 LE: assume dynamic rather than refuse.
  const phoff = Number(elf.readBigUInt64LE(32));
  const phentsize = elf.readUInt16LE(54);
  const phnum = elf.readUInt16LE(56);
  for (let i = 0; i < phnum; i++) {
    const off = phoff + i * phentsize;
    if (off + 4 > elf.length) break;
    if (elf.readUInt32LE(off) === 3) return true; // PT_INTERP
  }
  return false;
}

/** The file `bin` runs: itself when it has a slash, else its first match on PATH. */
export function resolveBin(bin: string): string | undefined {
  if (bin.includes('/')) return fs.existsSync(bin) ? bin : undefined;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir === '') continue;
    const p = nodePath.join(dir, bin);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/**
 * PIDs of every libfaketime shm file in `dir` whose process is gone. A run's node PIDs are not all
 * recorded (Maelstrom and raft nodes live in the controller's memory only), so a SIGKILLed run's
 * files were found by no one; a dead PID's pair drives no clock and only breaks a later process that
 * gets the PID, so `faultline cleanup` removes them whoever left them.
 */
export function orphanShmPids(dir = '/dev/shm'): number[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const pids = new Set<number>();
  for (const n of names) {
    const m = /^(?:faketime_shm_|sem\.faketime_sem_)(\d+)$/.exec(n);
    if (m && !isLive(Number(m[1]))) pids.add(Number(m[1]));
  }
  return [...pids].sort((a, b) => a - b);
}
