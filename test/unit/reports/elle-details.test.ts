/**
 * The report's view of an Elle result: each anomaly's cycle as an SVG graph with labelled edges, the
 * transactions' ops and the explanation beside it, and the models table with the ruled-out ones
 * marked. Keys and values from the history are escaped (they are the system under test's data).
 */
import { describe, expect, it } from 'vitest';
import { checkTxnListAppend } from '../../../checkers/txn.js';
import type { Op } from '../../../harness/ground/history/op.js';
import { checkerDetails } from '../../../reports/checker-details.js';

function ops(events: [number, Op['type'], unknown][]): Op[] {
  return events.map(([process, type, value], index) => ({ index, time: index, process, type, f: 'txn', value }));
}

describe('Elle in the report', () => {
  it('draws a write-skew cycle with rw edges, its ops, its steps and the models table', () => {
    const k = '<img src=x onerror=alert(1)>';
    const r = checkTxnListAppend(ops([
      [0, 'invoke', [['r', k, null], ['append', 'y', 1]]], [1, 'invoke', [['r', 'y', null], ['append', k, 1]]],
      [0, 'ok', [['r', k, []], ['append', 'y', 1]]], [1, 'ok', [['r', 'y', []], ['append', k, 1]]],
    ]));
    const html = checkerDetails('txn-list-append', r);
    expect(r.valid).toBe(false);
    const svg = /<svg class="elle-cycle"[^]*?<\/svg>/.exec(html)?.[0] ?? '';
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg.match(/>rw<\/text>/g)).toHaveLength(2);
    expect(svg).toMatch(/>T0<\/text>/);
    expect(html).toMatch(/<h4 class="anomaly">G2-item<\/h4>/);
    expect(html).toMatch(/<li>T\d read key .* as \[\] without 1, which T\d appended, so T\d → rw → T\d<\/li>/);
    expect(html).toMatch(/<tr class="ruled-out"><td>serializable<\/td><td>✗ ruled out<\/td><\/tr>/);
    expect(html).toMatch(/<tr class="consistent"><td>snapshot-isolation<\/td>/);
    expect(html).toMatch(/strong-snapshot-isolation<\/td><td>✓ consistent \(strongest\)/);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img');
  });

  it('a valid result shows no cycle and every model consistent', () => {
    const html = checkerDetails('txn-list-append', checkTxnListAppend(ops([[0, 'invoke', [['append', 1, 1]]], [0, 'ok', [['append', 1, 1]]]])));
    expect(html).toContain('No anomalies found.');
    expect(html).not.toContain('<svg');
    expect(html).not.toContain('ruled-out');
  });
});
