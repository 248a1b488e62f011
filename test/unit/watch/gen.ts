/**
 * A generator of correct watch histories: a random committed sequence (puts, deletes, multi-key
 * transactions; some acknowledged, some indeterminate, some failed writes that never commit), and
 * watchers on a prefix or a key that deliver it faithfully — batches of whole revisions, progress
 * notifications only when caught up, disconnects resumed from last seen + 1, compactions that end a
 * resume with ErrCompacted and a fresh watch from the current revision — and that, after the last
 * write, catch up to the end. Every history it makes is valid; injections (inject.ts) break one thing.
 */
import fc from 'fast-check';
import type { Op } from '../../../harness/ground/history/op.js';
import { toEventShape } from './event-shape.js';
import { createRng } from '../../../harness/ground/generator/index.js';

export interface Change { key: string; type: 'put' | 'delete'; value?: string }
export interface GenBatch { at: number; events: { rev: number; key: string; type: 'put' | 'delete'; value?: string }[]; progress?: number }
export interface GenSegment { watcher: string; node: string; prefix?: string; key?: string; start: number; resume: boolean; createdRev?: number; batches: GenBatch[]; end: 'window' | 'error' | 'compacted'; compactRev?: number }
export interface GenHistory {
  commits: Change[][]; // commits[i] is revision i + 1
  status: ('ok' | 'info')[];
  failed: number;
  segments: GenSegment[];
  compactions: { rev: number; time: number }[];
}

const KEYS = ['/w/a', '/w/b', '/w/c', '/w/d'];

export interface GenParams { commits: number; watchers: number; seed: number }

/** The project's seeded RNG, so one fast-check seed gives one history. */
function rng(seed: number): () => number {
  const r = createRng(seed);
  return () => r.float();
}

