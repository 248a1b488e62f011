#!/usr/bin/env node
/**
 * The bundled Raft KV as a Maelstrom node:
 *   node dist/targets/raft/main.js --data-dir DIR [--bug NAME]... [--election-ms MIN-MAX]
 *        [--heartbeat-ms N] [--snapshot-every N] [--max-batch N]
 * It reads Maelstrom messages on stdin, writes them on stdout, logs to stderr, and keeps its
 * files under DIR/<node_id>/ (learned at init), so a restarted node recovers its term, vote and log.
 * With `--listen HOST:PORT --node NAME --peers …` it runs on a real network instead (listen.ts):
 * peers over TCP, clients over HTTP (the http-kv convention). Installed, it is the `faultline-raft` bin.
 */
import { parseArgs } from './args.js';
import { runListening, takeListenArgs } from './listen.js';
import { RaftNode } from './node.js';
import type { MaelstromBody } from '../../harness/ground/protocol/protocol.js';

function main(): void {
  const { listen, rest } = takeListenArgs(process.argv.slice(2));
  const parsed = parseArgs(rest);
  if (typeof parsed === 'string' || typeof listen === 'string') {
    process.stderr.write(`raft: ${typeof listen === 'string' ? listen : String(parsed)}\n`);
    process.exit(2);
  }
  if (listen !== undefined) {
    runListening(parsed, listen).catch((err: Error) => {
      process.stderr.write(`raft: cannot listen: ${err.message}\n`);
      process.exit(1);
    });
    return;
  }
  const node = new RaftNode({
    ...parsed,
    write: (text) => process.stdout.write(text),
    log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
  });
  let buf = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    node.turn(() => {
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim() !== '') onLine(node, line);
      }
    });
  });
  process.stdin.on('end', () => {
    node.close();
    process.exit(0);
  });
}

function onLine(node: RaftNode, line: string): void {
  let msg: { src: string; body: MaelstromBody };
  try {
    msg = JSON.parse(line) as typeof msg;
  } catch {
    process.stderr.write(`raft: ignoring a line that is not JSON: ${line.slice(0, 200)}\n`);
    return;
  }
  const body = msg.body;
  if (body?.type === 'init') {
    try {
      node.init(String(body.node_id), (body.node_ids as string[]) ?? []);
    } catch (err) {
      process.stderr.write(`raft: cannot start ${String(body.node_id)}: ${(err as Error).message}\n`);
      process.exit(1);
    }
    node.send(msg.src, { type: 'init_ok', in_reply_to: body.msg_id });
    return;
  }
  if (!node.initialized) {
    process.stderr.write(`raft: ignoring ${body?.type} from ${msg.src} before init\n`);
    return;
  }
  node.handle(msg.src, body);
}

main();
