/**
 * The request shapes of Maelstrom's KV services (lin-kv, seq-kv, lww-kv), parsed once so that every
 * store answers malformed requests the same way, and the value comparison CAS relies on.
 */
import type { MaelstromBody } from './protocol.js';

export type KvRequest =
  | { f: 'read'; key: unknown }
  | { f: 'write'; key: unknown; value: unknown }
  | { f: 'cas'; key: unknown; from: unknown; to: unknown; create: boolean };

/** Maelstrom's error reply. */
export function errorBody(code: number, text: string): MaelstromBody {
  return { type: 'error', code, text };
}

/** The request, or the error reply for a malformed or unsupported one. */
export function parseKvRequest(service: string, body: MaelstromBody): KvRequest | MaelstromBody {
  const need = (...fields: string[]): MaelstromBody | undefined => {
    const missing = fields.filter((f) => !(f in body) || body[f] === undefined);
    return missing.length === 0 ? undefined
      : errorBody(12, `${service} ${body.type} needs ${fields.map((f) => `"${f}"`).join(', ')}; missing ${missing.join(', ')}`);
  };
  switch (body.type) {
    case 'read':
      return need('key') ?? { f: 'read', key: body.key };
    case 'write':
      return need('key', 'value') ?? { f: 'write', key: body.key, value: body.value };
    case 'cas':
      return need('key', 'from', 'to') ?? { f: 'cas', key: body.key, from: body.from, to: body.to, create: body.create_if_not_exists === true };
    default:
      return errorBody(10, `${service} does not support "${body.type}"; it answers read, write and cas`);
  }
}

/** JSON text with object keys sorted, so equal values have equal text whatever their key order. */
export function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
}

/** Map key of a JSON key: 1 and "1" stay distinct, as they are distinct keys in Maelstrom. */
export function keyOf(k: unknown): string {
  return typeof k === 'string' ? `s${k}` : canonical(k);
}

/** JSON equality, as CAS compares `from` with the current value. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return canonical(a) === canonical(b);
}

/**
 * Applies a KV request to a state given as get/set; shared by every store so their semantics agree:
 * read of a missing key → 20, cas on a missing key → 20 unless create_if_not_exists, cas whose
 * `from` differs → 22. Returns the reply body (without in_reply_to).
 */
export function applyKv(req: KvRequest, get: (k: string) => { value: unknown } | undefined, set: (k: string, value: unknown) => void): MaelstromBody {
  const k = keyOf(req.key);
  switch (req.f) {
    case 'read': {
      const cur = get(k);
      return cur === undefined ? errorBody(20, 'key does not exist') : { type: 'read_ok', value: cur.value };
    }
    case 'write':
      set(k, req.value);
      return { type: 'write_ok' };
    case 'cas': {
      const cur = get(k);
      if (cur === undefined) {
        if (!req.create) return errorBody(20, 'key does not exist');
        set(k, req.to);
        return { type: 'cas_ok' };
      }
      if (!sameValue(cur.value, req.from)) {
        return errorBody(22, `current value ${JSON.stringify(cur.value)} is not ${JSON.stringify(req.from)}`);
      }
      set(k, req.to);
      return { type: 'cas_ok' };
    }
  }
}
