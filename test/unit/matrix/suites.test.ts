/**
 * The bundled suites are valid configs: every Raft bug row is an entry, the real stores' known bugs
 * are there, names are unique, and the fast subset fits in five minutes by its own estimate.
 */
import { describe, expect, it } from 'vitest';
import { checkConfig } from '../../../harness/top/config/schema.js';
import { estimateS } from '../../../harness/top/matrix/run-matrix.js';
import { matrixScenarios } from '../../../harness/top/matrix/scenarios.js';
import { SUITES } from '../../../suites/index.js';
import { BUG_ROWS } from '../../../targets/raft/bug-rows.js';
import { parseRunRequest } from '../../../harness/top/cli/run-command.js';
import { scenarioArgv } from '../../../harness/top/matrix/run-matrix.js';

describe('the bundled suites', () => {
  it('pass the config checks, and every scenario parses as a faultline run', () => {
    for (const [name, suite] of Object.entries(SUITES)) {
      checkConfig(suite, name);
      for (const s of matrixScenarios(suite)) expect(() => parseRunRequest(scenarioArgv(s, '/tmp/store'), () => {})).not.toThrow();
    }
  });

  it('regressions holds every Raft bug row and the stores\' known bugs, each bug expected invalid', () => {
    const byName = new Map(SUITES.regressions.scenarios!.map((s) => [s.name, s]));
    for (const row of BUG_ROWS) {
      const s = byName.get(`raft-${row.name ?? row.bug}`);
      expect(s?.expect).toBe(row.bug === 'correct' ? 'valid' : 'invalid');
      if (row.bug !== 'correct') expect(s?.options?.bug).toBe(row.bug);
    }
    for (const n of ['etcd-serializable-reads', 'zookeeper-plain-reads', 'etcd-lock-pause', 'zookeeper-lock-pause']) expect(byName.get(n)?.expect).toBe('invalid');
    expect([...byName.values()].filter((s) => s.expect === 'valid').length).toBeGreaterThanOrEqual(4);
    // Election (issue 28): a control per store and the Raft's sticky-leader switch, each ≤ 30 s.
    for (const n of ['etcd-election', 'zookeeper-election', 'consul-election', 'raft-correct-election', 'raft-sticky-leader']) {
      const s = byName.get(n);
      expect(s?.workload, n).toBe('election');
      expect(s!.timeLimit).toBeLessThanOrEqual(30);
    }
    expect(byName.get('raft-sticky-leader')?.expect).toBe('invalid');
  });

  it('regressions-fast is a subset of regressions with bugs and a control, estimated under 5 minutes', () => {
    const fast = SUITES['regressions-fast'].scenarios!;
    const all = SUITES.regressions.scenarios!;
    expect(fast.every((f) => all.includes(f))).toBe(true);
    expect(fast.some((s) => s.expect === 'valid') && fast.some((s) => s.expect === 'invalid')).toBe(true);
    expect(matrixScenarios(SUITES['regressions-fast']).reduce((t, s) => t + estimateS(s), 0)).toBeLessThan(300);
  });
});
