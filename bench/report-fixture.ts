/**
 * The big run directory bench:report measures (and the diagram's end-to-end test opens): a
 * 100,000-op history from the checker benchmark's generator with nemesis ops for four fault kinds,
 * checked by the real checkers, a 200,000-message journal and 3 × 2 MB node logs.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { linearizableChecker } from '../checkers/linearizability.js';
import { checkStats } from '../checkers/stats.js';
import type { Op } from '../harness/ground/history/op.js';
import { readHistoryLenient } from '../reports/run-data.js';
import { generateBigHistory } from './generate-history.js';

/** Interleaves nemesis ops (start/stop of partition, kill, pause, clock) every 0.5 s, re-indexing. */
function withNemesis(ops: Op[]): Op[] {
  const cycle: [string, unknown, unknown][] = [
    ['start-partition', 'majority', { grudge: { n0: ['n1', 'n2'] } }], ['stop-partition', null, { grudge: {} }],
    ['kill', 'one', ['n1']], ['start', 'all', ['n1']], ['pause', 'one', ['n2']], ['resume', 'all', ['n2']],
    ['bump-clock', 'all', { offsets: { n0: 120, n1: -4000, n2: 33 } }], ['reset-clock', 'all', { offsets: { n0: 0, n1: 0, n2: 0 } }],
  ];
  const out: Op[] = [];
  let next = 0.25e9;
  let k = 0;
  for (const op of ops) {
    while (op.time >= next) {
      const [f, value, result] = cycle[k++ % cycle.length];
      out.push({ index: 0, time: next, process: 'nemesis', type: 'invoke', f, value });
      out.push({ index: 0, time: next + 1e5, process: 'nemesis', type: 'info', f, value: result });
      next += 0.5e9;
    }
    out.push({ ...op, node: `n${Number(op.process) % 3}` });
  }
  out.forEach((op, i) => { op.index = i; });
  return out;
}

export interface BigRun {
  dir: string;
  history: Op[];
  messages: number;
  endS: number;
  checkMs: number;
  valid: unknown;
}

/**
 * Writes the run under `tmp` (`<tmp>/store/bench/<time>`): `ops` client ops and `messages` journal
 * lines (default twice the ops), spread over the history's time span.
 */
export async function writeBigRun(tmp: string, ops: number, messages = 2 * ops): Promise<BigRun> {
  const dir = nodePath.join(tmp, 'store', 'bench', '2025-01-01T000000Z');
  fs.mkdirSync(nodePath.join(dir, 'nodes'), { recursive: true });
  const raw = nodePath.join(tmp, 'raw.jsonl');
  generateBigHistory(raw, { ops, keys: 100, processes: 20, infoRate: 0.01, seed: 7 });
  const history = withNemesis(readHistoryLenient(raw).ops);
  fs.rmSync(raw);
  fs.writeFileSync(nodePath.join(dir, 'history.jsonl'), history.map((o) => JSON.stringify(o)).join('\n') + '\n');
  const c0 = performance.now();
  const lin = await linearizableChecker({ name: 'cas-register' }).check(history, {});
  const checkMs = performance.now() - c0;
  const endNs = history[history.length - 1].time;
  const endS = endNs / 1e9;
  fs.writeFileSync(nodePath.join(dir, 'results.json'), JSON.stringify({
    valid: lin.valid, checkers: { linearizable: lin, stats: checkStats(history) }, unsupportedFaults: [], ops: history.length, durationS: endS,
  }));
  fs.writeFileSync(nodePath.join(dir, 'test.json'), JSON.stringify({ name: 'bench', seed: 7, target: 'maelstrom', workload: 'lin-kv', faults: ['partition', 'kill', 'pause', 'clock'], startedAt: '2025-01-01T00:00:00Z' }));
  // Messages evenly over the history's span: a client's request to a node, then the node's to lin-kv.
  const step = Math.max(1, Math.floor(endNs / messages));
  const msgs: string[] = [];
  for (let i = 0; i < messages; i++) {
    const n = `n${i % 3}`;
    const t = i * step;
    msgs.push(i % 2 === 0
      ? `{"id":${i},"time":${t},"src":"c${i % 20}","dest":"${n}","type":"write","body":{"type":"write","key":1,"value":2,"msg_id":${i}},"deliverAt":${t + 50_000}}`
      : `{"id":${i},"time":${t},"src":"${n}","dest":"lin-kv","type":"write","body":{"type":"write","key":1,"value":2,"msg_id":${i}}${i % 97 === 0 ? ',"dropped":"partition"}' : `,"deliverAt":${t + 50_000}}`}`);
  }
  fs.writeFileSync(nodePath.join(dir, 'messages.jsonl'), msgs.join('\n') + '\n');
  for (const n of ['n0', 'n1', 'n2']) fs.writeFileSync(nodePath.join(dir, 'nodes', `${n}.log`), `${n} some log line with a little text in it\n`.repeat(50_000));
  return { dir, history, messages, endS, checkMs, valid: lin.valid };
}
