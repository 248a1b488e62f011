/**
 * Transactions on the bundled Raft through the real CLI (5 node processes, the routed network): the
 * correct Raft applies each txn as one log entry and is strict-serializable under partitions, kills
 * and pauses; `--bug txn-local-reads` (reads from the receiving node's state, writes through the log)
 * is caught by Elle with anti-dependency anomalies, drawn in report.html with the transactions'
 * history indices linked to the history's rows. bench:txn measures the bug's rate over 10 seeds.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = nodePath.resolve('dist/harness/top/cli/main.js');
const store = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-txn-raft-'));
afterAll(() => fs.rmSync(store, { recursive: true, force: true }));

function run(name: string, args: string[]): { code: number | null; dir: string; out: string } {
  const r = spawnSync(process.execPath, [CLI, 'run', '--target', 'raft', '--workload', 'txn-list-append', '--nodes', '5', '--time-limit', '12s',
    '--store', store, '--name', name, ...args], { encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, dir: fs.realpathSync(nodePath.join(store, name, 'latest')), out: `${r.stdout}\n${r.stderr}` };
}

const resultsOf = (dir: string): Record<string, any> => JSON.parse(fs.readFileSync(nodePath.join(dir, 'results.json'), 'utf8'));

describe.skipIf(!fs.existsSync(CLI))('transactions on the bundled Raft', () => {
  it('the correct Raft is strict-serializable under partitions, kills and pauses', () => {
    const r = run('correct', ['--nemesis', 'partition,kill,pause', '--nemesis-interval', '2s', '--seed', '4']);
    expect(r.code, r.out).toBe(0);
    const t = resultsOf(r.dir).checkers['txn-list-append'];
    expect(t).toMatchObject({ valid: true, anomalyTypes: {}, consistencyModels: ['strict-serializable'] });
    expect(t.txns.ok).toBeGreaterThan(200);
    expect(t.microOps.appends).toBeGreaterThan(200);
  }, 200_000);

  it('--bug txn-local-reads is caught with anti-dependency anomalies, drawn in the report with ops linked to the history', () => {
    const r = run('bug', ['--bug', 'txn-local-reads', '--nemesis', 'partition', '--nemesis-interval', '2s', '--seed', '4']);
    expect(r.code, r.out).toBe(1);
    const t = resultsOf(r.dir).checkers['txn-list-append'];
    expect(t.valid).toBe(false);
    const types = Object.keys(t.anomalyTypes);
    // Stale reads with fresh writes: a txn missed an append that preceded its own (rw edges); never lost or duplicated data.
    expect(types.some((x) => /^(G-single|G2-item|lost-update)/.test(x)), types.join(', ')).toBe(true);
    expect(types.filter((x) => /duplicate|incompatible|G1a|dirty/.test(x))).toEqual([]);
    expect(t.not).toContain('serializable');
    const html = fs.readFileSync(nodePath.join(r.dir, 'report.html'), 'utf8');
    expect(html).toContain('<svg class="elle-cycle"');
    const links = [...html.matchAll(/<table class="elle-txns">[^]*?<\/table>/g)].flatMap((m) => [...m[0].matchAll(/href="#op-(\d+)"/g)].map((x) => Number(x[1])));
    expect(links.length).toBeGreaterThan(0);
    // Every linked index is a record of this run's history, and the linked txn is there.
    const history = fs.readFileSync(nodePath.join(r.dir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    for (const i of links) expect(history[i]?.f).toBe('txn');
  }, 200_000);
});
