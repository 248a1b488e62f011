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

/**
 * Catching a new server up before the change that adds it (Raft dissertation §4.2.1). Added at once
 * with an empty log, it would count in every majority while it holds nothing: in a cluster of three
 * growing to four, one more failure stops all commits until it caught up, and a partition that
 * leaves it on the majority side leaves that side with no leader able to commit. So the leader first
 * replicates to it as a non-voting learner, in rounds: a round ends when the learner holds every
 * entry the leader held when the round began; once a round took less than an election timeout, the
 * learner is close enough that the change may go in (the rest follows within a heartbeat or so).
 * After `MAX_CATCH_UP_ROUNDS` slow rounds the leader gives up for now (the server is too slow or cut
 * off), and a later request starts again.
 */
export interface CatchUp {
  /** The data id of the incarnation being caught up (a host wiped since is a new server). */
  dataId: string;
  /** Rounds begun so far (1 for the first). */
  round: number;
  /** The leader's last index when the current round began: the round ends when the learner holds it. */
  roundEnd: number;
  /** When the current round began (ms, monotonic). */
  roundStartMs: number;
  /** A round ended within an election timeout: the learner may be added. */
  ready: boolean;
  /** Too many slow rounds: this attempt is given up. */
  gaveUp: boolean;
}

export const MAX_CATCH_UP_ROUNDS = 10;

/** A new catch-up of `dataId`, its first round ending at the leader's `lastIndex`. */
export function startCatchUp(dataId: string, lastIndex: number, now: number): CatchUp {
  return { dataId, round: 1, roundEnd: lastIndex, roundStartMs: now, ready: false, gaveUp: false };
}

/**
 * The catch-up after the learner's match index became `match` (leader's log ends at `lastIndex`):
 * a round that ended within `electionMs` makes it ready; a slower one starts the next round, up to
 * MAX_CATCH_UP_ROUNDS.
 */
export function advanceCatchUp(c: CatchUp, match: number, lastIndex: number, now: number, electionMs: number): CatchUp {
  if (c.ready || c.gaveUp || match < c.roundEnd) return c;
  if (now - c.roundStartMs < electionMs) return { ...c, ready: true };
  if (c.round >= MAX_CATCH_UP_ROUNDS) return { ...c, gaveUp: true };
  return { ...c, round: c.round + 1, roundEnd: lastIndex, roundStartMs: now };
}

/** What the leader answers an addition, given the learner's catch-up (undefined: none begun for this incarnation). */
export function additionReady(c: CatchUp | undefined, dataId: string): { ready: true } | { ready: false; start: boolean; reason: string } {
  if (c === undefined || c.dataId !== dataId) return { ready: false, start: true, reason: 'catching the new server up before adding it (round 1)' };
  if (c.gaveUp) return { ready: false, start: true, reason: `the new server did not catch up in ${MAX_CATCH_UP_ROUNDS} rounds; starting again` };
  if (!c.ready) return { ready: false, start: false, reason: `catching the new server up before adding it (round ${c.round}, up to entry ${c.roundEnd})` };
  return { ready: true };
}
