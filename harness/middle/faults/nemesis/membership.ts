/**
 * Membership changes (`--nemesis membership`, Jepsen's membership nemesis): every half interval one
 * host leaves or joins, one at a time —
 *
 * - `member-remove`: a random member leaves;
 * - `member-add`: a host outside the configuration (the spare, or one removed earlier: the one out
 *   longest) joins with empty data;
 * - `member-replace`: a member leaves and joins again on the same host with its data wiped.
 *
 * Members the leader has not heard from lately (when the target can tell) go first, as an operator
 * removes dead members: whatever kind was drawn, the op removes them one after another, each sent as
 * soon as the store took the previous one, down to `min` (three, or the cluster size if smaller), and
 * records them in `removals`. Until the store has applied one change of each kind, the nemesis asks
 * for a kind it has not yet applied (`nextKind`: one it can do at the present size first, then the
 * one refused least), so a run's first changes cover every kind even on a store that takes only a
 * few changes a minute; after that kinds are drawn uniformly. Drawn changes keep the configuration
 * between its initial size and every host; an op that would cross a bound turns into one that does not, and says so (`op`). Each
 * completion records the change as the store answered it and every host's view of the
 * configuration afterwards. The final op (`member-views`, after every fault is healed) waits up to
 * `settleMs` for the members to agree and records the views once more, for the `membership-views`
 * checker. Changes are not undone: a membership is not a fault to heal.
 */
import { nemesis, once, repeat, sleep, type GenLike } from '../../../ground/generator/index.js';
import type { MembershipControl, MemberView, Nemesis } from '../../../ground/contracts/roles.js';
import { judgeViews } from '../../../../checkers/membership-views.js';
import { choose, type FaultContext, type FamilyBuild } from './family.js';
import { shuffle } from './grudge.js';

export interface MembershipOptions {
  /** Fewest members a change may leave (default: 3, or the cluster size if smaller). */
  minMembers?: number;
  /** Time between changes, ms (default half the fault interval). */
  everyMs?: number;
  /** How long the final op waits for the views to agree (default 20 s). */
  settleMs?: number;
}

export const MEMBERSHIP_OPS = ['member-remove', 'member-add', 'member-replace'] as const;
type Kind = 'remove' | 'add' | 'replace';
const KIND_OF: Record<string, Kind> = { 'member-remove': 'remove', 'member-add': 'add', 'member-replace': 'replace' };

/** The membership package, or why the target cannot take it (it offers no membership changes). */
export function membershipPackage(ctx: FaultContext, options: MembershipOptions = {}): FamilyBuild {
  const m = ctx.target.membership;
  if (m === undefined) {
    const why = (ctx.target as unknown as Record<string, unknown>).membershipUnsupportedReason;
    return { unsupported: [{ fault: 'membership', reason: `membership: the target offers no membership changes${typeof why === 'string' ? ` (${why})` : ''}` }] };
  }
  const min = options.minMembers ?? Math.min(3, m.members().length);
  // Drawn changes keep the configuration at or above its initial size, as an operator keeps a cluster
  // at the size it was built for; only removals of members cut off go down to `min`. (Left to a
  // random walk between three and every host, it sat at the floor most of the time.)
  const keep = Math.max(min, m.members().length);
  const gap = options.everyMs !== undefined ? Math.max(1, Math.round(options.everyMs)) * 1e6 : Math.max(1, Math.floor(ctx.interval / 2 / 1e6)) * 1e6;
  // The kind is drawn when the op is due, within the bounds as the members stand then, so the op's
  // name (and its band in the report) says what it does.
  const tally = new KindTally();
  const next = (g: { rng: Parameters<typeof choose>[0] }): { f: string; value: null } => {
    const members = m.members();
    const others = m.hosts.filter((h) => !members.includes(h)).length;
    const kind = boundedKind(nextKind(tally, g.rng, members.length, others, keep), members.length, others, keep);
    return { f: `member-${kind}`, value: null };
  };
  const generator: GenLike = nemesis(repeat([sleep(gap), once(next)]));
  return {
    unsupported: [],
    package: {
      name: 'membership',
      nemesis: membershipNemesis(ctx, m, min, options.settleMs ?? 20_000, keep, tally),
      generator,
      finalGenerator: nemesis({ f: 'member-views', value: null }),
      bands: [
        { name: 'membership remove', start: 'member-remove', stop: 'member-remove' },
        { name: 'membership add', start: 'member-add', stop: 'member-add' },
        { name: 'membership replace', start: 'member-replace', stop: 'member-replace' },
      ],
    },
  };
}

const KINDS: readonly Kind[] = ['remove', 'add', 'replace'];

/** Per kind, the changes the store applied and the ones it did not (refused or timed out). */
export class KindTally {
  readonly applied: Record<Kind, number> = { remove: 0, add: 0, replace: 0 };
  readonly missed: Record<Kind, number> = { remove: 0, add: 0, replace: 0 };

  note(kind: Kind, applied: boolean): void {
    if (applied) this.applied[kind]++;
    else this.missed[kind]++;
  }
}

/**
 * The kind to ask next. Kinds not yet applied come first: those the bounds let through at the present
 * size (a remove at the initial size would turn into an add), then the one the store missed least
 * (ties drawn). Once each kind has applied, all three are drawn uniformly: asked in turn for a whole
 * run, the bundled Raft's two-changes bug, which needs removals back to back, was caught less often.
 */
