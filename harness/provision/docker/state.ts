/**
 * What a docker run creates that labels cannot record: helper processes this machine runs inside a
 * container's network namespace (the NFQUEUE delayer, entered with nsenter) and the host iptables
 * rule. Containers, networks and volumes carry the label `faultline.run=<id>` and are found by it.
 * Kept in `/run/faultline/docker/<id>.json` — a folder of its own, so the local environment's
 * cleanup never reads a docker record as one of its own.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { stateDir } from '../local/state.js';
import { ensurePrivateDir, untrustedReason } from '../trust.js';
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

export class DockerStateFile {
  readonly path: string;

  constructor(readonly state: DockerRunState) {
    this.path = nodePath.join(dockerStateDir(), `${state.runId}.json`);
  }

  save(): void {
    // Root kills the processes a state file names: only its own private files count (docs/security.md).
    ensurePrivateDir(stateDir());
    ensurePrivateDir(dockerStateDir());
    const tmp = `${this.path}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, `${JSON.stringify(this.state, null, 2)}\n`);
    fs.renameSync(tmp, this.path);
  }

  update(change: (s: DockerRunState) => void): void {
    change(this.state);
    this.save();
  }

  remove(): void {
    fs.rmSync(this.path, { force: true });
  }
}

export function readDockerStates(): { file: string; state?: DockerRunState; error?: string }[] {
  let names: string[];
  try {
    names = fs.readdirSync(dockerStateDir()).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names.map((n) => {
    const file = nodePath.join(dockerStateDir(), n);
    const untrusted = untrustedReason(dockerStateDir(), 'dir') ?? untrustedReason(file, 'file');
    if (untrusted) return { file, error: `not trusted (${untrusted})` };
    try {
      return { file, state: JSON.parse(fs.readFileSync(file, 'utf8')) as DockerRunState };
    } catch (err) {
      return { file, error: (err as Error).message };
    }
  });
}
