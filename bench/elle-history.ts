/**
 * Generated transactional histories for the Elle benchmark, after Jepsen's append test: 1–4
 * micro-ops per transaction, `activeKeys` keys in use at once, each retired after `writesPerKey`
 * appends (or writes), `infoRate` of transactions indeterminate, `concurrency` clients. Each
 * transaction takes effect atomically at a random instant between its invoke and its completion, so
 * the history is strict serializable by construction and the checker's whole pipeline runs.
 */
import { mulberry32 } from './generate-history.js';
import type { Op } from '../harness/ground/history/op.js';

export interface ElleBenchParams {
  txns: number;
  workload: 'list-append' | 'rw-register';
  activeKeys: number;
  writesPerKey: number;
  infoRate: number;
  concurrency: number;
  seed: number;
}


type Micro = [string, number, unknown];

/** A generated history (Faultline Op records, times = indices). */
export function generateElleHistory(p: ElleBenchParams): Op[] {
  const rand = mulberry32(p.seed);
  const list = p.workload === 'list-append';
  const active = Array.from({ length: p.activeKeys }, (_, i) => i);
  let nextKey = p.activeKeys;
  const writes = new Map<number, number>(); // key → appends/writes so far
  const state = new Map<number, unknown>(); // key → list or value
  const ops: Op[] = [];
  const emit = (process: number, type: Op['type'], value: unknown): void => {
    ops.push({ index: ops.length, time: ops.length, process, type, f: 'txn', value });
  };
  // Per client slot: phase 0 idle, 1 invoked, 2 took effect.
  const phase = new Array<number>(p.concurrency).fill(0);
  const proc = Array.from({ length: p.concurrency }, (_, i) => i);
  const txn = new Array<Micro[]>(p.concurrency);
  const result = new Array<Micro[] | undefined>(p.concurrency);
  let nextProcess = p.concurrency;
  let started = 0, open = 0;
  while (started < p.txns || open > 0) {
    const s = Math.floor(rand() * p.concurrency);
    if (phase[s] === 0) {
      if (started >= p.txns) continue;
      const n = 1 + Math.floor(rand() * 4);
      const t: Micro[] = [];
      for (let i = 0; i < n; i++) {
        const slot = Math.floor(rand() * active.length);
        const k = active[slot];
        if (rand() < 0.5) { t.push(['r', k, null]); continue; }
        const c = (writes.get(k) ?? 0) + 1;
        t.push([list ? 'append' : 'w', k, c]);
        if (c >= p.writesPerKey) { writes.delete(k); active[slot] = nextKey++; } else writes.set(k, c);
      }
      txn[s] = t;
      emit(proc[s], 'invoke', t);
      phase[s] = 1;
      started++; open++;
    } else if (phase[s] === 1) {
      const info = rand() < p.infoRate;
      if (!info || rand() < 0.5) {
        result[s] = txn[s].map(([f, k, v]): Micro => {
          if (f === 'r') {
            const cur = state.get(k);
            return ['r', k, list ? (cur === undefined ? null : (cur as number[]).slice()) : (cur ?? null)];
          }
          if (list) { const l = state.get(k) as number[] | undefined; if (l) l.push(v as number); else state.set(k, [v as number]); } else state.set(k, v);
          return [f, k, v];
        });
      } else result[s] = undefined;
      phase[s] = info ? 3 : 2;
    } else {
      if (phase[s] === 3) { emit(proc[s], 'info', txn[s]); proc[s] = nextProcess++; } else emit(proc[s], 'ok', result[s]);
      phase[s] = 0;
      open--;
    }
  }
  return ops;
}
