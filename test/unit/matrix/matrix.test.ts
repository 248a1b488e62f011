/**
 * The matrix's bookkeeping: which scenarios a config makes, what each outcome counts as, the exit
 * code, --fail-fast and --time-budget, and the JUnit a CI reads. The runs are stand-ins returning
 * chosen verdicts: what is under test is the matrix, not a run (the suites run for real in .ci/run).
 */
import { describe, expect, it } from 'vitest';
import { matrixJunit, matrixTable } from '../../../harness/top/matrix/matrix-report.js';
import { matrixExit, runMatrix, type ScenarioOutcome } from '../../../harness/top/matrix/run-matrix.js';
import { matrixScenarios, onlyScenarios, type MatrixScenario } from '../../../harness/top/matrix/scenarios.js';
import type { RunOutcome } from '../../../harness/ground/contracts/run-contract.js';

const scenario = (name: string, expect: 'valid' | 'invalid', timeLimit = 10): MatrixScenario => ({ name, expect, settings: { name, timeLimit, seed: 1 } });
const results = (valid: true | false | 'unknown', extra: Partial<RunOutcome['results']> = {}): RunOutcome => ({
  dir: '/store/x/1', results: { valid, checkers: { linearizable: { valid } }, unsupportedFaults: [], ops: 10, durationS: 1, ...extra },
});

async function matrix(scs: MatrixScenario[], verdicts: Record<string, RunOutcome | Error>, opts: { failFast?: boolean; timeBudgetMs?: number; clock?: number[] } = {}) {
  const lines: string[] = [];
  const ran: string[] = [];
  let t = 0;
  const outcomes = await runMatrix(scs, {
    store: '/store', out: (l) => lines.push(l), failFast: opts.failFast, timeBudgetMs: opts.timeBudgetMs, now: () => t,
    runOne: async (argv) => {
      const name = argv[argv.indexOf('--name') + 1];
      ran.push(name);
      t += 30_000;
      const v = verdicts[name];
      if (v instanceof Error) throw v;
      return v;
    },
  });
  return { outcomes, lines, ran };
}

describe('matrixScenarios', () => {
  it('crosses workloads × fault sets × seeds over the config, each with a name and a seed', () => {
    const s = matrixScenarios({ target: 'raft', rate: 5, workloads: ['lin-kv'], faultSets: [['partition'], [], 'kill,pause'], seeds: [1, 2] });
    expect(s.map((x) => x.name)).toEqual([
      'raft-lin-kv-partition-s1', 'raft-lin-kv-partition-s2', 'raft-lin-kv-none-s1', 'raft-lin-kv-none-s2', 'raft-lin-kv-kill+pause-s1', 'raft-lin-kv-kill+pause-s2',
    ]);
    expect(s[4].settings).toMatchObject({ target: 'raft', rate: 5, workload: 'lin-kv', faults: ['kill', 'pause'], seed: 1 });
    expect(s.every((x) => x.expect === 'valid')).toBe(true);
  });

  it('explicit scenarios lie over the config and keep their expectation', () => {
    const s = matrixScenarios({ rate: 5, store: 'x', scenarios: [{ name: 'a', expect: 'invalid', rate: 9, options: { bug: 'stale-read' } }, { name: 'b', expect: 'valid' }] });
    expect(s[0]).toMatchObject({ name: 'a', expect: 'invalid', settings: { rate: 9, name: 'a', options: { bug: 'stale-read' } } });
    expect(s[1].settings).toEqual({ rate: 5, name: 'b' });
  });

  it('--only keeps the named ones and names the closest on a typo', () => {
    const all = [scenario('etcd-lock', 'invalid'), scenario('zk-lock', 'invalid')];
    expect(onlyScenarios(all, ['zk-lock']).map((s) => s.name)).toEqual(['zk-lock']);
    expect(() => onlyScenarios(all, ['etcd-lok'])).toThrow(/--only etcd-lok is not a scenario of this matrix \(did you mean "etcd-lock"\?\); the scenarios are etcd-lock, zk-lock/);
  });
});

