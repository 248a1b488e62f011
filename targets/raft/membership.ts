/**
 * Single-server membership changes (Raft dissertation §4.1, §4.2.3), as pure functions.
 *
 * A configuration is a log entry `{f: 'config', members}`; a node uses the latest configuration in
 * its log whether or not it is committed (it takes effect when appended), so truncating a log can
 * bring an older one back. Below the log, the snapshot carries the configuration as of its last
 * entry, and below that the node's bootstrap configuration (written once, at first init).
 *
 * Safety rests on two rules a leader checks before it appends a change: the previous change is
 * committed (one change in flight at a time), and the leader has committed an entry of its own term
 * (the fix Ongaro posted to raft-dev in 2015 for the bug found after the dissertation). Each change
 * adds or removes exactly one server, so any majority of the old configuration overlaps any majority
 * of the new one. BUG `two-changes` skips both rules: C0 → C1 → C2 in flight at once differ by two
 * servers, and a majority of C0 and a majority of C2 can be disjoint.
 */
import type { Bugs } from './bugs.js';
import type { ConfigCommand, Entry } from './messages.js';
import type { LogView } from './log-view.js';

export type { ConfigCommand };

/** True for a configuration entry's command. */
export function isConfig(cmd: unknown): cmd is ConfigCommand {
  return typeof cmd === 'object' && cmd !== null && (cmd as { f?: unknown }).f === 'config' && Array.isArray((cmd as { members?: unknown }).members);
}

/** The configuration in force and the index of the entry it came from (the snapshot's index, or 0 for the bootstrap). */
export interface Config {
  members: string[];
  index: number;
  /** Data ids of members added by a change (ConfigCommand.ids); a bootstrap member has none. */
  ids?: Record<string, string>;
}

/**
 * The latest configuration in `log` at or below `upTo` (default: the whole log); `base` is what lies
 * below the held entries (the snapshot's configuration, else the bootstrap one).
 */
export function configOf(log: LogView, base: Config, upTo = log.snapIndex + log.entries.length): Config {
  for (let i = Math.min(upTo, log.snapIndex + log.entries.length); i > log.snapIndex; i--) {
    const e: Entry = log.entries[i - log.snapIndex - 1];
    if (isConfig(e.cmd)) return { members: [...e.cmd.members], index: i, ...(e.cmd.ids ? { ids: { ...e.cmd.ids } } : {}) };
  }
  return base;
}

/** What the leader knows when a change is asked for. */
export interface ChangeState {
  members: readonly string[];
  /** Index of the entry the configuration came from. */
  configIndex: number;
  commitIndex: number;
  /** The leader has committed an entry of its current term. */
  termCommitted: boolean;
  bugs: Bugs;
}

export type ChangeOp = 'add' | 'remove';

/** The decision: the new member list to append, nothing to do (already so), or a refusal with its reason. */
export type ChangeDecision =
  | { kind: 'append'; members: string[] }
  | { kind: 'noop'; members: string[] }
  | { kind: 'refuse'; retry: boolean; reason: string };

/** Decides a one-server change asked of a leader. */
export function decideChange(s: ChangeState, op: ChangeOp, node: string): ChangeDecision {
  if (typeof node !== 'string' || node === '') return { kind: 'refuse', retry: false, reason: 'the change names no node' };
  const has = s.members.includes(node);
  if (op === 'add' && has) return { kind: 'noop', members: [...s.members] };
  if (op === 'remove' && !has) return { kind: 'noop', members: [...s.members] };
  if (op === 'remove' && s.members.length === 1) return { kind: 'refuse', retry: false, reason: `${node} is the only member; a cluster cannot remove its last member` };
  // BUG `two-changes`: neither rule is checked, so a second change goes in while the first is in flight.
  if (!s.bugs.has('two-changes')) {
    if (s.configIndex > s.commitIndex) return { kind: 'refuse', retry: true, reason: `a membership change (entry ${s.configIndex}) is still uncommitted; one change at a time` };
    if (!s.termCommitted) return { kind: 'refuse', retry: true, reason: 'the leader has not yet committed an entry of its term' };
  }
  const members = op === 'add' ? [...s.members, node] : s.members.filter((m) => m !== node);
  return { kind: 'append', members: members.sort() };
}

/**
 * May this node vote (and stand) as a member of `c`? Only when `c` names it and names this
 * incarnation: the data id the change that added it recorded, or — a member from the bootstrap,
 * never added by a change — a node that bootstrapped as a member. A host wiped and added again,
 * catching up through entries (or a snapshot) from the time its name meant its former self, must
 * not vote for that former self: it would lend a stale candidate the vote of a server it never was.
 */
export function isVoter(c: Config, id: string, dataId: string, bootstrapMember: boolean): boolean {
  if (!c.members.includes(id)) return false;
  const recorded = c.ids?.[id];
  return recorded === undefined ? bootstrapMember : recorded === dataId;
}

/** True when the voters in `granted` are a majority of `members` (only members count). */
export function majorityOf(members: readonly string[], granted: Iterable<string>): boolean {
  const set = new Set(members);
  let n = 0;
  for (const g of new Set(granted)) if (set.has(g)) n++;
  return n * 2 > members.length;
}
