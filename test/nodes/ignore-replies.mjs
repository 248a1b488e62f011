// Handlers that swallow replies nobody waits for any more. node-lib answers a message of an unknown
// type with an error, and that error with another one; a reply arriving after its rpc timed out
// (a retry raced it, or a partition delayed it) would start such an exchange between two nodes.
// Spread into the handlers of any node that calls other nodes with a timeout.

/** No-op handlers for `types` (e.g. 'broadcast_ok') and for `error`. */
export function ignoreReplies(...types) {
  return Object.fromEntries([...types, 'error'].map((t) => [t, () => {}]));
}
