/**
 * The oracle for the Elle checker's tests: does a serial order of the transactions exist that
 * explains every committed read? Committed transactions must all be placed, indeterminate ones may be
 * placed or left out, failed ones never are; with `realtime`, a transaction that completed before
 * another was invoked must come first. Depth-first over placements with memo, so ≤ 7 transactions
 * (5,040 orders at most) take well under a millisecond most of the time.
 */
import type { Txn } from '../../../checkers/elle/history.js';

export type Workload = 'list-append' | 'rw-register';

/** True when some serial order (real-time respecting, with `realtime`) explains the committed reads. */
export function serialOrderExists(txns: readonly Txn[], workload: Workload, realtime: boolean): boolean {
  const cands = txns.filter((t) => t.status !== 'fail');
  const mustCount = cands.filter((t) => t.status === 'ok').length;
  const seen = new Set<string>();
  const key = (k: unknown): string => JSON.stringify(k);

  const run = (state: Map<string, unknown>, t: Txn): Map<string, unknown> | undefined => {
    const s = new Map(state);
    for (const [f, k, v] of t.ops) {
      const kk = key(k);
      if (f === 'append') s.set(kk, [...((s.get(kk) as unknown[] | undefined) ?? []), v]);
      else if (f === 'w') s.set(kk, v);
      else if (f === 'r' && t.status === 'ok') {
        const cur = s.get(kk) ?? (workload === 'list-append' ? [] : null);
        const got = workload === 'list-append' ? (v ?? []) : v;
        if (JSON.stringify(cur) !== JSON.stringify(got)) return undefined;
      }
    }
    return s;
  };

  const dfs = (placed: number, okPlaced: number, state: Map<string, unknown>): boolean => {
    if (okPlaced === mustCount) return true;
    const memo = `${placed}|${JSON.stringify([...state].sort())}`;
    if (seen.has(memo)) return false;
    seen.add(memo);
    for (let i = 0; i < cands.length; i++) {
      if (placed & (1 << i)) continue;
      const t = cands[i];
      if (realtime && cands.some((u, j) => u.status === 'ok' && u.ret < t.call && !(placed & (1 << j)))) continue;
      const next = run(state, t);
      if (next && dfs(placed | (1 << i), okPlaced + (t.status === 'ok' ? 1 : 0), next)) return true;
    }
    return false;
  };
  return dfs(0, 0, new Map());
}