describe('runMatrix and the exit code', () => {
  it('0 when every expectation is met, valid and invalid alike', async () => {
    const { outcomes, lines } = await matrix([scenario('bug', 'invalid'), scenario('control', 'valid')], { bug: results(false), control: results(true) });
    expect(outcomes.map((o) => o.status)).toEqual(['met', 'met']);
    expect(outcomes[0].caughtBy).toEqual(['linearizable']);
    expect(matrixExit(outcomes)).toBe(0);
    expect(lines.some((l) => /so far: 2 met, 0 not met, 0 unknown, 0 crashed; 1:00 elapsed/.test(l))).toBe(true);
  });

  it('1 when a bug was not found or a control went invalid; 2 on unknown; 255 on a crash, which outranks both', async () => {
    const a = await matrix([scenario('bug', 'invalid'), scenario('u', 'valid')], { bug: results(true), u: results('unknown') });
    expect(a.outcomes.map((o) => o.status)).toEqual(['not-met', 'unknown']);
    expect(matrixExit(a.outcomes)).toBe(1);
    expect(matrixExit(a.outcomes.slice(1))).toBe(2);
    const b = await matrix([scenario('control', 'valid'), scenario('boom', 'valid'), scenario('dead', 'valid')], {
      control: results(false), boom: new Error('etcd is not installed'), dead: results('unknown', { error: 'the cluster never came up', ops: 0 }),
    });
    expect(b.outcomes.map((o) => o.status)).toEqual(['not-met', 'crashed', 'crashed']);
    expect(b.outcomes[1].reason).toBe('etcd is not installed');
    expect(matrixExit(b.outcomes)).toBe(255);
  });

  it('--fail-fast skips the rest after the first miss', async () => {
    const { outcomes, ran } = await matrix([scenario('a', 'invalid'), scenario('b', 'valid'), scenario('c', 'valid')], { a: results(true), b: results(true), c: results(true) }, { failFast: true });
    expect(ran).toEqual(['a']);
    expect(outcomes.map((o) => o.status)).toEqual(['not-met', 'skipped', 'skipped']);
    expect(matrixExit(outcomes)).toBe(1);
  });

  it('--time-budget skips what would end past it, and a skipped scenario is not a pass', async () => {
    // Each run takes 30 s of the stand-in clock; a 10 s scenario is estimated at 10 + 5 + 20 s.
    const { outcomes, ran } = await matrix([scenario('a', 'valid'), scenario('b', 'valid'), scenario('c', 'valid', 1)], { a: results(true), b: results(true), c: results(true) }, { timeBudgetMs: 60_000 });
    expect(ran).toEqual(['a', 'c']);
    expect(outcomes[1].status).toBe('skipped');
    expect(outcomes[1].reason).toMatch(/the time budget \(1:00\) would be exceeded: 0:30 spent, about 35 s needed/);
    expect(matrixExit(outcomes)).toBe(2);
  });
});

describe('the matrix JUnit and table', () => {
  const outcomes: ScenarioOutcome[] = [
    { name: 'bug', expect: 'invalid', status: 'met', valid: false, caughtBy: ['linearizable'], durationS: 20, dir: '/s/bug/1', seed: 1, ops: 100 },
    { name: 'miss', expect: 'invalid', status: 'not-met', valid: true, caughtBy: [], durationS: 21, dir: '/s/miss/1', seed: 2, ops: 90, reason: 'the anomaly was not found: the history was valid', why: 'a <stale> read' },
    { name: 'unk', expect: 'valid', status: 'unknown', valid: 'unknown', caughtBy: [], durationS: 5, reason: 'a checker could not decide' },
    { name: 'boom', expect: 'valid', status: 'crashed', caughtBy: [], durationS: 1, reason: 'etcd is missing' },
    { name: 'later', expect: 'valid', status: 'skipped', caughtBy: [], durationS: 0, reason: '--fail-fast: miss not-met' },
  ];

  it('one testcase per scenario; a miss a failure, unknown and crash errors, skipped skipped; each with how to reproduce', () => {
    const xml = matrixJunit('regressions', outcomes, '2026-01-01T00:00:00Z');
    expect(xml).toContain('<testsuite name="regressions" tests="5" failures="1" errors="2" skipped="1"');
    expect(xml.match(/<testcase /g)).toHaveLength(5);
    expect(xml).toMatch(/<testcase classname="faultline.matrix.regressions" name="miss" time="21.000"><failure message="expected invalid, got true: the anomaly was not found: the history was valid \(reproduce: faultline run --replay \/s\/miss\/1\)" type="expectation">why: a &lt;stale&gt; read\nseed: 2/);
    expect(xml).toMatch(/name="boom"[^>]*><error message="expected valid, got no verdict: etcd is missing" type="crashed">/);
    expect(xml).toMatch(/name="later"[^>]*><skipped message="--fail-fast: miss not-met"\/>/);
    expect(xml).toMatch(/name="bug"[^>]*><system-out>/);
  });

  it('the table has a row per scenario', () => {
    const t = matrixTable(outcomes).split('\n');
    expect(t[0]).toMatch(/^scenario\s+expect\s+verdict\s+result\s+caught by\s+ops\s+time$/);
    expect(t[2]).toMatch(/^miss\s+invalid\s+valid\s+NOT MET\s+-\s+90\s+21 s$/);
    expect(t).toHaveLength(6);
  });
});

describe('#24 the matrix says verdicts in one set of words', () => {
  it('"met (valid)" beside "met (INVALID: linearizable)", never "verdict true"', async () => {
    const { lines } = await matrix([scenario('bug', 'invalid'), scenario('control', 'valid'), scenario('missed', 'invalid'), scenario('u', 'valid')],
      { bug: results(false), control: results(true), missed: results(true), u: results('unknown') });
    const text = lines.join('\n');
    expect(text).toMatch(/\[1\/4\] bug: met \(INVALID: linearizable\)/);
    expect(text).toMatch(/\[2\/4\] control: met \(valid\)/);
    expect(text).toMatch(/\[3\/4\] missed: NOT MET \(valid\) — the anomaly was not found/);
    expect(text).toMatch(/\[4\/4\] u: unknown — /);
    expect(text).not.toMatch(/verdict (true|false|unknown)|invalid:/);
  });
});
