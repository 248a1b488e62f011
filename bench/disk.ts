/**
 * Disk faults on the bundled Raft: N seeds × T-second runs of `faultline run --target raft --nemesis
 * disk --disk-faults lose-unfsynced` with `--bug no-fsync` (should be caught every time: the FUSE layer
 * drops every write the node never fsynced, with no kill-timing luck) and with the correct Raft (must
 * be valid every time), plus `--disk-faults truncate,bit-flip` on the correct Raft, whose outcome per
 * run (valid, caught, nodes refusing to start) is printed as found. Prints figures; asserts nothing.
 * Needs root and fuse3 (sudo npx faultline setup --target raft).
 *
 *   npm run bench:disk [-- --seeds 10 --time 30 --parallel 2 --only no-fsync,correct,file-faults,rollback]
 *
 * With `--store etcd|zookeeper|consul` (comma list) the same on the real stores, one row per disk
 * fault (`--only truncate,bit-flip,lose-unfsynced`; each run takes one fault, every `--interval`, 5 s
 * by default), and per row what the store did: restarts refused (with the first log line), runs where
 * nodes came back on the damaged files and stayed valid, runs that served wrong data. One run at a time
 * by default (`--parallel 1`): a store's five servers are heavy on a 2-core machine.
 *
 *   npm run bench:disk -- --store etcd,zookeeper,consul --seeds 3 --time 30 --only truncate,bit-flip
 *
 * `--node-targets one` and `--nodes 3` are passed to every run: rollback one member at a time (a single
 * disk going back, not a majority losing what it acknowledged), on 3 members so that a member is hit
 * again within a run (its first fault only takes the copy a later rollback restores):
 *
 *   npm run bench:disk -- --store etcd --only rollback --seeds 5 --time 30 --interval 2s --nodes 3 --node-targets one
 *
 * With `--env docker` or `--env ssh` the Raft rows run the bundled Raft as `--target custom` in that
 * environment (`--disk-files` names its files): in containers of the `faultline/raft` image (`faultline
 * images build --target raft`), or on an ssh test bed of namespace hosts with real sshds started here.
 *
 *   npm run bench:disk -- --env docker --seeds 3 --only no-fsync,correct
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestBed, type TestBed } from '../harness/middle/hosts/ssh/test-bed.js';
import { RAFT_CUSTOM_DISK_FILES, RAFT_MAIN } from '../targets/raft/index.js';
import { arg } from './cli-runs.js';

interface Row { name: string; args: string[]; expect: 'caught' | 'valid' | 'observe'; target?: string; fault?: string }
const ROWS: Row[] = [
  { name: 'no-fsync', args: ['--bug', 'no-fsync', '--disk-faults', 'lose-unfsynced'], expect: 'caught' },
  { name: 'correct', args: ['--disk-faults', 'lose-unfsynced'], expect: 'valid' },
  // A shorter interval, so each run takes turns of both (at the default 10 s a 30 s run has one fault).
  { name: 'file-faults', args: ['--disk-faults', 'truncate,bit-flip', '--nemesis-interval', '4s'], expect: 'observe' },
  // The directory back to the copy taken at the node's previous disk fault: every fault a rollback (the first only takes the copy).
  { name: 'rollback', args: ['--disk-faults', 'rollback', '--nemesis-interval', '4s'], expect: 'observe' },
];
/** The stores' rows: one disk fault each. */
const STORE_FAULTS = ['truncate', 'bit-flip', 'lose-unfsynced', 'rollback'];

const opt = (name: string, dflt: string): string => arg(name) ?? dflt;
const stores = opt('store', '').split(',').filter(Boolean);
const seeds = Number(opt('seeds', stores.length > 0 ? '3' : '10'));
const timeS = Number(opt('time', '30'));
const parallel = Number(opt('parallel', stores.length > 0 ? '1' : '2'));
const interval = opt('interval', '5s');
const env = opt('env', 'local');
const passed = [...(arg('node-targets') ? ['--node-targets', arg('node-targets')!] : []), ...(arg('nodes') ? ['--nodes', arg('nodes')!] : [])];
if (!['local', 'docker', 'ssh'].includes(env)) throw new Error(`--env ${env}: local, docker or ssh`);
/** The Raft rows outside namespaces: --target custom with the Raft's files named, 5 nodes as --target raft has. */
let bed: TestBed | undefined;
function customRaft(row: Row): string[] {
  const bug = row.args.includes('--bug') ? ` --bug ${row.args[row.args.indexOf('--bug') + 1]}` : '';
  const rest = row.args.filter((a, i) => a !== '--bug' && row.args[i - 1] !== '--bug');
  const program = env === 'docker' ? 'faultline-raft' : `${process.execPath} ${RAFT_MAIN}`;
  const where = env === 'docker' ? ['--env', 'docker', '--image', 'faultline/raft'] : bed!.args();
  return [...where, '--nodes', '5', '--start', `${program} --listen {host}:{port} --node {node} --peers {peers} --data-dir {data}${bug}`,
    '--raft-status', '/status', '--disk-files', RAFT_CUSTOM_DISK_FILES, ...rest];
}
const rows: Row[] = stores.length === 0
  ? ROWS.map((r) => ({ ...r, target: env === 'local' ? 'raft' : 'custom' }))
  : stores.flatMap((t) => STORE_FAULTS.map((f) => ({ name: `${t}:${f}`, target: t, fault: f, args: ['--disk-faults', f, '--nemesis-interval', interval], expect: 'observe' as const })));
