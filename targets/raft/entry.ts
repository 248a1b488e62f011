/**
 * `faultline run --target raft`: the bundled Raft KV (a Maelstrom lin-kv node), N processes behind
 * the routed network, with its bug switches. The default target of `faultline run` and `npm start`.
 */
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../harness/ground/history/errors.js';
import { flagList, flagValue } from '../../harness/ground/contracts/flags.js';
import { didYouMean } from '../../harness/ground/contracts/closest.js';
import type { RunRequest, TargetEntry } from '../../harness/ground/contracts/run-contract.js';
import { checkLocalOnly, MAELSTROM_FLAGS, maelstromPlan } from '../../harness/middle/maelstrom/plan.js';
import type { MaelstromBody } from '../../harness/ground/protocol/protocol.js';
import type { RunPlan } from '../../harness/ground/contracts/run-contract.js';
import type { RunDir } from '../../harness/ground/contracts/run-contract.js';
import type { MaelstromCluster } from '../../harness/middle/maelstrom/cluster.js';
import type { MaelstromClusterOptions } from '../../harness/middle/maelstrom/cluster-options.js';
import { parseArgs } from './args.js';
import { BUGS } from './bugs.js';
import { StatusPoller, withSafetyObserver } from '../../harness/middle/observers/raft-status-poller.js';
import { RAFT_IMAGE, RAFT_IMAGE_ALIAS, raftImageRecipe, tagRaftAlias } from './image.js';

/** The Raft node's entry point, beside this file in dist/. */
const MAIN = nodePath.join(nodePath.dirname(fileURLToPath(import.meta.url)), 'main.js');

function bugsOf(req: RunRequest): string[] {
  const names = flagList(req, 'bug');
  const unknown = names.filter((b) => !Object.prototype.hasOwnProperty.call(BUGS, b));
  if (unknown.length > 0) throw new InputError(`unknown bug switch ${unknown.join(', ')}${didYouMean(unknown[0], Object.keys(BUGS))}; the switches are ${Object.keys(BUGS).join(', ')}`);
  return [...new Set(names)];
}

/** The Raft's tuning flags, passed to every node as they are (the node checks them: see args.ts). */
const TUNING: readonly (readonly [string, string])[] = [
  ['election-ms', 'Raft election timeout range MIN-MAX in ms (default 150-300)'],
  ['heartbeat-ms', 'Raft heartbeat period in ms (default 50)'],
  ['snapshot-every', 'Raft snapshot every N applied entries, 0 never (default 100)'],
  ['max-batch', 'Raft entries per AppendEntries (default 64)'],
  ['noop', 'Raft appends a no-op when a leader takes office: on | off (default on; --bug old-term-commit implies off)'],
];

/** The tuning flags given, as node arguments, checked by the node's own parser. */
function nodeArgs(req: RunRequest): string[] {
  const out: string[] = [];
  for (const [name] of TUNING) {
    const v = flagValue(req, name);
    if (v !== undefined) out.push(`--${name}`, v);
  }
  const parsed = parseArgs(['--data-dir', '.', ...out]);
  if (typeof parsed === 'string') throw new InputError(`raft: ${parsed.replace(/; usage: .*$/, '')}`);
  return out;
}

/** Leaders as the nodes report them: a node that believes it leads counts (several during a split brain). */
async function raftPrimaries(rpc: (node: string, body: MaelstromBody, timeoutMs: number) => Promise<MaelstromBody>, nodes: readonly string[]): Promise<string[]> {
  const answers = await Promise.all(nodes.map(async (n) => {
    try {
      const r = await rpc(n, { type: 'raft_status' }, 500);
      return r.type === 'raft_status_ok' && r.role === 'leader' ? n : undefined;
    } catch {
      return undefined; // paused, killed or cut off: it leads nobody we can reach
    }
  }));
  return answers.filter((n): n is string => n !== undefined);
}

