import { canonical, same, show, type Model, type Operation } from '../model.js';

/*
 * Sets and queues keep their state as one string (canonical JSON of each element, joined by a
 * newline, which JSON never contains raw) so that memoisation compares states with `===`.
 */
const SEP = '\n';
const enc = (v: unknown): string => canonical(v ?? null);
const split = (s: string): string[] => (s === '' ? [] : s.split(SEP));
const join = (xs: string[]): string => xs.join(SEP);
const describe = (s: string): string => `[${split(s).join(', ')}]`;

function elementsOf(op: Operation): string[] | undefined {
  return Array.isArray(op.output) ? op.output.map(enc).sort() : undefined;
}

/** A grow-only set: `add(v)`, `read() → [elements]` that must equal the set. */
export function setModel(): Model<string> {
  return {
    name: 'set',
    fs: ['add', 'read'],
    init: () => '',
    step(state, op) {
      if (op.f === 'add') {
        const xs = split(state);
        const e = enc(op.input);
        if (xs.includes(e)) return state;
        xs.push(e);
        return join(xs.sort());
      }
      if (op.outcome !== 'ok') return state;
      const read = elementsOf(op);
      return read && join([...new Set(read)]) === state ? state : undefined;
    },
    readOnly: (op) => op.f === 'read',
    supports: (w, r) => w.f === 'add' && r.f === 'read' && r.outcome === 'ok' && Array.isArray(r.output) &&
      r.output.some((x) => same(x, w.input)),
    validate: (op) => (op.f === 'read' && op.outcome === 'ok' && !Array.isArray(op.output)
      ? `read of a set must return an array, got ${show(op.output)}` : undefined),
    describeState: describe,
  };
}

/** A queue: `enqueue(v)`, `dequeue() → v` (null when empty); FIFO or any order. */
export function queueModel(fifo: boolean): Model<string> {
  return {
    name: fifo ? 'fifo-queue' : 'unordered-queue',
    fs: ['enqueue', 'dequeue'],
    init: () => '',
    step(state, op) {
      const xs = split(state);
      if (op.f === 'enqueue') {
        xs.push(enc(op.input));
        return join(fifo ? xs : xs.sort());
      }
      if (op.outcome === 'unknown') {
        // Taking effect, an indeterminate dequeue removes the head; not taking effect is the other
        // branch the search always has. Unordered queues get every choice through stepAll.
        return xs.length === 0 ? state : join(xs.slice(1));
      }
      if (op.output === null || op.output === undefined) return xs.length === 0 ? state : undefined;
      const e = enc(op.output);
      const at = fifo ? (xs[0] === e ? 0 : -1) : xs.indexOf(e);
      if (at < 0) return undefined;
      xs.splice(at, 1);
      return join(xs);
    },
    supports: (w, r) => w.f === 'enqueue' && r.f === 'dequeue' && r.outcome === 'ok' && same(w.input, r.output),
    // An indeterminate dequeue of an unordered queue may have removed any one element.
    stepAll: fifo ? undefined : (state: string, op: Operation) => {
      if (op.f !== 'dequeue' || op.outcome !== 'unknown') return undefined;
      const xs = split(state);
      if (xs.length === 0) return [state];
      return [...new Set(xs)].map((e) => { const ys = [...xs]; ys.splice(ys.indexOf(e), 1); return join(ys); });
    },
    describeState: describe,
  };
}
