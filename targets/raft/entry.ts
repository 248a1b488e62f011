/**
 * `faultline run --target raft`: the bundled Raft KV (a Maelstrom lin-kv node), N processes behind
 * the routed network, with its bug switches. The default target of `faultline run` and `npm start`.
 */
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../harness/ground/history/errors.js';
import { choiceOption, flagList, intOption, valueOf, type TypedFlag } from '../../harness/ground/contracts/flags.js';
import { didYouMean } from '../../harness/ground/contracts/closest.js';
import type { RunRequest, TargetEntry } from '../../harness/ground/contracts/run-contract.js';
import { checkLocalOnly, MAELSTROM_FLAGS, maelstromPlan } from '../../harness/middle/maelstrom/plan.js';
import type { MaelstromBody } from '../../harness/ground/protocol/protocol.js';
import type { RunPlan } from '../../harness/ground/contracts/run-contract.js';
import type { RunDir } from '../../harness/ground/contracts/run-contract.js';
import type { MaelstromCluster } from '../../harness/middle/maelstrom/cluster.js';
import type { MaelstromClusterOptions } from '../../harness/middle/maelstrom/cluster-options.js';
import { parseArgs } from './args.js';
import { heartbeatProblem, parseElectionMs, TUNING_DEFAULTS, TUNING_FLAGS, TUNING_MIN } from './tuning.js';
import { BUGS } from './bugs.js';
import { StatusPoller, withSafetyObserver } from '../../harness/middle/observers/raft-status-poller.js';
import { RaftMembership } from './member-control.js';
import { RAFT_IMAGE, RAFT_IMAGE_ALIAS, raftImageRecipe, tagRaftAlias } from './image.js';
import { RAFT_DISK_FILES } from './disk-files.js';

/** The Raft node's entry point, beside this file in dist/. */
const MAIN = nodePath.join(nodePath.dirname(fileURLToPath(import.meta.url)), 'main.js');

function bugsOf(req: RunRequest): string[] {
  const names = flagList(req, 'bug');
  const unknown = names.filter((b) => !Object.prototype.hasOwnProperty.call(BUGS, b));
  if (unknown.length > 0) throw new InputError(`unknown bug switch ${unknown.join(', ')}${didYouMean(unknown[0], Object.keys(BUGS))}; the switches are ${Object.keys(BUGS).join(', ')}`);
  return [...new Set(names)];
}

/** A typed flag's parser that turns the node parser's sentence into the run's InputError. */
const orRefuse = <T>(v: T | string): T => { if (typeof v === 'string') throw new InputError(`raft: ${v}`); return v; };

/**
 * The Raft's tuning flags, typed, with the defaults and ranges of tuning.ts (the node's own parser
 * reads the same declarations). Each is passed to every node.
 */
const ELECTION_MS: TypedFlag<[number, number]> = {
  name: TUNING_FLAGS.electionMs.flag, kind: 'value',
  help: `${TUNING_FLAGS.electionMs.help} (default ${TUNING_DEFAULTS.electionMinMs}-${TUNING_DEFAULTS.electionMaxMs})`,
  type: {
    parse: (text) => orRefuse(parseElectionMs(text)),
    default: [TUNING_DEFAULTS.electionMinMs, TUNING_DEFAULTS.electionMaxMs],
    defaultText: `${TUNING_DEFAULTS.electionMinMs}-${TUNING_DEFAULTS.electionMaxMs}`,
  },
};
const HEARTBEAT_MS = intOption(TUNING_FLAGS.heartbeatMs.flag, TUNING_FLAGS.heartbeatMs.help, TUNING_DEFAULTS.heartbeatMs, TUNING_MIN.heartbeatMs);
HEARTBEAT_MS.type.check = (hb, values) => {
  const election = values.get(ELECTION_MS.name) as [number, number] | undefined;
  const problem = heartbeatProblem(hb as number, (election ?? [TUNING_DEFAULTS.electionMinMs])[0]);
  if (problem) throw new InputError(`raft: ${problem}`);
};
const SNAPSHOT_EVERY = intOption(TUNING_FLAGS.snapshotEvery.flag, TUNING_FLAGS.snapshotEvery.help, TUNING_DEFAULTS.snapshotEvery, TUNING_MIN.snapshotEvery);
const MAX_BATCH = intOption(TUNING_FLAGS.maxBatch.flag, TUNING_FLAGS.maxBatch.help, TUNING_DEFAULTS.maxBatch, TUNING_MIN.maxBatch);
const NOOP = choiceOption(TUNING_FLAGS.noop.flag, TUNING_DEFAULTS.noop ? ['on', 'off'] as const : ['off', 'on'] as const, TUNING_FLAGS.noop.help);

