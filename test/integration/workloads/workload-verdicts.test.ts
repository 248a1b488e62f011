/**
 * End to end, through the real CLI: for every Maelstrom workload a correct node (test/nodes) is
 * judged valid (exit 0) — under partitions where the node must heal — and a realistically wrong one
 * is judged invalid (exit 1) by the workload's own checker, whose result names the anomaly the bug
 * must cause. Each wrong node is wrong deterministically, so no verdict rests on timing luck; the
 * oracles below recompute the anomaly from the history rather than trusting the checker's counts.
 *
 * SWAP_NODES=1 runs every case with the other node (wrong where the correct one is expected and the
 * reverse): every test must then fail, which proves none of them cannot.
 */
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { cleanupRuns, describeRun, requireBuiltCli, runCli, type CliRun } from './cli-run.js';
import { byIndex, clientOps, completions, expectWellFormedTxns, pairs, partitions, routedNodeOf } from './history-oracles.js';

const SWAP = process.env.SWAP_NODES === '1';
const NODES = 3;
const CONCURRENCY = 10;
/** Short runs: 5 s of ops at 100/s, partitions every 1.5 s, 2 s of calm before the final reads. */
const common = (nodes = NODES): string[] => ['--nodes', String(nodes), '--concurrency', String(CONCURRENCY), '--time-limit', '5s', '--quiet', '2s', '--seed', '20261124'];
const PARTITIONS = ['--nemesis', 'partition', '--nemesis-interval', '1.5s'];

type Results = Record<string, any>;

const partitionDrops = (r: CliRun): number => r.results?.messages?.dropped?.partition ?? 0;

interface Case {
  workload: string;
  correct: string;
  /** Flags of the correct run on top of common() (faults, key count). */
  correctFlags: string[];
  /** Asserts the correct run did real work (not a vacuous valid). */
  sane(expect: ExpectStatic, r: CliRun): void;
  wrong?: string;
  wrongFlags?: string[];
  /** The checker the wrong node must fail. */
  checker?: string;
  /** Asserts the checker's result names the anomaly the wrong node causes. */
  anomaly?(expect: ExpectStatic, res: Results, r: CliRun): void;
}

/** The node a client op went to, under this file's cluster size and concurrency (see routedNode). */
const routedNode = (op: { process: unknown; node?: string }): string => routedNodeOf(op, CONCURRENCY, NODES);

