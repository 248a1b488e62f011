/**
 * A local cluster's disks: each node's data directory, optionally under the lose-un-fsynced FUSE layer
 * (mounted before the node first starts, unmounted at teardown), and the disk faults applied to it
 * while the node is down. The target names its files (its log first, then its other data files), so
 * truncate cuts the log's tail and bit-flip damages a file the node reads back. Rollback's copies are
 * on disk, in a private directory of this controller (hosts/private-copies.ts), taken and restored by
 * disk-ops (its `snapshot` and `restore` follow no link in the node's directory).
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { DISK_FAULTS, type DiskControl, type DiskFault, type DiskTouch } from '../../../ground/contracts/roles.js';
import { runOk } from '../../hosts/exec.js';
import { makeCopiesDir } from '../../hosts/private-copies.js';
import { buildDiskOps, diskOpsUnavailable, parseTreeReport, type TreeReport } from './disk-ops-build.js';
import { flipBits, forNode, truncateTail, type FileSpec } from './file-faults.js';

export type { FileSpec } from './file-faults.js';
import { buildLazyFs, lazyFsUnavailable } from './lazy-fs-build.js';
import { LazyFs, type DroppedFile } from './lazy-fs.js';

export interface NodeDiskOptions {
  /** The data directory of `node` (absolute; the harness creates it). */
  dirOf(node: string): string;
  /** Mount the lose-un-fsynced layer over every node's directory (only when a run asks for that fault). */
  layer: boolean;
  /** The node's log or WAL files, newest first, relative to its directory (truncate cuts the first present); `{node}` is its name. */
  logFiles: readonly FileSpec[];
  /** Every file bit-flip may damage, relative to its directory. */
  dataFiles: readonly FileSpec[];
  /** Faults this target cannot apply, with the reason (e.g. every fault when the files are on another machine). */
  without?: Partial<Record<DiskFault, string>>;
  log: (line: string) => void;
}

