import fs from 'node:fs';
import nodePath from 'node:path';
import { createStoreServer, newToken, writeStoreIndex } from '../../../reports/index.js';
import { unmarkedNote, unmarkedReason } from '../../../reports/store-marker.js';
import { InputError } from '../../ground/history/errors.js';
import { parseArgs } from './args.js';

export const SERVE_HELP = `faultline serve [--port 8080] [--host 127.0.0.1] [--store store] [--no-auth]

Serves the store read-only over HTTP: the index of runs and every run's report. Binds to loopback
unless --host says otherwise. Stop it with Ctrl-C.

Every request needs the random token in the printed address (http://HOST:PORT/?token=…): opening it
once sets a cookie for the browser; anything without the token or the cookie gets 403, so other
users of this machine cannot read a store they cannot read on disk.

  --port N       TCP port (default 8080; 0 picks a free one)
  --host ADDR    address to bind (default 127.0.0.1)
  --store DIR    the store folder (default: store)
  --no-auth      no token: anyone who can reach the port reads the store`;

/** `faultline serve`: runs until SIGINT or SIGTERM, then returns 0. */
export async function serveCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const args = parseArgs(argv, ['port', 'host', 'store'], ['help', 'no-auth'], 'serve');
  if (args.options.has('help')) {
    out(SERVE_HELP);
    return 0;
  }
  if (args.positionals.length > 0) throw new InputError(`faultline serve takes no arguments (got "${args.positionals[0]}"); pass the store with --store`);
  const portText = String(args.options.get('port') ?? '8080');
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new InputError(`--port ${portText} is not a TCP port; pass a number from 0 to 65535`);
  const host = String(args.options.get('host') ?? '127.0.0.1');
  const store = nodePath.resolve(String(args.options.get('store') ?? 'store'));
  if (!fs.existsSync(store)) {
    throw new InputError(`the store ${store} does not exist; run faultline run first, or pass the store folder with --store`);
  }
  if (!fs.statSync(store).isDirectory()) {
    throw new InputError(`--store ${store} is a file, not a store folder; pass the folder that holds the runs (default: store)`);
  }
  const unmarked = unmarkedReason(store);
  if (unmarked) out(`note: ${unmarkedNote(store, unmarked)}`);
  else if (!fs.existsSync(nodePath.join(store, 'index.html'))) writeStoreIndex(store);
  const token = args.options.has('no-auth') ? undefined : newToken();
  const server = createStoreServer(store, token === undefined ? {} : { token });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new InputError(`port ${port} on ${host} is already in use; pass another with --port`));
      else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') reject(new InputError(`cannot bind to ${host}: no such local address; pass --host 127.0.0.1 or an address of this machine`));
      else reject(err);
    });
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  const bound = typeof addr === 'object' && addr !== null ? addr.port : port;
  const shown = host.includes(':') ? `[${host}]` : host;
  out(`serving ${store} read-only at http://${shown}:${bound}/${token === undefined ? '' : `?token=${token}`} (Ctrl-C stops)`);
  if (token === undefined) out('note: --no-auth: anyone who can reach this port reads the store');
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) out(`note: bound to ${host}, so other machines can read the store`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      server.close(() => resolve());
      server.closeAllConnections();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}
