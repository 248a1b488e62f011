/**
 * One HTTP request over node:http with a keep-alive agent: the transport of the http-kv client, the
 * health probe and the bare client of bench:harness. node:http rather than fetch: fetch (undici)
 * costs several times the CPU per request, and on two cores the harness's CPU is the servers' loss.
 */
import http from 'node:http';

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Why a request got no answer, and whether the server could have seen it. */
export class HttpFailure extends Error {
  constructor(message: string, readonly neverSent: boolean) {
    super(message);
    this.name = 'HttpFailure';
  }
}

/** Sends one request; rejects with an HttpFailure on a refused connection, a reset or the deadline. */
export function httpRequest(
  agent: http.Agent, url: URL | { host: string; port: number; path: string }, method: string, body: string | undefined, headers: Record<string, string>, timeoutMs: number,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    // A plain options object skips URL parsing per request (measurable at thousands per second).
    const target = url instanceof URL ? { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}` } : url;
    const req = http.request({ ...target, agent, method, headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
    const timer = setTimeout(() => req.destroy(new HttpFailure(`no answer within ${timeoutMs} ms`, false)), timeoutMs);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', (e) => { clearTimeout(timer); reject(new HttpFailure(e.message, false)); });
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // A refused connection means the request never reached the server: a definite failure.
      reject(e instanceof HttpFailure ? e : new HttpFailure(`${e.code ?? ''} ${e.message}`.trim(), e.code === 'ECONNREFUSED'));
    });
    req.end(body);
  });
}

/** A keep-alive agent for many concurrent clients of one cluster. */
export function keepAliveAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: Infinity, keepAliveMsecs: 1_000 });
}
