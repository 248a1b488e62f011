/**
 * The driver records a client's events (watch deliveries, `observe`) through the same record() as
 * invocations and completions: one dense index sequence in arrival order, events between an invoke
 * and its completion and after it (also after an `info`, under the retired process), none once the
 * clients are closed — and pairing the history ignores them.
 */
import { describe, expect, it } from 'vitest';
import { clients, limit, repeat } from '../../../harness/ground/generator/index.js';
import type { Client, ClientOp, Completion } from '../../../harness/ground/contracts/roles.js';
import type { Op } from '../../../harness/ground/history/op.js';
import { pairOps } from '../../../harness/ground/history/pair.js';
import { drive } from '../../../harness/top/run/driver.js';

const tick = (ms = 1): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('drive() with events', () => {
  it('records events in arrival order with dense indices; they open, close and retire nothing', async () => {
    const recorded: Op[] = [];
    const late: ((v: unknown) => void)[] = [];
    let n = 0;
    const client: Client = {
      async invoke(op: ClientOp): Promise<Completion> {
        const i = n++;
        op.observe!({ kind: 'put', seq: i, at: 'start' }, 'n1');
        await tick();
        op.observe!({ kind: 'put', seq: i, at: 'mid' }, 'n1');
        // Every third op ends indeterminate; its events keep coming after (a stream that outlives it).
        setTimeout(() => op.observe!({ kind: 'put', seq: i, at: 'after' }, 'n1'), 1);
        late.push((v) => op.observe!(v, 'n1'));
        return i % 3 === 2 ? { type: 'info', error: 'timeout' } : { type: 'ok', value: { end: 'window' } };
      },
      close: async () => undefined,
    };
    const t0 = process.hrtime.bigint();
    const now = (): number => Number(process.hrtime.bigint() - t0);
    await drive({
      generator: clients(limit(9, repeat({ f: 'watch' }))), concurrency: 2, seed: 1,
      openClient: async () => client, nemesis: { invoke: async () => null, setup: async () => undefined, teardown: async () => undefined } as never,
      record: (op) => recorded.push(op), now, log: () => undefined, stop: new AbortController().signal,
    });
    const closedAt = recorded.length;
    late[0]({ kind: 'put', at: 'after close' });
    await tick(5);
    // Nothing recorded once the clients are closed.
    expect(recorded.length).toBe(closedAt);
    expect(recorded.map((o) => o.index)).toEqual(recorded.map((_, i) => i));
    for (let i = 1; i < recorded.length; i++) expect(recorded[i].time).toBeGreaterThanOrEqual(recorded[i - 1].time);
    const events = recorded.filter((o) => o.type === 'event');
    expect(events.length).toBeGreaterThanOrEqual(18);
    for (const e of events) { expect(e.f).toBe('event'); expect(e.node).toBe('n1'); expect(typeof e.process).toBe('number'); }
    // Each op's start and mid events come between its invoke and its completion, under its process.
    const ops = pairOps(recorded);
    expect(ops).toHaveLength(9);
    expect(ops.filter((o) => o.outcome === 'unknown')).toHaveLength(3);
    for (const o of ops) {
      // (The op before it on the same process may still deliver its late event meanwhile.)
      const inside = recorded.filter((e) => e.type === 'event' && e.process === o.process && e.index > o.index && e.index < o.completionIndex!);
      const seq = (inside.find((e) => (e.value as { at: string }).at === 'start')!.value as { seq: number }).seq;
      expect(inside.filter((e) => (e.value as { seq: number }).seq === seq).map((e) => (e.value as { at: string }).at)).toEqual(['start', 'mid']);
    }
    // Events after an info carry the retired process; the thread's next op runs as a new one.
    const infos = recorded.filter((o) => o.type === 'info');
    // (The last op's late event may come after the clients closed; an earlier info's comes before.)
    expect(infos.some((inf) => recorded.some((e) => e.type === 'event' && e.process === inf.process && e.index > inf.index))).toBe(true);
    for (const inf of infos) {
      const after = recorded.filter((e) => e.type === 'event' && e.process === inf.process && e.index > inf.index);
      const next = recorded.find((o) => o.type === 'invoke' && o.index > inf.index && o.process === inf.process);
      expect(next).toBeUndefined();
      if (after.length > 0) expect((after[0].value as { at: string }).at).toBe('after');
    }
  });
});
