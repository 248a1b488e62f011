/**
 * The ZooKeeper client of the watch workload. Keys are znodes under /faultline/watch; every write
 * records the zxid it committed at (the reply header's zxid: a setData's, a create's, a delete's, a
 * multi's), and whether a put created its znode (a child change of the parent).
 *
 * Watchers hold one session each, across ops, pinned to their node: a data watch on one key (threads
 * 2, 6, …) or a child watch on the parent (threads 0, 4, …). ZooKeeper's watches are one-shot: each
 * registration is a read with a watch (`arm`: GET_DATA, or EXISTS when the znode is absent; or
 * GET_CHILDREN2), recorded with the reply's header zxid (the server's last applied zxid when it
 * answered) and what it read (value and mzxid, or children and pzxid). When it fires, the firing is
 * recorded (a ZooKeeper event carries no zxid and no data) and the watcher re-arms at once; that
 * read is "the read right after the event", which must see the triggering write. Changes between a
 * firing and the re-arm are coalesced by design. A notification that finds no registration waiting
 * (a second firing of one registration) is recorded as `orphan`; a session expiry, which loses the
 * session's watches, as `expired`; each connect and disconnect of the session as such. Each record is
 * an `event` record of the history, made as it happens (`{watcher, kind: arm|fire|orphan|expired|
 * arm-failed|connected|disconnected, sid, reg, zxid, …}`; an arm's `sentAgo`: ns since its read was
 * sent), also between the workload's `watch` ops — each op is a window that arms if nothing is armed,
 * and its completion says only which znode is watched and how many records were made since the previous one (the
 * registrations live on between ops).
 */
import zookeeper from 'node-zookeeper-client';
import type { Client, ClientOp, Completion } from '../../harness/ground/contracts/roles.js';
import { errorMessage } from '../../harness/ground/history/errors.js';
import { definite, ZkError, ZkSession, zxidOf, type RawReply, type ZkNotification } from './session.js';

const E = zookeeper.Exception;
const hr = (): number => Number(process.hrtime.bigint());
type Rec = Record<string, unknown>;

/** One record of a watcher's log (see checkers/watch/zookeeper.ts for what each means). */
type ZkLogRecord = Rec & { kind: 'arm' | 'fire' | 'orphan' | 'expired' | 'arm-failed' | 'connected' | 'disconnected'; sid: number; sent?: number };

interface ZkWatcher {
  session: ZkSession;
  /** The session's generation: a new one after each expiry. */
  sid: number;
  reg: number;
  /** The registration armed and not fired yet, if any. */
  armed?: number;
  arming: boolean;
  /** Records it made since its last window's completion (that completion's count, for the checker). */
  records: number;
  /** Where records go: the history, through the latest watch op's `observe` (kept between ops). */
  observe?: (value: unknown, node?: string) => void;
  node: string;
  name: string;
  filter: { key?: string; prefix?: string };
  path: string;
}

/** Records one of the watcher's log records in the history now (an arm's send time as `sentAgo`). */
function record(w: ZkWatcher, r: ZkLogRecord): void {
  const { sent, ...rest } = r;
  w.records++;
  w.observe?.({ watcher: w.name, ...rest, ...(sent !== undefined ? { sentAgo: hr() - sent } : {}) }, w.node);
}

export interface ZkWatchOptions {
  timeoutMs: number;
  sessionTtlMs: number;
  windowMs: number;
}

export class ZkWatchClients {
  private readonly watchers = new Map<number, ZkWatcher>();
  private readonly sessions = new Set<ZkSession>();

  /** `prefix` ends in '/': the parent znode is the prefix without it. */
  constructor(private readonly prefix: string, private readonly address: (node: string) => string, private readonly o: ZkWatchOptions) {}

  private get parent(): string { return this.prefix.slice(0, -1); }

  open(thread: number, node: string): Client {
    const isWatcher = thread % 2 === 0;
    let session: ZkSession | undefined;
    const writer = (): ZkSession => {
      if (!session) { session = new ZkSession(this.address(node), this.o.timeoutMs, this.o.sessionTtlMs); this.sessions.add(session); }
      return session;
    };
    return {
      invoke: async (op: ClientOp) => {
        if (op.f === 'watch') {
          if (!isWatcher) return { type: 'fail', error: 'watch: not a watcher thread' };
          return this.watch(thread, node, op.observe);
        }
        const s = writer();
        try {
          await s.connect();
        } catch (err) {
          return { type: 'fail', error: errorMessage(err) };
        }
        return this.write(op, s, node);
      },
      close: async () => {
        if (session) { session.close(); this.sessions.delete(session); }
        const w = this.watchers.get(thread);
        if (w) { w.session.close(); this.sessions.delete(w.session); this.watchers.delete(thread); }
      },
    };
  }

