/**
 * The fault record: a nemesis op that starts a fault says in its completion whether it took effect,
 * on which nodes, and each node's role at that moment. It is one plain field of the completion's
 * value (`effect`), so a report band, the results' fault summary and the "no fault took effect"
 * verdict all read the same record, and a history written before it simply has none.
 */
import type { FaultBand, HasPrimaries, Nemesis } from '../../../ground/contracts/roles.js';

/** A node's role when a fault reached it: as the target's health record or primaries named it. */
export type NodeRole = 'leader' | 'follower' | 'holder' | 'down' | 'none';

/** One node a fault reached. */
export interface NodeHit {
  node: string;
  role: NodeRole;
  /** The node served a client that held a lock at that moment (lock workloads), whatever its role. */
  holder?: true;
}

/** What a fault op did: `took` is true only when it reached at least one node and did not fail. */
export interface FaultEffect {
  took: boolean;
  nodes: NodeHit[];
  /** Why it took no effect, when it did not. */
  why?: string;
  /** The fault was aimed at the holders and nobody held at that moment: it hit a random node instead. */
  noHolder?: true;
  /**
   * Milliseconds from the op's invocation until the fault was in force (the family's action returned):
   * a health probe, a role probe or a wait for a holder come first, so a fault takes effect later than
   * its op starts. Absent in histories written before it.
   */
  inForceAfterMs?: number;
}

/** The role a health record's word for a node stands for (`leader`, `follower`, `down: killed`, …). */
export function roleOfHealth(detail: unknown): NodeRole {
  if (typeof detail !== 'string') return 'none';
  const d = detail.toLowerCase();
  if (d.startsWith('down')) return 'down';
  // Health details start with the role (`leader (term 2)`, `follower`, ZooKeeper's mode); `no leader
  // (term 2)` is a node that knows of no leader, not a leader.
  if (d.startsWith('leader') || d.startsWith('primary')) return 'leader';
  if (d.startsWith('follower')) return 'follower';
  return 'none';
}

const obj = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;

/**
 * The nodes a start op's result says it reached, in `all`'s order. Each family's result has its own
 * shape: a node list (kill, pause, also as `result` under a health record), a strobe's `nodes` (none
 * when it never flipped), a bump's `offsets`, a grudge (the nodes cut off from someone), churn's
 * isolate steps; a network-wide fault (loss, latency, bandwidth) reaches every node when it set something.
 */
export function nodesHit(value: unknown, all: readonly string[]): string[] {
  const pick = (names: Iterable<string>): string[] => { const s = new Set(names); return all.filter((n) => s.has(n)); };
  const list = strings(value) ?? strings(obj(value)?.result);
  if (list) return pick(list);
  const v = obj(value);
  if (!v) return [];
  if (v.flips !== undefined && (typeof v.flips !== 'number' || v.flips < 1)) return [];
  // A family that touches more nodes than its fault reached names the reached ones (the disk family kills a node it may find no file on).
  const reached = strings(v.reached);
  if (reached) return pick(reached);
  const named = strings(v.nodes);
  if (named) return pick(named);
  const offsets = obj(v.offsets);
  if (offsets) return pick(Object.keys(offsets));
  const grudge = obj(v.grudge);
  if (grudge) {
    const cut = new Set<string>();
    for (const [n, from] of Object.entries(grudge)) {
      const f = strings(from) ?? [];
      if (f.length > 0) { cut.add(n); for (const x of f) cut.add(x); }
    }
    return pick(cut);
  }
  // Leader churn (nemesis/churn.ts): the leaders it isolated, one step each.
  if (Array.isArray(v.steps)) return pick((v.steps as { isolate?: unknown }[]).flatMap((s) => (typeof s.isolate === 'string' ? [s.isolate] : [])));
  const p = v.p, rate = v.rateKbit, dist = v.dist;
  if ((typeof p === 'number' && p > 0) || typeof rate === 'number' || (dist !== undefined && dist !== null)) return [...all];
  return [];
}

/** The effect of one start op from its result (or its error) and the roles before it. */
export function effectOf(
  value: unknown, error: string | undefined, all: readonly string[], roles: Readonly<Record<string, NodeRole>>, holders: readonly string[] = [],
): FaultEffect {
  if (error !== undefined) return { took: false, nodes: [], why: `the fault failed: ${error}` };
  // A fault aimed at the holders says whom it saw holding as it struck (nodes.ts HolderAim); that
  // is later than the `holders` read before the op, so it wins.
  const aimed = strings(obj(value)?.holders);
  const held = aimed ?? holders;
  const noHolder = obj(value)?.noHolder === true;
  const nodes = nodesHit(value, all).map((node): NodeHit => ({ node, role: roles[node] ?? 'none', ...(held.includes(node) ? { holder: true as const } : {}) }));
  const extra = noHolder ? { noHolder: true as const } : {};
  return nodes.length > 0 ? { took: true, nodes, ...extra } : { took: false, nodes, why: 'it reached no node', ...extra };
}