/**
 * Adds the Raft safety checkers (checkers/raft-safety.ts) to a plan: every node's status is polled
 * from the end of setup until teardown, and the observer's verdicts join the run's checkers.
 */
function observed(plan: RunPlan, run: RunDir, t0: bigint): RunPlan {
  // Polling stops before the nodes do (see withSafetyObserver).
  const cluster = plan.target as MaelstromCluster;
  const poller = new StatusPoller(
    (node, body, timeoutMs) => cluster.client('c-raft-safety').rpc(node, body, timeoutMs),
    cluster.nodes, () => Number(process.hrtime.bigint() - t0) / 1e9,
  );
  const teardown = cluster.teardown.bind(cluster);
  cluster.teardown = async () => {
    await poller.stop();
    return teardown();
  };
  return withSafetyObserver(plan, poller, run);
}

/**
 * The Raft's files for disk faults: each node keeps them in DIR/<node>/ (node.ts): the log, the term
 * and vote, the snapshot (snapshot.ts). The FUSE layer is mounted only when the run asks for lose-unfsynced.
 */
function raftDisk(req: RunRequest, dataDir: string): MaelstromClusterOptions['disk'] {
  const faults = req.config.faults ?? [];
  const layer = faults.includes('disk') && (req.config.diskFaults === undefined || req.config.diskFaults.length === 0 || req.config.diskFaults.includes('lose-unfsynced'));
  return {
    dirOf: (node) => nodePath.join(dataDir, node), layer,
    logFiles: ['log.jsonl'], dataFiles: ['log.jsonl', 'meta.json', 'snapshot.json'],
  };
}

export const raftTarget: TargetEntry = {
  name: 'raft',
  summary: 'the bundled Raft KV (pre-vote, read index, fsync, snapshots) speaking Maelstrom lin-kv and txn-list-append; --bug switches reproduce real consensus bugs',
  // txn-list-append: transactions applied whole through the log (txn.ts); --bug txn-local-reads breaks their isolation.
  // election: the Raft's own leadership through raft_status (harness/middle/workloads/raft-election.ts).
  workloads: ['lin-kv', 'txn-list-append', 'election'],
  flags: [
    { name: 'bug', kind: 'list', help: `a bug switch (repeatable): ${Object.keys(BUGS).join(', ')}` },
    ...TUNING.map(([name, help]) => ({ name, kind: 'value' as const, help })),
    // The raft target runs lin-kv and txn-list-append: no --topology (broadcast), no Gossip Glomers
    // preset (each names a workload and node count of its own), and --keys is theirs.
    ...MAELSTROM_FLAGS.filter((f) => f.name !== 'bin' && f.name !== 'arg' && f.name !== 'topology' && f.name !== 'preset'),
  ],
  preflight(req) {
    // The bundled Raft has a real-network mode: point at it.
    checkLocalOnly(req, 'raft', (env) => `its --listen mode runs there as a custom target: --target custom --env ${env} --start 'faultline-raft --listen …' --client http-kv${env === 'docker' ? ' --image faultline/raft' : ''}`);
    bugsOf(req);
    nodeArgs(req);
  },
  plan(req, run, ctx) {
    const dataDir = nodePath.join(run.dir, 'nodes', 'data');
    const args = [MAIN, '--data-dir', dataDir, ...bugsOf(req).flatMap((b) => ['--bug', b]), ...nodeArgs(req)];
    const plan = maelstromPlan(req, run, ctx, process.execPath, args, 'raft', { primaries: raftPrimaries, disk: raftDisk(req, dataDir) });
    return observed(plan, run, ctx.t0);
  },
  // faultline images and doctor find the Raft's image here, through the registry.
  image: {
    name: RAFT_IMAGE, alias: RAFT_IMAGE_ALIAS, for: '--target custom --env docker --image faultline/raft',
    recipe: raftImageRecipe, tagAlias: (docker, tag) => tagRaftAlias(docker as Parameters<typeof tagRaftAlias>[0], tag),
  },
};
