/**
 * The disks of nodes on hosts with a filesystem of their own (`--env ssh`): what node-disks.ts does on
 * this machine, done on each host. The lose-un-fsynced layer (lazy-fs.c) and the file faults' helper
 * (disk-ops.c) are compiled on the host with its gcc (as the NFQUEUE delayer is), the layer runs there
 * as a node helper over the node's data directory, and truncate and bit-flip run there through
 * disk-ops, which resolves every path below the directory with no link followed (issue 19's rule).
 * The choice of file, cut and bits is node-disks.ts's own (file-faults.ts), so a seed damages the
 * same way here and there. Rollback's copies are kept on the host, each made fresh with mktemp -d in
 * the private directory host-build.ts makes there (root's, mode 0700), taken and restored by disk-ops'
 * `snapshot` and `restore` (no link followed); they go at teardown, and with the run directory.
 */
import { DISK_FAULTS, type DiskControl, type DiskFault, type DiskTouch } from '../../../ground/contracts/roles.js';
import { buildOnHost, privateDirOn, type HostHelper } from '../../hosts/host-build.js';
import type { HostNeed } from '../../hosts/host-needs.js';
import type { Remote, RemoteProcess } from '../../hosts/remote.js';
import { cutBytes, flipOrder, flipPlan, flipTouch, forNode, patternFiles, type FileSpec } from './file-faults.js';
import { LAZY_FS_HELPER } from './lazy-fs-build.js';
import type { DroppedFile } from './lazy-fs.js';
import { CopyChain, droppedTouches, LAYER_NOT_ASKED, rollbackTouches, treeNotes, type Disks, type NodeDiskOptions } from './node-disks.js';
import { DISK_OPS_HELPER, parseTreeReport } from './disk-ops-build.js';

/** A node's disks on its own host: the local options, plus where each node runs. */
export interface HostDiskOptions extends NodeDiskOptions {
  /** The host `node` runs on (known once the environment is provisioned). */
  host(node: string): Remote;
}

const LAZY_FS: HostHelper = { ...LAZY_FS_HELPER, needs: 'gcc, libc6-dev, fuse3 and libfuse3-dev' };
const DISK_OPS: HostHelper = { ...DISK_OPS_HELPER, needs: 'gcc and libc6-dev' };

const READY_MS = 10_000;
const CRASH_MS = 10_000;

/** One mounted layer on a host: its process, the file its JSON events go to, and the lines of it read so far (and their bytes). */
interface HostLayer { proc: RemoteProcess; events: string; crashes: number; lines: string[]; readBytes: number }

export class HostDisks implements Disks {
  readonly faults: DiskFault[];
  readonly unsupported: Partial<Record<DiskFault, string>> = {};
  private readonly layers = new Map<string, HostLayer>();
  private readonly copies = new CopyChain();
  /** Every copy directory made on a host, removed at teardown (and with the run directory, by cleanup). */
  private readonly copyDirs: { node: string; dir: string }[] = [];

  constructor(private readonly o: HostDiskOptions) {
    if (!o.layer) this.unsupported['lose-unfsynced'] = LAYER_NOT_ASKED;
    Object.assign(this.unsupported, o.without ?? {});
    this.faults = DISK_FAULTS.filter((f) => this.unsupported[f] === undefined);
  }

  /** What the hosts need for these faults (checked before anything starts there; `--install` installs it). */
  hostNeeds(): HostNeed[] {
    if (this.faults.length === 0) return [];
    // disk-ops.c includes libc's headers and linux/openat2.h (linux-libc-dev, which libc6-dev brings): gcc alone builds nothing.
    const needs: HostNeed[] = [{ path: 'gcc', pkg: 'gcc' }, { path: '/usr/include/linux/openat2.h', file: true, pkg: 'libc6-dev' }];
    if (this.faults.includes('lose-unfsynced')) {
      needs.push({ path: '/usr/include/fuse3/fuse.h', file: true, pkg: 'libfuse3-dev' }, { path: 'fusermount3', pkg: 'fuse3' },
        { path: '/dev/fuse', file: true, what: 'the FUSE device', hint: 'load the fuse module there (modprobe fuse)' });
    }
    return needs;
  }

