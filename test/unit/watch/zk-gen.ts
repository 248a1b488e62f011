/**
 * A generator of correct ZooKeeper watch histories: a random sequence of commits (puts that create or
 * set, deletes, two-key multis; zxids with holes for other transactions; some writes indeterminate,
 * some failed), and watchers — data watches on a key, child watches on the parent — simulated as a
 * ZooKeeper server and client do: a registration is a read at the current zxid, it fires once on the
 * first change under it after that zxid, the client re-arms after a random delay with a read at the
 * then current zxid (changes in between are coalesced), and a session may expire (losing the
 * registration) and be re-created. Every history it makes is valid; the injections break one thing.
 */
import fc from 'fast-check';
import type { Op } from '../../../harness/ground/history/op.js';
import { toEventShape } from './event-shape.js';
import { createRng } from '../../../harness/ground/generator/index.js';
import type { ZkRecord } from '../../../checkers/watch/types.js';

const PARENT = '/w';
const KEYS = ['/w/a', '/w/b', '/w/c'];
const MS = 1e6;

export interface ZkGenParams { commits: number; watchers: number; seed: number; infoRate: number }
export const zkGenParams = fc.record({ commits: fc.integer({ min: 3, max: 60 }), watchers: fc.integer({ min: 1, max: 4 }), seed: fc.integer({ min: 1, max: 2 ** 30 }), infoRate: fc.constantFrom(0, 0.15) });

interface Commit { zxid: number; at: number; changes: { key: string; type: 'put' | 'delete'; value?: string; created?: boolean }[]; status: 'ok' | 'info' }
export interface ZkWatcherGen { watcher: string; node: string; key?: string; prefix?: string; log: ZkRecord[] }
export interface ZkGen { commits: Commit[]; failed: string[]; watchers: ZkWatcherGen[]; end: number; final: { kvs: Record<string, [string, number]>; pzxid: number; rev: number } }

export function generateZk(p: ZkGenParams): ZkGen {
  const rng = createRng(p.seed);
  const r = (): number => rng.float();
  const state = new Map<string, { value: string; mzxid: number }>();
  const commits: Commit[] = [];
  const failed: string[] = [];
  let zxid = 0x100000000;
  let pzxid = zxid;
  for (let i = 0; i < p.commits; i++) {
    zxid += 1 + (r() < 0.3 ? Math.floor(r() * 3) : 0);
    const at = (i + 1) * 10 * MS;
    const key = KEYS[Math.floor(r() * KEYS.length)];
    const roll = r();
    let changes: Commit['changes'];
    if (roll < 0.2 && state.has(key)) changes = [{ key, type: 'delete' }];
    else if (roll < 0.35) {
      const other = KEYS[(KEYS.indexOf(key) + 1) % KEYS.length];
      if (!state.has(key) || !state.has(other)) { changes = [{ key, type: 'put', value: `p${i}`, created: !state.has(key) }]; }
      else changes = [{ key, type: 'put', value: `t${i}a`, created: false }, { key: other, type: 'put', value: `t${i}b`, created: false }];
    } else changes = [{ key, type: 'put', value: `p${i}`, created: !state.has(key) }];
    for (const c of changes) {
      if (c.type === 'delete') { state.delete(c.key); pzxid = zxid; } else { if (c.created) pzxid = zxid; state.set(c.key, { value: c.value!, mzxid: zxid }); }
    }
    commits.push({ zxid, at, changes, status: r() < p.infoRate ? 'info' : 'ok' });
    if (r() < 0.1) failed.push(`f${i}`);
  }
  const end = (p.commits + 1) * 10 * MS;
  // The state at a time: replay commits up to it.
  const stateAt = (t: number): { zxid: number; kv: Map<string, { value: string; mzxid: number }>; pzxid: number } => {
    const kv = new Map<string, { value: string; mzxid: number }>();
    let z = 0x100000000;
    let pz = z;
    for (const c of commits) {
      if (c.at > t) break;
      z = c.zxid;
      for (const ch of c.changes) {
        if (ch.type === 'delete') { kv.delete(ch.key); pz = c.zxid; } else { if (ch.created) pz = c.zxid; kv.set(ch.key, { value: ch.value!, mzxid: c.zxid }); }
      }
    }
    return { zxid: z, kv, pzxid: pz };
  };
  const watchers: ZkWatcherGen[] = [];
  for (let wi = 0; wi < p.watchers; wi++) {
    const child = wi % 2 === 0;
    const key = KEYS[wi % KEYS.length];
    const log: ZkRecord[] = [];
    let sid = 0;
    let reg = 0;
    let t = Math.floor(r() * 15) * MS;
    const relevant = (c: Commit): boolean => c.changes.some((ch) => (child ? ch.type === 'delete' || ch.created === true : ch.key === key));
    while (t < end + 50 * MS) {
      // Arm: a read at the state of time t.
      reg++;
      const s = stateAt(t);
      const rec: ZkRecord = { k: 'arm', at: t + 1 * MS, sent: t, sid, reg, zxid: s.zxid };
      if (child) rec.pzxid = s.pzxid;
      else { const v = s.kv.get(key); rec.exists = v !== undefined; if (v) { rec.value = v.value; rec.mzxid = v.mzxid; } }
      log.push(rec);
      const trigger = commits.find((c) => c.at > t && relevant(c));
      // A session may expire while the registration waits (before the trigger, if any).
      const expireAt = r() < 0.08 ? t + 3 * MS + Math.floor(r() * 20) * MS : Infinity;
      if (expireAt < (trigger?.at ?? Infinity) && expireAt < end) {
        log.push({ k: 'expired', at: expireAt, sid, lost: reg });
        sid++;
        t = expireAt + 5 * MS;
        continue;
      }
      if (!trigger) break;
      const fireAt = trigger.at + 1 * MS + Math.floor(r() * 3) * MS;
      log.push({ k: 'fire', at: fireAt, sid, reg, type: child ? 'NODE_CHILDREN_CHANGED' : 'NODE_DATA_CHANGED' });
      // Re-arm after a delay: the changes in between are coalesced.
      t = fireAt + Math.floor(r() * 25) * MS;
    }
    watchers.push({ watcher: `w${wi}`, node: `n${wi + 1}`, ...(child ? { prefix: `${PARENT}/` } : { key }), log });
  }
  const fin = stateAt(Infinity);
  const kvs: Record<string, [string, number]> = {};
  for (const [k, v] of fin.kv) kvs[k] = [v.value, v.mzxid];
  return { commits, failed, watchers, end: end + 100 * MS, final: { kvs, pzxid: fin.pzxid, rev: fin.zxid } };
}

