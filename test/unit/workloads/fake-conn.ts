/**
 * A stand-in for the routed network, for unit tests of the clients' mapping logic only: it records
 * what a client sends and answers from a script. Tests against real nodes live in test/integration.
 */
import { RpcTimeout, type MaelstromBody, type MaelstromConn } from '../../../harness/ground/protocol/protocol.js';

/** What the script answers: a reply body, a timeout, or an error the connection throws. */
export type Answer = MaelstromBody | RpcTimeout | Error | unknown;

export interface Sent {
  dest: string;
  body: MaelstromBody;
  timeoutMs?: number;
}

export class FakeConn implements MaelstromConn {
  readonly id = 'c1';
  readonly sent: Sent[] = [];
  private msgId = 0;

  constructor(private readonly answer: (dest: string, body: MaelstromBody) => Answer) {}

  async rpc(dest: string, body: MaelstromBody, timeoutMs?: number): Promise<MaelstromBody> {
    this.sent.push(timeoutMs === undefined ? { dest, body } : { dest, body, timeoutMs });
    const id = ++this.msgId;
    const a = this.answer(dest, body);
    if (a instanceof Error) throw a;
    if (typeof a === 'object' && a !== null && !Array.isArray(a)) return { ...(a as MaelstromBody), in_reply_to: id };
    return a as MaelstromBody;
  }
}

export const timeout = (): RpcTimeout => new RpcTimeout('n0', 1000);
