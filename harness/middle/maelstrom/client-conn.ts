/**
 * A client's connection to the routed network (MaelstromConn): it sends requests with its own
 * msg_ids and matches replies by `in_reply_to` to its own pending requests, so many clients can share
 * one network and a late reply to a timed-out request is simply ignored (counted as `lateReplies`).
 */
import type { Network } from './network.js';
import { RpcTimeout, type MaelstromBody, type MaelstromConn, type MaelstromMessage } from '../../ground/protocol/protocol.js';

interface Pending {
  dest: string;
  resolve(body: MaelstromBody): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** The connection was closed (the cluster was torn down) while a request was pending. */
export class ConnClosed extends Error {
  constructor(readonly id: string, readonly dest: string) {
    super(`client ${id}: the connection closed (cluster torn down) before ${dest} replied`);
    this.name = 'ConnClosed';
  }
}

export class ClientConn implements MaelstromConn {
  private nextMsgId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;
  /** Replies that came after their request timed out, or that named no request of ours. */
  lateReplies = 0;

  constructor(readonly id: string, private readonly net: Network, readonly defaultTimeoutMs: number) {}

  /** Sends `body` to `dest` through the network and resolves with the reply body. */
  rpc(dest: string, body: MaelstromBody, timeoutMs?: number): Promise<MaelstromBody> {
    return this.call(dest, body, timeoutMs ?? this.defaultTimeoutMs, false);
  }

  /** As rpc, but the request skips the queue and every fault (for init); the reply is routed normally. */
  rpcDirect(dest: string, body: MaelstromBody, timeoutMs: number): Promise<MaelstromBody> {
    return this.call(dest, body, timeoutMs, true);
  }

  /** Network delivery handler. */
  deliver(msg: MaelstromMessage): void {
    const irt = msg.body.in_reply_to;
    const p = typeof irt === 'number' ? this.pending.get(irt) : undefined;
    if (p === undefined) {
      this.lateReplies++;
      return;
    }
    this.pending.delete(irt as number);
    clearTimeout(p.timer);
    p.resolve(msg.body);
  }

  /** Requests waiting for a reply. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Rejects every pending request with ConnClosed; later rpcs reject at once. */
  close(): void {
    this.closed = true;
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new ConnClosed(this.id, p.dest));
    }
    this.pending.clear();
  }

  private call(dest: string, body: MaelstromBody, timeoutMs: number, direct: boolean): Promise<MaelstromBody> {
    if (this.closed) return Promise.reject(new ConnClosed(this.id, dest));
    if (typeof body !== 'object' || body === null || typeof body.type !== 'string') {
      return Promise.reject(new Error(`client ${this.id}: rpc to ${dest} needs a body with a string "type", got ${JSON.stringify(body)}`));
    }
    const msgId = this.nextMsgId++;
    return new Promise<MaelstromBody>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(msgId);
        reject(new RpcTimeout(dest, timeoutMs));
      }, timeoutMs);
      this.pending.set(msgId, { dest, resolve, reject, timer });
      try {
        const out = { ...body, msg_id: msgId };
        if (direct) this.net.inject(this.id, dest, out);
        else this.net.send(this.id, dest, out);
      } catch (err) {
        // An unknown destination: a bug of the caller, reported at once rather than as a timeout.
        this.pending.delete(msgId);
        clearTimeout(timer);
        reject(err);
      }
    });
  }
}
