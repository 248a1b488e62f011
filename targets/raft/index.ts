/**
 * The bundled Raft KV: a Maelstrom node (lin-kv plus raft_status) run through MaelstromCluster.
 * `raftCommand` gives the `bin`/`args` a cluster needs; the bug switches are listed in BUGS.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUGS, isBugName, parseBugs, type BugName, type Bugs } from './bugs.js';

export { BUGS, isBugName, parseBugs, type BugName, type Bugs };
export { parseArgs, USAGE } from './args.js';
export { RaftNode, type RaftConfig, type Role } from './node.js';
export { RAFT_CUSTOM_DISK_FILES, RAFT_DISK_FILES } from './disk-files.js';

const here = nodePath.dirname(fileURLToPath(import.meta.url));
/**
 * The compiled node's entry point: main.js next to this file once built, or — when this module is
 * loaded from its TypeScript source (vitest) — the build's dist/targets/raft/main.js.
 */
export const RAFT_MAIN = fs.existsSync(nodePath.join(here, 'main.js')) ? nodePath.join(here, 'main.js') : nodePath.resolve(here, '../../dist/targets/raft/main.js');

export interface RaftCommandOptions {
  /** Each node keeps its files under DIR/<node_id>/. */
  dataDir: string;
  bugs?: readonly BugName[];
  /** Election timeout range, ms (default: tuning.ts). */
  electionMs?: [number, number];
  heartbeatMs?: number;
  /** Snapshot every N applied entries (0 never; default: tuning.ts). */
  snapshotEvery?: number;
}

/** `bin` and `args` for MaelstromClusterOptions: run the Raft node under this very Node.js. */
export function raftCommand(o: RaftCommandOptions): { bin: string; args: string[] } {
  const args = [RAFT_MAIN, '--data-dir', o.dataDir];
  for (const b of o.bugs ?? []) args.push('--bug', b);
  if (o.electionMs) args.push('--election-ms', `${o.electionMs[0]}-${o.electionMs[1]}`);
  if (o.heartbeatMs !== undefined) args.push('--heartbeat-ms', String(o.heartbeatMs));
  if (o.snapshotEvery !== undefined) args.push('--snapshot-every', String(o.snapshotEvery));
  return { bin: process.execPath, args };
}
