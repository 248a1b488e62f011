import { describe, expect, it } from 'vitest';
import { checkBroadcast } from '../../../checkers/broadcast.js';
import { fin, history, type Row } from './history.js';

const bc = (p: number, m: number, type: 'ok' | 'fail' | 'info' = 'ok'): Row[] => [[p, 'invoke', 'broadcast', m], [p, type, 'broadcast', m]];
const final = (p: number, node: string, messages: unknown[] | null): Row[] =>
  messages === null ? [[p, 'invoke', 'read', fin(node)], [p, 'fail', 'read', fin(node)]] : [[p, 'invoke', 'read', fin(node)], [p, 'ok', 'read', messages]];

describe('broadcast checker', () => {
  it('is valid when every node has every acknowledged message', () => {
    const r = checkBroadcast(history([...bc(0, 0), ...bc(1, 1), ...bc(2, 2, 'info'), ...final(0, 'n0', [0, 1]), ...final(1, 'n1', [1, 0, 2])]));
    expect(r.valid).toBe(true);
    expect(r.nodes).toEqual({ n0: { finalRead: 7, messages: 2, lost: 0 }, n1: { finalRead: 9, messages: 3, lost: 0 } });
    expect(r.recovered.count).toBe(1);
    expect(r).toMatchObject({ attempted: 3, acknowledged: 2, indeterminate: 1 });
  });

  it('reports lost messages per node', () => {
    const r = checkBroadcast(history([...bc(0, 0), ...bc(1, 1), ...final(0, 'n0', [0, 1]), ...final(1, 'n1', [0]), ...final(2, 'n2', [])]));
    expect(r.valid).toBe(false);
    expect(r.nodes.n1.lost).toBe(1);
    expect(r.nodes.n2.lost).toBe(2);
    expect(r.lost.examples).toEqual([
      { element: 0, added: 1, missingFrom: [{ read: 9, node: 'n2' }] },
      { element: 1, added: 3, missingFrom: [{ read: 7, node: 'n1' }, { read: 9, node: 'n2' }] },
    ]);
    expect(r.reason).toMatch(/2 acknowledged message\(s\) missing/);
  });

  it('reports messages nobody broadcast', () => {
    const r = checkBroadcast(history([...bc(0, 0), ...final(0, 'n0', [0, 42])]));
    expect(r.valid).toBe(false);
    expect(r.unexpected.examples).toEqual([{ element: 42, read: 3, node: 'n0', reason: 'never-added' }]);
    expect(r.reason).toMatch(/no broadcast could have/);
  });

  it('is unknown when a node has no successful final read', () => {
    const r = checkBroadcast(history([...bc(0, 0), ...final(0, 'n0', [0]), ...final(1, 'n1', null)]));
    expect(r.valid).toBe('unknown');
    expect(r.nodes.n1).toEqual({ finalRead: null, messages: 0, lost: 0 });
    expect(r.nodesWithoutFinalRead).toEqual(['n1']);
  });

  it('still fails when another node lost something', () => {
    const r = checkBroadcast(history([...bc(0, 0), ...final(0, 'n0', []), ...final(1, 'n1', null)]));
    expect(r.valid).toBe(false);
  });
});