/** `n1 (leader), n2 (follower)`: the nodes a fault reached, for a band's label. */
export function hitLabel(nodes: readonly NodeHit[]): string {
  return nodes.map((h) => {
    const said = [...(h.role === 'none' ? [] : [h.role]), ...(h.holder ? ['holder'] : [])];
    return said.length === 0 ? h.node : `${h.node} (${said.join(', ')})`;
  }).join(', ');
}

/** The `effect` a completion value carries, if it is one this module wrote. */
export function effectIn(value: unknown): FaultEffect | undefined {
  const e = obj(obj(value)?.effect);
  if (!e || typeof e.took !== 'boolean' || !Array.isArray(e.nodes)) return undefined;
  return e as unknown as FaultEffect;
}

/**
 * When a start op's fault was in force, by its record: `inForceAfterMs` after the op's invocation,
 * never past its completion (`undefined` when the record does not say: a history written before it).
 * `perMs` is the caller's time unit per millisecond (1e6 for history nanoseconds, 1e-3 for seconds).
 */
export function inForceAt(effect: FaultEffect | undefined, invoked: number | undefined, completed: number | undefined, perMs: number): number | undefined {
  if (typeof effect?.inForceAfterMs !== 'number' || invoked === undefined) return undefined;
  const at = invoked + effect.inForceAfterMs * perMs;
  return completed === undefined ? at : Math.min(at, completed);
}

const ROLE_PROBE_MS = 1_500;

/**
 * `nemesis` whose start ops (as `bands` name them) record `effect` in their completion value
 * (`{...value, effect}`, or `{result: value, effect}` for a list). Roles come from the health record
 * the value carries (`health.before`, store targets), else from the target's primaries asked just
 * before the op (bounded, never failing the op), else `none`. A failed start op is recorded by the
 * driver with its error and no effect, which the summary counts as not taking effect. `nowMs` is the
 * run's clock in ms (a simulated run's, so the same seed records the same `inForceAfterMs`).
 */
export function withEffects(
  nemesis: Nemesis, bands: readonly FaultBand[], nodes: readonly string[], primaries?: HasPrimaries, holders?: () => readonly string[],
  nowMs: () => number = () => performance.now(),
): Nemesis {
  const starts = new Set(bands.map((b) => b.start));
  const askRoles = async (): Promise<Record<string, NodeRole> | undefined> => {
    if (!primaries) return undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      const leaders = await Promise.race([
        primaries.primaries(),
        new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), ROLE_PROBE_MS); }),
      ]);
      if (!leaders) return undefined;
      return Object.fromEntries(nodes.map((n) => [n, leaders.includes(n) ? 'leader' : 'follower']));
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    fs: nemesis.fs,
    setup: nemesis.setup?.bind(nemesis),
    teardown: () => nemesis.teardown(),
    async invoke(op) {
      if (!starts.has(op.f)) return nemesis.invoke(op);
      // Asked before the op only when no health record will say it (asking takes a moment, and on a
      // cut-off cluster up to ROLE_PROBE_MS, which would delay the fault).
      const began = nowMs();
      const asked = (nemesis as { recordsHealth?: boolean }).recordsHealth ? undefined : await askRoles();
      // Who held a lock as the fault began: the clients' own belief, read at once (no request).
      const holding = holders?.() ?? [];
      const value = await nemesis.invoke(op);
      // The health wrapper probes again after the fault, so its own figure says when the fault was in force.
      const healthDone = obj(obj(value)?.health)?.doneMs;
      const inForceAfterMs = typeof healthDone === 'number' ? healthDone : Math.round(nowMs() - began);
      const before = obj(obj(obj(value)?.health)?.before);
      const roles: Record<string, NodeRole> = before && before.error === undefined
        ? Object.fromEntries(nodes.map((n) => [n, roleOfHealth(before[n])]))
        : asked ?? {};
      const effect = { ...effectOf(value, undefined, nodes, roles, holding), inForceAfterMs };
      const v = obj(value);
      return v ? { ...v, effect } : { result: value, effect };
    },
  };
}