/** What the layer's crash dropped, as touches: the dirty pages from the first one on, or (no page written) the size change alone. */
export function droppedTouches(dropped: readonly DroppedFile[]): DiskTouch[] {
  return dropped.map((d) => {
    const file = d.path.replace(/^\//, '');
    if (d.dirtyBytes) return { file, offset: Math.min(d.firstDirty ?? d.size, d.durableSize), bytes: d.dirtyBytes };
    return { file, offset: Math.min(d.durableSize, d.size), bytes: Math.abs(d.size - d.durableSize) };
  });
}

/** One copy of a node's data directory: where it is (on the node's machine) and when it was taken (Date.now()). */
export interface DirCopy { dir: string; takenAt: number }

/** The copies a rollback goes back to: the one taken at each node's latest disk fault, and the one before it. */
export class CopyChain {
  private readonly latest = new Map<string, DirCopy>();
  private readonly previous = new Map<string, DirCopy>();

  /** Records `copy` as `node`'s latest; returns the copy it makes stale (to be removed). */
  push(node: string, copy: DirCopy): DirCopy | undefined {
    const stale = this.previous.get(node);
    const cur = this.latest.get(node);
    if (cur) this.previous.set(node, cur);
    this.latest.set(node, copy);
    return stale;
  }

  /** The copy a rollback of `node` restores: the one taken at its previous disk fault. */
  target(node: string): DirCopy | undefined {
    return this.previous.get(node);
  }
}

/** A restore's touches, each with the copy's age (ms since it was taken), as a rollback records them. */
export function rollbackTouches(r: TreeReport, copy: DirCopy, now = Date.now()): DiskTouch[] {
  return r.touched.map((t) => ({ ...t, copyAgeMs: now - copy.takenAt }));
}

/** One log line for what a snapshot or restore skipped or removed that is not a regular file (a planted link, a FIFO). */
export function treeNotes(node: string, what: 'copy' | 'rollback', r: TreeReport): string | undefined {
  if (what === 'copy' && r.skipped.length > 0) return `disk: ${node}'s copy skipped what is not a plain file: ${r.skipped.join(', ')}`;
  if (what === 'rollback' && r.removed.length > 0) return `disk: ${node}'s rollback removed what is not a plain file: ${r.removed.join(', ')}`;
  return undefined;
}

/** A cluster's disks, here (NodeDisks) or on hosts with files of their own (host-disks.ts). */
export interface Disks extends DiskControl {
  readonly faults: DiskFault[];
  /** Creates every node's directory (and mounts the layer over it) before any node starts. */
  setup(nodes: readonly string[]): Promise<void>;
  /** Unmounts every layer; never throws. */
  teardown(): Promise<void>;
}

/** Why lose-unfsynced is not offered when the run did not ask for it (here and on ssh hosts). */
export const LAYER_NOT_ASKED = 'the FUSE layer is mounted only when a run asks for lose-unfsynced';

export class NodeDisks implements Disks {
  readonly faults: DiskFault[];
  readonly unsupported: Partial<Record<DiskFault, string>> = {};
  private readonly mounts = new Map<string, LazyFs>();
  private readonly copies = new CopyChain();
  /** This controller's private directory of copies, made at the first copy and removed at teardown. */
  private copiesDir?: string;

  constructor(private readonly o: NodeDiskOptions) {
    const why = o.layer ? lazyFsUnavailable() : LAYER_NOT_ASKED;
    if (why) this.unsupported['lose-unfsynced'] = why;
    const noOps = diskOpsUnavailable();
    if (noOps) this.unsupported.rollback = noOps;
    Object.assign(this.unsupported, o.without ?? {});
    this.faults = DISK_FAULTS.filter((f) => this.unsupported[f] === undefined);
  }

  /** Creates every node's directory and mounts the layer over it (before any node starts). */
  async setup(nodes: readonly string[]): Promise<void> {
    for (const n of nodes) fs.mkdirSync(this.o.dirOf(n), { recursive: true, mode: 0o755 });
    if (this.faults.length === 0) return;
    if (!this.faults.includes('lose-unfsynced')) return;
    const bin = await buildLazyFs();
    for (const n of nodes) {
      const m = await LazyFs.mount(bin, this.o.dirOf(n));
      this.mounts.set(n, m);
      this.o.log(`disk: lose-unfsynced layer (pid ${m.pid}) mounted over ${this.o.dirOf(n)}`);
    }
  }

  /**
   * Takes the copy of `node`'s directory as it is now; the one taken at its previous disk fault is
   * what a rollback restores (a rollback is itself a disk fault: the copy taken just before it is the
   * state it went back from, and the next rollback's target).
   */
  async remember(node: string): Promise<void> {
    const bin = await buildDiskOps();
    this.copiesDir ??= makeCopiesDir();
    const copy = { dir: fs.mkdtempSync(nodePath.join(this.copiesDir, `${node}-`)), takenAt: Date.now() };
    const r = parseTreeReport(await runOk([bin, 'snapshot', this.o.dirOf(node), copy.dir], { timeoutMs: 120_000 }));
    const note = treeNotes(node, 'copy', r);
    if (note) this.o.log(note);
    const stale = this.copies.push(node, copy);
    if (stale) fs.rmSync(stale.dir, { recursive: true, force: true });
  }

  async apply(node: string, fault: DiskFault, pick: (n: number) => number): Promise<DiskTouch[]> {
    const dir = this.o.dirOf(node);
    switch (fault) {
      case 'lose-unfsynced': {
        const m = this.mounts.get(node);
        if (!m) throw new Error(`lose-unfsynced: no FUSE layer is mounted over ${node}'s directory (${this.unsupported['lose-unfsynced'] ?? 'not set up'})`);
        return droppedTouches(await m.crash());
      }
      case 'truncate':
        return truncateTail(dir, forNode(this.o.logFiles, node), pick);
      case 'bit-flip':
        return flipBits(dir, forNode(this.o.dataFiles, node), pick);
      case 'rollback': {
        const copy = this.copies.target(node);
        if (!copy) return [];
        const r = parseTreeReport(await runOk([await buildDiskOps(), 'restore', copy.dir, dir], { timeoutMs: 120_000 }));
        const note = treeNotes(node, 'rollback', r);
        if (note) this.o.log(note);
        return rollbackTouches(r, copy);
      }
    }
  }

  /** Unmounts every layer and removes the copies; never throws (a failure is logged). */
  async teardown(): Promise<void> {
    if (this.copiesDir) {
      try {
        fs.rmSync(this.copiesDir, { recursive: true, force: true });
      } catch (err) {
        this.o.log(`disk teardown: removing the copies in ${this.copiesDir} failed: ${(err as Error).message}`);
      }
      this.copiesDir = undefined;
    }
    for (const [n, m] of this.mounts) {
      try {
        await m.unmount();
      } catch (err) {
        this.o.log(`disk teardown: unmounting ${n}'s layer failed: ${(err as Error).message}`);
      }
    }
    this.mounts.clear();
  }
}