  /** Creates /faultline and /faultline/watch if absent (any session; NODE_EXISTS is fine). */
  private async ensureParents(s: ZkSession): Promise<void> {
    const parts = this.parent.split('/').filter((p) => p !== '');
    for (let i = 1; i <= parts.length; i++) {
      const path = `/${parts.slice(0, i).join('/')}`;
      const r = await s.raw('CREATE', { path, data: Buffer.alloc(0) });
      if (r.err !== 0 && r.err !== E.NODE_EXISTS) throw new ZkError(r.err, `create ${path}: error ${r.err}`);
    }
  }

  private async write(op: ClientOp, s: ZkSession, node: string): Promise<Completion> {
    const v = (op.value ?? {}) as Rec;
    const writeError = (err: unknown): Completion => ({ type: definite(err) ? 'fail' : 'info', error: errorMessage(err) });
    const check = (r: RawReply, what: string): RawReply => {
      if (r.err !== 0) throw new ZkError(r.err, `${what}: ZooKeeper error ${r.err}`);
      return r;
    };
    try {
      switch (op.f) {
        case 'put': {
          const path = String(v.key);
          const data = Buffer.from(String(v.value));
          let r = await s.raw('SET_DATA', { path, data, version: -1 });
          if (r.err === E.NO_NODE) {
            r = await s.raw('CREATE', { path, data });
            if (r.err === E.NO_NODE) { await this.ensureParents(s); r = await s.raw('CREATE', { path, data }); }
            if (r.err === 0) return { type: 'ok', value: { key: path, value: v.value, rev: r.zxid, created: true } };
            if (r.err === E.NODE_EXISTS) r = await s.raw('SET_DATA', { path, data, version: -1 });
          }
          check(r, `put ${path}`);
          return { type: 'ok', value: { key: path, value: v.value, rev: r.zxid, created: false } };
        }
        case 'delete': {
          const r = await s.raw('DELETE', { path: String(v.key), version: -1 });
          if (r.err === E.NO_NODE) return { type: 'ok', value: { key: v.key, deleted: 0 } };
          check(r, `delete ${String(v.key)}`);
          return { type: 'ok', value: { key: v.key, rev: r.zxid, deleted: 1 } };
        }
        case 'txn': {
          // Both keys in one multi (setData: a key that is absent fails the multi, definitely).
          const ops = v.ops as { key: string; value: string }[];
          const zxid = await s.multiZxid((m) => { for (const o of ops) m.setData(o.key, Buffer.from(o.value), -1); });
          return { type: 'ok', value: { ops, rev: zxid } };
        }
        case 'compact':
          return { type: 'fail', error: 'ZooKeeper has no compaction to ask for (its snapshots are its own)' };
        case 'final-read': {
          await s.sync('/');
          const kvs: Record<string, [string, number]> = {};
          let rev = 0;
          const children = await s.raw('GET_CHILDREN2', { path: this.parent });
          rev = Math.max(rev, children.zxid);
          const pzxid = children.err === 0 ? zxidOf((children.payload?.stat as Rec | undefined)?.pzxid) : 0;
          for (const name of children.err === 0 ? (children.payload?.children as string[]) : []) {
            const r = await s.raw('GET_DATA', { path: `${this.prefix}${name}` });
            rev = Math.max(rev, r.zxid);
            if (r.err === 0) kvs[`${this.prefix}${name}`] = [String(r.payload?.data ?? ''), zxidOf((r.payload?.stat as Rec).mzxid)];
          }
          return { type: 'ok', value: { rev, kvs, pzxid: { [this.parent]: pzxid } }, node } as Completion;
        }
        default:
          return { type: 'fail', error: `watch workload: unknown op ${op.f}` };
      }
    } catch (err) {
      if (op.f === 'final-read') return { type: 'fail', error: errorMessage(err) };
      return writeError(err);
    }
  }

