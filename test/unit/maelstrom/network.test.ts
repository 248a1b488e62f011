/**
 * The routed network's decisions — latency, loss, grudges — with a seeded RNG and endpoints that are
 * plain functions (the network is the unit under test; no processes).
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MaelstromMessage } from '../../../harness/middle/maelstrom/index.js';
import { Network, SeededRng, sampleLatencyMs, validateLatency } from '../../../harness/middle/maelstrom/index.js';

const nets: Network[] = [];
afterEach(async () => { await Promise.all(nets.splice(0).map((n) => n.close())); });

/** A network with nodes n0..n2, client c1 and service lin-kv; `got` collects deliveries. */
function net(opts: Partial<ConstructorParameters<typeof Network>[0]> = {}) {
  const n = new Network({ seed: 1, ...opts });
  nets.push(n);
  const got: MaelstromMessage[] = [];
  for (const id of ['n0', 'n1', 'n2']) n.register(id, 'node', (m) => { got.push(m); });
  n.register('c1', 'client', (m) => { got.push(m); });
  n.register('lin-kv', 'service', (m) => { got.push(m); });
  return { n, got };
}

const settle = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe('latency distributions', () => {
  it.each([
    [{ kind: 'constant', ms: 7 } as const, 7, 7, 7],
    [{ kind: 'uniform', minMs: 2, maxMs: 10 } as const, 2, 10, 6],
    [{ kind: 'exponential', meanMs: 5 } as const, 0, Infinity, 5],
  ])('%j stays in range with the right mean', (dist, lo, hi, mean) => {
    const rng = new SeededRng('lat');
    const xs = Array.from({ length: 20_000 }, () => sampleLatencyMs(dist, rng));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(lo);
    expect(Math.max(...xs)).toBeLessThanOrEqual(hi);
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(Math.abs(m - mean)).toBeLessThan(mean * 0.05 + 1e-9);
  });

  it('is a function of the seed', () => {
    const draw = (seed: string | number) => { const r = new SeededRng(seed); return Array.from({ length: 5 }, () => r.next()); };
    expect(draw('a')).toEqual(draw('a'));
    expect(draw('a')).not.toEqual(draw('b'));
    expect(draw(1)).not.toEqual(draw('1'));
  });

  it.each([
    [{ kind: 'constant', ms: -1 }, /ms must be a finite number of ms >= 0/],
    [{ kind: 'uniform', minMs: 5, maxMs: 1 }, /minMs \(5\) must not exceed maxMs \(1\)/],
    [{ kind: 'gaussian', ms: 1 }, /unknown latency kind "gaussian"/],
  ])('rejects %j clearly', (dist, msg) => {
    expect(() => validateLatency(dist as never, 'latency')).toThrow(msg);
  });
});

