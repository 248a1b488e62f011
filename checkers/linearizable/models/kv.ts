import { IntPairMap } from '../int-pair-map.js';
import { show, type Model } from '../model.js';

export interface KvOptions {
  /** Value of a key never written: `null` (absent, Faultline's own) or `""` (porcupine's kv). */
  initial?: string | null;
}

/**
 * A string-keyed map of strings with get/put/append, checked per key (P-compositional), so a state
 * is the value of one key.
 *
 * States are hash-consed: a state is a small integer naming (previous state, op token), and its string is
 * built only when a get needs it (recursively — fine, because the chain is as long as the appends). Append histories reach one linearized set with many states (the
 * appends in every order); with strings as states every memo lookup would hash and compare kilobytes.
 * Two ids may spell the same string (a put and an append of equal results); that only costs some
 * redundant search, never a wrong verdict, because a get compares the actual strings.
 */
export function kvModel(opts: KvOptions = {}): Model<number> {
  const initial = opts.initial === undefined ? null : opts.initial;
  // State id → (parent state, appended value) and its string, built on demand and kept.
  const parent: number[] = [-1];
  const piece: (string | null)[] = [initial];
  const text: (string | null | undefined)[] = [initial];
  // Length of each state's string (a null string has length 0 and is told apart by `piece[0]`).
  const length: number[] = [initial === null ? 0 : initial.length];
  // Op → token naming its effect (kind and value), so the same model can check many histories:
  // op ids repeat across histories, values decide. One map per kind keyed by the value string itself
  // (V8 keeps a string's hash in the string, so a repeated lookup is cheap; a WeakMap by op was a
  // fifth of the check on kv histories of many small keys).
  const putTokens = new Map<string, number>();
  const appendTokens = new Map<string, number>();
  let nextToken = 0;
  const ids = new IntPairMap(); // (previous state + 2, token) → state id; puts use 0 for the previous state
  // The state after a put or an append of `value` in `state`: one function, one probe of `ids` (in
  // a fresh process, before V8 compiles them, every call between small functions costs).
  const derive = (state: number, value: string, isPut: boolean): number => {
    const byValue = isPut ? putTokens : appendTokens;
    let token = byValue.get(value);
    if (token === undefined) byValue.set(value, (token = nextToken++));
    const fresh = parent.length;
    const id = ids.getOrSet(isPut ? 0 : state + 2, token, fresh);
    if (id !== -1) return id;
    parent.push(isPut ? -1 : state);
    piece.push(value);
    text.push(undefined);
    length.push(isPut ? value.length : length[state] + value.length);
    return fresh;
  };
  const textOf = (id: number): string | null => {
    const t = text[id];
    if (t !== undefined) return t;
    const p = parent[id];
    const s = p < 0 ? piece[id] : (textOf(p) ?? '') + (piece[id] as string);
    text[id] = s;
    return s;
  };
  // Whether state `id` spells `out`, without building its string: a get is tried in many states that
  // are never read back (a wrong order of appends), and building each one's string was a third of
  // the check's time in allocation and GC. Lengths reject most at once; then the pieces from the
  // end (the last append differs first).
  const spells = (id: number, out: string | null): boolean => {
    if (out === null) return parent[id] < 0 && piece[id] === null;
    if (length[id] !== out.length) return false;
    const t = text[id];
    if (t !== undefined) return t === out;
    let end = out.length;
    for (let x = id; ; x = parent[x]) {
      const pc = piece[x];
      if (pc === null) return end === 0; // the absent initial value (a root): appends start from ""
      end -= pc.length;
      if (!out.startsWith(pc, end)) return false;
      if (parent[x] < 0) return end === 0;
    }
  };
  // Whether state `id`'s string is a prefix of `out` (an absent value counts as "", appends start there).
  const prefixOf = (id: number, out: string): boolean => {
    if (length[id] > out.length) return false;
    let end = length[id];
    for (let x = id; ; x = parent[x]) {
      const pc = piece[x];
      if (pc === null) return true;
      end -= pc.length;
      if (!out.startsWith(pc, end)) return false;
      if (parent[x] < 0) return true;
    }
  };
  return {
    name: 'kv',
    fs: ['get', 'put', 'append'],
    init: () => 0,
    step(state, op) {
      switch (op.f) {
        case 'get': {
          if (op.outcome !== 'ok') return state;
          // Strict: null is "absent" and "" is an empty value; porcupine's kv logs ask for `initial: ""`.
          return spells(state, op.output as string | null) ? state : undefined;
        }
        case 'put':
          return derive(state, op.input as string, true);
        case 'append':
          return derive(state, op.input as string, false);
      }
      return undefined;
    },
    readOnly: (op) => op.f === 'get',
    // An illegal get becomes legal only through appends to the state (so the state must spell the
    // start of its value) or a put whose value starts it; a value never returns to absent (null).
    // This cuts the orders of concurrent appends that a pending get already rules out.
    unreachable(state, read, writes, count) {
      if (read.f !== 'get' || read.outcome !== 'ok') return false;
      const out = read.output;
      if (typeof out !== 'string') return true;
      if (prefixOf(state, out)) return false;
      for (let i = 0; i < count; i++) {
        const w = writes[i];
        if (w.f === 'put' && out.startsWith(w.input as string)) return false;
      }
      return true;
    },
    validate(op) {
      if ((op.f === 'put' || op.f === 'append') && typeof op.input !== 'string') {
        return `${op.f} needs a string value, got ${show(op.input)}`;
      }
      if (op.f === 'get' && op.outcome === 'ok' && op.output !== null && typeof op.output !== 'string') {
        return `get must return a string or null, got ${show(op.output)}`;
      }
      return undefined;
    },
    supports: (w, r) => r.f === 'get' && r.outcome === 'ok' && typeof r.output === 'string' &&
      (w.f === 'put' || w.f === 'append') && typeof w.input === 'string' && r.output.includes(w.input),
    describeState: (s) => show(textOf(s)),
  };
}