  private watcherOf(thread: number, node: string): ZkWatcher {
    let w = this.watchers.get(thread);
    if (w) return w;
    const filter = thread % 4 === 0 ? { prefix: this.prefix } : { key: `${this.prefix}${'abcd'[(thread / 2) % 4 | 0]}` };
    const session = new ZkSession(this.address(node), this.o.timeoutMs, this.o.sessionTtlMs);
    this.sessions.add(session);
    const watcher: ZkWatcher = { session, sid: 0, reg: 0, arming: false, records: 0, filter, path: filter.key ?? this.parent, node, name: `w${thread}` };
    session.onExpired = () => {
      record(watcher, { kind: 'expired', sid: watcher.sid, ...(watcher.armed !== undefined ? { lost: watcher.armed } : {}) });
      watcher.armed = undefined;
      watcher.sid++;
    };
    // Connection state: a watcher cut off from a serving server cannot be held to convergence.
    session.onState = (state) => { record(watcher, { kind: state, sid: watcher.sid }); };
    session.onOrphan = (type, path) => { if (path === watcher.path) record(watcher, { kind: 'orphan', sid: watcher.sid, type }); };
    this.watchers.set(thread, watcher);
    w = watcher;
    return w;
  }

  /** Registers the watcher's next watch with a read, and records what the read saw. */
  private async arm(w: ZkWatcher): Promise<void> {
    if (w.arming || w.armed !== undefined) return;
    w.arming = true;
    const reg = ++w.reg;
    const sid = w.sid;
    const sent = hr();
    let fired = false;
    const onFire = (e: ZkNotification): void => {
      record(w, { kind: 'fire', sid, reg, type: e.getName(), ...(fired ? { again: true } : {}) });
      fired = true;
      if (w.armed === reg) w.armed = undefined;
      if (sid === w.sid) void this.arm(w); // re-arm at once: that read is the read right after the event
    };
    try {
      await w.session.connect();
      const s = w.session;
      let rec: ZkLogRecord;
      if (w.filter.prefix !== undefined) {
        let r = await s.raw('GET_CHILDREN2', { path: w.path }, onFire);
        if (r.err === E.NO_NODE) { await this.ensureParents(s); r = await s.raw('GET_CHILDREN2', { path: w.path }, onFire); }
        if (r.err !== 0) throw new ZkError(r.err, `getChildren ${w.path}: error ${r.err}`);
        rec = { kind: 'arm', sent, sid, reg, zxid: r.zxid, pzxid: zxidOf((r.payload?.stat as Rec).pzxid), children: (r.payload?.children as string[]).length };
      } else {
        const r = await s.raw('GET_DATA', { path: w.path }, onFire);
        if (r.err === 0) {
          rec = { kind: 'arm', sent, sid, reg, zxid: r.zxid, exists: true, value: String(r.payload?.data ?? ''), mzxid: zxidOf((r.payload?.stat as Rec).mzxid) };
        } else if (r.err === E.NO_NODE) {
          // getData sets no watch on an absent znode; exists does (it fires on the create).
          const x = await s.raw('EXISTS', { path: w.path }, onFire);
          if (x.err === 0) rec = { kind: 'arm', sent, sid, reg, zxid: x.zxid, exists: true, mzxid: zxidOf((x.payload?.stat as Rec).mzxid) };
          else if (x.err === E.NO_NODE) rec = { kind: 'arm', sent, sid, reg, zxid: x.zxid, exists: false };
          else throw new ZkError(x.err, `exists ${w.path}: error ${x.err}`);
        } else throw new ZkError(r.err, `getData ${w.path}: error ${r.err}`);
      }
      if (sid !== w.sid) return; // the session expired meanwhile: that registration is gone
      record(w, rec);
      if (!fired) w.armed = reg;
    } catch (err) {
      record(w, { kind: 'arm-failed', sid, reg, error: errorMessage(err) });
    } finally {
      w.arming = false;
    }
    // It fired before this read's continuation ran (reply and notification in one packet): re-arm now.
    if (fired && sid === w.sid && w.armed === undefined) await this.arm(w);
  }

  /** One window: arm if nothing is armed (and retry a failed arm); the records went to the history as they came. */
  private async watch(thread: number, node: string, observe: ((value: unknown, node?: string) => void) | undefined): Promise<Completion> {
    const w = this.watcherOf(thread, node);
    // The latest op's recorder: the watcher's process stays the same across windows (a window is ok).
    if (observe) w.observe = observe;
    const deadline = Date.now() + this.o.windowMs;
    while (Date.now() < deadline) {
      if (w.armed === undefined && !w.arming) await this.arm(w);
      await new Promise((r) => setTimeout(r, Math.max(0, Math.min(250, deadline - Date.now()))));
    }
    const watchInfo = { watcher: `w${thread}`, node, ...w.filter, start: 0, resume: false, store: 'zookeeper' };
    // Every record since the previous completion, those made between the windows too: the history
    // holds them before this completion, and the checker counts them against this number.
    const records = w.records;
    w.records = 0;
    return { type: 'ok', value: { watch: watchInfo, end: 'window', records }, node } as Completion;
  }

  close(): void {
    for (const s of this.sessions) s.close();
    this.sessions.clear();
  }
}