const only = opt('only', stores.length > 0 ? 'truncate,bit-flip' : ROWS.map((r) => r.name).join(',')).split(',');
const chosen = (r: Row): boolean => only.includes(r.name) || (r.fault !== undefined && only.includes(r.fault));
const cli = nodePath.join(nodePath.dirname(fileURLToPath(import.meta.url)), '..', 'harness', 'top', 'cli', 'main.js');
const store = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-bench-disk-'));

interface Outcome {
  row: string; seed: number; valid: unknown; caughtBy: string[]; refused: number; faults: string[]; dir: string;
  /** results.json `disk`: per fault, what the nodes did (harness/middle/faults/disk/disk-outcome.ts). */
  disk: Record<string, { applied: number; started: number; refused: { node: string; error: string }[]; outcome: string }>;
}

function runOne(row: Row, seed: number): Promise<Outcome> {
  const name = `${row.name.replace(':', '-')}-s${seed}`;
  const rowArgs = row.target === 'custom' ? customRaft(row) : row.args;
  const args = [cli, 'run', '--target', row.target ?? 'raft', '--nemesis', 'disk', ...rowArgs, ...passed, '--time-limit', `${timeS}s`,
    '--seed', String(seed), '--store', store, '--name', name, '--reporter', 'json'];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'ignore'] });
    child.on('exit', () => {
      const dir = nodePath.join(store, name, 'latest');
      let valid: unknown = 'no results';
      let caughtBy: string[] = [];
      let refused = 0;
      const faults: string[] = [];
      let disk: Outcome['disk'] = {};
      try {
        const r = JSON.parse(fs.readFileSync(nodePath.join(dir, 'results.json'), 'utf8')) as { valid: unknown; checkers: Record<string, { valid: unknown }>; disk?: Outcome['disk'] };
        valid = r.valid;
        disk = r.disk ?? {};
        caughtBy = Object.entries(r.checkers).filter(([, c]) => c.valid === false).map(([n]) => n);
        for (const line of fs.readFileSync(nodePath.join(dir, 'history.jsonl'), 'utf8').split('\n')) {
          if (!line.includes('"process":"nemesis"') || !line.includes('"type":"info"')) continue;
          const op = JSON.parse(line) as { f: string; value?: { fault?: string; refused?: unknown[] } };
          if (op.f === 'disk' && op.value?.fault) faults.push(op.value.fault);
          if (op.f === 'disk-restart') refused += op.value?.refused?.length ?? 0;
        }
      } catch { /* no results: reported as such */ }
      resolve({ row: row.name, seed, valid, caughtBy, refused, faults, disk, dir: fs.existsSync(dir) ? fs.realpathSync(dir) : dir });
    });
  });
}

if (env === 'ssh') bed = await startTestBed({ nodes: ['n1', 'n2', 'n3', 'n4', 'n5'] });
console.log(`load average at start: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
const jobs = rows.filter(chosen).flatMap((r) => Array.from({ length: seeds }, (_, i) => () => runOne(r, i + 1)));
const outcomes: Outcome[] = [];
await Promise.all(Array.from({ length: parallel }, async () => {
  for (let j = jobs.shift(); j; j = jobs.shift()) {
    const o = await j();
    outcomes.push(o);
    console.log(`  ${o.row.padEnd(12)} seed ${String(o.seed).padStart(2)}: ${o.valid === false ? `caught by ${o.caughtBy.join(', ')}` : `verdict ${String(o.valid)}`}; faults ${o.faults.join(',') || 'none'}; ${o.refused} restart(s) refused  (${o.dir})`);
  }
}));
await bed?.stop();
console.log(`\nbench:disk — ${seeds} seeds × ${timeS} s, --nemesis disk ${passed.join(' ')}${stores.length > 0 ? `, one fault every ${interval}` : env === 'local' ? ', --target raft' : `, the bundled Raft as --target custom --env ${env}`}; load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
for (const r of rows.filter(chosen)) {
  const rs = outcomes.filter((o) => o.row === r.name);
  const caught = rs.filter((o) => o.valid === false).length;
  const valid = rs.filter((o) => o.valid === true).length;
  const refused = rs.reduce((a, o) => a + o.refused, 0);
  console.log(`  ${r.name.padEnd(12)} ${r.args.join(' ').padEnd(50)} caught ${caught}/${rs.length}, valid ${valid}/${rs.length}, other ${rs.length - caught - valid}; ${refused} refused restart(s)` +
    (r.expect === 'caught' ? ' (target ≥ 9/10 caught)' : r.expect === 'valid' ? ' (target all valid)' : ''));
  // What the nodes did with the damage, over the row's runs (the outcome table of docs/faults.md).
  const d = rs.map((o) => o.disk[r.fault ?? ''] ?? Object.values(o.disk)[0]).filter((x) => x !== undefined);
  if (d.length > 0) {
    const applied = d.reduce((a, x) => a + x.applied, 0);
    const started = d.reduce((a, x) => a + x.started, 0);
    const refusedAll = d.flatMap((x) => x.refused);
    const by = (o: string): string => rs.filter((x) => Object.values(x.disk).some((y) => y.outcome === o)).map((x) => x.seed).join(',') || '-';
    console.log(`    ${applied} node-faults; restarts: ${started} ran, ${refusedAll.length} refused; runs started-valid: seeds ${by('started-valid')}; served-wrong-data: seeds ${by('served-wrong-data')}; invalid without a client op: seeds ${by('invalid')}; refused-to-start: seeds ${by('refused-to-start')}; unknown: seeds ${by('unknown')}`);
    const words = [...new Set(refusedAll.map((x) => x.error.replace(/^\S+ n\d+ exited at start \([^)]*\): /, '')))];
    for (const w of words.slice(0, 3)) console.log(`      refused: ${w}`);
  }
}
console.log(`\nruns kept in ${store}`);
