/**
 * A generator of correct Consul blocking-query histories: a random sequence of commits at increasing
 * Raft indices with holes (sets, two-key transactions, deletes; some writes indeterminate, some
 * failed), and watchers on a key or the prefix whose returns show the state at some index at or after
 * the one asked (spuriously unchanged at times), with X-Consul-Index at least every ModifyIndex
 * returned — sometimes lower than the one before (an index reset, which the client follows). The
 * last return of each watcher shows the final state. Every history it makes is valid.
 */
import fc from 'fast-check';
import type { Op } from '../../../harness/ground/history/op.js';
import { toEventShape } from './event-shape.js';
import { createRng } from '../../../harness/ground/generator/index.js';
import type { ConsulReturn } from '../../../checkers/watch/types.js';

const KEYS = ['/w/a', '/w/b', '/w/c'];
const MS = 1e6;

export interface ConsulGenParams { commits: number; watchers: number; seed: number; infoRate: number }
export const consulGenParams = fc.record({ commits: fc.integer({ min: 3, max: 60 }), watchers: fc.integer({ min: 1, max: 4 }), seed: fc.integer({ min: 1, max: 2 ** 30 }), infoRate: fc.constantFrom(0, 0.15) });

interface Commit { index: number; at: number; changes: { key: string; type: 'put' | 'delete'; value?: string }[]; status: 'ok' | 'info' }
export interface ConsulWatcherGen { watcher: string; node: string; key?: string; prefix?: string; returns: ConsulReturn[] }
export interface ConsulGen { commits: Commit[]; failed: string[]; watchers: ConsulWatcherGen[]; end: number; final: Record<string, [string, number]> }

export function generateConsul(p: ConsulGenParams): ConsulGen {
  const rng = createRng(p.seed);
  const r = (): number => rng.float();
  const commits: Commit[] = [];
  const failed: string[] = [];
  let index = 10;
  for (let i = 0; i < p.commits; i++) {
    index += 1 + Math.floor(r() * 3);
    const key = KEYS[Math.floor(r() * KEYS.length)];
    const roll = r();
    const changes: Commit['changes'] = roll < 0.15 ? [{ key, type: 'delete' }]
      : roll < 0.3 ? [{ key, type: 'put', value: `t${i}a` }, { key: KEYS[(KEYS.indexOf(key) + 1) % KEYS.length], type: 'put', value: `t${i}b` }]
        : [{ key, type: 'put', value: `p${i}` }];
    commits.push({ index, at: (i + 1) * 10 * MS, changes, status: r() < p.infoRate ? 'info' : 'ok' });
    if (r() < 0.1) failed.push(`f${i}`);
  }
  const end = (p.commits + 1) * 10 * MS;
  const stateAt = (t: number): { index: number; kv: Map<string, [string, number]> } => {
    const kv = new Map<string, [string, number]>();
    let idx = 10;
    for (const c of commits) {
      if (c.at > t) break;
      idx = c.index;
      for (const ch of c.changes) if (ch.type === 'delete') kv.delete(ch.key); else kv.set(ch.key, [ch.value!, c.index]);
    }
    return { index: idx, kv };
  };
  const watchers: ConsulWatcherGen[] = [];
  for (let wi = 0; wi < p.watchers; wi++) {
    const prefix = wi % 2 === 0 ? '/w/' : undefined;
    const key = prefix === undefined ? KEYS[wi % KEYS.length] : undefined;
    const returns: ConsulReturn[] = [];
    let asked = 0;
    let t = Math.floor(r() * 10) * MS;
    while (t < end + 40 * MS) {
      const sent = t;
      // Returns when something changed past `asked`, or at the wait's end (spurious), or early anyway.
      t += Math.floor(1 + r() * 25) * MS;
      const s = stateAt(t);
      const kvs = [...s.kv].filter(([k]) => (key !== undefined ? k === key : k.startsWith(prefix!))).map(([k, [value, modifyIndex]]) => ({ key: k, value, modifyIndex }));
      // An index reset: Consul answers with a lower index (never below what it returns).
      const floor = kvs.reduce((m, e) => Math.max(m, e.modifyIndex), 1);
      const idx = r() < 0.05 && s.index > floor ? floor + Math.floor(r() * (s.index - floor)) : s.index;
      returns.push({ at: t, sent, asked, index: idx, kvs });
      asked = idx < asked ? 0 : Math.max(1, idx);
    }
    watchers.push({ watcher: `w${wi}`, node: `n${wi + 1}`, ...(key !== undefined ? { key } : { prefix }), returns });
  }
  const final: Record<string, [string, number]> = {};
  for (const [k, v] of stateAt(Infinity).kv) final[k] = v;
  return { commits, failed, watchers, end: end + 100 * MS, final };
}

/** The history of a generated run: write ops, watch windows of 60 ms each, a final read. */
export function consulToOps(g: ConsulGen): Op[] {
  return toEventShape(consulToLegacyOps(g));
}