  /** Builds the helpers on every host, creates each data directory and mounts the layer over it. */
  async setup(nodes: readonly string[]): Promise<void> {
    await Promise.all(nodes.map(async (n) => {
      const h = this.o.host(n);
      await h.execOk(['mkdir', '-p', this.o.dirOf(n)]);
      if (this.faults.some((f) => f !== 'lose-unfsynced')) await buildOnHost(h, DISK_OPS);
      if (!this.faults.includes('lose-unfsynced')) return;
      const bin = await buildOnHost(h, LAZY_FS);
      // Its event log is read back as root: kept in the private directory, where the node plants no link.
      const events = `${await privateDirOn(h)}/lazy-fs.log`;
      const proc = await h.spawn([bin, this.o.dirOf(n)], { what: 'lazy-fs', logFile: events });
      const layer: HostLayer = { proc, events, crashes: 0, lines: [], readBytes: 0 };
      this.layers.set(n, layer);
      await this.waitEvent(n, layer, 'ready', 1, READY_MS);
      this.o.log(`disk: lose-unfsynced layer (pid ${proc.pid} on ${n}'s host) mounted over ${this.o.dirOf(n)}`);
    }));
  }

  /** Takes the copy of `node`'s directory on its host (see NodeDisks.remember): a fresh mktemp -d in the host's private directory. */
  async remember(node: string): Promise<void> {
    const h = this.o.host(node);
    const dir = (await h.execOk(['mktemp', '-d', `${await privateDirOn(h)}/copy-${node}-XXXXXXXXXX`])).trim();
    this.copyDirs.push({ node, dir });
    const copy = { dir, takenAt: Date.now() };
    const note = treeNotes(node, 'copy', parseTreeReport(await this.tree(h, ['snapshot', this.o.dirOf(node), dir])));
    if (note) this.o.log(note);
    const stale = this.copies.push(node, copy);
    if (stale) await h.execOk(['rm', '-rf', '--', stale.dir]);
  }

  async apply(node: string, fault: DiskFault, pick: (n: number) => number): Promise<DiskTouch[]> {
    const h = this.o.host(node);
    const dir = this.o.dirOf(node);
    switch (fault) {
      case 'lose-unfsynced': {
        const layer = this.layers.get(node);
        if (!layer) throw new Error(`lose-unfsynced: no FUSE layer is mounted over ${node}'s directory (${this.unsupported['lose-unfsynced'] ?? 'not set up'})`);
        await layer.proc.signal('SIGUSR1');
        const ev = await this.waitEvent(node, layer, 'crash', ++layer.crashes, CRASH_MS);
        return droppedTouches(Array.isArray(ev.files) ? (ev.files as DroppedFile[]) : []);
      }
      case 'truncate': {
        const f = await this.firstPresent(h, dir, await this.expand(h, dir, forNode(this.o.logFiles, node)));
        if (!f) return [];
        const bytes = cutBytes(f.end, pick);
        await this.ops(h, ['truncate', dir, f.name, String(f.end - bytes)]);
        return [{ file: f.name, offset: f.end - bytes, bytes }];
      }
      case 'bit-flip': {
        const f = await this.firstPresent(h, dir, flipOrder(await this.expand(h, dir, forNode(this.o.dataFiles, node)), pick));
        if (!f) return [];
        const bits = flipPlan(f.end, pick);
        await this.ops(h, ['flip', dir, f.name, ...bits.map(String)]);
        return [flipTouch(f.name, bits)];
      }
      case 'rollback': {
        const copy = this.copies.target(node);
        if (!copy) return [];
        const r = parseTreeReport(await this.tree(h, ['restore', copy.dir, dir]));
        const note = treeNotes(node, 'rollback', r);
        if (note) this.o.log(note);
        return rollbackTouches(r, copy);
      }
    }
  }

