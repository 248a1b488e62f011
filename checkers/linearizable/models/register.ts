import { same, show, type Model, type Operation } from '../model.js';

export interface RegisterOptions {
  /** Initial value; `null` means absent (Faultline's and porcupine's convention). */
  initial?: unknown;
  /** Knossos: a read that returned nil did not learn the value, so it constrains nothing. */
  nilReadUnconstrained?: boolean;
  /** What a failed cas means: Jepsen's "did not happen" (dropped) or etcd's "compare ran and failed". */
  failedCas?: 'did-not-happen' | 'compare-failed';
}

function casPair(op: Operation): [unknown, unknown] | undefined {
  const v = op.input;
  return Array.isArray(v) && v.length === 2 ? (v as [unknown, unknown]) : undefined;
}

/** A read/write register, and with `cas` a compare-and-set register. */
export function registerModel(withCas: boolean, opts: RegisterOptions = {}): Model<unknown> {
  const initial = opts.initial ?? null;
  const nilFree = opts.nilReadUnconstrained ?? false;
  const compareFailed = opts.failedCas === 'compare-failed';
  return {
    name: withCas ? 'cas-register' : 'register',
    fs: withCas ? ['read', 'write', 'cas'] : ['read', 'write'],
    init: () => initial,
    step(state, op) {
      switch (op.f) {
        case 'read':
          if (op.outcome !== 'ok') return state;
          if (op.output === null && nilFree) return state;
          return same(state, op.output) ? state : undefined;
        case 'write':
          return op.input;
        case 'cas': {
          const [from, to] = casPair(op)!;
          const matches = same(state, from);
          if (op.outcome === 'fail') return matches ? undefined : state;
          if (op.outcome === 'unknown') return matches ? to : state;
          return matches ? to : undefined;
        }
      }
      return undefined;
    },
    equal: same,
    keepFailed: compareFailed ? (op) => op.f === 'cas' : undefined,
    readOnly: (op) => op.f === 'read',
    validate(op) {
      if (op.f === 'cas' && !casPair(op)) return `cas needs a value [from, to], got ${show(op.input)}`;
      return undefined;
    },
    supports(w, r) {
      const wrote = w.f === 'write' ? w.input : w.f === 'cas' ? casPair(w)?.[1] : undefined;
      const saw = r.f === 'read' && r.outcome === 'ok' ? r.output : r.f === 'cas' && r.outcome === 'ok' ? casPair(r)?.[0] : undefined;
      return wrote !== undefined && saw !== undefined && same(wrote, saw);
    },
    describeState: (s) => show(s),
  };
}