/** The history of a generated run: write ops, watch windows of 60 ms each, a final read; each record an `event`. */
export function zkToOps(g: ZkGen): Op[] {
  return toEventShape(zkToLegacyOps(g));
}

/** The same as an older run recorded it: each window's records inside its completion. */
export function zkToLegacyOps(g: ZkGen): Op[] {
  const ops: Omit<Op, 'index'>[] = [];
  let proc = 100;
  for (const c of g.commits) {
    const process = proc++;
    const value = c.changes.length > 1 ? { ops: c.changes.map((x) => ({ type: 'put', key: x.key, value: x.value })) } : c.changes[0].type === 'delete' ? { key: c.changes[0].key } : { key: c.changes[0].key, value: c.changes[0].value };
    const f = c.changes.length > 1 ? 'txn' : c.changes[0].type === 'delete' ? 'delete' : 'put';
    ops.push({ time: c.at - 2 * MS, process, type: 'invoke', f, value });
    if (c.status === 'ok') ops.push({ time: c.at + 2 * MS, process, type: 'ok', f, value: { ...value, rev: c.zxid, ...(f === 'put' ? { created: c.changes[0].created } : {}), ...(f === 'delete' ? { deleted: 1 } : {}) } });
    else ops.push({ time: c.at + 2 * MS, process, type: 'info', f, value, error: 'timeout' });
  }
  for (const [i, v] of g.failed.entries()) {
    const process = proc++;
    ops.push({ time: i * 7 * MS, process, type: 'invoke', f: 'put', value: { key: '/w/a', value: v } });
    ops.push({ time: i * 7 * MS + 1, process, type: 'fail', f: 'put', value: { key: '/w/a', value: v }, error: 'NO_NODE' });
  }
  const WIN = 60 * MS;
  for (const [wi, w] of g.watchers.entries()) {
    for (let t0 = 0; t0 < g.end; t0 += WIN) {
      const recs = w.log.filter((x) => x.at >= t0 && x.at < t0 + WIN);
      const watch = { watcher: w.watcher, node: w.node, ...(w.key ? { key: w.key } : { prefix: w.prefix }), start: 0, resume: false, store: 'zookeeper' };
      ops.push({ time: t0, process: wi, type: 'invoke', f: 'watch', value: null });
      ops.push({ time: t0 + WIN - 1, process: wi, type: 'ok', f: 'watch', value: { watch, zk: recs, end: 'window', clock: t0 + WIN - 1 } });
    }
  }
  ops.push({ time: g.end + 1, process: 99, type: 'invoke', f: 'final-read', value: null });
  ops.push({ time: g.end + 2, process: 99, type: 'ok', f: 'final-read', value: { rev: g.final.rev, kvs: g.final.kvs, pzxid: { '/w': g.final.pzxid } } });
  return ops.sort((a, b) => a.time - b.time).map((o, index) => ({ ...o, index }));
}