const CASES: Case[] = [
  {
    workload: 'echo',
    correct: 'echo.mjs',
    correctFlags: [],
    sane: (expect, r) => expect(r.results!.checkers.echo.ok).toBeGreaterThan(100),
    wrong: 'echo-wrong.mjs',
    checker: 'echo',
    anomaly(expect, res, r) {
      // The bug truncates to 14 characters: exactly the ok echoes of longer payloads come back wrong.
      const long = pairs(r.history).filter(([inv, done]) => done.f === 'echo' && done.type === 'ok' && String(inv.value).length > 14);
      expect(long.length).toBeGreaterThan(0);
      expect(res.mismatched.count).toBe(long.length);
      for (const ex of res.mismatched.examples) expect(ex.got).toBe(String(ex.sent).slice(0, 14));
    },
  },
  {
    workload: 'lin-kv',
    correct: 'lin-kv-single.mjs',
    // Forwarded requests time out across a partition: info ops the checker must stay sound on.
    correctFlags: PARTITIONS,
    sane(expect, r) {
      expect(r.results!.checkers.linearizable.ops).toBeGreaterThan(100);
      // Whether a shape cuts anyone off from the primary is the seed's choice; that it partitions is not.
      expect(partitions(r.history).length).toBeGreaterThan(0);
    },
    wrong: 'lin-kv-local.mjs',
    wrongFlags: ['--keys', '8'],
    checker: 'linearizable',
    anomaly(expect, res, r) {
      const ops = byIndex(r.history);
      const nodeOf = (o: { completionIndex?: number; index: number }): string => routedNode(ops.get(o.completionIndex ?? o.index)!);
      expect(res.failedPartitions).toBeGreaterThan(0);
      for (const f of res.failures) {
        // Each node alone is a perfect register: a counterexample always spans two nodes.
        expect(new Set(f.counterexample.map(nodeOf)).size).toBeGreaterThanOrEqual(2);
      }
      // A stale read: the op no order could explain is a read through one node of a value other than
      // one a write through another node had acknowledged before the read began.
      type CexOp = { f: string; outcome: string; index: number; completionIndex: number; input: unknown; output: unknown };
      const stale = res.failures.filter((f: { blocking: CexOp; counterexample: CexOp[] }) => {
        const read = f.blocking;
        if (read.f !== 'read') return false;
        return f.counterexample.some((w) => w.f === 'write' && w.outcome === 'ok' && w.completionIndex < read.index &&
          w.input !== read.output && nodeOf(w) !== nodeOf(read));
      });
      expect(stale.length, JSON.stringify(res.failures.map((f: Results) => f.counterexample.map((o: Results) => o.description)))).toBeGreaterThan(0);
    },
  },
  {
    workload: 'g-set',
    correct: 'g-set.mjs',
    correctFlags: PARTITIONS,
    sane(expect, r) {
      const s = r.results!.checkers.set;
      expect(s.acknowledged).toBeGreaterThan(50);
      expect(s.finalReads).toBe(3);
      expect(partitionDrops(r)).toBeGreaterThan(0);
    },
    wrong: 'g-set-no-gossip.mjs',
    checker: 'set',
    anomaly(expect, res, r) {
      // Every element acknowledged by one node is missing from the other two nodes' final reads.
      expect(res.acknowledged).toBeGreaterThan(0);
      expect(res.lost.count).toBe(res.acknowledged);
      expectLostElsewhere(expect, res.lost.examples, r);
    },
  },
  ...(['g-counter', 'pn-counter'] as const).map((workload): Case => ({
    workload,
    correct: 'counter-crdt.mjs',
    correctFlags: PARTITIONS,
    sane(expect, r) {
      const c = r.results!.checkers.counter;
      expect(c.adds.ok).toBeGreaterThan(50);
      expect(c.finalReads).toBe(3);
      expect(partitionDrops(r)).toBeGreaterThan(0);
    },
    wrong: 'counter-local.mjs',
    checker: 'counter',
    anomaly(expect, res, r) {
      // Each wrong final read is exactly the sum of the adds its own node acknowledged.
      expect(res.errors.count).toBeGreaterThan(0);
      if (workload === 'g-counter') expect(res.errors.count).toBe(3);
      const local = new Map<string, number>();
      for (const op of completions(r.history, 'add')) local.set(routedNode(op), (local.get(routedNode(op)) ?? 0) + (op.value as number));
      const unsure = new Set(clientOps(r.history).filter((op) => op.f === 'add' && op.type === 'info').map(routedNode));
      for (const e of res.errors.examples) {
        expect(e.node).toMatch(/^n\d$/);
        expect(e.value).not.toBe(res.okSum);
        if (!unsure.has(e.node)) expect(e.value).toBe(local.get(e.node) ?? 0);
      }
    },
  })),
  {
    workload: 'unique-ids',
    correct: 'unique-ids.mjs',
    correctFlags: PARTITIONS,
    sane: (expect, r) => expect(r.results!.checkers['unique-ids'].acknowledged).toBeGreaterThan(100),
    wrong: 'unique-ids-counter.mjs',
    checker: 'unique-ids',
    anomaly(expect, res) {
      // A counter per node: every duplicate comes from different nodes handing out the same number.
      expect(res.duplicatedCount).toBeGreaterThan(0);
      for (const d of res.duplicated) {
        expect(typeof d.id).toBe('number');
        const nodes = d.ops.map((o: { process: number }) => routedNode(o));
        expect(new Set(nodes).size).toBe(nodes.length);
        expect(nodes.length).toBeGreaterThanOrEqual(2);
      }
    },
  },
  {
    workload: 'broadcast',
    correct: 'broadcast.mjs',
    correctFlags: PARTITIONS,
    sane(expect, r) {
      const b = r.results!.checkers.broadcast;
      expect(b.acknowledged).toBeGreaterThan(50);
      expect(Object.keys(b.nodes).sort()).toEqual(['n0', 'n1', 'n2']);
      expect(partitionDrops(r)).toBeGreaterThan(0);
    },
    wrong: 'broadcast-no-gossip.mjs',
    checker: 'broadcast',
    anomaly(expect, res, r) {
      expect(res.lost.count).toBe(res.acknowledged);
      for (const node of ['n0', 'n1', 'n2']) expect(res.nodes[node].lost).toBeGreaterThan(0);
      expectLostElsewhere(expect, res.lost.examples, r);
    },
  },
];

/** Each lost element is missing from exactly the final reads of the nodes that did not acknowledge it. */
function expectLostElsewhere(expect: ExpectStatic, examples: Results[], r: CliRun): void {
  const ops = byIndex(r.history);
  expect(examples.length).toBeGreaterThan(0);
  for (const ex of examples) {
    const ackedBy = routedNode(ops.get(ex.added)!);
    expect(ackedBy).toMatch(/^n\d$/);
    const missing = ex.missingFrom.map((m: Results) => m.node).sort();
    expect(missing).toEqual(['n0', 'n1', 'n2'].filter((n) => n !== ackedBy));
  }
}

