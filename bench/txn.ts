/**
 * Transactions on every store, seed by seed (`npm run bench:txn`): list-append under partitions,
 * kills and pauses on etcd, ZooKeeper, Consul (consistent) and the correct bundled Raft, which must
 * be valid for each store's model; the Raft's isolation bug (`--bug txn-local-reads`), which must be
 * caught; the same two over HTTP (`--target custom --client http-kv`, POST /txn); and the weaker read modes (etcd serializable, Consul stale) under partitions, whose
 * anomalies (allowed by their model, serializable) are counted. One run at a time: real clusters are
 * heavy. Needs root, etcd, ZooKeeper and Consul (scripts/setup-*.sh). Prints figures; asserts nothing.
 *
 *   npm run bench:txn [-- --seeds 3 --time 15 --only raft-bug,etcd]
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { arg, run } from './cli-runs.js';

interface Row { name: string; seeds: number; expect: 'valid' | 'invalid' | 'measure'; args: string[]; why: string }

const STORE = ['--nodes', '5', '--rate', '50', '--concurrency', '10', '--workload', 'list-append'];
const FAULTS = ['--nemesis', 'partition,kill,pause', '--nemesis-interval', '3s'];
/** The bundled Raft as a user's own system: `--listen` nodes, the http-kv client's POST /txn. */
const RAFT_HTTP = (extra: string): string[] => ['--target', 'custom', '--client', 'http-kv', '--health', '/health', '--nodes', '3', '--concurrency', '6', '--workload', 'list-append',
  '--start', `faultline-raft --listen {host}:{port} --node {node} --peers {peers} --data-dir {data}${extra}`];

export const ROWS: readonly Row[] = [
  { name: 'etcd', seeds: 5, expect: 'valid', args: ['--target', 'etcd', ...STORE, ...FAULTS], why: 'Txn with mod-revision compares: strict-serializable' },
  { name: 'zookeeper', seeds: 5, expect: 'valid', args: ['--target', 'zookeeper', ...STORE, ...FAULTS], why: 'version-checked multi (read-only: check-only multi): strict-serializable' },
  { name: 'consul', seeds: 5, expect: 'valid', args: ['--target', 'consul', ...STORE, '--reads', 'consistent', ...FAULTS], why: '/v1/txn cas/check-index, consistent reads: strict-serializable' },
  { name: 'raft', seeds: 5, expect: 'valid', args: ['--target', 'raft', '--workload', 'txn-list-append', '--nodes', '5', ...FAULTS], why: 'the correct bundled Raft: each txn one log entry' },
  { name: 'raft-bug', seeds: 10, expect: 'invalid', args: ['--target', 'raft', '--workload', 'txn-list-append', '--nodes', '5', '--bug', 'txn-local-reads', '--nemesis', 'partition', '--nemesis-interval', '2s'], why: 'reads from the receiving node\'s state, writes through the log' },
  { name: 'raft-http', seeds: 5, expect: 'valid', args: [...RAFT_HTTP(''), '--nemesis', 'partition,kill', '--nemesis-interval', '3s'], why: 'custom target, http-kv POST /txn: each txn one log entry' },
  { name: 'raft-http-bug', seeds: 5, expect: 'invalid', args: [...RAFT_HTTP(' --bug txn-local-reads'), '--nemesis', 'partition', '--nemesis-interval', '2s'], why: 'custom target, POST /txn with the reads answered by the receiving node' },
  { name: 'etcd-serializable', seeds: 3, expect: 'measure', args: ['--target', 'etcd', ...STORE, '--reads', 'serializable', '--nemesis', 'partition', '--nemesis-interval', '3s'], why: 'read-only Txn of serializable ranges, served by the member alone (model: serializable)' },
  { name: 'consul-stale', seeds: 3, expect: 'measure', args: ['--target', 'consul', ...STORE, '--reads', 'stale', '--nemesis', 'partition', '--nemesis-interval', '3s'], why: 'read-only /v1/txn?stale, any server (model: serializable)' },
];


/** The transactional checker's result in results.json (named after the workload). */
function txnResult(results: Record<string, unknown>): Record<string, unknown> | undefined {
  const checkers = results.checkers as Record<string, Record<string, unknown>>;
  return checkers['list-append'] ?? checkers['txn-list-append'];
}

async function main(): Promise<void> {
  const seeds = arg('seeds') === undefined ? undefined : Number(arg('seeds'));
  const time = arg('time') ?? '15';
  const only = arg('only')?.split(',');
  const store = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-bench-txn-'));
  const summary: string[] = [];
  try {
    for (const row of ROWS) {
      if (only && !only.includes(row.name)) continue;
      const n = seeds ?? row.seeds;
      console.log(`\n${row.name} (${n} seeds, ${time} s; expect ${row.expect}): ${row.why}`);
      let valid = 0, invalid = 0, other = 0;
      const anomalies: Record<string, number> = {};
      let runsWithAnomalies = 0;
      for (let seed = 1; seed <= n; seed++) {
        const t0 = performance.now();
        const r = await run([...row.args, '--time-limit', `${time}s`, '--seed', String(seed), '--store', store, '--name', `${row.name}-${seed}`]);
        const file = nodePath.join(store, `${row.name}-${seed}`, 'latest', 'results.json');
        if (!fs.existsSync(file)) {
          other++;
          console.log(`   seed ${seed}: no results (exit ${r.code}): ${r.out.trim().split('\n').slice(-2).join(' / ')}`);
          continue;
        }
        const results = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
        const t = txnResult(results) ?? {};
        const v = t.valid;
        if (v === true) valid++; else if (v === false) invalid++; else other++;
        const types = (t.anomalyTypes ?? {}) as Record<string, number>;
        if (Object.keys(types).length > 0) runsWithAnomalies++;
        for (const [k, c] of Object.entries(types)) anomalies[k] = (anomalies[k] ?? 0) + c;
        const txns = (t.txns ?? {}) as Record<string, number>;
        const secs = ((performance.now() - t0) / 1000).toFixed(0).padStart(3);
        console.log(`   seed ${String(seed).padStart(2)} ${secs} s  run ${String(results.valid).padEnd(7)} txn checker ${String(v).padEnd(7)} ok ${txns.ok ?? 0} fail ${txns.fail ?? 0} info ${txns.info ?? 0}`
          + `  models ${((t.consistencyModels ?? []) as string[]).join(',')}  anomalies ${JSON.stringify(types)}${t.allowed ? ' (allowed by the model)' : ''}${t.reason ? `  ${String(t.reason)}` : ''}`);
      }
      const line = `${row.name.padEnd(18)} valid ${valid}/${n}, invalid ${invalid}/${n}, other ${other}/${n}; runs with anomalies ${runsWithAnomalies}/${n} ${JSON.stringify(anomalies)}`;
      console.log(`   => ${line}`);
      summary.push(line);
    }
  } finally {
    console.log(`\nsummary:\n${summary.join('\n')}`);
    if (!process.env.KEEP_FAULTLINE_STORES) fs.rmSync(store, { recursive: true, force: true });
    else console.log(`\nruns kept in ${store}`);
  }
}

await main();
