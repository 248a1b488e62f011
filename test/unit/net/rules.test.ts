import { describe, expect, it } from 'vitest';
import { delayerArgs, lossRules, partitionRules, restoreScript, SETUP_SCRIPT } from '../../../harness/middle/faults/net/rules.js';
import { withHealth } from '../../../harness/middle/faults/net/health.js';

describe('network fault rules', () => {
  it('replaces one chain atomically with iptables-restore --noflush', () => {
    expect(restoreScript('FL-PART', partitionRules(['10.91.0.12', '10.91.0.13']))).toBe(
      '*filter\n:FL-PART - [0:0]\n-A FL-PART -s 10.91.0.12 -j DROP\n-A FL-PART -s 10.91.0.13 -j DROP\nCOMMIT\n');
    // Healing is the same script with no rules: the chain declaration flushes it.
    expect(restoreScript('FL-PART', partitionRules([]))).toBe('*filter\n:FL-PART - [0:0]\nCOMMIT\n');
    expect(SETUP_SCRIPT).toContain('-A INPUT -j FL-PART');
    expect(SETUP_SCRIPT).toContain('-A OUTPUT -j FL-DELAY');
  });

  it('drops node traffic at random, never the controller\'s', () => {
    expect(lossRules(0.25, '10.91.0.1', '10.91.0.0/24')).toEqual([
      '-s 10.91.0.1 -j RETURN',
      '-s 10.91.0.0/24 -m statistic --mode random --probability 0.2500 -j DROP',
    ]);
    expect(lossRules(0, '10.91.0.1', '10.91.0.0/24')).toEqual([]);
    expect(() => lossRules(1.5, '10.91.0.1', '10.91.0.0/24')).toThrow(RangeError);
  });

  it('passes each latency distribution to the delayer', () => {
    expect(delayerArgs({ kind: 'constant', ms: 100 })).toEqual(['constant', '100']);
    expect(delayerArgs({ kind: 'uniform', minMs: 50, maxMs: 200 })).toEqual(['uniform', '50', '200']);
    expect(delayerArgs({ kind: 'exponential', meanMs: 30 })).toEqual(['exponential', '30']);
  });

  it('records health before and after each fault, keeping the fault\'s own value', async () => {
    let n = 0;
    const seen: string[] = [];
    const inner = { fs: ['kill', 'start-partition'], invoke: async (op: { f: string }) => { seen.push(op.f); return op.f === 'kill' ? ['n1'] : { grudge: {} }; }, teardown: async () => undefined };
    const wrapped = withHealth(inner, async () => ({ n1: `probe ${++n}` }));
    expect(await wrapped.invoke({ f: 'kill', value: 'one' })).toEqual({ result: ['n1'], health: { before: { n1: 'probe 1' }, after: { n1: 'probe 2' }, doneMs: expect.any(Number) } });
    expect(await wrapped.invoke({ f: 'start-partition', value: 'halves' })).toEqual({ grudge: {}, health: { before: { n1: 'probe 3' }, after: { n1: 'probe 4' }, doneMs: expect.any(Number) } });
    const failing = withHealth(inner, async () => { throw new Error('no answer'); });
    expect(await failing.invoke({ f: 'kill', value: 'one' })).toMatchObject({ health: { before: { error: 'no answer' } } });
    expect(seen).toEqual(['kill', 'start-partition', 'kill']);
  });

  it('says when the wrapped op returned: after the first probe, before the second', async () => {
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    let probes = 0;
    // The first probe is slow (a starved node), the second slower still; the fault itself is instant.
    const wrapped = withHealth({ fs: [], invoke: async () => ['n1'], teardown: async () => undefined }, async () => {
      await wait(++probes === 1 ? 150 : 400);
      return { n1: 'up' };
    });
    const v = (await wrapped.invoke({ f: 'pause', value: 'one' })) as { health: { doneMs: number } };
    expect(v.health.doneMs).toBeGreaterThanOrEqual(140);
    expect(v.health.doneMs).toBeLessThan(400);
  });
});
