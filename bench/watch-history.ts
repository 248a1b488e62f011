/**
 * A large correct watch history for bench:watch, built straight as ops (the workload's format,
 * checkers/watch/parse.ts): `commits` revisions (single puts, every 10th a 2-key transaction),
 * `watchers` prefix watchers that each receive every revision in responses of 1–4 revisions, a
 * progress notification every 500 responses and a disconnect resumed from last seen + 1 every 2,000.
 * Each delivery is an `event` record between its window's invoke and completion, as the workload
 * records them.
 */
import type { Op } from '../harness/ground/history/op.js';

export function generateWatchOps(commits: number, watchers: number): Op[] {
  const ops: Op[] = [];
  let process = 0;
  const pair = (f: string, inv: unknown, type: 'ok' | 'info', done: unknown, t0: number, t1: number): void => {
    const p = process++;
    ops.push({ index: ops.length, time: t0, process: p, type: 'invoke', f, value: inv });
    ops.push({ index: ops.length, time: t1, process: p, type, f, value: done });
  };
  const keys = ['/w/0', '/w/1', '/w/2', '/w/3', '/w/4', '/w/5', '/w/6', '/w/7'];
  const changes: { key: string; value: string }[][] = [];
  for (let i = 0; i < commits; i++) {
    const rev = i + 1;
    const c = rev % 10 === 0 ? [{ key: keys[rev % 8], value: `v${rev}a` }, { key: keys[(rev + 1) % 8], value: `v${rev}b` }] : [{ key: keys[rev % 8], value: `v${rev}` }];
    changes.push(c);
    const t = rev * 10_000;
    if (c.length > 1) pair('txn', { ops: c.map((x) => ({ type: 'put', ...x })) }, 'ok', { rev }, t - 5000, t + 3000);
    else pair('put', c[0], 'ok', { ...c[0], rev }, t - 5000, t + 3000);
  }
  for (let w = 0; w < watchers; w++) {
    let rev = 1;
    let start = 1;
    let resume = false;
    const watcher = `w${w}`;
    const node = `n${w % 3 + 1}`;
    let events: { time: number; value: Record<string, unknown> }[] = [];
    let responses = 0;
    const flush = (end: 'window' | 'error'): void => {
      const p = process++;
      ops.push({ index: ops.length, time: start * 10_000, process: p, type: 'invoke', f: 'watch', value: { watcher, node, prefix: '/w/', start, resume } });
      for (const e of events) ops.push({ index: ops.length, time: e.time, process: p, type: 'event', f: 'event', value: e.value, node });
      ops.push({ index: ops.length, time: rev * 10_000 + 1, process: p, type: end === 'window' ? 'ok' : 'info', f: 'watch', value: { end } });
      events = [];
      start = rev;
      resume = true;
    };
    while (rev <= commits) {
      const n = 1 + (responses % 4);
      const batch = ++responses;
      const at = (rev + n - 1 > commits ? commits : rev + n - 1) * 10_000 + 2_000;
      for (let j = 0; j < n && rev <= commits; j++, rev++) for (const c of changes[rev - 1]) events.push({ time: at, value: { watcher, kind: 'put', key: c.key, value: c.value, rev, batch } });
      if (responses % 500 === 0) events.push({ time: at, value: { watcher, kind: 'progress', rev: rev - 1, batch } });
      if (responses % 2000 === 0 && rev <= commits) flush('error');
    }
    events.push({ time: commits * 10_000 + 5_000, value: { watcher, kind: 'progress', rev: commits, batch: ++responses } });
    flush('window');
  }
  const kvs: Record<string, [string, number]> = {};
  changes.forEach((c, i) => { for (const x of c) kvs[x.key] = [x.value, i + 1]; });
  pair('final-read', {}, 'ok', { rev: commits, kvs }, commits * 10_000 + 1e6, commits * 10_000 + 1e6 + 1);
  return ops;
}
