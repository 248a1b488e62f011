/**
 * The `local` environment: one network namespace per node on a bridge of this machine (root, no
 * Docker). Its hosts, cleanup by run id from `/run/faultline/<id>.json`, and what it needs installed.
 */
import type { EnvironmentKind } from '../environment.js';
import { command, versionOf } from '../preflight.js';
import { cleanupAll } from './cleanup.js';
import { provisionLocal } from './network.js';

export const localEnvironment: EnvironmentKind = {
  name: 'local',
  summary: 'network namespaces on a bridge of this machine (root; iproute2, util-linux, iptables)',
  requirements: () => [
    { what: 'root (network namespaces and iptables)', present: (p) => p.isRoot(), install: 'run faultline as root, e.g. with sudo' },
    command('ip', 'iproute2'),
    command('unshare', 'util-linux'),
    command('iptables', 'iptables'),
    { ...command('iptables-restore', 'iptables'), version: versionOf(['iptables', '--version'], /(v[\d.]+ \([^)]*\))/) },
  ],
  provision: (opts) => provisionLocal(opts),
  async cleanup(opts) {
    const { reports, skipped } = await cleanupAll(opts);
    return {
      skipped,
      reports: reports.map((r) => ({
        runId: r.runId,
        problems: r.problems,
        removed: [
          r.processes.length && `${r.processes.length} process(es)`,
          r.namespaces.length && `${r.namespaces.length} namespace(s)`,
          r.bridges.length && `bridge ${r.bridges.join(', ')}`,
          r.rules && `${r.rules} iptables rule(s)`,
          r.shmFiles.length && `${r.shmFiles.length} shm file(s)`,
          r.copies?.length && `${r.copies.length} rollback copy director${r.copies.length === 1 ? 'y' : 'ies'}`,
        ].filter((x): x is string => typeof x === 'string'),
      })),
    };
  },
};

export { LocalHost, LocalNetwork, provisionLocal } from './network.js';
export type { LocalOptions } from './network.js';
