/**
 * Membership changes (`--nemesis membership`, Jepsen's membership nemesis): every half interval one
 * host leaves or joins, one at a time —
 *
 * - `member-remove`: a member leaves (the one the leader has not heard from lately, when the target
 *   can tell and one is cut off, as an operator removes the dead member first; else a random one);
 * - `member-add`: a host outside the configuration (the spare, or one removed earlier) joins with
 *   empty data;
 * - `member-replace`: a member leaves and joins again on the same host with its data wiped.
 *
 * The configuration stays between `min` members (three, or the cluster size if smaller) and every
 * host; an op that would cross a bound turns into one that does not, and says so (`op`). Each
 * completion records the change as the store answered it and every host's view of the
 * configuration afterwards. The final op (`member-views`, after every fault is healed) waits up to
 * `settleMs` for the members to agree and records the views once more, for the `membership-views`
 * checker. Changes are not undone: a membership is not a fault to heal.
 */
import { nemesis, once, repeat, sleep, type GenLike } from '../../../ground/generator/index.js';
import type { MembershipControl, MemberView, Nemesis } from '../../../ground/contracts/roles.js';
import { judgeViews } from '../../../../checkers/membership-views.js';
import { choose, type FaultContext, type FamilyBuild } from './family.js';

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
  const gap = options.everyMs !== undefined ? Math.max(1, Math.round(options.everyMs)) * 1e6 : Math.max(1, Math.floor(ctx.interval / 2 / 1e6)) * 1e6;
  // The kind is drawn when the op is due, within the bounds as the members stand then, so the op's
  // name (and its band in the report) says what it does.
  const next = (g: { rng: Parameters<typeof choose>[0] }): { f: string; value: null } => {
    const members = m.members();
    const others = m.hosts.filter((h) => !members.includes(h)).length;
    const kind = boundedKind(KIND_OF[choose(g.rng, MEMBERSHIP_OPS)], members.length, others, min);
    return { f: `member-${kind}`, value: null };
  };
  const generator: GenLike = nemesis(repeat([sleep(gap), once(next)]));
  return {
    unsupported: [],
    package: {
      name: 'membership',
      nemesis: membershipNemesis(ctx, m, min, options.settleMs ?? 20_000),
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

/** The op actually done, given the bounds: a remove at the floor adds, an add with no host left removes, a replace below the floor adds. */
export function boundedKind(asked: Kind, members: number, others: number, min: number): Kind {
  if (asked === 'remove' && members <= min) return others > 0 ? 'add' : 'replace';
  if (asked === 'add' && others === 0) return members > min ? 'remove' : 'replace';
  // Below the floor (a removal that timed out went through later), a replace would go lower still.
  if (asked === 'replace' && members < min && others > 0) return 'add';
  return asked;
}

export function membershipNemesis(ctx: FaultContext, m: MembershipControl, min: number, settleMs: number): Nemesis {
  const pickLeaving = async (members: readonly string[]): Promise<string> => {
    const cut = m.unreachable ? (await m.unreachable().catch(() => [] as string[])).filter((n) => members.includes(n)) : [];
    return choose(ctx.rng, cut.length > 0 ? cut : members);
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
      const kind = boundedKind(asked, members.length, others.length, min);
      const node = kind === 'add' ? choose(ctx.rng, others) : await pickLeaving(members);
      let outcome: Record<string, unknown>;
      if (kind === 'remove') outcome = await m.remove(node);
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
      const views = await m.views();
      return { op: kind, node, nodes: [node], ...outcome, views };
    },
    async teardown() {
      // Nothing to heal: a change of membership stays (the final op only records the views).
    },
  };
}
