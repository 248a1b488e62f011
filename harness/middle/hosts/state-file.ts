/**
 * A run's record on this machine as one JSON file, `<dir>/<run id>.json`, rewritten whole on every
 * change (temp file + rename: a crash never leaves half a record), and the reading of every such file
 * in a folder for `faultline cleanup`. The local and docker environments each keep their own record
 * shape in a folder of their own; this is what the two have in common.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { writeAtomic } from './safe-files.js';
import { ensurePrivateDir, untrustedReason } from './trust.js';

export class JsonStateFile<S extends { runId: string }> {
  readonly path: string;

  /** `dirs`: the folder of the file last, each folder it lies in before it (all made private). */
  constructor(readonly state: S, private readonly dirs: readonly string[]) {
    this.path = nodePath.join(dirs[dirs.length - 1], `${state.runId}.json`);
  }

  /** Writes the file whole. */
  save(): void {
    // Root kills the processes and deletes what a state file names: only its own private files count
    // (docs/security.md).
    for (const d of this.dirs) ensurePrivateDir(d);
    writeAtomic(this.path, `${JSON.stringify(this.state, null, 2)}\n`, { mode: 0o600 });
  }

  update(change: (s: S) => void): void {
    change(this.state);
    this.save();
  }

  remove(): void {
    fs.rmSync(this.path, { force: true });
  }
}

/** Every state file in `dir` (untrusted or unreadable ones are reported with the reason). */
export function readStateFiles<S>(dir: string): { file: string; state?: S; error?: string }[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names.map((n) => {
    const file = nodePath.join(dir, n);
    const untrusted = untrustedReason(dir, 'dir') ?? untrustedReason(file, 'file');
    if (untrusted) return { file, error: `not trusted (${untrusted})` };
    try {
      return { file, state: JSON.parse(fs.readFileSync(file, 'utf8')) as S };
    } catch (err) {
      return { file, error: (err as Error).message };
    }
  });
}