describe('Network', () => {
  it('delivers after the latency, FIFO on a link under constant latency', async () => {
    const { n, got } = net({ latency: { kind: 'constant', ms: 20 } });
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) n.send('n0', 'n1', { type: 'm', i });
    await settle(5);
    expect(got).toHaveLength(0);
    await settle(40);
    expect(got.map((m) => m.body.i)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(19);
  });

  it('drops messages as the grudge says: grudge[dest] lists whom dest ignores', async () => {
    const { n, got } = net();
    n.partition({ n1: ['n0'] });
    expect(n.send('n0', 'n1', { type: 'a' }).id).toBe(0);
    n.send('n1', 'n0', { type: 'b' });
    n.send('n2', 'n1', { type: 'c' });
    n.send('c1', 'n1', { type: 'd' });
    n.send('n1', 'lin-kv', { type: 'e' });
    await settle();
    expect(got.map((m) => m.body.type)).toEqual(['b', 'c', 'd', 'e']);
    expect(n.stats().dropped.partition).toBe(1);
    expect(n.grudge()).toEqual({ n1: ['n0'] });
  });

  it('drops a message in flight when its destination starts ignoring the source before it arrives', async () => {
    const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'net-late-'));
    const path = nodePath.join(dir, 'messages.jsonl');
    const { n, got } = net({ latency: { kind: 'constant', ms: 30 }, journalPath: path });
    n.send('n0', 'n1', { type: 'late' });
    n.send('n0', 'n2', { type: 'other' });
    await settle(5);
    n.partition({ n1: ['n0'] });
    await settle(60);
    expect(got.map((m) => m.body.type)).toEqual(['other']);
    expect(n.stats().dropped.partition).toBe(1);
    await n.close();
    const lines = fs.readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.lateDrop === 'partition')).toMatchObject({ id: 0, src: 'n0', dest: 'n1', type: 'late' });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('hands an injected control message over past every fault, a grudge naming its sender too', async () => {
    const { n, got } = net({ latency: { kind: 'constant', ms: 30 } });
    n.partition({ n1: ['c1'] });
    n.inject('c1', 'n1', { type: 'init' });
    n.send('c1', 'n1', { type: 'routed' });
    await settle(40);
    expect(got.map((m) => m.body.type)).toEqual(['init']);
  });

  it('partitions clients and services only when named', async () => {
    const { n, got } = net();
    n.partition({ 'lin-kv': ['n0'], n2: ['c1'] });
    n.send('n0', 'lin-kv', { type: 'a' });
    n.send('n1', 'lin-kv', { type: 'b' });
    n.send('c1', 'n2', { type: 'c' });
    n.send('c1', 'n0', { type: 'd' });
    await settle();
    expect(got.map((m) => m.body.type)).toEqual(['b', 'd']);
  });

  it('heals with an empty grudge and rejects unknown names', async () => {
    const { n, got } = net();
    n.partition({ n1: ['n0'] });
    n.partition({});
    n.send('n0', 'n1', { type: 'a' });
    await settle();
    expect(got).toHaveLength(1);
    expect(() => n.partition({ n9: ['n0'] })).toThrow(/names "n9", which is not on the network; known: n0, n1, n2, lin-kv, c1/);
    expect(() => n.partition({ n1: 'n0' as never })).toThrow(/must be a list/);
    // A client that has not connected yet may be named.
    expect(() => n.partition({ n1: ['c42'] })).not.toThrow();
  });

  it('loses node↔node messages with the probability, deterministically per seed, never client ones', async () => {
    const run = async (seed: number) => {
      const { n } = net({ seed });
      n.setLoss(0.25);
      const dropped: number[] = [];
      for (let i = 0; i < 10_000; i++) {
        const before = n.stats().dropped.loss;
        const m = n.send(`n${i % 3}`, `n${(i + 1) % 3}`, { type: 'x' });
        if (n.stats().dropped.loss > before) dropped.push(m.id!);
      }
      for (let i = 0; i < 1000; i++) n.send('c1', 'n0', { type: 'y' });
      for (let i = 0; i < 1000; i++) n.send('n0', 'lin-kv', { type: 'z' });
      return { dropped, stats: n.stats() };
    };
    const a = await run(3);
    expect(a.dropped.length / 10_000).toBeGreaterThan(0.23);
    expect(a.dropped.length / 10_000).toBeLessThan(0.27);
    expect(a.stats.byType.y.dropped + a.stats.byType.z.dropped).toBe(0);
    expect((await run(3)).dropped).toEqual(a.dropped);
    expect((await run(4)).dropped).not.toEqual(a.dropped);
  });

  it('with faultScope all, loses client messages too', () => {
    const { n } = net({ faultScope: 'all', seed: 9 });
    n.setLoss(0.5);
    for (let i = 0; i < 2000; i++) n.send('c1', 'n0', { type: 'y' });
    const r = n.stats().byType.y.dropped / 2000;
    expect(r).toBeGreaterThan(0.45);
    expect(r).toBeLessThan(0.55);
  });

  it('adds extra latency only between nodes by default, and removes it', async () => {
    const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'net-unit-'));
    const path = nodePath.join(dir, 'messages.jsonl');
    const { n } = net({ journalPath: path, latency: { kind: 'constant', ms: 1 } });
    n.setExtraLatency({ kind: 'constant', ms: 30 });
    n.send('n0', 'n1', { type: 'a' });
    n.send('c1', 'n1', { type: 'b' });
    n.send('n1', 'lin-kv', { type: 'c' });
    n.setExtraLatency(null);
    n.send('n0', 'n1', { type: 'd' });
    await n.flush();
    const lines = fs.readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; time: number; deliverAt: number });
    expect(lines.map((l) => [l.type, (l.deliverAt - l.time) / 1e6])).toEqual([['a', 31], ['b', 1], ['c', 1], ['d', 1]]);
    expect(() => n.setExtraLatency({ kind: 'uniform', minMs: 3, maxMs: 1 })).toThrow(/extra latency: minMs/);
    expect(() => n.setLoss(1.5)).toThrow(/\[0, 1\]/);
  });

  it('drops messages to a node that is down, and counts messages lost in flight', async () => {
    const { n, got } = net({ latency: { kind: 'constant', ms: 10 } });
    n.send('n0', 'n1', { type: 'in-flight' });
    n.setUp('n1', false);
    n.send('n0', 'n1', { type: 'to-dead' });
    await settle(30);
    expect(got).toHaveLength(0);
    const s = n.stats();
    expect(s.dropped.down).toBe(1);
    expect(s.lostAtDelivery).toBe(1);
    expect(s.byNode.n1).toEqual({ sent: 0, received: 0, dropped: 1 });
  });

  it('throws for an unknown destination, naming the known ones', () => {
    const { n } = net();
    expect(() => n.send('n0', 'n7', { type: 'x' })).toThrow(/n0 sent a message to "n7", which is not on the network; known destinations: n0, n1, n2, lin-kv, c1/);
  });
});
