/**
 * #24: the checker speaks of keys, never "partitions" (a run without faults printed "5 of 5
 * partition(s) not linearizable"; `faultline check` printed "6 ops in 1 partition(s)"); the summary
 * names the earliest failure, not the lowest key ("first at key 0 … index 308" while key 3 failed at
 * index 71); and `--no-explain` no longer says "the first 0 are explained".
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkLinearizableSync, formatLinearizable } from '../../../checkers/linearizable/index.js';
import { pairOps, parseJsonl } from '../../../harness/ground/history/index.js';
import { summarizeChecker } from '../../../reports/summary.js';

let index = 0;
const rec = (process: number, type: string, f: string, value: string, key: number): string =>
  `{"index":${index},"time":${index++},"process":${process},"type":"${type}","f":"${f}","value":${value},"key":${key}}`;

/** Per key a put of "x" then, `pad` ops later, a get of "y", which was never written. */
function staleKeys(keys: Array<{ key: number; pad: number }>): string[] {
  index = 0;
  const lines: string[] = [];
  for (const { key, pad } of keys) {
    lines.push(rec(0, 'invoke', 'put', '"x"', key), rec(0, 'ok', 'put', '"x"', key));
    for (let i = 0; i < pad; i++) lines.push(rec(0, 'invoke', 'put', '"x"', key), rec(0, 'ok', 'put', '"x"', key));
  }
  // The gets come last in history order, key by key as listed.
  for (const { key } of keys) lines.push(rec(1, 'invoke', 'get', 'null', key), rec(1, 'ok', 'get', '"y"', key));
  return lines;
}

const check = (lines: string[], explain = true) =>
  checkLinearizableSync(pairOps(parseJsonl(lines.join('\n'), 'h.jsonl'), 'h.jsonl'), { model: { name: 'kv' }, explain });

describe('#24 the checker\'s words', () => {
  it('five failing keys are "5 of 5 keys", never partitions', () => {
    const r = check(staleKeys([0, 1, 2, 3, 4].map((key) => ({ key, pad: 0 }))));
    expect(r.valid).toBe(false);
    expect(r.reason).toMatch(/^5 of 5 keys not linearizable/);
    const text = formatLinearizable(r);
    expect(text).toMatch(/NOT linearizable — \d+ ops in 5 keys,/);
    expect(text).toMatch(/^ {2}5 keys failed$/m);
    expect(`${text}\n${r.reason}\n${summarizeChecker('linearizable', r as never)}`).not.toMatch(/partition/);
  });

  it('`faultline check` of the single-register example says "6 ops", not "in 1 partition(s)"', () => {
    const lines = fs.readFileSync('examples/register-stale-read.jsonl', 'utf8').trim().split('\n');
    const r = checkLinearizableSync(pairOps(parseJsonl(lines.join('\n'), 'x.jsonl'), 'x.jsonl'), { model: { name: 'register' } });
    expect(formatLinearizable(r)).toMatch(/NOT linearizable — 6 ops, checked in/);
    expect(formatLinearizable(r)).not.toMatch(/partition/);
  });

  it('names the earliest failure, not the lowest key', () => {
    // Key 3's get comes first in the history (listed first), key 0's last.
    const r = check(staleKeys([{ key: 3, pad: 0 }, { key: 0, pad: 0 }]));
    expect(r.failures.map((f) => f.key)).toEqual([3, 0]);
    expect(r.reason).toMatch(/earliest at key 3: /);
    expect(summarizeChecker('linearizable', r as never)).toMatch(/\(key 3: /);
    const idx = r.failures[0].blocking!.index;
    expect(r.reason).toContain(`index ${idx})`);
    expect(idx).toBeLessThan(r.failures[1].blocking!.index);
  });

  it('without explanations it says none is explained, not "the first 0 are explained"', () => {
    const text = formatLinearizable(check(staleKeys([{ key: 1, pad: 0 }, { key: 2, pad: 0 }]), false));
    expect(text).not.toMatch(/first 0/);
    expect(text).toMatch(/keys? failed; none is explained/);
  });
});
