/**
 * Generator → client → history → checkers, with in-memory doubles of nodes behind a FakeConn and
 * one op at a time on a simulated clock. It pins down that the pieces fit (op shapes, final-read
 * markers, completion values); real nodes and real concurrency are the integration tests' job.
 */
import { describe, expect, it } from 'vitest';
import { compose } from '../../../checkers/compose.js';
import { Interpreter, limit, phases, type GenLike } from '../../../harness/ground/generator/index.js';
import type { Op } from '../../../harness/ground/history/op.js';
import type { CheckResult } from '../../../checkers/contract.js';
import { getWorkload } from '../../../harness/middle/workloads/index.js';
import type { MaelstromBody } from '../../../harness/ground/protocol/protocol.js';
import { FakeConn } from './fake-conn.js';

const NODES = ['n0', 'n1', 'n2'];
const OPTS = { rate: 100, concurrency: 3, nodes: NODES, keyCount: 2 };

/** Runs `gen` one op at a time; thread t's client is bound to NODES[t % 3]. */
async function run(name: string, answer: (dest: string, body: MaelstromBody) => unknown, ops = 60): Promise<Op[]> {
  const w = getWorkload(name);
  const gen: GenLike = phases(limit(ops, w.generator(OPTS)), w.finalGenerator?.(OPTS) ?? null);
  const it = new Interpreter(gen, { concurrency: OPTS.concurrency, seed: 7 });
  const conn = new FakeConn(answer);
  const history: Op[] = [];
  let now = 0;
  for (;;) {
    const step = it.next(now);
    if (step.kind === 'done') return history;
    if (step.kind === 'wait') now = step.until ?? now;
    else if (step.kind === 'invoke') {
      history.push(step.op);
      const thread = step.thread as number;
      const client = w.client(conn, NODES[thread % NODES.length], OPTS);
      const { process, f, value } = step.op;
      const c = await client.invoke({ process: process as number, f, value, ...(step.op.key === undefined ? {} : { key: step.op.key }) });
      now += 1_000_000;
      history.push(it.complete({ process, ...c }, now));
    } else if (step.kind === 'stalled') throw new Error('stalled');
  }
}

const verdict = async (name: string, h: Op[]): Promise<CheckResult> => compose(getWorkload(name).checkers).check(h, {});

/** A grow-only set per node; `drop` loses elements on the way to one node. */
function setNodes(addType: string, readField: string, drop?: { node: string; element: number }) {
  const sets = new Map(NODES.map((n) => [n, new Set<unknown>()]));
  return (dest: string, body: MaelstromBody): unknown => {
    if (body.type === addType) {
      const e = body.element ?? body.message;
      for (const n of NODES) if (!(drop && drop.node === n && drop.element === e)) sets.get(n)!.add(e);
      return { type: `${addType}_ok` };
    }
    return { type: 'read_ok', [readField]: [...sets.get(dest)!] };
  };
}

describe('workload pipelines against in-memory nodes', () => {
  it.each([
    ['g-set', 'add', 'value'],
    ['broadcast', 'broadcast', 'messages'],
  ])('%s: valid when nothing is lost, invalid when a node loses an element', async (name, addType, field) => {
    const good = await run(name, setNodes(addType, field));
    expect((await verdict(name, good)).valid).toBe(true);

    const bad = await run(name, setNodes(addType, field, { node: 'n1', element: 3 }));
    const r = await verdict(name, bad);
    expect(r.valid).toBe(false);
    const main = (r.results as Record<string, CheckResult>)[name === 'g-set' ? 'set' : 'broadcast'];
    expect(main.lost).toMatchObject({ count: 1, examples: [{ element: 3, missingFrom: [{ node: 'n1' }] }] });
  });

  it('pn-counter: a counter that converges is valid; one that double-counts is not', async () => {
    let total = 0;
    const good = await run('pn-counter', (_d, b) => (b.type === 'add' ? ((total += b.delta as number), { type: 'add_ok' }) : { type: 'read_ok', value: total }));
    expect((await verdict('pn-counter', good)).valid).toBe(true);

    total = 0;
    const bad = await run('pn-counter', (_d, b) => (b.type === 'add' ? ((total += 2 * (b.delta as number)), { type: 'add_ok' }) : { type: 'read_ok', value: total }));
    expect((await verdict('pn-counter', bad)).valid).toBe(false);
  });

  it('lin-kv: one linearizable store is valid; a stale replica is not', async () => {
    const store = new Map<unknown, unknown>();
    const kv = (stale: boolean) => (dest: string, b: MaelstromBody): unknown => {
      if (b.type === 'read') {
        if (stale && dest === 'n2') return { type: 'read_ok', value: null };
        return store.has(b.key) ? { type: 'read_ok', value: store.get(b.key) } : { type: 'error', code: 20 };
      }
      if (b.type === 'write') return store.set(b.key, b.value), { type: 'write_ok' };
      if (!store.has(b.key)) return { type: 'error', code: 20 };
      if (store.get(b.key) !== b.from) return { type: 'error', code: 22 };
      return store.set(b.key, b.to), { type: 'cas_ok' };
    };
    expect((await verdict('lin-kv', await run('lin-kv', kv(false), 100))).valid).toBe(true);
    store.clear();
    expect((await verdict('lin-kv', await run('lin-kv', kv(true), 100))).valid).toBe(false);
  });

  it('unique-ids: a per-node counter without the node in the id repeats ids', async () => {
    const next = new Map<string, number>();
    const h = await run('unique-ids', (dest) => {
      const n = (next.get(dest) ?? 0) + 1;
      next.set(dest, n);
      return { type: 'generate_ok', id: n };
    });
    const r = await verdict('unique-ids', h);
    expect(r.valid).toBe(false);
    expect((r.results as Record<string, CheckResult>)['unique-ids'].duplicatedCount).toBeGreaterThan(0);
  });

  it('a node that breaks the protocol makes the run invalid through the protocol checker', async () => {
    const h = await run('echo', (_d, b) => ({ type: 'echo_ok', payload: b.echo }), 10);
    const r = await verdict('echo', h);
    expect(r.valid).toBe(false);
    expect(r.invalid).toEqual(['protocol']);
    expect((r.results as Record<string, CheckResult>).echo.valid).toBe(true);
  });

  it('txn-list-append is judged by Elle: one store applying each txn whole is valid, one that loses an append is not', async () => {
    /** A store that applies each transaction whole to one map of lists; `lose` drops every 5th append. */
    const store = (lose: boolean) => {
      const lists = new Map<unknown, unknown[]>();
      let appends = 0;
      return (_d: string, b: MaelstromBody) => ({
        type: 'txn_ok',
        txn: (b.txn as [string, unknown, unknown][]).map(([f, k, v]) => {
          if (f === 'r') return [f, k, [...(lists.get(k) ?? [])]];
          if (!(lose && ++appends % 5 === 0)) lists.set(k, [...(lists.get(k) ?? []), v]);
          return [f, k, v];
        }),
      });
    };
    expect((await verdict('txn-list-append', await run('txn-list-append', store(false), 60))).valid).toBe(true);
    expect((await verdict('txn-list-append', await run('txn-list-append', store(true), 60))).valid).toBe(false);
  });
});
