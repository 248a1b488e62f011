/**
 * The consistency-model lattice, after Adya's thesis, Cerone et al. and Elle's `consistency-model`
 * namespace as we recall them (not copied): which anomalies each model forbids, which models imply
 * which, what a found anomaly rules out (Elle's `:not`) and the strongest models still standing.
 *
 * A found anomaly also counts as every class it is a case of: a G0 cycle is a G1c cycle, G1a/G1b/G1c
 * are G1, a G-single cycle is a G2-item cycle (Adya: one or more anti-dependencies), and a plain cycle
 * is also its -process and -realtime variant (process order and real time are only more edges).
 */

/** Classes that mean the data itself is impossible under any model (no serial story at all). */
const ALWAYS = ['incompatible-order', 'duplicate-elements', 'garbage-read', 'duplicate-appends'];

const RC = ['G0', 'G1a', 'G1b', 'G1c', 'dirty-update'];
const MAV = [...RC, 'internal'];
const SI = [...MAV, 'G-single', 'lost-update'];
const RR = [...MAV, 'G2-item', 'lost-update'];
const SER = [...new Set([...SI, ...RR])];
const variants = (classes: readonly string[], suffix: string): string[] => classes.filter((c) => /^G(0|1c|-single|2-item)$/.test(c)).map((c) => c + suffix);

/** Anomalies each model forbids directly. */
export const FORBIDS: Readonly<Record<string, readonly string[]>> = {
  'read-uncommitted': [...ALWAYS, 'G0'],
  'read-committed': [...ALWAYS, ...RC],
  'monotonic-atomic-view': [...ALWAYS, ...MAV],
  'repeatable-read': [...ALWAYS, ...RR],
  'snapshot-isolation': [...ALWAYS, ...SI],
  serializable: [...ALWAYS, ...SER],
  'strong-session-snapshot-isolation': [...ALWAYS, ...SI, ...variants(SI, '-process')],
  'strong-snapshot-isolation': [...ALWAYS, ...SI, ...variants(SI, '-process'), ...variants(SI, '-realtime')],
  'strong-session-serializable': [...ALWAYS, ...SER, ...variants(SER, '-process')],
  'strict-serializable': [...ALWAYS, ...SER, ...variants(SER, '-process'), ...variants(SER, '-realtime')],
};

/** Each model's immediate weaker models (the lattice's edges, strongest at the top). */
export const WEAKER: Readonly<Record<string, readonly string[]>> = {
  'strict-serializable': ['strong-session-serializable', 'strong-snapshot-isolation'],
  'strong-session-serializable': ['serializable', 'strong-session-snapshot-isolation'],
  'strong-snapshot-isolation': ['strong-session-snapshot-isolation'],
  'strong-session-snapshot-isolation': ['snapshot-isolation'],
  serializable: ['repeatable-read', 'snapshot-isolation'],
  'repeatable-read': ['monotonic-atomic-view'],
  'snapshot-isolation': ['monotonic-atomic-view'],
  'monotonic-atomic-view': ['read-committed'],
  'read-committed': ['read-uncommitted'],
  'read-uncommitted': [],
};

export const MODEL_NAMES: readonly string[] = Object.keys(FORBIDS);

/** The classes a found anomaly is also a case of (itself included). */
export function impliedClasses(type: string): string[] {
  const m = /^(G0|G1c|G-single|G2-item)(-process|-realtime)?$/.exec(type);
  if (!m) return [type];
  const bases = m[1] === 'G0' ? ['G0', 'G1c'] : m[1] === 'G-single' ? ['G-single', 'G2-item'] : [m[1]];
  const levels = m[2] === '-realtime' ? ['-realtime'] : m[2] === '-process' ? ['-process', '-realtime'] : ['', '-process', '-realtime'];
  return bases.flatMap((b) => levels.map((l) => b + l));
}

/** The models one anomaly rules out. `possible` (a search cut short) rules out only what every possible class does. */
export function ruledOutBy(type: string, possible?: readonly string[]): string[] {
  if (possible) {
    const sets = possible.map((p) => new Set(ruledOutBy(p)));
    return MODEL_NAMES.filter((m) => sets.every((s) => s.has(m)));
  }
  const cls = impliedClasses(type);
  // An anomaly this lattice does not know is forbidden by every model: unknown must never pass as allowed.
  const known = MODEL_NAMES.some((m) => FORBIDS[m].some((c) => cls.includes(c)));
  return MODEL_NAMES.filter((m) => !known || FORBIDS[m].some((c) => cls.includes(c)));
}

/** Every model stronger than or equal to `m` (those that imply it). */
export function stronger(m: string): string[] {
  return MODEL_NAMES.filter((x) => x === m || implies(x, m));
}

/** True when model `a` implies model `b` (b is reachable downwards from a). */
export function implies(a: string, b: string): boolean {
  if (a === b) return true;
  return (WEAKER[a] ?? []).some((w) => implies(w, b));
}

/** The maximal models not ruled out: the strongest the history is still consistent with. */
export function strongestConsistent(ruledOut: ReadonlySet<string>): string[] {
  const ok = MODEL_NAMES.filter((m) => !ruledOut.has(m));
  return ok.filter((m) => !ok.some((x) => x !== m && implies(x, m)));
}

/** Checks `--consistency-models` names; returns the unknown ones. */
export function unknownModels(names: readonly string[]): string[] {
  return names.filter((n) => !Object.hasOwn(FORBIDS, n));
}
