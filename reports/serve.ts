/**
 * A read-only HTTP server over the store: GET and HEAD of files inside it, nothing else. Paths are
 * resolved and then realpath'd, and must stay inside the store's real path, so neither `..`, an
 * encoded `%2e%2e`, nor a symlink pointing out of the store reaches another file. Only regular files
 * are served: a FIFO or device in the store would block the read (and, four at a time, every thread
 * of libuv's pool), so a file is opened non-blocking and checked on its descriptor before it is read,
 * and a connection that stalls is closed after a timeout. Every request needs the token `faultline
 * serve` printed (docs/security.md): a store kept private on disk is not readable over loopback either.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import nodePath from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.json': 'application/json; charset=utf-8', '.jsonl': 'application/x-ndjson; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8', '.log': 'text/plain; charset=utf-8', '.txt': 'text/plain; charset=utf-8',
  '.edn': 'text/plain; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png',
};

/** The file a URL path names inside `root` (a real path), or undefined when it is outside or absent. */
export function resolveInStore(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0].split('#')[0]);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const inside = (p: string): boolean => p === root || p.startsWith(root + nodePath.sep);
  let file = nodePath.resolve(root, `.${nodePath.posix.normalize(`/${decoded}`)}`);
  if (!inside(file)) return undefined;
  try {
    file = fs.realpathSync(file);
    if (!inside(file)) return undefined;
    if (fs.statSync(file).isDirectory()) {
      // A run directory shows its report; the store (or a test folder) its index.
      const page = ['index.html', 'report.html'].map((f) => nodePath.join(file, f)).find((f) => fs.existsSync(f));
      if (!page) return undefined;
      file = fs.realpathSync(page);
      if (!inside(file)) return undefined;
    }
    return fs.statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

/** Seconds a request may take before its connection is closed. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** A fresh access token: 24 random bytes, URL-safe. */
export const newToken = (): string => randomBytes(24).toString('base64url');

/** Constant-time equality of a presented token and ours (hashed first, so lengths never differ). */
function tokenMatches(given: string | undefined | null, token: string): boolean {
  if (typeof given !== 'string') return false;
  const h = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(given), h(token));
}

/** The value of cookie `name` in a Cookie header. */
function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export interface StoreServerOptions {
  /** Required on every request (as `?token=`, which sets a cookie, or that cookie); none: no check. */
  token?: string;
}

/**
 * An HTTP server serving `storeDir` read-only. With a token, a request carrying `?token=<token>` gets
 * an HttpOnly SameSite=Strict cookie and a redirect to the same path without it (the token leaves the
 * address bar and the history); every request without the token or the cookie gets 403.
 */
export function createStoreServer(storeDir: string, opts: StoreServerOptions = {}): http.Server {
  const root = fs.realpathSync(storeDir);
  const server = http.createServer((req, res) => {
    const send = (code: number, text: string, headers: Record<string, string> = {}): void => {
      res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', ...headers });
      res.end(req.method === 'HEAD' ? undefined : `${text}\n`);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'the store is read-only: only GET and HEAD', { allow: 'GET, HEAD' });
    if (opts.token !== undefined) {
      // Cookies are per host, not per port: the name carries the port, so two servers never clash.
      const cookie = `faultline_token_${(server.address() as { port?: number } | null)?.port ?? 0}`;
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.searchParams.has('token')) {
        if (!tokenMatches(url.searchParams.get('token'), opts.token)) return send(403, 'forbidden: wrong token; open the address faultline serve printed');
        url.searchParams.delete('token');
        return send(302, 'found', {
          // One leading slash: `//host` would send the browser to another site.
          location: `/${url.pathname.replace(/^\/+/, '')}${url.search}`,
          'set-cookie': `${cookie}=${opts.token}; HttpOnly; SameSite=Strict; Path=/`,
          'cache-control': 'no-store',
        });
      }
      if (!tokenMatches(cookieOf(req.headers.cookie, cookie), opts.token)) return send(403, 'forbidden: open the address with ?token= that faultline serve printed');
    }
    const file = resolveInStore(root, req.url ?? '/');
    if (!file) return send(404, 'not found');
    // Open without blocking and judge the descriptor, not the name: the file may have been swapped.
    let fd: number;
    try {
      fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW);
    } catch {
      return send(404, 'not found');
    }
    const st = fs.fstatSync(fd);
    if (!st.isFile()) {
      fs.closeSync(fd);
      return send(404, 'not found');
    }
    const size = st.size;
    res.writeHead(200, {
      'content-type': TYPES[nodePath.extname(file)] ?? 'application/octet-stream',
      'content-length': String(size),
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    });
    if (req.method === 'HEAD') {
      fs.closeSync(fd);
      return res.end();
    }
    fs.createReadStream('', { fd, autoClose: true }).on('error', () => res.destroy()).pipe(res);
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.setTimeout(REQUEST_TIMEOUT_MS, (socket) => socket.destroy());
  return server;
}
