/**
 * Histories that are hard for any search (test/fixtures/linearizable-hard): a FIFO queue whose
 * pending enqueues may each have taken effect anywhere after their invoke has a distinct queue for
 * every subset and order of them (queue linearizability is NP-complete). Found by the long-history
 * oracle property: the checker said `unknown` after 82 s, the brute-force oracle `false` after 170 s.
 * What must hold on them: the checker never says valid (a false valid is the worst answer), and it
 * stops at its limit; the oracle's step budget gives up instead of running for minutes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkLinearizableSync } from '../../../checkers/linearizable/index.js';
import { pairOps, readJsonlSync } from '../../../harness/ground/history/index.js';
import { oracleCheckWithin, queueRef } from './oracle.js';

const dir = fileURLToPath(new URL('../../fixtures/linearizable-hard/', import.meta.url));
const file = 'fifo-queue-pending-enqueues-invalid.jsonl';

describe('hard histories', () => {
  it(`${file}: the checker stops at its limit without a false valid`, () => {
    const history = readJsonlSync(path.join(dir, file));
    // Unbounded, this search runs for minutes: the suite's test timeout catches a limit not kept.
    const r = checkLinearizableSync(pairOps(history, file), { model: { name: 'fifo-queue' }, explain: false, timeoutMs: 2_000 });
    expect(r.valid).not.toBe(true);
  });

  it(`${file}: the oracle gives up at its step budget`, () => {
    const history = readJsonlSync(path.join(dir, file));
    expect(oracleCheckWithin(queueRef(true), history, 100_000)).toBeUndefined();
  });
});