  /** Stops every layer (its SIGTERM handler unmounts) and lazily unmounts one that died mounted, removes the copies; never throws. */
  async teardown(): Promise<void> {
    for (const { node, dir } of this.copyDirs.splice(0)) {
      try {
        await this.o.host(node).execOk(['rm', '-rf', '--', dir]);
      } catch (err) {
        this.o.log(`disk teardown: removing ${node}'s copy ${dir} failed: ${(err as Error).message}`);
      }
    }
    await Promise.all([...this.layers].map(async ([n, l]) => {
      try {
        await l.proc.stop(5_000);
        await this.o.host(n).exec(['sh', '-c', 'if grep -q " $1 fuse" /proc/self/mounts; then umount -l "$1"; fi; true', 'sh', this.o.dirOf(n)]);
      } catch (err) {
        this.o.log(`disk teardown: unmounting ${n}'s layer failed: ${(err as Error).message}`);
      }
    }));
    this.layers.clear();
  }

  /** Runs disk-ops snapshot or restore on the host: what it printed (any failure throws, a missing directory too). */
  private async tree(h: Remote, args: string[]): Promise<string> {
    const bin = await buildOnHost(h, DISK_OPS);
    const r = await h.exec([bin, ...args], { timeoutMs: 120_000 });
    if (r.code !== 0) throw new Error(`disk-ops ${args[0]} ${args[1]} ${args[2]} on ${h.node} failed: ${r.stderr.trim() || `code ${r.code}`}`);
    return r.stdout;
  }

  /** Runs disk-ops on the host; its exit code 2 (no such file, or none with data) is `undefined`, any other failure throws. */
  private async ops(h: Remote, args: string[]): Promise<string | undefined> {
    const bin = await buildOnHost(h, DISK_OPS);
    const r = await h.exec([bin, ...args], { timeoutMs: 30_000 });
    if (r.code === 2) return undefined;
    if (r.code !== 0) throw new Error(`disk-ops ${args[0]} ${args[2]} on ${h.node} failed: ${r.stderr.trim() || `code ${r.code}`}`);
    return r.stdout;
  }

  /** `specs` as files below `dir` on the host, as expandFiles does here (a pattern's newest first). */
  private async expand(h: Remote, dir: string, specs: readonly FileSpec[]): Promise<string[]> {
    const out: string[] = [];
    for (const s of specs) {
      if (typeof s === 'string') {
        out.push(s);
        continue;
      }
      const listed = await this.ops(h, ['ls', dir, s.dir]);
      if (listed === undefined) continue;
      out.push(...patternFiles(s, listed.split('\n').filter((n) => n !== '')));
    }
    return out;
  }

  /** The first of `names` that is a regular file with data on the host, with where its data ends (one disk-ops call for them all). */
  private async firstPresent(h: Remote, dir: string, names: readonly string[]): Promise<{ name: string; end: number } | undefined> {
    if (names.length === 0) return undefined;
    const out = await this.ops(h, ['probe', dir, ...names]);
    if (out === undefined) return undefined;
    const line = out.replace(/\n$/, '');
    const space = line.indexOf(' ');
    return { name: line.slice(space + 1), end: Number(line.slice(0, space)) };
  }

  /** Waits until the layer's event file holds `count` events named `event`; resolves with the last. Each poll reads only what is new. */
  private async waitEvent(node: string, l: HostLayer, event: string, count: number, ms: number): Promise<Record<string, unknown>> {
    const h = this.o.host(node);
    const deadline = Date.now() + ms;
    for (;;) {
      const r = await h.exec(['tail', '-c', `+${l.readBytes + 1}`, l.events]);
      // Whole lines only: a line still being written is read again, whole, by the next poll.
      const whole = r.stdout.slice(0, r.stdout.lastIndexOf('\n') + 1);
      l.readBytes += Buffer.byteLength(whole);
      l.lines.push(...whole.split('\n').filter((line) => line !== ''));
      const evs = l.lines.flatMap((line) => {
        try { return [JSON.parse(line) as Record<string, unknown>]; } catch { return []; }
      }).filter((e) => e.event === event);
      if (evs.length >= count) return evs[evs.length - 1];
      if (!l.proc.running) throw new Error(`the FUSE layer on ${node}'s host exited before ${event}: ${l.lines.slice(-2).join(' ') || 'no output'}`);
      if (Date.now() > deadline) throw new Error(`the FUSE layer on ${node}'s host did not answer ${event} within ${ms} ms`);
      await new Promise((res) => setTimeout(res, 50));
    }
  }
}
