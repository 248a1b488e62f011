import { show, type Model } from '../model.js';

export interface KvOptions {
  /** Value of a key never written: `null` (absent, Faultline's own) or `""` (porcupine's kv). */
  initial?: string | null;
}

/**
 * A string-keyed map of strings with get/put/append. Checked per key (P-compositional), so a state
 * is the value of one key; concatenation makes append histories cheap to verify.
 */
export function kvModel(opts: KvOptions = {}): Model<string | null> {
  const initial = opts.initial === undefined ? null : opts.initial;
  return {
    name: 'kv',
    fs: ['get', 'put', 'append'],
    init: () => initial,
    step(state, op) {
      switch (op.f) {
        case 'get':
          if (op.outcome !== 'ok') return state;
          return state === op.output || (state === null && op.output === '' ) ? state : undefined;
        case 'put':
          return op.input as string;
        case 'append':
          return (state ?? '') + (op.input as string);
      }
      return undefined;
    },
    readOnly: (op) => op.f === 'get',
    validate(op) {
      if ((op.f === 'put' || op.f === 'append') && typeof op.input !== 'string') {
        return `${op.f} needs a string value, got ${show(op.input)}`;
      }
      if (op.f === 'get' && op.outcome === 'ok' && op.output !== null && typeof op.output !== 'string') {
        return `get must return a string or null, got ${show(op.output)}`;
      }
      return undefined;
    },
    describeState: (s) => show(s),
  };
}
