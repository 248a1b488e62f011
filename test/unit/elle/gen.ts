/**
 * Small random transactional histories for the oracle property: transactions run on a simulated
 * store whose reads are sometimes stale (an earlier version of a key), whose effects land at
 * completion, and whose failed or indeterminate transactions sometimes took effect anyway. That
 * yields histories of every kind: serial, serializable but not strict, and cyclic ones.
 */
import fc from 'fast-check';
import type { Op } from '../../../harness/ground/history/op.js';
import type { Workload } from './brute-force.js';

type Micro = [string, number, unknown];

interface Plan { ops: [boolean, number][]; outcome: number; stale: number[]; lateApply: boolean }

const planArb = fc.record({
  ops: fc.array(fc.tuple(fc.boolean(), fc.nat(2)), { minLength: 1, maxLength: 3 }),
  outcome: fc.nat(19),
  stale: fc.array(fc.nat(9), { minLength: 3, maxLength: 3 }),
  lateApply: fc.boolean(),
});

/** An arbitrary history of ≤ `max` transactions for `workload`, with its schedule seed. */
export function historyArb(workload: Workload, max = 7): fc.Arbitrary<Op[]> {
  return fc.record({
    plans: fc.array(planArb, { minLength: 1, maxLength: max }),
    schedule: fc.array(fc.nat(99), { minLength: 4 * max, maxLength: 4 * max }),
    processes: fc.integer({ min: 1, max: 4 }),
  }).map(({ plans, schedule, processes }) => simulate(workload, plans, schedule, processes));
}

function simulate(workload: Workload, plans: Plan[], schedule: number[], processes: number): Op[] {
  const versions = new Map<number, unknown[]>(); // key → every version so far (list-append: lists; rw: values)
  const cur = (k: number): unknown => (versions.get(k) ?? [workload === 'list-append' ? [] : null]).at(-1);
  let nextValue = 1;
  const ops: Op[] = [];
  const queue = plans.map((p, i) => ({ p, i }));
  const running = new Map<number, { p: Plan; invoke: Micro[] }>();
  let nextProcess = processes;
  const idle = Array.from({ length: processes }, (_, i) => i);
  let s = 0;
  const emit = (process: number, type: Op['type'], value: unknown): void => {
    ops.push({ index: ops.length, time: ops.length, process, type, f: 'txn', value });
  };
  const dirtyOf = (k: number): unknown => {
    for (const { invoke } of running.values()) {
      const mine = invoke.filter(([f, kk]) => f !== 'r' && kk === k).map(([, , v]) => v);
      if (mine.length > 0) return workload === 'list-append' ? [...(cur(k) as unknown[]), ...mine] : mine[mine.length - 1];
    }
    return undefined;
  };
  const apply = (p: Plan, invoke: Micro[]): Micro[] => {
    const out: Micro[] = [];
    const local = new Map<number, unknown>();
    for (let i = 0; i < invoke.length; i++) {
      const [f, k, v] = invoke[i];
      const hist = versions.get(k) ?? [workload === 'list-append' ? [] : null];
      if (f === 'r') {
        // A stale read shows an earlier version; reads after own writes stay internally consistent.
        const st = p.stale[i % 3];
        // st 8: a dirty read, seeing another running transaction's appends or write (G1a/G1c material).
        const dirty = st === 8 ? dirtyOf(k) : undefined;
        const seen = local.has(k) ? local.get(k) : st < 4 ? hist[Math.max(0, hist.length - 1 - ((st % 2) + 1))] : dirty !== undefined ? dirty : cur(k);
        local.set(k, seen);
        out.push(['r', k, workload === 'list-append' && Array.isArray(seen) && seen.length === 0 && st === 9 ? null : seen]);
      } else {
        out.push([f, k, v]);
        const before = local.has(k) ? local.get(k) : cur(k);
        local.set(k, workload === 'list-append' ? [...(before as unknown[]), v] : v);
      }
    }
    return out;
  };
  const commit = (invoke: Micro[]): void => {
    for (const [f, k, v] of invoke) {
      if (f === 'r') continue;
      const hist = versions.get(k) ?? [workload === 'list-append' ? [] : null];
      hist.push(workload === 'list-append' ? [...(cur(k) as unknown[]), v] : v);
      versions.set(k, hist);
    }
  };
  while (queue.length > 0 || running.size > 0) {
    const r = schedule[s++ % schedule.length] + s;
    const startable = queue.length > 0 && idle.length > 0;
    if (startable && (running.size === 0 || r % 2 === 0)) {
      const process = idle.splice(r % idle.length, 1)[0];
      const { p } = queue.shift() as { p: Plan };
      const invoke: Micro[] = p.ops.map(([read, k]) => (read ? ['r', k, null] : [workload === 'list-append' ? 'append' : 'w', k, nextValue++]));
      emit(process, 'invoke', invoke);
      running.set(process, { p, invoke });
      continue;
    }
    const procs = [...running.keys()];
    const process = procs[r % procs.length];
    const { p, invoke } = running.get(process) as { p: Plan; invoke: Micro[] };
    running.delete(process);
    const done = apply(p, invoke);
    // outcome: mostly ok; info (took effect or not); fail (rarely took effect anyway: an aborted read)
    const kind = p.outcome < 14 ? 'ok' : p.outcome < 18 ? 'info' : 'fail';
    const effect = kind === 'ok' || (kind === 'info' && p.lateApply) || (kind === 'fail' && p.outcome === 19 && p.lateApply);
    if (effect) commit(done);
    emit(process, kind, kind === 'ok' ? done : invoke);
    idle.push(kind === 'info' ? nextProcess++ : process);
  }
  return ops;
}
