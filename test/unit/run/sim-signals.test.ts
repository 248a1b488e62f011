/**
 * SIGINT and SIGTERM in the middle of a run, through the run's injected signal source, in simulated
 * time: the run stops issuing ops, completes or times out every op in flight, heals every fault,
 * tears down, keeps and checks the history, and says it was interrupted; a second signal is ignored
 * during the teardown and a third forces the exit. The real-node check (a real SIGINT to the CLI,
 * real node processes): test/integration/run/signals.test.ts.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { MemoryKv } from '../../../targets/memory/kv.js';
import { FakeSignals, simRun, tempStore } from './sim-run.js';

const stores: string[] = [];
const store = (): string => { const s = tempStore(); stores.push(s); return s; };
afterAll(() => { for (const s of stores) fs.rmSync(s, { recursive: true, force: true }); });

const ARGS = ['--time-limit', '60s', '--nodes', '3', '--nemesis', 'partition,pause,kill', '--nemesis-interval', '1s', '--seed', '5'];

describe.each(['SIGINT', 'SIGTERM'] as const)('a run interrupted by %s (simulated time)', (signal) => {
  it('stops at the signal, heals, tears down, keeps and checks the history', async () => {
    const signals = new FakeSignals();
    // The signal comes 12 s into the run's clock: set-up, then faults under way.
    const r = await simRun(ARGS, store(), { signals, onClock: (c) => { c.setTimeout(() => signals.raise(signal), 12_000); } });
    expect(r.results.interrupted).toBe(signal);
    expect(r.results.durationS).toBeGreaterThan(11);
    expect(r.results.durationS).toBeLessThan(20); // not the 60 s time limit
    // The run broke off: unknown, though what was recorded checks out.
    expect(r.results.valid).toBe('unknown');
    expect(r.results.checkers.linearizable.valid).toBe(true);
    expect(r.history.filter((o) => o.process === 'nemesis' && o.type === 'info').length).toBeGreaterThanOrEqual(3);
    const open = new Set<unknown>();
    for (const op of r.history) {
      if (op.type === 'invoke') open.add(op.process); else open.delete(op.process);
    }
    expect([...open]).toEqual([]);
    const log = fs.readFileSync(`${r.dir}/harness.log`, 'utf8');
    expect(log).toContain(`${signal} received: stopping the run, healing and tearing down`);
    expect(log).toMatch(/tearing down/);
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
    expect(signals.exits).toEqual([]);
  });
});

describe('repeated signals (simulated time)', () => {
  it('a second signal is ignored; a third forces the exit with the cleanup hint', async () => {
    const signals = new FakeSignals();
    const r = await simRun(ARGS, store(), {
      signals, onClock: (c) => {
        c.setTimeout(() => signals.raise('SIGINT'), 5_000);
        c.setTimeout(() => signals.raise('SIGINT'), 5_001);
        c.setTimeout(() => { expect(signals.exits).toEqual([]); signals.raise('SIGTERM'); }, 5_002);
      },
    });
    expect(r.results.interrupted).toBe('SIGINT');
    expect(signals.exits).toEqual([130]);
    expect(signals.said.join('')).toMatch(/SIGTERM again: exiting without finishing the teardown; run `faultline cleanup`/);
  });

  it('every fault is healed by the teardown: no node left down, paused or cut off', async () => {
    const signals = new FakeSignals();
    let kv: MemoryKv | undefined;
    let atSignal: ReturnType<MemoryKv['faultsInForce']> | undefined;
    const r = await simRun(ARGS, store(), {
      signals, onClock: (c) => {
        // Interrupt at the first instant past 5 s with a node down or paused and a link cut.
        const watch = c.setInterval(() => {
          const f = kv?.faultsInForce();
          if (c.now() < 6_000_000_000n || !f || f.down.length + f.paused.length === 0 || !f.cut) return;
          atSignal = f;
          watch.cancel();
          signals.raise('SIGINT');
        }, 50);
      },
      onPlan: (plan) => { kv = plan.target as MemoryKv; },
    });
    expect(r.results.interrupted).toBe('SIGINT');
    expect(kv).toBeDefined();
    expect(atSignal).toBeDefined();
    expect(kv!.leader()).toBe('n1');
    expect(kv!.faultsInForce()).toEqual({ down: [], paused: [], cut: false });
  });
});
