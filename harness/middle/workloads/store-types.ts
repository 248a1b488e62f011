/**
 * Workloads for real stores (etcd, ZooKeeper): generators and checkers only. Unlike Maelstrom
 * workloads they carry no client: each target implements the ops of the workloads it supports.
 */
import type { ElleWorkload } from '../../../checkers/elle/index.js';
import type { Workload, WorkloadOptions } from '../../ground/contracts/roles.js';
import type { WatchSettings } from './watch-settings.js';

export interface StoreWorkload extends Workload {
  /** One line for `--help` and the report. */
  description: string;
  /** Model for `faultline check` of the run later (written to test.json). */
  model?: { name: string; options?: Record<string, unknown> };
  /** A transactional workload: Elle's workload, whose checker takes the store's consistency models. */
  elle?: ElleWorkload;
  /** Its clients hold a lock or lead: faults may aim at the holders (`--node-targets holders`). */
  hasHolders?: true;
}

/** Options of the store workloads beyond the common ones. */
export interface StoreWorkloadOptions extends WorkloadOptions {
  /** Register: values are drawn from 0..valueCount-1 (default 5, as Jepsen's). */
  valueCount?: number;
  /** The watch workload's settings (--watch-window, --watch-compact-every, --watch-wait). */
  watch?: WatchSettings;
}
