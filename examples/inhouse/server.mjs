#!/usr/bin/env node
// "tkv", a made-up in-house store for the worked example: one line of text per request and per
// answer over TCP. The first node of --peers is the primary and holds the data (fsynced to --data
// before it answers); every other node forwards each request to it and relays the answer.
//
//   GET key            → VAL <json> | NIL
//   SET key <json>     → DONE
//   CAS key <old> <new> (JSON, no spaces) → DONE | DIFF (the value differs) | NIL (no such key)
//   any request        → BUSY <why> (certainly not done) | LOST <why> (may or may not be done)
//
//   node server.mjs --node n2 --listen 10.0.0.2:9000 --data /var/tkv --peers n1=10.0.0.1:9000,n2=… [--cache]
//
// --cache plants a bug worth finding: a follower remembers the values it relayed and answers GETs
// from that memory, so it serves a value the primary has since overwritten (a stale read).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const arg = (name) => process.argv[process.argv.indexOf(`--${name}`) + 1];
const [host, port] = arg('listen').split(':');
const [primaryName, primaryAddr] = arg('peers').split(',')[0].split('=');
const isPrimary = primaryName === arg('node');
const file = path.join(arg('data'), 'state.json');
const state = new Map(fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : []);
const cache = process.argv.includes('--cache') ? new Map() : undefined;

function persist() {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  fs.writeSync(fd, JSON.stringify([...state]));
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
}

function apply(line) {
  const [op, key, a, b] = line.split(' ');
  if (op === 'GET') return state.has(key) ? `VAL ${state.get(key)}` : 'NIL';
  if (op === 'SET') { state.set(key, a); persist(); return 'DONE'; }
  if (op === 'CAS') {
    if (!state.has(key)) return 'NIL';
    if (state.get(key) !== a) return 'DIFF';
    state.set(key, b); persist(); return 'DONE';
  }
  return `BUSY unknown request ${op}`;
}

// A follower asks the primary on a fresh connection: not connected within 1 s → BUSY (never sent);
// sent but no answer within 1.5 s → LOST.
function forward(line) {
  const [op, key, a, b] = line.split(' ');
  if (cache?.has(key) && op === 'GET') return Promise.resolve(`VAL ${cache.get(key)}`);
  return new Promise((resolve) => {
    const [h, p] = primaryAddr.split(':');
    const s = net.connect(Number(p), h);
    let sent = false;
    const give = (answer) => { s.destroy(); resolve(answer); };
    const timer = setTimeout(() => give(sent ? 'LOST primary did not answer' : 'BUSY primary unreachable'), sent ? 1500 : 1000);
    s.once('connect', () => { sent = true; s.write(`${line}\n`); timer.refresh(); });
    s.once('data', (d) => {
      clearTimeout(timer);
      const answer = d.toString().split('\n')[0];
      if (cache && (answer === 'DONE' || answer.startsWith('VAL '))) cache.set(key, answer === 'DONE' ? (op === 'CAS' ? b : a) : answer.slice(4));
      give(answer);
    });
    s.once('error', () => { clearTimeout(timer); give(sent ? 'LOST connection to the primary broke' : 'BUSY primary unreachable'); });
  });
}

net.createServer((socket) => {
  let buf = '';
  let chain = Promise.resolve();
  socket.on('data', (chunk) => {
    buf += chunk;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      // Answers go back in request order, one at a time.
      chain = chain.then(async () => socket.write(`${isPrimary ? apply(line) : await forward(line)}\n`));
    }
  });
  socket.on('error', () => {});
}).listen(Number(port), host, () => console.log(`tkv ${arg('node')} on ${host}:${port}, ${isPrimary ? 'primary' : `forwarding to ${primaryName}`}`));
