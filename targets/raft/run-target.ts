/**
 * `faultline run --target raft`: the bundled Raft KV (a Maelstrom lin-kv node), N processes behind
 * the routed network, with its bug switches. The default target of `faultline run` and `npm start`.
 */
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../harness/history/errors.js';
import type { RunRequest, TargetEntry } from '../../harness/run/target-entry.js';
import { MAELSTROM_FLAGS, maelstromPlan } from '../maelstrom/run-target.js';
import type { MaelstromBody } from '../maelstrom/protocol.js';
import { BUGS } from './bugs.js';

/** The Raft node's entry point, beside this file in dist/. */
const MAIN = nodePath.join(nodePath.dirname(fileURLToPath(import.meta.url)), 'main.js');

function bugsOf(req: RunRequest): string[] {
  const v = req.flags.get('bug');
  const names = (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []).flatMap((b) => b.split(',')).map((b) => b.trim()).filter(Boolean);
  const unknown = names.filter((b) => !Object.prototype.hasOwnProperty.call(BUGS, b));
  if (unknown.length > 0) throw new InputError(`unknown bug switch ${unknown.join(', ')}; the switches are ${Object.keys(BUGS).join(', ')}`);
  return [...new Set(names)];
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

export const raftTarget: TargetEntry = {
  name: 'raft',
  summary: 'the bundled Raft KV (pre-vote, read index, fsync, snapshots) speaking Maelstrom lin-kv; --bug switches reproduce real consensus bugs',
  workloads: ['lin-kv'],
  flags: [
    { name: 'bug', kind: 'list', help: `a bug switch (repeatable): ${Object.keys(BUGS).join(', ')}` },
    ...MAELSTROM_FLAGS.filter((f) => f.name !== 'bin' && f.name !== 'arg'),
  ],
  preflight(req) {
    bugsOf(req);
  },
  plan(req, run, ctx) {
    const args = [MAIN, '--data-dir', nodePath.join(run.dir, 'nodes', 'data'), ...bugsOf(req).flatMap((b) => ['--bug', b])];
    return maelstromPlan(req, run, ctx, process.execPath, args, 'raft', { primaries: raftPrimaries });
  },
};
