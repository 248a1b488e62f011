/**
 * The guarded resource of the fenced-lock workload: a small HTTP service Faultline runs itself, on
 * this machine's loopback, outside every fault (no nemesis reaches it), so what it records is the
 * truth about who wrote when. Each write carries a fencing token; the resource applies it at the next
 * position of its own order (`seq`) or, when it enforces fencing, rejects a token lower than the
 * highest it has seen (Kleppmann's storage-side check).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FencingMode = 'enforce' | 'off';
export const FENCING_MODES = ['enforce', 'off'] as const;

export type WriteAnswer = { applied: true; seq: number } | { applied: false; highest: number };

export class ResourceService {
  private server: http.Server | undefined;
  private url = '';
  private seq = 0;
  private highest = -Infinity;
  /** Writes applied and rejected, for the run's results. */
  applied = 0;
  rejected = 0;

  constructor(readonly mode: FencingMode) {}

  /** The decision for one write, in arrival order (the service's whole state). */
  decide(token: number): WriteAnswer {
    if (this.mode === 'enforce' && token < this.highest) {
      this.rejected++;
      return { applied: false, highest: this.highest };
    }
    this.highest = Math.max(this.highest, token);
    this.applied++;
    return { applied: true, seq: ++this.seq };
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => { body += d.toString(); });
      req.on('end', () => {
        const token = Number((JSON.parse(body || '{}') as { token?: unknown }).token);
        if (req.url !== '/write' || !Number.isFinite(token)) { res.writeHead(400).end('{"error":"POST /write {token}"}'); return; }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.decide(token)));
      });
    });
    await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve); });
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Sends one write; throws when the service cannot be reached. */
  async write(token: number, timeoutMs: number): Promise<WriteAnswer> {
    const r = await fetch(`${this.url}/write`, { method: 'POST', body: JSON.stringify({ token }), signal: AbortSignal.timeout(timeoutMs) });
    if (!r.ok) throw new Error(`resource answered ${r.status}`);
    return (await r.json()) as WriteAnswer;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); });
  }
}
