/**
 * Options of a MaelstromCluster, with their defaults and one-sentence validation errors.
 */
import type { NodeDiskOptions } from '../faults/disk/node-disks.js';
import fs from 'node:fs';
import nodePath from 'node:path';
import type { LatencyDist } from '../../ground/contracts/roles.js';
import { validateLatency } from './latency.js';
import type { LwwKvOptions } from './lww-kv.js';
import type { SeqKvOptions } from './seq-kv.js';
import { SERVICE_NAMES, type ServiceName } from './services.js';
import type { NodeProtocolError } from './wire.js';
import type { MaelstromBody } from '../../ground/protocol/protocol.js';

export interface MaelstromClusterOptions {
  /** The node binary (a path, or a name on PATH); every node runs `bin ...args`. */
  bin: string;
  args?: string[];
  /** Nodes n0..n{N-1}. */
  nodeCount: number;
  /** The run directory: messages.jsonl, nodes/<id>.log, clock/<id> go here. */
  dir: string;
  /** Seeds latency, loss and the services' randomness. */
  seed: number | string;
  /** Base latency of every message. Default constant 0 ms. */
  latency?: LatencyDist;
  /** How long each node has to answer init, ms. Default 10 000. */
  initTimeoutMs?: number;
  /** Default rpc timeout of client connections, ms. Default 5 000. */
  rpcTimeoutMs?: number;
  /** Extra environment for the nodes (on top of the harness's own). */
  env?: Record<string, string>;
  /** Working directory of the nodes. Default: the harness's. */
  cwd?: string;
  /** Services to offer. Default: all of lin-kv, seq-kv, lww-kv, lin-tso (as Maelstrom does). */
  services?: readonly ServiceName[];
  seqKv?: Omit<SeqKvOptions, 'seed'>;
  lwwKv?: Omit<LwwKvOptions, 'seed'>;
  /** Which messages loss and extra latency touch: `nodes` (node↔node, default) or `all`. */
  netFaultScope?: 'nodes' | 'all';
  /** libfaketime's path, or false to never preload it. Default: the Debian path, if installed. */
  faketime?: string | false;
  /** `process.hrtime.bigint()` that journal times count from; pass the run's t0 to align with history.jsonl. */
  timeOrigin?: bigint;
  /** Where harness-side events go (protocol errors, crashes, faults). Default: append to `<dir>/harness.log`. */
  log?: (line: string) => void;
  /** Called at once for every invalid line a node prints (they are also in `protocolErrors`). */
  onProtocolError?: (e: NodeProtocolError) => void;
  /**
   * How to ask the nodes who leads, for targets that have a convention for it (the bundled Raft's
   * `raft_status`); Maelstrom itself has none, so without it the cluster offers no primaries.
   */
  primaries?: (rpc: (node: string, body: MaelstromBody, timeoutMs: number) => Promise<MaelstromBody>, nodes: readonly string[]) => Promise<string[]>;
  /**
   * The nodes' data files, for disk faults (`--nemesis disk`): the node binary names where each node
   * keeps them; without it the cluster offers no disk. `log` defaults to the cluster's log.
   */
  disk?: Omit<NodeDiskOptions, 'log'>;
  /**
   * The `node_ids` each node's init carries (default: every node). A target with membership changes
   * tells a spare, or a member re-added with wiped data, a list without itself (targets/raft/bootstrap.ts).
   */
  initNodeIds?: (node: string) => string[];
}

export interface ResolvedOptions extends Required<Omit<MaelstromClusterOptions, 'env' | 'cwd' | 'seqKv' | 'lwwKv' | 'faketime' | 'timeOrigin' | 'log' | 'onProtocolError' | 'primaries' | 'disk' | 'initNodeIds'>> {
  env: Record<string, string>;
  cwd: string | undefined;
  seqKv: Omit<SeqKvOptions, 'seed'>;
  lwwKv: Omit<LwwKvOptions, 'seed'>;
  faketime: string | false | undefined;
  timeOrigin: bigint | undefined;
  log: ((line: string) => void) | undefined;
  onProtocolError: ((e: NodeProtocolError) => void) | undefined;
  primaries: MaelstromClusterOptions['primaries'];
  disk: MaelstromClusterOptions['disk'];
  initNodeIds: MaelstromClusterOptions['initNodeIds'];
}

const positive = (v: unknown, name: string): void => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Error(`maelstrom option ${name} must be a positive number, got ${JSON.stringify(v)}`);
};

/** Fills in defaults; throws one clear sentence per bad option. */
export function resolveOptions(o: MaelstromClusterOptions): ResolvedOptions {
  if (typeof o.bin !== 'string' || o.bin.trim() === '') throw new Error('maelstrom option bin must name the node binary (a path or a command on PATH)');
  if (!Number.isInteger(o.nodeCount) || o.nodeCount < 1 || o.nodeCount > 1000) {
    throw new Error(`maelstrom option nodeCount must be an integer from 1 to 1000, got ${JSON.stringify(o.nodeCount)}`);
  }
  if (typeof o.dir !== 'string' || o.dir === '') throw new Error('maelstrom option dir must be the run directory');
  if (typeof o.seed !== 'number' && typeof o.seed !== 'string') throw new Error(`maelstrom option seed must be a number or a string, got ${JSON.stringify(o.seed)}`);
  if (o.args !== undefined && (!Array.isArray(o.args) || o.args.some((a) => typeof a !== 'string'))) {
    throw new Error(`maelstrom option args must be a list of strings, got ${JSON.stringify(o.args)}`);
  }
  const latency = o.latency ?? { kind: 'constant', ms: 0 };
  validateLatency(latency, 'maelstrom option latency');
  const initTimeoutMs = o.initTimeoutMs ?? 10_000;
  positive(initTimeoutMs, 'initTimeoutMs');
  const rpcTimeoutMs = o.rpcTimeoutMs ?? 5_000;
  positive(rpcTimeoutMs, 'rpcTimeoutMs');
  const services = o.services ?? SERVICE_NAMES;
  for (const s of services) {
    if (!(SERVICE_NAMES as readonly string[]).includes(s)) {
      throw new Error(`maelstrom option services names ${JSON.stringify(s)}; the services are ${SERVICE_NAMES.join(', ')}`);
    }
  }
  const netFaultScope = o.netFaultScope ?? 'nodes';
  if (netFaultScope !== 'nodes' && netFaultScope !== 'all') throw new Error(`maelstrom option netFaultScope must be 'nodes' or 'all', got ${JSON.stringify(netFaultScope)}`);
  return {
    bin: o.bin,
    args: o.args ?? [],
    nodeCount: o.nodeCount,
    dir: o.dir,
    seed: o.seed,
    latency,
    initTimeoutMs,
    rpcTimeoutMs,
    env: o.env ?? {},
    cwd: o.cwd,
    services,
    seqKv: o.seqKv ?? {},
    lwwKv: o.lwwKv ?? {},
    netFaultScope,
    faketime: o.faketime,
    timeOrigin: o.timeOrigin,
    log: o.log,
    onProtocolError: o.onProtocolError,
    primaries: o.primaries,
    disk: o.disk,
    initNodeIds: o.initNodeIds,
  };
}

/** The cluster's log: `o.log`, else lines appended to `<dir>/harness.log`; never throws. */
export function harnessLog(o: ResolvedOptions): (line: string) => void {
  return (line) => {
    try {
      if (o.log) o.log(line);
      else fs.appendFileSync(nodePath.join(o.dir, 'harness.log'), `${new Date().toISOString()} ${line}\n`);
    } catch {
      // Logging must never break the cluster.
    }
  };
}
