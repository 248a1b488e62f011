/**
 * results.json's `disk`: each restart answers the last disk fault applied to that node; a fault whose
 * every restart was refused is "refused to start", one a node came back from is judged by the run.
 */
import { describe, expect, it } from 'vitest';
import { diskOutcome, diskOutcomeLines } from '../../../harness/middle/faults/disk/disk-outcome.js';
import type { Op } from '../../../harness/ground/history/op.js';

let index = 0;
const nem = (f: string, value: unknown): Op => ({ index: index++, time: index, process: 'nemesis', type: 'info', f, value }) as Op;
const applied = (fault: string, nodes: string[], files = nodes.length): Op =>
  nem('disk', { fault, nodes, files: Array.from({ length: files }, (_, i) => ({ node: nodes[i % nodes.length], file: 'wal', offset: 0, bytes: 1 })) });
const restart = (nodes: string[], refused: string[] = []): Op => nem('disk-restart', { nodes, refused: refused.map((node) => ({ node, error: `${node} exited at start: crc mismatch` })) });

describe('disk outcome', () => {
  it('says nothing when no disk fault was applied', () => {
    expect(diskOutcome([nem('start-partition', {})], true, [])).toBeUndefined();
  });

  it('a fault every restart refused is refused-to-start, with the node\'s words; one a node came back from is judged by the run', () => {
    const ops = [applied('bit-flip', ['n1', 'n2']), restart([], ['n1', 'n2']), applied('truncate', ['n3']), restart(['n3'])];
    const valid = diskOutcome(ops, true, [])!;
    expect(valid['bit-flip']).toMatchObject({ applied: 2, filesTouched: 2, started: 0, outcome: 'refused-to-start' });
    expect(valid['bit-flip'].refused).toEqual([{ node: 'n1', error: 'n1 exited at start: crc mismatch' }, { node: 'n2', error: 'n2 exited at start: crc mismatch' }]);
    expect(valid.truncate).toMatchObject({ started: 1, outcome: 'started-valid' });
    const invalid = diskOutcome(ops, false, [7, 9], ['linearizable'])!;
    expect(invalid['bit-flip'].outcome).toBe('refused-to-start');
    expect(invalid.truncate).toMatchObject({ outcome: 'served-wrong-data', ops: [7, 9], by: ['linearizable'], mixed: ['bit-flip'] });
    // Invalid by a checker of the nodes' own state, with no client op named: not called serving wrong data.
    expect(diskOutcome(ops, false, [], ['vote-safety'])!.truncate).toMatchObject({ outcome: 'invalid', by: ['vote-safety'] });
    expect(diskOutcome(ops, 'unknown', [])!.truncate.outcome).toBe('unknown');
    expect(diskOutcomeLines(invalid).join('\n')).toMatch(/disk truncate: served wrong data \(linearizable; ops 7, 9\) — with bit-flip in the same run/);
    expect(diskOutcomeLines(diskOutcome(ops, false, [], ['vote-safety'])!).join('\n')).toMatch(/disk truncate: invalid \(vote-safety; no client op named\)/);
  });

  it('a node that refused and later started counts both against its fault, and is no longer the fault\'s once it answered', () => {
    const ops = [applied('truncate', ['n1']), restart([], ['n1']), restart(['n1']), restart(['n1'])];
    const o = diskOutcome(ops, false, [3])!;
    expect(o.truncate).toMatchObject({ started: 1, outcome: 'served-wrong-data' });
    expect(o.truncate.refused).toHaveLength(1);
    expect(o.truncate.mixed).toBeUndefined();
  });

  it('a node a fault only killed (a rollback with no copy yet) answers nothing: its restart counts for no fault', () => {
    const noCopy = nem('disk', { fault: 'rollback', nodes: ['n1'], reached: [], files: [] });
    expect(diskOutcome([noCopy, restart(['n1'])], true, [])).toBeUndefined();
    // n1 refused after a truncate, then a rollback with no copy killed it again: its next start is neither's.
    const ops = [applied('truncate', ['n1']), restart([], ['n1']), noCopy, restart(['n1']),
      nem('disk', { fault: 'rollback', nodes: ['n1', 'n2'], reached: ['n2'], files: [{ node: 'n2', file: 'wal', offset: 0, bytes: 9 }] }), restart(['n1', 'n2'])];
    const o = diskOutcome(ops, true, [])!;
    expect(o.truncate).toMatchObject({ applied: 1, started: 0, outcome: 'refused-to-start' });
    expect(o.rollback).toMatchObject({ applied: 1, filesTouched: 1, started: 1, outcome: 'started-valid' });
  });

  it('a fault with no restart at all (the run ended first) is unknown, not valid', () => {
    expect(diskOutcome([applied('bit-flip', ['n1'])], true, [])!['bit-flip'].outcome).toBe('unknown');
  });
});
