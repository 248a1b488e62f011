/**
 * What a docker run creates that labels cannot record: helper processes this machine runs inside a
 * container's network namespace (the NFQUEUE delayer, entered with nsenter) and the host iptables
 * rule. Containers, networks and volumes carry the label `faultline.run=<id>` and are found by it.
 * Kept in `/run/faultline/docker/<id>.json` — a folder of its own, so the local environment's
 * cleanup never reads a docker record as one of its own.
 */
import nodePath from 'node:path';
import { stateDir } from '../local/state.js';
import { JsonStateFile, readStateFiles } from '../state-file.js';
import type { RecordedProcess } from '../local/state.js';

export function dockerStateDir(): string {
  return nodePath.join(stateDir(), 'docker');
}

export interface DockerRunState {
  runId: string;
  owner: number;
  ownerStart?: number;
  createdAt: string;
  /** Host iptables rules (table, chain, argv after the chain) to delete at teardown. */
  hostRules: { table: string; chain: string; spec: string[] }[];
  processes: RecordedProcess[];
}

export class DockerStateFile extends JsonStateFile<DockerRunState> {
  constructor(state: DockerRunState) {
    super(state, [stateDir(), dockerStateDir()]);
  }
}

export function readDockerStates(): { file: string; state?: DockerRunState; error?: string }[] {
  return readStateFiles<DockerRunState>(dockerStateDir());
}
