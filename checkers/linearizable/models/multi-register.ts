import { same, show, type Model, type Operation } from '../model.js';

type State = ReadonlyMap<string, unknown>;

function entries(op: Operation, v: unknown): [string, unknown][] | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  return Object.entries(v as Record<string, unknown>);
}

/** Knossos' `:txn` micro-ops, `[[:read :x v] [:write :y v]]`, or undefined when the value is not a list of them. */
function microOps(v: unknown): [string, string, unknown][] | undefined {
  if (!Array.isArray(v)) return undefined;
  for (const m of v) {
    if (!Array.isArray(m) || m.length !== 3 || (m[0] !== 'read' && m[0] !== 'write') || (typeof m[1] !== 'string' && typeof m[1] !== 'number')) return undefined;
  }
  return (v as [string, string | number, unknown][]).map(([f, k, x]) => [f, String(k), x]);
}

/**
 * Knossos' multi-register: `read` and `write` take a map of key → value and act on all keys at once.
 * A read's nil value for a key constrains nothing (the client did not learn it). Ops touching several
 * keys are not independent per key, so the whole history is one partition. A `txn` op (Knossos'
 * multi-register histories) applies its `[read k v]`/`[write k v]` micro-ops in order, atomically.
 */
export function multiRegisterModel(opts: { initial?: unknown } = {}): Model<State> {
  const initial = opts.initial ?? null;
  return {
    name: 'multi-register',
    fs: ['read', 'write', 'txn'],
    init: () => new Map(),
    step(state, op) {
      if (op.f === 'txn') {
        // Writes from the invoke (an indeterminate txn may have happened); reads only from a completion.
        const writes = microOps(op.input) ?? [];
        const done = op.outcome === 'ok' ? microOps(op.output) ?? writes : writes;
        let next: Map<string, unknown> | undefined;
        for (const [f, k, v] of done) {
          const cur = next ?? state;
          if (f === 'write') (next ??= new Map(state)).set(k, v);
          else if (op.outcome === 'ok' && v !== null && !same(cur.has(k) ? cur.get(k) : initial, v)) return undefined;
        }
        return next ?? state;
      }
      if (op.f === 'write') {
        const next = new Map(state);
        for (const [k, v] of entries(op, op.input) ?? []) next.set(k, v);
        return next;
      }
      if (op.outcome !== 'ok') return state;
      for (const [k, v] of entries(op, op.output) ?? []) {
        if (v !== null && !same(state.has(k) ? state.get(k) : initial, v)) return undefined;
      }
      return state;
    },
    equal(a, b) {
      if (a.size !== b.size) return false;
      for (const [k, v] of a) if (!b.has(k) || !same(b.get(k), v)) return false;
      return true;
    },
    partition: (ops) => [ops],
    readOnly: (op) => op.f === 'read' || (op.f === 'txn' && (microOps(op.input) ?? []).every(([f]) => f === 'read')),
    validate(op) {
      if (op.f === 'txn') {
        const v = op.outcome === 'ok' ? op.output : op.input;
        return microOps(v) ? undefined : `a txn of a multi-register needs a list of [read k v] or [write k v] micro-ops, got ${show(v)}`;
      }
      const v = op.f === 'write' ? op.input : op.outcome === 'ok' ? op.output : {};
      return entries(op, v) ? undefined : `${op.f} of a multi-register needs a map of key to value, got ${show(v)}`;
    },
    describeState: (s) => `{${[...s].map(([k, v]) => `${k} ${show(v)}`).join(', ')}}`,
  };
}
