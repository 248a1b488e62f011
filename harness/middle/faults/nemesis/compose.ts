/**
 * One nemesis out of several (Jepsen's nemesis/compose): each op goes to the nemesis whose `fs` lists
 * its f. The run drives a single nemesis thread, so the families share it and never race each other.
 */
import type { Nemesis } from '../../../ground/contracts/roles.js';
import { errorMessage } from '../../../ground/history/errors.js';

/** A nemesis that handles nothing; what `none` builds. */
export const NOOP_NEMESIS: Nemesis = Object.freeze({
  fs: [],
  invoke(op: { f: string }): Promise<unknown> {
    return Promise.reject(new Error(`no fault is enabled, so nothing handles the nemesis op ${op.f}`));
  },
  teardown: (): Promise<void> => Promise.resolve(),
});

/**
 * Routes each op by its f. Setup runs in order and stops at the first failure (the run then tears
 * down); teardown runs every member in order, and logs rather than throws, so one stuck heal cannot
 * keep the others from running. Give members in heal order: network, clocks, resume, restart.
 */
export function composeNemeses(members: readonly Nemesis[], log: (message: string) => void = () => undefined): Nemesis {
  if (members.length === 0) return NOOP_NEMESIS;
  const byF = new Map<string, Nemesis>();
  for (const m of members) {
    for (const f of m.fs) {
      if (byF.has(f)) throw new Error(`two nemeses handle the op ${f}; each f must belong to one fault family`);
      byF.set(f, m);
    }
  }
  return {
    fs: [...byF.keys()],
    async setup() {
      for (const m of members) await m.setup?.();
    },
    invoke(op) {
      const m = byF.get(op.f);
      if (m === undefined) {
        return Promise.reject(new Error(`no enabled fault handles the nemesis op ${op.f}; handled: ${[...byF.keys()].join(', ')}`));
      }
      return m.invoke(op);
    },
    async teardown() {
      for (const m of members) {
        try {
          await m.teardown();
        } catch (err) {
          log(`nemesis teardown (${m.fs.join(', ')}) failed: ${errorMessage(err)}`);
        }
      }
    },
  };
}
