// A docker run in its own process, for the signal tests:
// node child-run.mjs <etcd|zookeeper> <store> <faults> <seconds>. It imports the compiled harness (dist/).
import { runTest } from '../../../dist/harness/top/run/run.js';
import { etcdParts } from '../../../dist/targets/etcd/index.js';
import { zookeeperParts } from '../../../dist/targets/zookeeper/index.js';

const [target, store, faults, seconds] = process.argv.slice(2);
const config = { name: `docker-child-${target}`, store, seed: 5, timeLimitS: Number(seconds), rate: 50, concurrency: 3, quietS: 0, faults: faults.split(',').filter(Boolean), faultIntervalS: 1 };
const req = { config, flags: new Map([['env', 'docker']]), workload: 'register', nodeCount: 3 };
const out = await runTest(config, (run) => (target === 'etcd' ? etcdParts(req, run).plan : zookeeperParts(req, run).plan));
process.stdout.write(`${JSON.stringify({ dir: out.dir, valid: out.results.valid, interrupted: out.results.interrupted ?? null })}\n`);
