/**
 * Detection rates of the kafka checker on real runs (#31): the Python kafka node of test/nodes/py
 * with each planted bug, and without, over N seeds of `faultline run --target maelstrom --workload
 * kafka`. Prints per row how many runs were caught, by which anomaly, and the anomaly counts (the
 * margin). Prints figures; asserts nothing.
 *
 *   npm run bench:kafka [-- --seeds 10 --time 3 --parallel 2]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg } from './cli-runs.js';

const ROOT = nodePath.resolve(nodePath.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = nodePath.join(ROOT, 'dist/harness/top/cli/main.js');
const node = nodePath.join(ROOT, 'test/nodes/py/kafka.py');
const ROWS = [
  { bug: '', expect: 'valid' },
  { bug: 'lost', expect: 'lost-write' },
  { bug: 'dup-offset', expect: 'duplicate-offset' },
  { bug: 'nonmono', expect: 'nonmonotonic-send' },
];

const opt = (name: string, dflt: string): string => arg(name) ?? dflt;
const seeds = Number(opt('seeds', '10'));
const timeS = Number(opt('time', '3'));
const parallel = Number(opt('parallel', '2'));
const store = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-bench-kafka-'));

interface Outcome { row: string; seed: number; valid: unknown; anomalies: Record<string, { count: number }>; sends: number }

function runOne(bug: string, seed: number): Promise<Outcome> {
  const s = nodePath.join(store, `${bug || 'correct'}-${seed}`);
  const args = [cli, 'run', '--target', 'maelstrom', '--bin', node, '--workload', 'kafka', '--nodes', '1', '--time-limit', `${timeS}s`,
    '--rate', '50', '--quiet', '1s', '--seed', String(seed), '--store', s];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, KAFKA_BUG: bug }, stdio: 'ignore' });
    child.on('close', () => {
      let r: { checkers?: Record<string, { valid: unknown; anomalies?: Record<string, { count: number }>; sends?: { ok: number } }> } = {};
      try { r = JSON.parse(fs.readFileSync(nodePath.join(s, 'latest', 'results.json'), 'utf8')); } catch { /* no results: counted as not run */ }
      const k = r.checkers?.kafka;
      resolve({ row: bug || 'correct', seed, valid: k?.valid, anomalies: k?.anomalies ?? {}, sends: k?.sends?.ok ?? 0 });
    });
  });
}

const jobs = ROWS.flatMap((r) => Array.from({ length: seeds }, (_, i) => () => runOne(r.bug, i + 1)));
const outcomes: Outcome[] = [];
async function worker(): Promise<void> {
  for (let job = jobs.shift(); job; job = jobs.shift()) outcomes.push(await job());
}
await Promise.all(Array.from({ length: parallel }, worker));
for (const r of ROWS) {
  const name = r.bug || 'correct';
  const mine = outcomes.filter((o) => o.row === name);
  const hit = r.expect === 'valid' ? mine.filter((o) => o.valid === true).length : mine.filter((o) => o.valid === false && o.anomalies[r.expect]).length;
  const counts = mine.map((o) => o.anomalies[r.expect]?.count ?? 0).sort((a, b) => a - b);
  const sends = mine.map((o) => o.sends).sort((a, b) => a - b);
  console.log(`${name.padEnd(11)} ${r.expect === 'valid' ? 'valid' : `caught as ${r.expect}`}: ${hit}/${mine.length}` +
    (r.expect === 'valid' ? '' : `; ${r.expect} per run min ${counts[0]}, median ${counts[Math.floor(counts.length / 2)]}`) +
    `; acknowledged sends median ${sends[Math.floor(sends.length / 2)]}`);
}
fs.rmSync(store, { recursive: true, force: true });
