/**
 * `faultline run --target memory`: the in-memory KV (kv.ts), for tests of the controller in simulated
 * time and for teaching — nothing to install, no root, its crashes, pauses and partitions modeled in
 * memory, and two bug switches that Faultline finds. See docs/targets/memory.md.
 *
 * It waits only on the run's clock (`ctx.clock`): on the real clock a run takes its time limit; on a
 * simulated one (test/unit/run/) it takes milliseconds and the same seed gives the same history.
 */
import { InputError } from '../../harness/ground/history/errors.js';
import { createRng, realClock, runSeed } from '../../harness/ground/generator/index.js';
import { flagList, REQUEST_TIMEOUT, valueOf } from '../../harness/ground/contracts/flags.js';
import { buildFaults, faultOptionsOf } from '../../harness/middle/faults/nemesis/index.js';
import type { RunRequest, TargetEntry } from '../../harness/ground/contracts/run-contract.js';
import { getWorkload } from '../../harness/middle/workloads/index.js';
import type { MaelstromWorkload, MaelstromWorkloadOptions } from '../../harness/middle/workloads/types.js';
import { MEMORY_BUGS, MemoryKv, type MemoryBug } from './kv.js';

type Conn = Parameters<MaelstromWorkload['client']>[0];

function bugsOf(req: RunRequest): MemoryBug[] {
  const names = flagList(req, 'bug');
  const unknown = names.filter((b) => !Object.prototype.hasOwnProperty.call(MEMORY_BUGS, b));
  if (unknown.length > 0) throw new InputError(`unknown bug switch ${unknown.join(', ')} for --target memory; the switches are ${Object.keys(MEMORY_BUGS).join(', ')}`);
  return [...new Set(names)] as MemoryBug[];
}

export const memoryTarget: TargetEntry = {
  name: 'memory',
  summary: 'an in-memory KV with modeled crashes, pauses and partitions, for tests and teaching (nothing to install); --bug stale-read | lost-write',
  workloads: ['lin-kv'],
  flags: [
    { name: 'bug', kind: 'list', help: `a bug switch (repeatable): ${Object.entries(MEMORY_BUGS).map(([k, v]) => `${k} (${v})`).join('; ')}` },
    REQUEST_TIMEOUT,
  ],
  preflight(req) {
    bugsOf(req);
    if (req.workload !== 'lin-kv') throw new InputError(`--target memory runs the lin-kv workload only, not ${req.workload}; drop --workload`);
  },
  plan(req, run, ctx) {
    const clock = ctx.clock ?? realClock;
    const bugs = bugsOf(req);
    const root = createRng(runSeed(req.config.seed));
    const kv = new MemoryKv({ nodeCount: req.nodeCount, clock, rng: root.fork('memory-kv'), bugs });
    const workload = getWorkload('lin-kv');
    const wopts: MaelstromWorkloadOptions = {
      rate: req.config.rate, concurrency: req.config.concurrency, nodes: kv.nodes, rpcTimeoutMs: valueOf(req, REQUEST_TIMEOUT),
      onProtocolError: (e) => run.log(`protocol error: ${e.message}`),
    };
    run.log(`memory: ${req.nodeCount} in-memory nodes, workload lin-kv, bugs ${bugs.length ? bugs.join(',') : 'none'}`);
    return {
      target: kv,
      workload,
      workloadOptions: wopts,
      model: { name: 'cas-register' },
      async openClient(thread) {
        // Threads spread over nodes round-robin, as the Maelstrom targets do.
        const node = kv.nodes[thread % kv.nodes.length];
        return workload.client(kv.conn(`c${thread}`) as Conn, node, wopts);
      },
      // Long nemesis ops (clock strobes) would wait on the run's clock; this target has no clocks to skew.
      faults: (target, observed) => buildFaults(req.config.faults, target, { ...faultOptionsOf(req.config, observed), sleep: (ms) => clock.sleep(ms), log: (m) => run.log(m) }),
      extraResults: () => ({ memory: { ...kv.stats, bugs } }),
    };
  },
};
