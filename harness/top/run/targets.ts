/**
 * Every target `faultline run --target NAME` knows, in one map (as Maelstrom registers its workloads).
 */
import { InputError } from '../../ground/history/errors.js';
import { maelstromTarget } from '../../../targets/maelstrom/entry.js';
import { raftTarget } from '../../../targets/raft/entry.js';
import { etcdTarget } from '../../../targets/etcd/entry.js';
import { zookeeperTarget } from '../../../targets/zookeeper/entry.js';
import { consulTarget } from '../../../targets/consul/entry.js';
import { customTarget } from '../../../targets/custom/entry.js';
import { memoryTarget } from '../../../targets/memory/entry.js';
import type { TargetEntry } from '../../ground/contracts/run-contract.js';

export const TARGETS: Readonly<Record<string, TargetEntry>> = Object.freeze({
  raft: raftTarget,
  maelstrom: maelstromTarget,
  etcd: etcdTarget,
  zookeeper: zookeeperTarget,
  consul: consulTarget,
  custom: customTarget,
  // In memory, modeled faults: the controller's simulated-time tests and a teaching target (docs/targets/memory.md).
  memory: memoryTarget,
});

/** The default target of `faultline run` (and of `npm start`). */
export const DEFAULT_TARGET = 'raft';

/** The target called `name`, or an InputError listing the valid names. */
export function getTarget(name: string): TargetEntry {
  const t = Object.prototype.hasOwnProperty.call(TARGETS, name) ? TARGETS[name] : undefined;
  if (!t) throw new InputError(`unknown target "${name}"; choose one of ${Object.keys(TARGETS).join(', ')} with --target`);
  return t;
}