export function nextKind(t: KindTally, rng: Parameters<typeof choose>[0], members: number, others: number, keep: number): Kind {
  const missing = KINDS.filter((k) => t.applied[k] === 0);
  if (missing.length === 0) return choose(rng, KINDS);
  const doable = missing.filter((k) => boundedKind(k, members, others, keep) === k);
  const pool = doable.length > 0 ? doable : missing;
  const least = Math.min(...pool.map((k) => t.missed[k]));
  return choose(rng, pool.filter((k) => t.missed[k] === least));
}

/** The op actually done, given the bounds: a remove at the floor adds, an add with no host left removes, a replace below the floor adds. */
export function boundedKind(asked: Kind, members: number, others: number, min: number): Kind {
  if (asked === 'remove' && members <= min) return others > 0 ? 'add' : 'replace';
  if (asked === 'add' && others === 0) return members > min ? 'remove' : 'replace';
  // Below the floor (a removal that timed out went through later), a replace would go lower still.
  if (asked === 'replace' && members < min && others > 0) return 'add';
  return asked;
}

export function membershipNemesis(ctx: FaultContext, m: MembershipControl, min: number, settleMs: number, keep = min, tally = new KindTally()): Nemesis {
  // When each host last left (a sequence number): an addition brings back the host out longest (the
  // spare or another never a member first), as an operator replaces the oldest loss first; hosts
  // removed because they were cut off rank after every other (the operator brings back the dead last).
  const leftAt = new Map<string, number>();
  let departures = 0;
  const DEAD = 1e9;
  const left = (outcome: Record<string, unknown>, node: string, dead = false): void => {
    if (outcome.applied === true) leftAt.set(node, ++departures + (dead ? DEAD : 0));
  };
  const outLongest = (others: readonly string[]): string => {
    const oldest = Math.min(...others.map((h) => leftAt.get(h) ?? 0));
    return choose(ctx.rng, others.filter((h) => (leftAt.get(h) ?? 0) === oldest));
  };
  const cutOff = async (members: readonly string[]): Promise<string[]> =>
    m.unreachable ? (await m.unreachable().catch(() => [] as string[])).filter((n) => members.includes(n)) : [];
  // An operator who sees members cut off removes them, one after another, each as soon as the store
  // accepted the previous one (a correct store takes the next only once the previous committed).
  const removeCut = async (cut: readonly string[], room: number): Promise<{ nodes: string[]; outcome: Record<string, unknown> }> => {
    const removals: Record<string, unknown>[] = [];
    for (const node of shuffle(cut, ctx.rng).slice(0, room)) {
      const r = await m.remove(node);
      left(r, node, true);
      removals.push({ node, ...r });
      if (r.applied !== true) break;
    }
    const last = removals[removals.length - 1];
    return { nodes: removals.map((r) => r.node as string), outcome: { applied: removals.some((r) => r.applied === true), removals, members: last.members } };
  };
  const settle = async (): Promise<Record<string, unknown>> => {
    const started = Date.now();
    let views: Record<string, MemberView> = await m.views();
    while (judgeViews(views).valid !== true && Date.now() - started < settleMs) {
      await ctx.sleep(250);
      views = await m.views();
    }
    return { views, converged: judgeViews(views).valid, waitedS: Math.round((Date.now() - started) / 100) / 10 };
  };
  return {
    fs: [...MEMBERSHIP_OPS, 'member-views'],
    async invoke(op) {
      if (op.f === 'member-views') return settle();
      const asked = KIND_OF[op.f];
      if (asked === undefined) throw new Error(`the membership nemesis does not handle ${op.f}`);
      const members = m.members();
      const others = m.hosts.filter((h) => !members.includes(h));
      const kind = boundedKind(asked, members.length, others.length, keep);
      const cut = await cutOff(members);
      // Members cut off are removed first, all of them down to the floor (`removals`), whatever was drawn.
      if (cut.length > 0 && members.length > min) {
        const { nodes, outcome } = await removeCut(cut, members.length - min);
        tally.note('remove', outcome.applied === true);
        return { op: 'remove', ...(asked === 'remove' ? {} : { asked }), node: nodes[0], nodes, ...outcome, views: await m.views() };
      }
      const node = kind === 'add' ? outLongest(others) : choose(ctx.rng, cut.length > 0 ? cut : members);
      let outcome: Record<string, unknown>;
      if (kind === 'remove') left(outcome = await m.remove(node), node);
      else if (kind === 'add') outcome = await m.add(node);
      else {
        const removed = await m.remove(node);
        // The same host joins again only once it has left (a removal refused or timed out stops here).
        if (removed.timedOut === true || removed.refused !== undefined) outcome = { applied: false, remove: removed, members: removed.members };
        else {
          const added = await m.add(node);
          outcome = { applied: removed.applied === true && added.applied === true, remove: removed, add: added, members: added.members ?? removed.members };
        }
      }
      tally.note(kind, outcome.applied === true);
      const views = await m.views();
      return { op: kind, node, nodes: [node], ...outcome, views };
    },
    async teardown() {
      // Nothing to heal: a change of membership stays (the final op only records the views).
    },
  };
}
