/**
 * Clients that follow the membership (`--nemesis membership`): each op of a thread goes to one of
 * the current members (the thread's number modulo their count, in their sorted order: the same member
 * while the members stay the same, and any change of members may move a thread to another), so a
 * member that joined gets clients and one that left loses them. A client per node is opened on first
 * use and kept; all are closed together.
 */
import type { Client, ClientOp, Completion } from '../../ground/contracts/roles.js';

export function memberClient(thread: number, members: () => readonly string[], open: (node: string) => Promise<Client>): Client {
  const byNode = new Map<string, Promise<Client>>();
  return {
    async invoke(op: ClientOp): Promise<Completion> {
      const now = members();
      // Never empty in practice (a cluster keeps at least one member); fall back to nothing rather than throw.
      if (now.length === 0) return { type: 'fail', error: 'no member to send the op to' };
      const node = now[thread % now.length];
      let c = byNode.get(node);
      if (c === undefined) byNode.set(node, (c = open(node)));
      return (await c).invoke(op);
    },
    async close(): Promise<void> {
      await Promise.all([...byNode.values()].map(async (c) => (await c).close()));
    },
  };
}
