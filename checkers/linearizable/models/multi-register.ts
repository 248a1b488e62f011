import { same, show, type Model, type Operation } from '../model.js';

type State = ReadonlyMap<string, unknown>;

function entries(op: Operation, v: unknown): [string, unknown][] | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  return Object.entries(v as Record<string, unknown>);
}

/**
 * Knossos' multi-register: `read` and `write` take a map of key → value and act on all keys at once.
 * A read's nil value for a key constrains nothing (the client did not learn it). Ops touching several
 * keys are not independent per key, so the whole history is one partition.
 */
export function multiRegisterModel(opts: { initial?: unknown } = {}): Model<State> {
  const initial = opts.initial ?? null;
  return {
    name: 'multi-register',
    fs: ['read', 'write'],
    init: () => new Map(),
    step(state, op) {
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
    readOnly: (op) => op.f === 'read',
    validate(op) {
      const v = op.f === 'write' ? op.input : op.outcome === 'ok' ? op.output : {};
      return entries(op, v) ? undefined : `${op.f} of a multi-register needs a map of key to value, got ${show(v)}`;
    },
    describeState: (s) => `{${[...s].map(([k, v]) => `${k} ${show(v)}`).join(', ')}}`,
  };
}
