/**
 * The same input gives the same result, explanation included, whatever ran before and however loaded
 * the machine is: partitions are checked in rounds of step budgets and explanations are bounded in
 * steps by the verdict's cost (partition-check.ts), not by wall-clock slices. (With wall-clock slices,
 * porcupine's kv/c50-bad.txt was explained in 0.4 s alone and in 10 s after other files: warm, a hard
 * key finished its search within the after-failure window and its shrinking took the flat 10 s budget.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkLinearizableSync, type LinearizableResult } from '../../../checkers/linearizable/index.js';
import type { Op } from '../../../harness/ground/history/op.js';
import { pairOps, parsePorcupineKv } from '../../../harness/ground/history/index.js';

/** Per key: `writers` concurrent writes then two reads of different values (hard, and not linearizable). */
function mixed(hardKeys: number, writers: number, staleKeys: number): Op[] {
  const h: Op[] = [];
  let proc = 0;
  const push = (o: Omit<Op, 'index' | 'time'>): void => { h.push({ index: h.length, time: h.length, ...o }); };
  for (let k = 0; k < hardKeys; k++) {
    const key = `hard${k}`;
    const base = proc;
    for (let i = 0; i < writers; i++) push({ process: base + i, type: 'invoke', f: 'write', value: i, key });
    for (let i = 0; i < writers; i++) push({ process: base + i, type: 'ok', f: 'write', value: i, key });
    proc += writers;
    for (const v of [0, 1]) {
      push({ process: proc, type: 'invoke', f: 'read', value: null, key });
      push({ process: proc, type: 'ok', f: 'read', value: v, key });
    }
    proc++;
  }
  for (let k = 0; k < staleKeys; k++) {
    const key = `stale${k}`;
    for (const [f, v] of [['write', 1], ['write', 2], ['read', 1]] as const) {
      push({ process: proc, type: 'invoke', f, value: f === 'write' ? v : null, key });
      push({ process: proc, type: 'ok', f, value: v, key });
    }
    proc++;
  }
  return h;
}

const strip = (r: LinearizableResult): unknown => ({ ...r, elapsedMs: 0 });

describe('deterministic results', () => {
  it('a history with hard and failing keys: the same result twice, and after other checks', () => {
    const ops = pairOps(mixed(3, 9, 4));
    const first = checkLinearizableSync(ops, { model: { name: 'register' } });
    expect(first.valid).toBe(false);
    for (let i = 0; i < 3; i++) checkLinearizableSync(pairOps(mixed(2, 8, 1)), { model: { name: 'register' } });
    const again = checkLinearizableSync(ops, { model: { name: 'register' } });
    expect(strip(again)).toEqual(strip(first));
  });

  const c50 = path.resolve(fileURLToPath(new URL('../../../', import.meta.url)), '../shared/corpus/porcupine/kv/c50-bad.txt');
  it.skipIf(!fs.existsSync(c50))('porcupine kv/c50-bad.txt: the same explanation alone and after c50-ok', () => {
    const load = (f: string) => pairOps(parsePorcupineKv(fs.readFileSync(f, 'utf8'), f), f);
    const model = { name: 'kv', options: { initial: '' } };
    const alone = checkLinearizableSync(load(c50), { model });
    checkLinearizableSync(load(c50.replace('c50-bad', 'c50-ok')), { model });
    const after = checkLinearizableSync(load(c50), { model });
    expect(alone.valid).toBe(false);
    expect(strip(after)).toEqual(strip(alone));
  });
});
