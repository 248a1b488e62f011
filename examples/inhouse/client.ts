// The Faultline client for tkv (server.mjs): it turns each register op into one tkv request and the
// answer into a value (ok), a Definite error (fail: certainly not done) or an Indefinite one (info).
import net from 'node:net';
import { defineClient, Definite, Indefinite } from 'faultline';

/** One connection and the answer it waits for (a client has one request in flight at a time). */
interface Conn {
  socket?: net.Socket;
  host: string;
  port: number;
}

/** Sends one line and resolves with the answer line; a dead or late connection is dropped. */
function ask(c: Conn, line: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    if (c.socket === undefined) {
      c.socket = net.connect(c.port, c.host);
      c.socket.on('error', () => undefined); // reported through the request in flight, if any
    }
    const s = c.socket;
    let sent = false;
    const drop = (err: Error): void => {
      s.destroy();
      c.socket = undefined;
      reject(err);
    };
    // Still connecting at the deadline: the request never left (a partition drops the handshake).
    const timer = setTimeout(() => drop(s.connecting ? new Definite(`no connection within ${timeoutMs} ms`) : new Indefinite(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const onError = (e: NodeJS.ErrnoException): void => {
      clearTimeout(timer);
      // Refused: the request never left. Anything after sending may have been applied.
      drop(e.code === 'ECONNREFUSED' || !sent ? new Definite(e.message) : new Indefinite(e.message));
    };
    s.once('error', onError);
    let buf = '';
    const onData = (d: Buffer): void => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl < 0) return; // the rest of the line is still on its way
      clearTimeout(timer);
      s.off('error', onError);
      s.off('data', onData);
      resolve(buf.slice(0, nl));
    };
    s.on('data', onData);
    s.write(`${line}\n`, () => { sent = true; });
  });
}

export default defineClient<Conn>({
  ops: ['read', 'write', 'cas'],
  open: (node) => ({ host: node.host, port: node.port }),
  async invoke(op, ctx) {
    const key = String(op.key);
    const line = op.f === 'read' ? `GET ${key}`
      : op.f === 'write' ? `SET ${key} ${JSON.stringify(op.value)}`
      : `CAS ${key} ${(op.value as unknown[]).map((v) => JSON.stringify(v)).join(' ')}`;
    const answer = await ask(ctx.conn, line, ctx.timeoutMs);
    const [word, ...rest] = answer.split(' ');
    switch (word) {
      case 'VAL': return JSON.parse(rest.join(' '));
      case 'NIL': if (op.f === 'read') return null; throw new Definite('no such key');
      case 'DONE': return undefined;
      case 'DIFF': throw new Definite('the value differs');
      case 'BUSY': throw new Definite(answer);
      case 'LOST': throw new Indefinite(answer);
      default: throw new Indefinite(`tkv answered garbage: ${answer.slice(0, 80)}`);
    }
  },
  close: (conn) => { conn.socket?.destroy(); },
});
