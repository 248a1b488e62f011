// A key-value map answering Maelstrom's lin-kv requests (read, write, cas) with Maelstrom's error
// codes: 20 key does not exist, 22 cas precondition failed. Shared by lin-kv-single (one copy, on
// the primary) and lin-kv-local (a copy per node: the bug).

/** Applies one lin-kv request body to `map`; returns the reply body (without in_reply_to). */
export function applyKv(map, body) {
  const key = JSON.stringify(body.key);
  switch (body.type) {
    case 'read':
      return map.has(key) ? { type: 'read_ok', value: map.get(key) } : { type: 'error', code: 20, text: 'key does not exist' };
    case 'write':
      map.set(key, body.value);
      return { type: 'write_ok' };
    case 'cas': {
      if (!map.has(key)) {
        if (!body.create_if_not_exists) return { type: 'error', code: 20, text: 'key does not exist' };
        map.set(key, body.to);
        return { type: 'cas_ok' };
      }
      const cur = map.get(key);
      if (JSON.stringify(cur) !== JSON.stringify(body.from)) {
        return { type: 'error', code: 22, text: `expected ${JSON.stringify(body.from)}, but had ${JSON.stringify(cur)}` };
      }
      map.set(key, body.to);
      return { type: 'cas_ok' };
    }
    default:
      return { type: 'error', code: 10, text: `unsupported: ${body.type}` };
  }
}
