// A Consul run in its own process, for the signal tests: node child-run.mjs <store> <faults> <seconds>.
// It imports the compiled harness (dist/, built by `npm test`), as the faultline CLI does.
import { runTest } from '../../../dist/harness/top/run/run.js';
import { consulParts } from '../../../dist/targets/consul/index.js';

const [store, faults, seconds] = process.argv.slice(2);
const config = { name: 'child-consul', store, seed: 5, timeLimitS: Number(seconds), rate: 50, concurrency: 3, quietS: 0, faults: faults.split(',').filter(Boolean), faultIntervalS: 1 };
const req = { config, flags: new Map(), workload: 'lock', nodeCount: 3 };
const out = await runTest(config, (run) => consulParts(req, run).plan);
process.stdout.write(`${JSON.stringify({ dir: out.dir, valid: out.results.valid, interrupted: out.results.interrupted ?? null })}\n`);
