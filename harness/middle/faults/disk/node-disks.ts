/**
 * A local cluster's disks: each node's data directory, optionally under the lose-un-fsynced FUSE layer
 * (mounted before the node first starts, unmounted at teardown), and the disk faults applied to it
 * while the node is down. The target names its files (its log first, then its other data files), so
 * truncate cuts the log's tail and bit-flip damages a file the node reads back.
 */
import fs from 'node:fs';
import { DISK_FAULTS, type DiskControl, type DiskFault, type DiskTouch } from '../../../ground/contracts/roles.js';
import { flipBits, forNode, readTree, restoreTree, truncateTail, type FileSpec } from './file-faults.js';

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
  private readonly copies = new Map<string, Map<string, Buffer>>();
  private readonly previous = new Map<string, Map<string, Buffer>>();

  constructor(private readonly o: NodeDiskOptions) {
    const why = o.layer ? lazyFsUnavailable() : LAYER_NOT_ASKED;
    if (why) this.unsupported['lose-unfsynced'] = why;
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
    const cur = this.copies.get(node);
    if (cur) this.previous.set(node, cur);
    this.copies.set(node, readTree(this.o.dirOf(node)));
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
        const copy = this.previous.get(node);
        return copy ? restoreTree(dir, copy) : [];
      }
    }
  }

  /** Unmounts every layer; never throws (a failure is logged). */
  async teardown(): Promise<void> {
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