/** The tuning flags as node arguments, from their typed values (defaults included), checked by the node's own parser too. */
function nodeArgs(req: RunRequest): string[] {
  const [min, max] = valueOf(req, ELECTION_MS);
  const out = [
    `--${ELECTION_MS.name}`, `${min}-${max}`,
    `--${HEARTBEAT_MS.name}`, String(valueOf(req, HEARTBEAT_MS)),
    `--${SNAPSHOT_EVERY.name}`, String(valueOf(req, SNAPSHOT_EVERY)),
    `--${MAX_BATCH.name}`, String(valueOf(req, MAX_BATCH)),
    `--${NOOP.name}`, valueOf(req, NOOP),
  ];
  // A request built by hand skips the flags' cross-checks (flagValues); the node's parser holds them all.
  orRefuse(parseArgs(['--data-dir', '.', ...out]));
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
    logFiles: RAFT_DISK_FILES.slice(0, 1), dataFiles: [...RAFT_DISK_FILES],
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
    ELECTION_MS, HEARTBEAT_MS, SNAPSHOT_EVERY, MAX_BATCH, NOOP,
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
    // --nemesis membership: one spare host beyond --nodes, outside the configuration until added.
    const membership = (req.config.faults ?? []).includes('membership');
    const initial = Array.from({ length: req.nodeCount }, (_, i) => `n${i}`);
    let control: RaftMembership | undefined;
    const extra: Partial<MaelstromClusterOptions> = membership ? { nodeCount: req.nodeCount + 1, initNodeIds: (node) => control!.initIds(node) } : {};
    const plan = maelstromPlan(req, run, ctx, process.execPath, args, 'raft', { primaries: raftPrimaries, disk: raftDisk(req, dataDir), ...extra });
    if (membership) {
      const cluster = plan.target as MaelstromCluster;
      control = new RaftMembership(cluster.nodes, initial, dataDir, {
        rpc: (node, body, timeoutMs) => cluster.client('c-membership').rpc(node, body, timeoutMs),
        stateOf: (node) => cluster.stateOf(node),
        kill: (node) => cluster.killable.kill(node),
        start: (node) => cluster.killable.start(node),
        log: (line) => run.log(line),
      });
      cluster.membership = control;
      run.log(`raft: membership changes: members ${initial.join(', ')}, spare ${cluster.nodes.filter((n) => !initial.includes(n)).join(', ')}`);
    }
    // The Raft's leader leases meet clock faults here (libfaketime reaches its Date.now()): with
    // lease-read its reads trust a wall-clock lease; without, reads go through read-index and elections
    // through monotonic timers, so no lease hangs on the clock a fault moves (harness/top/run/lease-clock.ts).
    plan.leaseClock = {
      skewable: true,
      lease: bugsOf(req).includes('lease-read')
        ? "the leader's wall-clock read lease (--bug lease-read)"
        : "the leader's reads (read-index, no wall-clock lease) and election timers (monotonic)",
    };
    return observed(plan, run, ctx.t0);
  },
  // faultline images and doctor find the Raft's image here, through the registry.
  image: {
    name: RAFT_IMAGE, alias: RAFT_IMAGE_ALIAS, for: '--target custom --env docker --image faultline/raft',
    recipe: raftImageRecipe, tagAlias: (docker, tag) => tagRaftAlias(docker as Parameters<typeof tagRaftAlias>[0], tag),
  },
};