const clone = (g: ZkGen): ZkGen => structuredClone(g);
type Injection = (g: ZkGen, k: number) => ZkGen | undefined;
const pickOf = <T>(xs: T[], k: number): T | undefined => (xs.length === 0 ? undefined : xs[k % xs.length]);

/** One injection per ZooKeeper violation class; undefined when the history has no place for it. */
export const ZK_INJECTIONS: Record<string, Injection> = {
  // The read after a firing answers below the trigger: a stale copy of the registration's own read.
  'event-before-data': (g0, k) => {
    const g = clone(g0);
    const spots: { w: ZkWatcherGen; arm: ZkRecord; next: ZkRecord }[] = [];
    for (const w of g.watchers) {
      for (const f of w.log.filter((x) => x.k === 'fire')) {
        const arm = w.log.find((x) => x.k === 'arm' && x.reg === f.reg && x.sid === f.sid)!;
        const next = w.log.find((x) => x.k === 'arm' && x.sid === f.sid && (x.reg ?? 0) > (f.reg ?? 0));
        if (next && (next.zxid ?? 0) > (arm.zxid ?? 0)) spots.push({ w, arm, next });
      }
    }
    const s = pickOf(spots, k);
    if (!s) return undefined;
    s.next.zxid = s.arm.zxid;
    for (const f of ['exists', 'value', 'mzxid', 'pzxid'] as const) { if (s.arm[f] === undefined) delete s.next[f]; else (s.next as unknown as Record<string, unknown>)[f] = s.arm[f]; }
    // The later registrations of the session answered no lower than it (no reorder hides it).
    return g;
  },
  'double-fire': (g0, k) => {
    const g = clone(g0);
    const fires = g.watchers.flatMap((w) => w.log.filter((x) => x.k === 'fire').map((f) => ({ w, f })));
    const s = pickOf(fires, k);
    if (!s) return undefined;
    s.w.log.push({ ...s.f, at: s.f.at + 1 });
    return g;
  },
  'orphan notification': (g0, k) => {
    const g = clone(g0);
    const w = pickOf(g.watchers, k)!;
    w.log.push({ k: 'orphan', at: g.end - 10 * MS, sid: 0, type: 'NODE_DATA_CHANGED' });
    return g;
  },
  'event-without-write': (g0, k) => {
    const g = clone(g0);
    // The last registration of a watcher, armed after the last change under it: fire it anyway.
    const spots = g.watchers.map((w) => ({ w, arm: [...w.log].reverse().find((x) => x.k === 'arm') })).filter((s) => s.arm && !s.w.log.some((x) => x.k === 'fire' && x.reg === s.arm!.reg && x.sid === s.arm!.sid) && !s.w.log.some((x) => x.k === 'expired' && x.sid === s.arm!.sid));
    const s = pickOf(spots, k);
    if (!s) return undefined;
    s.w.log.push({ k: 'fire', at: g.end - 10 * MS, sid: s.arm!.sid, reg: s.arm!.reg, type: 'NODE_DATA_CHANGED' });
    return g;
  },
  'phantom-value': (g0, k) => {
    const g = clone(g0);
    const arms = g.watchers.flatMap((w) => w.log.filter((x) => x.k === 'arm' && x.value !== undefined));
    const a = pickOf(arms, k);
    if (!a) return undefined;
    a.value = 'never-written';
    return g;
  },
  'failed-write-event': (g0, k) => {
    const g = clone(g0);
    const arms = g.watchers.flatMap((w) => w.log.filter((x) => x.k === 'arm' && x.value !== undefined));
    const a = pickOf(arms, k);
    if (!a || g.failed.length === 0) return undefined;
    a.value = g.failed[k % g.failed.length];
    return g;
  },
  reorder: (g0, k) => {
    const g = clone(g0);
    const spots: [ZkRecord, ZkRecord][] = [];
    for (const w of g.watchers) {
      const arms = w.log.filter((x) => x.k === 'arm');
      for (let i = 1; i < arms.length; i++) if (arms[i].sid === arms[i - 1].sid && (arms[i].zxid ?? 0) > (arms[i - 1].zxid ?? 0)) spots.push([arms[i - 1], arms[i]]);
    }
    const s = pickOf(spots, k);
    if (!s) return undefined;
    // The later reply of the session answers below the earlier one.
    s[1].zxid = (s[0].zxid ?? 0) - 1;
    return g;
  },
  'not-converged': (g0, k) => {
    const g = clone(g0);
    // The watcher misses its last notification: the last firing (and all after it) never came.
    const spots = g.watchers.filter((w) => { const i = w.log.map((x) => x.k).lastIndexOf('fire'); return i >= 0 && !w.log.slice(0, i).some((x) => x.k === 'expired' && x.sid >= w.log[i].sid); });
    const w = pickOf(spots, k);
    if (!w) return undefined;
    const i = w.log.map((x) => x.k).lastIndexOf('fire');
    w.log.splice(i);
    return g;
  },
};
