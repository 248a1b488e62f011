import { describe, expect, it } from 'vitest';
import type { Context } from '../../../harness/ground/generator/index.js';
import {
  clients,
  eachThread,
  limit,
  nemesis,
  onThreads,
  reserve,
  repeat,
  simulate,
  timeLimit,
  delay,
} from '../../../harness/ground/generator/index.js';
import { expectWellFormed, invokes, MS, threadOfProcess } from './helpers.js';

const op = (f: string) => () => ({ f });

describe('clients and nemesis', () => {
  it('route each generator to its own threads', () => {
    const history = simulate(limit(200, clients(op('read'), op('partition'))), { concurrency: 3 });
    for (const o of invokes(history)) {
      expect(o.f === 'partition').toBe(o.process === 'nemesis');
    }
    expect(new Set(invokes(history).map((o) => o.f))).toEqual(new Set(['read', 'partition']));
    expectWellFormed(history, 3);
  });

  it('nemesis(gen, clientGen) is the same split the other way round', () => {
    const history = simulate(limit(50, nemesis(op('kill'), op('write'))), { concurrency: 2 });
    for (const o of invokes(history)) expect(o.f === 'kill').toBe(o.process === 'nemesis');
  });

  it('narrow the context their generator sees', () => {
    const seen: string[] = [];
    const spy = (name: string) => (ctx: Context) => {
      seen.push(`${name}:${[...ctx.workers.keys()].join(',')}`);
      return null;
    };
    simulate([clients(spy('c')), nemesis(spy('n')), onThreads((t) => t === 1, spy('one'))], { concurrency: 2 });
    expect(seen).toEqual(['c:0,1', 'n:nemesis', 'one:1']);
  });

  it('pass a generator only the events of its threads', () => {
    const events: string[] = [];
    const recorder = {
      op: () => null,
      update(_ctx: Context, event: { process: unknown; type: string }) {
        events.push(`${String(event.process)}:${event.type}`);
        return recorder;
      },
    };
    simulate(clients(limit(2, op('w')), nemesis([{ f: 'kill' }, recorder])), { concurrency: 1 });
    expect(events.every((e) => e.startsWith('nemesis'))).toBe(true);
  });
});

describe('eachThread', () => {
  it('gives every thread its own copy of a sequence', () => {
    const history = simulate(clients(eachThread([{ f: 'open' }, { f: 'write' }, { f: 'close' }])), { concurrency: 4 });
    const byProcess = new Map<unknown, string[]>();
    for (const o of invokes(history)) byProcess.set(o.process, [...(byProcess.get(o.process) ?? []), o.f]);
    expect([...byProcess.keys()].sort()).toEqual([0, 1, 2, 3]);
    for (const ops of byProcess.values()) expect(ops).toEqual(['open', 'write', 'close']);
    expectWellFormed(history, 4);
  });

  it('keeps per-thread state: a limit counts each thread separately', () => {
    const history = simulate(clients(eachThread(limit(5, op('read')))), { concurrency: 3 });
    const counts = [0, 1, 2].map((p) => invokes(history).filter((o) => o.process === p).length);
    expect(counts).toEqual([5, 5, 5]);
  });

  it("runs per-thread timers: each thread's delay is its own", () => {
    const history = simulate(timeLimit(100 * MS, clients(eachThread(delay(25 * MS, op('tick'))))), {
      concurrency: 2,
      completer: () => ({ type: 'ok', latencyNs: 0 }),
    });
    for (const p of [0, 1]) {
      expect(invokes(history).filter((o) => o.process === p).map((o) => o.time / MS)).toEqual([0, 25, 50, 75]);
    }
  });

  it('covers client threads only unless inside nemesis()', () => {
    const top = simulate(eachThread({ f: 'read' }), { concurrency: 2 });
    expect(invokes(top).map((o) => o.process).sort()).toEqual([0, 1]);
    const nem = simulate(nemesis(eachThread({ f: 'kill' })), { concurrency: 2 });
    expect(invokes(nem).map((o) => o.process)).toEqual(['nemesis']);
  });

  it('follows a thread across process changes', () => {
    const history = simulate(clients(eachThread(limit(3, op('read')))), {
      concurrency: 2,
      completer: () => ({ type: 'info' }),
    });
    const threads = invokes(history).map((o) => threadOfProcess(o.process, 2));
    expect(threads.filter((t) => t === 0).length).toBe(3);
    expect(threads.filter((t) => t === 1).length).toBe(3);
  });
});

describe('reserve', () => {
  it.each([
    { concurrency: 5, want: { write: [0, 1], cas: [2], read: [3, 4] } },
    { concurrency: 3, want: { write: [0, 1], cas: [2], read: [] } },
  ])('assigns threads in order with concurrency $concurrency', ({ concurrency, want }) => {
    const gen = clients(reserve([[2, op('write')], [1, op('cas')]], op('read')));
    const history = simulate(limit(300, gen), { concurrency });
    const threads = (f: string) =>
      [...new Set(invokes(history).filter((o) => o.f === f).map((o) => o.process))].sort();
    expect({ write: threads('write'), cas: threads('cas'), read: threads('read') }).toEqual(want);
    expectWellFormed(history, concurrency);
  });

  it('splits client threads only, even when not wrapped in clients()', () => {
    const history = simulate(limit(20, reserve([[1, op('write')]], op('read'))), { concurrency: 1 });
    expect(new Set(invokes(history).map((o) => `${o.f}@${String(o.process)}`))).toEqual(new Set(['write@0']));
  });

  it('runs on the nemesis inside nemesis()', () => {
    const history = simulate(nemesis(limit(3, reserve([], op('kill')))), { concurrency: 2 });
    expect(invokes(history).map((o) => o.process)).toEqual(['nemesis', 'nemesis', 'nemesis']);
  });

  it('ends when every group has ended', () => {
    const history = simulate(clients(reserve([[1, repeat(2, { f: 'a' })]], { f: 'b' })), { concurrency: 2 });
    expect(invokes(history).map((o) => o.f).sort()).toEqual(['a', 'a', 'b']);
  });

  it('ends when the groups end, even if no thread is left for the default', () => {
    const history = simulate(clients(reserve([[0, op('never')], [2, limit(4, op('w'))]], op('r'))), { concurrency: 2 });
    expect(invokes(history).map((o) => o.f)).toEqual(['w', 'w', 'w', 'w']);
  });

  it('explains when the groups need more threads than there are', () => {
    expect(() => simulate(clients(reserve([[4, op('w')]], null)), { concurrency: 3 })).toThrow(
      /need 4 client threads but only 3/,
    );
  });
});
