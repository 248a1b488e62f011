/**
 * The watch workload's final phase: the cluster answers a read first (after a kill of every node it
 * may still be electing), then each watcher watches twice, then the final read the checker uses — so
 * a watcher's last windows are never spent on a cluster that does not serve yet.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type SimulatedCompletion } from '../../../harness/ground/generator/index.js';
import type { Op } from '../../../harness/ground/history/op.js';
import { watch } from '../../../harness/middle/workloads/watch.js';

const MS = 1e6;
const OPTS = { rate: 100, concurrency: 6, nodes: ['n1', 'n2', 'n3'] };

describe('watch workload, final phase', () => {
  it('reads until the cluster answers, then runs each watcher twice, then reads the final state', () => {
    let reads = 0;
    // The first three final reads fail (the cluster is electing).
    const completer = (op: Op): SimulatedCompletion => (op.f === 'final-read' && ++reads <= 3 ? { type: 'fail', latencyNs: 5 * MS } : { type: 'ok', value: {}, latencyNs: 3000 * MS });
    const ops = simulate(watch.finalGenerator!(OPTS), { concurrency: 6, completer }).filter((o) => o.type === 'invoke');
    const fs = ops.map((o) => o.f);
    const firstWatch = fs.indexOf('watch');
    expect(fs.slice(0, firstWatch)).toEqual(['final-read', 'final-read', 'final-read', 'final-read']);
    const watches = ops.filter((o) => o.f === 'watch');
    expect(watches).toHaveLength(6); // 3 watcher threads (0, 2, 4), twice each
    expect(fs.lastIndexOf('watch')).toBeLessThan(fs.lastIndexOf('final-read'));
    const lastWatchEnd = Math.max(...watches.map((o) => o.time)) + 3000 * MS;
    expect(ops.at(-1)!.time).toBeGreaterThanOrEqual(lastWatchEnd);
  });
});