export function generate(p: GenParams): GenHistory {
  const r = rng(p.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const commits: Change[][] = [];
  const status: ('ok' | 'info')[] = [];
  for (let i = 0; i < p.commits; i++) {
    const rev = i + 1;
    const n = r() < 0.2 ? 2 + Math.floor(r() * 2) : 1;
    const keys = [...KEYS].sort(() => r() - 0.5).slice(0, n);
    commits.push(keys.map((key, j) => (r() < 0.15 ? { key, type: 'delete' as const } : { key, type: 'put' as const, value: `v${rev}.${j}` })));
    status.push(r() < 0.1 ? 'info' : 'ok');
  }
  const N = p.commits;
  const compactions: { rev: number; time: number }[] = [];
  const segments: GenSegment[] = [];
  const at = (rev: number): number => rev * 1000; // a revision commits at rev µs
  for (let w = 0; w < p.watchers; w++) {
    const filter = r() < 0.6 ? { prefix: '/w/' } : { key: pick(KEYS) };
    const match = (c: Change): boolean => (filter.prefix !== undefined ? c.key.startsWith(filter.prefix) : c.key === filter.key);
    const watcher = `w${w}`;
    const node = `n${1 + (w % 3)}`;
    // p: the next revision this watcher would deliver.
    let pos = 1 + Math.floor(r() * Math.max(1, N / 2));
    let seg: GenSegment = { watcher, node, ...filter, start: pos, resume: false, batches: [], end: 'window' };
    let t = at(pos);
    const nextMatching = (from: number): number => { for (let x = from; x <= N; x++) if (commits[x - 1].some(match)) return x; return N + 1; };
    let steps = 0;
    while (pos <= N || steps === 0) {
      steps++;
      const roll = r();
      t += 100 + Math.floor(r() * 500);
      if (roll < 0.6) {
        // Deliver the next 1-3 revisions under the watch, each whole.
        const events: GenBatch['events'] = [];
        const k = 1 + Math.floor(r() * 3);
        for (let j = 0; j < k; j++) {
          const x = nextMatching(pos);
          if (x > N) break;
          for (const c of commits[x - 1]) if (match(c)) events.push({ rev: x, ...c });
          pos = x + 1;
        }
        if (events.length > 0) seg.batches.push({ at: Math.max(t, at(events[events.length - 1].rev) + 50), events });
        else if (pos <= N || steps < 3) { seg.batches.push({ at: t, events: [], progress: N }); pos = N + 1; }
      } else if (roll < 0.75) {
        // A progress notification: caught up to just before the next matching revision.
        const x = nextMatching(pos);
        if (x - 1 >= 1) { seg.batches.push({ at: t, events: [], progress: x - 1 }); pos = Math.max(pos, x); }
      } else if (roll < 0.9 && pos <= N) {
        // A disconnect: the next segment resumes from last seen + 1, unless a compaction passed it.
        seg.end = 'error';
        segments.push(seg);
        if (r() < 0.25 && pos > 1) {
          const c = pos + Math.floor(r() * Math.max(1, N - pos));
          compactions.push({ rev: Math.min(c, N), time: t });
          segments.push({ watcher, node, ...filter, start: pos, resume: true, batches: [], end: 'compacted', compactRev: Math.min(c, N) });
          pos = Math.min(c, N) + 1;
          seg = { watcher, node, ...filter, start: 0, createdRev: pos - 1, resume: false, batches: [], end: 'window' };
        } else {
          seg = { watcher, node, ...filter, start: pos, resume: true, batches: [], end: 'window' };
        }
      }
    }
    // Caught up at the end: a final progress notification at the last revision.
    seg.batches.push({ at: t + 1000, events: [], progress: N });
    segments.push(seg);
  }
  return { commits, status, failed: 1 + Math.floor(r() * 3), segments, compactions };
}

/** The history the workload records for `g`: each delivery an `event` record (event-shape.ts). */
export function toOps(g: GenHistory): Op[] {
  return toEventShape(toLegacyOps(g));
}

/** The history an older run recorded for `g`: each window's deliveries inside its completion. */
export function toLegacyOps(g: GenHistory): Op[] {
  const ops: Op[] = [];
  let process = 0;
  const pair = (f: string, inv: unknown, type: 'ok' | 'info' | 'fail', done: unknown, t0: number, t1: number, node?: string): void => {
    const p = process++;
    ops.push({ index: ops.length, time: t0, process: p, type: 'invoke', f, value: inv, ...(node ? { node } : {}) });
    ops.push({ index: ops.length, time: t1, process: p, type, f, value: done, ...(node ? { node } : {}) });
  };
  g.commits.forEach((changes, i) => {
    const rev = i + 1;
    const t = rev * 1000;
    const st = g.status[i];
    const done = (v: object): unknown => (st === 'ok' ? { ...v, rev } : undefined);
    if (changes.length > 1) pair('txn', { ops: changes }, st, done({ ops: changes }), t - 500, t + 300);
    else if (changes[0].type === 'put') pair('put', { key: changes[0].key, value: changes[0].value }, st, done({ key: changes[0].key, value: changes[0].value }), t - 500, t + 300);
    else pair('delete', { key: changes[0].key }, st, done({ key: changes[0].key, deleted: 1 }), t - 500, t + 300);
  });
  for (let i = 0; i < g.failed; i++) pair('put', { key: '/w/a', value: `failed${i}` }, 'fail', undefined, 10 + i, 20 + i);
  for (const c of g.compactions) pair('compact', {}, 'ok', { rev: c.rev }, c.time, c.time + 1);
  for (const s of g.segments) {
    const filter = s.prefix !== undefined ? { prefix: s.prefix } : { key: s.key };
    const t0 = s.batches[0]?.at ?? 0;
    const t1 = s.batches.length > 0 ? s.batches[s.batches.length - 1].at + 1 : t0 + 1;
    pair('watch', { watcher: s.watcher, node: s.node, ...filter, start: s.start, resume: s.resume }, s.end === 'window' ? 'ok' : 'info',
      { batches: s.batches, end: s.end, ...(s.createdRev !== undefined ? { createdRev: s.createdRev } : {}), ...(s.compactRev !== undefined ? { compactRev: s.compactRev } : {}) }, t0, t1, s.node);
  }
  // The final read: each key's last put (a key last deleted is absent).
  const kvs: Record<string, [string, number]> = {};
  g.commits.forEach((changes, i) => { for (const c of changes) { if (c.type === 'put') kvs[c.key] = [c.value!, i + 1]; else delete kvs[c.key]; } });
  const end = (g.commits.length + 10) * 1000 + 1e6;
  pair('final-read', {}, 'ok', { rev: g.commits.length, kvs }, end, end + 1);
  return ops;
}

export const genParams: fc.Arbitrary<GenParams> = fc.record({
  commits: fc.integer({ min: 1, max: 60 }),
  watchers: fc.integer({ min: 1, max: 4 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});
