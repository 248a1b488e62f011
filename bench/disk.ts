/**
 * Disk faults on the bundled Raft: N seeds × T-second runs of `faultline run --target raft --nemesis
 * disk --disk-faults lose-unfsynced` with `--bug no-fsync` (should be caught every time: the FUSE layer
 * drops every write the node never fsynced, with no kill-timing luck) and with the correct Raft (must
 * be valid every time), plus `--disk-faults truncate,bit-flip` on the correct Raft, whose outcome per
 * run (valid, caught, nodes refusing to start) is printed as found. Prints figures; asserts nothing.
 * Needs root and fuse3 (sudo npx faultline setup --target raft).
 *
 *   npm run bench:disk [-- --seeds 10 --time 30 --parallel 2 --only no-fsync,correct,file-faults]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';

interface Row { name: string; args: string[]; expect: 'caught' | 'valid' | 'observe' }
const ROWS: Row[] = [
  { name: 'no-fsync', args: ['--bug', 'no-fsync', '--disk-faults', 'lose-unfsynced'], expect: 'caught' },
  { name: 'correct', args: ['--disk-faults', 'lose-unfsynced'], expect: 'valid' },
  // A shorter interval, so each run takes turns of both (at the default 10 s a 30 s run has one fault).
  { name: 'file-faults', args: ['--disk-faults', 'truncate,bit-flip', '--nemesis-interval', '4s'], expect: 'observe' },
];

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
};
const seeds = Number(opt('seeds', '10'));
const timeS = Number(opt('time', '30'));
const parallel = Number(opt('parallel', '2'));
const only = opt('only', ROWS.map((r) => r.name).join(',')).split(',');
const cli = nodePath.join(nodePath.dirname(fileURLToPath(import.meta.url)), '..', 'harness', 'top', 'cli', 'main.js');
const store = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-bench-disk-'));

interface Outcome { row: string; seed: number; valid: unknown; caughtBy: string[]; refused: number; faults: string[]; dir: string }

function runOne(row: Row, seed: number): Promise<Outcome> {
  const name = `${row.name}-s${seed}`;
  const args = [cli, 'run', '--target', 'raft', '--nemesis', 'disk', ...row.args, '--time-limit', `${timeS}s`,
    '--seed', String(seed), '--store', store, '--name', name, '--reporter', 'json'];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'ignore'] });
    child.on('exit', () => {
      const dir = nodePath.join(store, name, 'latest');
      let valid: unknown = 'no results';
      let caughtBy: string[] = [];
      let refused = 0;
      const faults: string[] = [];
      try {
        const r = JSON.parse(fs.readFileSync(nodePath.join(dir, 'results.json'), 'utf8')) as { valid: unknown; checkers: Record<string, { valid: unknown }> };
        valid = r.valid;
        caughtBy = Object.entries(r.checkers).filter(([, c]) => c.valid === false).map(([n]) => n);
        for (const line of fs.readFileSync(nodePath.join(dir, 'history.jsonl'), 'utf8').split('\n')) {
          if (!line.includes('"process":"nemesis"') || !line.includes('"type":"info"')) continue;
          const op = JSON.parse(line) as { f: string; value?: { fault?: string; refused?: unknown[] } };
          if (op.f === 'disk' && op.value?.fault) faults.push(op.value.fault);
          if (op.f === 'disk-restart') refused += op.value?.refused?.length ?? 0;
        }
      } catch { /* no results: reported as such */ }
      resolve({ row: row.name, seed, valid, caughtBy, refused, faults, dir: fs.existsSync(dir) ? fs.realpathSync(dir) : dir });
    });
  });
}

const jobs = ROWS.filter((r) => only.includes(r.name)).flatMap((r) => Array.from({ length: seeds }, (_, i) => () => runOne(r, i + 1)));
const outcomes: Outcome[] = [];
await Promise.all(Array.from({ length: parallel }, async () => {
  for (let j = jobs.shift(); j; j = jobs.shift()) {
    const o = await j();
    outcomes.push(o);
    console.log(`  ${o.row.padEnd(12)} seed ${String(o.seed).padStart(2)}: ${o.valid === false ? `caught by ${o.caughtBy.join(', ')}` : `verdict ${String(o.valid)}`}; faults ${o.faults.join(',') || 'none'}; ${o.refused} restart(s) refused  (${o.dir})`);
  }
}));
console.log(`\nbench:disk — ${seeds} seeds × ${timeS} s, --target raft --nemesis disk`);
for (const r of ROWS.filter((x) => only.includes(x.name))) {
  const rs = outcomes.filter((o) => o.row === r.name);
  const caught = rs.filter((o) => o.valid === false).length;
  const valid = rs.filter((o) => o.valid === true).length;
  const refused = rs.reduce((a, o) => a + o.refused, 0);
  console.log(`  ${r.name.padEnd(12)} ${r.args.join(' ').padEnd(50)} caught ${caught}/${rs.length}, valid ${valid}/${rs.length}, other ${rs.length - caught - valid}; ${refused} refused restart(s)` +
    (r.expect === 'caught' ? ' (target ≥ 9/10 caught)' : r.expect === 'valid' ? ' (target all valid)' : ''));
}
console.log(`\nruns kept in ${store}`);