/** The same as an older run recorded it: each window's returns inside its completion. */
export function consulToLegacyOps(g: ConsulGen): Op[] {
  const ops: Omit<Op, 'index'>[] = [];
  let proc = 100;
  for (const c of g.commits) {
    const process = proc++;
    const f = c.changes.length > 1 ? 'txn' : c.changes[0].type === 'delete' ? 'delete' : 'put';
    const value = f === 'txn' ? { ops: c.changes.map((x) => ({ type: 'put', key: x.key, value: x.value })) } : f === 'delete' ? { key: c.changes[0].key } : { key: c.changes[0].key, value: c.changes[0].value };
    ops.push({ time: c.at - 2 * MS, process, type: 'invoke', f, value });
    // A delete's answer carries no index (Consul gives none).
    if (c.status === 'ok') ops.push({ time: c.at + 2 * MS, process, type: 'ok', f, value: f === 'delete' ? value : { ...value, rev: c.index } });
    else ops.push({ time: c.at + 2 * MS, process, type: 'info', f, value, error: 'timeout' });
  }
  for (const [i, v] of g.failed.entries()) {
    const process = proc++;
    ops.push({ time: i * 7 * MS, process, type: 'invoke', f: 'put', value: { key: '/w/a', value: v } });
    ops.push({ time: i * 7 * MS + 1, process, type: 'fail', f: 'put', value: { key: '/w/a', value: v }, error: 'HTTP 400' });
  }
  const WIN = 60 * MS;
  for (const [wi, w] of g.watchers.entries()) {
    for (let t0 = 0; t0 < g.end; t0 += WIN) {
      const rets = w.returns.filter((x) => x.at >= t0 && x.at < t0 + WIN).map((x) => ({ ...x, kvs: x.kvs.map((e) => [e.key, e.value, e.modifyIndex]) }));
      const watch = { watcher: w.watcher, node: w.node, ...(w.key ? { key: w.key } : { prefix: w.prefix }), start: 0, resume: false, store: 'consul' };
      ops.push({ time: t0, process: wi, type: 'invoke', f: 'watch', value: null });
      ops.push({ time: t0 + WIN - 1, process: wi, type: 'ok', f: 'watch', value: { watch, consul: rets, end: 'window', clock: t0 + WIN - 1 } });
    }
  }
  ops.push({ time: g.end + 1, process: 99, type: 'invoke', f: 'final-read', value: null });
  ops.push({ time: g.end + 2, process: 99, type: 'ok', f: 'final-read', value: { rev: 0, kvs: g.final } });
  return ops.sort((a, b) => a.time - b.time).map((o, index) => ({ ...o, index }));
}

type Injection = (g: ConsulGen, k: number) => ConsulGen | undefined;
const pickOf = <T>(xs: T[], k: number): T | undefined => (xs.length === 0 ? undefined : xs[k % xs.length]);
const entries = (g: ConsulGen): { w: ConsulWatcherGen; ret: ConsulReturn; e: ConsulReturn['kvs'][number] }[] =>
  g.watchers.flatMap((w) => w.returns.flatMap((ret) => ret.kvs.map((e) => ({ w, ret, e }))));

/** One injection per Consul violation class; undefined when the history has no place for it. */
export const CONSUL_INJECTIONS: Record<string, Injection> = {
  'phantom-value': (g0, k) => {
    const g = structuredClone(g0);
    const s = pickOf(entries(g), k);
    if (!s) return undefined;
    s.e.value = 'never-written';
    return g;
  },
  'failed-write-event': (g0, k) => {
    const g = structuredClone(g0);
    const s = pickOf(entries(g), k);
    if (!s || g.failed.length === 0) return undefined;
    s.e.value = g.failed[k % g.failed.length];
    return g;
  },
  'kv-mismatch': (g0, k) => {
    const g = structuredClone(g0);
    const s = pickOf(entries(g).filter((x) => x.e.modifyIndex > 11), k);
    if (!s) return undefined;
    s.e.modifyIndex -= 1; // the value with another ModifyIndex than its write committed at
    return g;
  },
  // A later return shows an older value of a key than an earlier return did.
  reorder: (g0, k) => {
    const g = structuredClone(g0);
    const spots: { later: ConsulReturn; older: ConsulReturn['kvs'][number]; key: string }[] = [];
    for (const w of g.watchers) {
      for (let i = 0; i < w.returns.length; i++) {
        for (const e of w.returns[i].kvs) {
          for (let j = i + 1; j < w.returns.length; j++) {
            const now = w.returns[j].kvs.find((x) => x.key === e.key);
            if (now && now.modifyIndex > e.modifyIndex && j + 1 < w.returns.length) { spots.push({ later: w.returns[j + 1], older: e, key: e.key }); break; }
          }
        }
      }
    }
    const s = pickOf(spots, k);
    if (!s) return undefined;
    s.later.kvs = [...s.later.kvs.filter((x) => x.key !== s.key), { ...s.older }];
    return g;
  },
  // The watcher's last returns miss the final change of a key.
  'not-converged': (g0, k) => {
    const g = structuredClone(g0);
    const spots = g.watchers.filter((w) => (w.returns.at(-1)?.kvs.length ?? 0) > 0);
    const w = pickOf(spots, k);
    if (!w) return undefined;
    const last = w.returns.at(-1)!;
    last.kvs = last.kvs.slice(1);
    return g;
  },
};
