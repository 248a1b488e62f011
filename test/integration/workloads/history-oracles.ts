/**
 * Oracles over a recorded history, independent of the checkers they cross-check: pairing invokes
 * with completions, which node an op went to, which partitions the nemesis applied, and what a
 * well-formed list-append history of one serial node looks like.
 */
import type { ExpectStatic } from 'vitest';
import type { Op } from '../../../harness/ground/history/op.js';

/** Ops of client processes (not the nemesis). */
export const clientOps = (h: Op[]): Op[] => h.filter((op) => typeof op.process === 'number');

/** Client completions of `f` of one type (default ok). */
export const completions = (h: Op[], f: string, type = 'ok'): Op[] => clientOps(h).filter((op) => op.f === f && op.type === type);

/** History index → op. */
export const byIndex = (h: Op[]): Map<number, Op> => new Map(h.map((op) => [op.index, op]));

/**
 * The node a (non-final) client op went to. The history should say (Op.node), but the driver drops
 * the node a Maelstrom client reports, so fall back on the runner's rule: thread = process mod
 * concurrency (a retired process continues as process + concurrency), node = thread mod nodes.
 */
export function routedNodeOf(op: { process: unknown; node?: string }, concurrency: number, nodes: number): string {
  return op.node ?? `n${((op.process as number) % concurrency) % nodes}`;
}

/** The partitions the nemesis applied (completed start-partition ops with a non-empty grudge). */
export function partitions(h: Op[]): Op[] {
  return h.filter((op) => op.process === 'nemesis' && op.f === 'start-partition' && op.type !== 'invoke' &&
    Object.keys((op.value as { grudge?: object } | null)?.grudge ?? {}).length > 0);
}

/** Each client op as [invoke, completion], in completion order; an invoke never completed is left out. */
export function pairs(h: Op[]): [Op, Op][] {
  const open = new Map<number, Op>();
  const out: [Op, Op][] = [];
  for (const op of clientOps(h)) {
    const p = op.process as number;
    if (op.type === 'invoke') open.set(p, op);
    else if (open.has(p)) {
      out.push([open.get(p)!, op]);
      open.delete(p);
    }
  }
  return out;
}

/**
 * Every invoke completes once, every ok txn has the micro-ops sent with reads filled in, the
 * checker's counts match the history, and — the store being one serial node — every read of a key is
 * a prefix of the longest read of it, holding exactly the values appended to it in some order.
 */
export function expectWellFormedTxns(expect: ExpectStatic, history: Op[], res: Record<string, any>): void {
  const open = new Map<number, Op>();
  const oks: [Op, Op][] = [];
  for (const op of clientOps(history)) {
    const p = op.process as number;
    if (op.type === 'invoke') {
      expect(open.has(p), `process ${p} invoked twice`).toBe(false);
      open.set(p, op);
      continue;
    }
    const inv = open.get(p);
    expect(inv, `completion ${op.index} without invoke`).toBeDefined();
    open.delete(p);
    if (op.type === 'ok') oks.push([inv!, op]);
  }
  expect(open.size).toBe(0);
  expect(oks.length).toBeGreaterThan(100);
  expect(res.txns.ok).toBe(oks.length);
  const longest = new Map<string, unknown[]>();
  // Any append invoked may have happened (an info txn too), so all of them may be read.
  const appended = new Map<string, Set<unknown>>();
  for (const op of clientOps(history)) {
    if (op.type !== 'invoke') continue;
    for (const [f, k, v] of op.value as unknown[][]) {
      if (f !== 'append') continue;
      const key = JSON.stringify(k);
      if (!appended.has(key)) appended.set(key, new Set());
      appended.get(key)!.add(v);
    }
  }
  let reads = 0;
  for (const [inv, ok] of oks) {
    const sent = inv.value as unknown[][];
    const got = ok.value as unknown[][];
    expect(got.length).toBe(sent.length);
    got.forEach((m, i) => {
      expect([m[0], m[1]]).toEqual([sent[i][0], sent[i][1]]);
      const key = JSON.stringify(m[1]);
      if (m[0] === 'append') {
        expect(m[2]).toEqual(sent[i][2]);
        return;
      }
      reads++;
      expect(m[2] === null || Array.isArray(m[2])).toBe(true);
      const list = (m[2] ?? []) as unknown[];
      const cur = longest.get(key) ?? [];
      const [short, long] = list.length <= cur.length ? [list, cur] : [cur, list];
      expect(long.slice(0, short.length), `reads of key ${key} diverge`).toEqual(short);
      longest.set(key, long);
    });
  }
  expect(reads).toBeGreaterThan(0);
  expect(res.microOps.reads).toBe(reads);
  for (const [key, list] of longest) {
    expect(new Set(list).size, `key ${key} has a duplicated append`).toBe(list.length);
    for (const v of list) expect(appended.get(key)?.has(v), `key ${key} read ${JSON.stringify(v)}, never appended`).toBe(true);
  }
}
