/**
 * The teardown every namespace cluster does, in its order: the target's own cleanups (clients before
 * their servers), heal the network (so logs end healthy), stop every server, then remove the hosts,
 * bridge and rules. Never throws: problems go to the log.
 */
import type { IptablesNet } from '../net/iptables-net.js';
import { stopProcess, type LocalNetwork } from './local.js';
import type { RemoteProcess } from './remote.js';

export interface NamespaceClusterParts {
  /** Name for log lines, e.g. `etcd`. */
  name: string;
  cleanups: (() => Promise<void>)[];
  procs: Map<string, RemoteProcess>;
  /** Called for each server still running when the teardown stops it. */
  markKilled(node: string): void;
  net: IptablesNet | undefined;
  network: LocalNetwork | undefined;
  log: (message: string) => void;
}

/** Tears a namespace cluster down; see the file comment. */
export async function tearDownNamespaceCluster(c: NamespaceClusterParts): Promise<void> {
  for (const fn of c.cleanups.splice(0)) await fn().catch((e: Error) => c.log(`${c.name} teardown: ${e.message}`));
  for (const [n, p] of c.procs) if (p.running) c.markKilled(n);
  if (c.net) await c.net.healAll(c.log);
  await Promise.all([...c.procs.values()].map((p) => stopProcess(p, 1_000).catch(() => undefined)));
  c.procs.clear();
  if (c.network) {
    const report = await c.network.teardown().catch((e: Error) => { c.log(`${c.name} teardown: ${e.message}`); return undefined; });
    if (report?.problems.length) c.log(`${c.name} teardown problems: ${report.problems.join('; ')}`);
  }
}