/** Exit code, every checker and no process left: the checks every run shares. */
function expectVerdict(expect: ExpectStatic, r: CliRun, valid: boolean, failing?: string): void {
  expect(r.leftovers, 'processes left behind').toEqual([]);
  expect(r.code, describeRun(r)).toBe(valid ? 0 : 1);
  const checkers = r.results!.checkers as Record<string, Results>;
  for (const [name, c] of Object.entries(checkers)) {
    expect(c.valid, `${name}: ${JSON.stringify(c).slice(0, 500)}`).toBe(valid || name !== failing);
  }
  if (failing !== undefined) expect(Object.keys(checkers)).toContain(failing);
  expect(r.results!.error, 'the run broke off').toBeUndefined();
}

beforeAll(requireBuiltCli);
afterAll(cleanupRuns);

describe.concurrent('every workload: the correct node is valid, the wrong node fails its checker', () => {
  for (const c of CASES) {
    it(`${c.workload}: ${c.correct} is valid${c.correctFlags.includes('partition') ? ' across partitions' : ''}`, async ({ expect }) => {
      const [bin, flags] = SWAP ? [c.wrong!, c.wrongFlags ?? []] : [c.correct, c.correctFlags];
      const r = await runCli(['--workload', c.workload, ...common(), ...flags], { bin });
      expectVerdict(expect, r, true);
      c.sane(expect, r);
    }, 180_000);

    if (c.wrong === undefined) continue;
    it(`${c.workload}: ${c.wrong} fails the ${c.checker} checker`, async ({ expect }) => {
      const [bin, flags] = SWAP ? [c.correct, c.correctFlags] : [c.wrong!, c.wrongFlags ?? []];
      const r = await runCli(['--workload', c.workload, ...common(), ...flags], { bin });
      expectVerdict(expect, r, false, c.checker);
      // The summary names the failing checker (the linearizable result has no `reason` to show yet).
      expect(r.stdout).toMatch(new RegExp(`^  ${c.checker}: INVALID( — .+)?$`, 'm'));
      c.anomaly!(expect, r.results!.checkers[c.checker!], r);
    }, 180_000);
  }

  it('txn-list-append: txn-list-append.mjs on one node records a well-formed history that Elle finds strict serializable', async ({ expect }) => {
    // One node serves every txn in turn, so the history is strict serializable. Swapped, an echo node
    // answers every txn with error 10, which must fail this test too.
    const r = await runCli(['--workload', 'txn-list-append', ...common(1)], { bin: SWAP ? 'echo.mjs' : 'txn-list-append.mjs' });
    expect(r.leftovers).toEqual([]);
    expect(r.code, describeRun(r)).toBe(0);
    const { checkers } = r.results!;
    expect(checkers['txn-list-append']).toMatchObject({ valid: true, consistencyModels: ['strict-serializable'], anomalyTypes: {} });
    expect(checkers.protocol.valid).toBe(true);
    expect(checkers['node-protocol'].valid).toBe(true);
    expectWellFormedTxns(expect, r.history, checkers['txn-list-append']);
  }, 180_000);

  it('txn-list-append: a node without isolation (micro-ops of concurrent txns interleave) is invalid with isolation anomalies only', async ({ expect }) => {
    // Nothing is lost or corrupted, so the anomalies must be isolation's (intermediate reads, read
    // skew, anti-dependency cycles), never a lost, duplicated or reordered element. Swapped, the
    // isolated node must fail this test (it is valid).
    const r = await runCli(['--workload', 'txn-list-append', ...common(1)], { bin: SWAP ? 'txn-list-append.mjs' : 'txn-list-append-no-isolation.mjs' });
    expect(r.leftovers).toEqual([]);
    expect(r.code, describeRun(r)).toBe(1);
    const res = r.results!.checkers['txn-list-append'];
    expect(res.valid).toBe(false);
    const types = Object.keys(res.anomalyTypes);
    // internal: a read inside a txn that misses its own earlier append because another landed between.
    const isolation = /^(internal|G0|G1b|G1c|G-single|G-nonadjacent|G2-item|G2|lost-update)(-process|-realtime)?$/;
    expect(types.length).toBeGreaterThan(0);
    expect(types.filter((t) => !isolation.test(t))).toEqual([]);
    // Read skew or intermediate reads at least: no serializable order exists.
    expect(res.not).toContain('serializable');
    expect(types.some((t) => /^(G1b|G-single|G2-item|G1c|internal)/.test(t)), types.join(', ')).toBe(true);
    expectWellFormedTxns(expect, r.history, res);
  }, 180_000);
});
