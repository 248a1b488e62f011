import { describe, expect, it } from 'vitest';
import { InputError } from '../../../harness/ground/history/errors.js';
import { TOPOLOGY_KINDS, WORKLOADS, WorkloadSetupError, getWorkload, topology } from '../../../harness/middle/workloads/index.js';
import { FakeConn, timeout } from './fake-conn.js';

describe('the workload registry', () => {
  it('holds every Maelstrom workload under its own name', () => {
    expect(Object.keys(WORKLOADS).sort()).toEqual(
      ['broadcast', 'echo', 'g-counter', 'g-set', 'lin-kv', 'pn-counter', 'txn-list-append', 'unique-ids'],
    );
    for (const [name, w] of Object.entries(WORKLOADS)) {
      expect(w.name).toBe(name);
      expect(getWorkload(name)).toBe(w);
      expect(w.checkers.map((c) => c.name)).toContain('protocol');
    }
  });

  it('names the valid workloads when asked for an unknown one', () => {
    expect(() => getWorkload('kafka')).toThrow(InputError);
    expect(() => getWorkload('kafka')).toThrow(/unknown workload "kafka"; choose one of echo, lin-kv, g-set, .* with --workload/);
    expect(() => getWorkload('toString')).toThrow(InputError);
  });
});

describe('broadcast topologies', () => {
  const nodes = (n: number) => Array.from({ length: n }, (_, i) => `n${i}`);

  it('lays out a grid as Maelstrom does', () => {
    expect(topology('grid', nodes(5))).toEqual({
      n0: ['n3', 'n1'], n1: ['n4', 'n2', 'n0'], n2: ['n1'], n3: ['n0', 'n4'], n4: ['n1', 'n3'],
    });
  });

  it.each(TOPOLOGY_KINDS)('%s is symmetric, loop-free and connected for 1..12 nodes', (kind) => {
    for (let n = 1; n <= 12; n++) {
      const topo = topology(kind, nodes(n));
      expect(Object.keys(topo).sort()).toEqual(nodes(n).sort());
      for (const [a, ns] of Object.entries(topo)) {
        expect(ns).not.toContain(a);
        for (const b of ns) expect(topo[b]).toContain(a);
      }
      const seen = new Set(['n0']);
      const todo = ['n0'];
      while (todo.length > 0) for (const b of topo[todo.pop()!]) if (!seen.has(b)) { seen.add(b); todo.push(b); }
      expect(seen.size).toBe(n);
    }
  });

  it('line and tree shapes', () => {
    expect(topology('line', nodes(3))).toEqual({ n0: ['n1'], n1: ['n0', 'n2'], n2: ['n1'] });
    expect(topology('tree2', nodes(4))).toEqual({ n0: ['n1', 'n2'], n1: ['n0', 'n3'], n2: ['n0'], n3: ['n1'] });
  });

  it('refuses an unknown topology, naming the valid ones', () => {
    expect(() => topology('star' as never, nodes(3))).toThrow(/unknown topology "star"; choose one of grid, line, total, tree2, tree3, tree4/);
  });
});

describe('broadcast setup', () => {
  const opts = { rate: 1, concurrency: 1, nodes: ['n0', 'n1', 'n2'] };

  it('sends the whole topology to every node once', async () => {
    const conn = new FakeConn(() => ({ type: 'topology_ok' }));
    const details = await getWorkload('broadcast').setup!(conn, { ...opts, topology: 'line' });
    const topo = { n0: ['n1'], n1: ['n0', 'n2'], n2: ['n1'] };
    expect(conn.sent).toEqual(opts.nodes.map((dest) => ({ dest, body: { type: 'topology', topology: topo } })));
    expect(details).toEqual({ topologyKind: 'line', topology: topo });
  });

  it('fails with every node that did not acknowledge, and why', async () => {
    const conn = new FakeConn((dest) => (dest === 'n1' ? timeout() : dest === 'n2' ? { type: 'error', code: 10, text: 'unsupported' } : { type: 'topology_ok' }));
    const err = await getWorkload('broadcast').setup!(conn, opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkloadSetupError);
    expect((err as WorkloadSetupError).failures).toEqual({
      n1: 'no topology_ok within 1000 ms; does the node handle "topology" messages?',
      n2: 'it answered the topology message with error 10 unsupported',
    });
    expect((err as Error).message).toMatch(/^broadcast setup failed on 2 node\(s\): n1: .*; n2: /);
  });

  it('is the only workload with a setup', () => {
    expect(Object.values(WORKLOADS).filter((w) => w.setup).map((w) => w.name)).toEqual(['broadcast']);
  });
});
