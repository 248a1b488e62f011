/**
 * The detection matrix of the bundled Raft's bug switches: for each switch, N seeds × T-second runs
 * of `faultline run --target raft --bug NAME` with the faults that expose it, and the correct Raft on
 * the same seeds. Prints, per row, how many runs were caught and by which checker. Prints figures;
 * asserts nothing.
 *
 *   npm run bench:bugs [-- --seeds 10 --time 60 --parallel 2 --only stale-read,correct --group sim|http|all]
 *   npm run bench:bugs -- --nemesis auto [--seeds 10 --time 60 --only lease-read,correct]
 *
 * `--nemesis auto` (issue 33) compares two columns on the simulated network, each run with no fault
 * flag but `--nemesis` and the Raft's own defaults: the standard package (`--nemesis standard`) and the
 * adaptive nemesis (`--nemesis auto`, each run from an empty learned state), for the six switches of
 * the issue and the correct Raft, in the order `--only` gives.
 *
 * `--group http` runs the same rows on a real network: `faultline run --target custom --start
 * 'faultline-raft --listen …' --client http-kv` with the Raft's status polled over HTTP for the
 * safety checkers, one node per network namespace, iptables partitions, real kills and pauses,
 * libfaketime for the clock (rows named `http:<row>`). `--group sim` (the default) is the simulated
 * network of `--target raft`; `all` runs both. A row may name a longer run for the real network
 * (`httpTimeS`: the old-term-commit row and its control, 120 s); `--time` given overrides it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUG_ROWS, type BugRow } from '../targets/raft/bug-rows.js';
import { TUNING_FLAGS } from '../targets/raft/tuning.js';
import { arg } from './cli-runs.js';

/** The rows live with the Raft (targets/raft/bug-rows.ts): the regression suite runs them too. */
const ROWS = BUG_ROWS;

type Row = (typeof ROWS)[number] & { http?: boolean };

/** A row's name in `--only` and in the matrix. */
const rowName = (r: Row): string => `${r.http ? 'http:' : ''}${r.name ?? r.bug}`;

/** Raft tuning flags of a row: on the real network they belong in the node's own command line. */
const NODE_FLAGS = new Set([...Object.values(TUNING_FLAGS).map((t) => `--${t.flag}`), '--peer-timeout-ms']);

/** The `faultline run` arguments of a row on the real network (the custom target). */
function httpArgs(row: Row): string[] {
  const node: string[] = [];
  const run: string[] = [];
  // The real network's own flags win over the row's (a flag's last value counts).
  const flags = new Map<string, string>();
  const extra = [...(row.extra ?? []), ...(row.httpExtra ?? [])];
  for (let i = 0; i < extra.length; i += 2) flags.set(extra[i], extra[i + 1]);
  for (const [flag, value] of flags) {
    if (NODE_FLAGS.has(flag)) node.push(flag, value);
    else run.push(flag, value);
  }
  if (row.bug !== 'correct') node.push('--bug', row.bug);
  const start = `faultline-raft --listen {host}:{port} --node {node} --peers {peers} --data-dir {data}${node.length ? ` ${node.join(' ')}` : ''}`;
  return ['--target', 'custom', '--workload', 'register', '--start', start, '--client', 'http-kv', '--health', '/health', '--raft-status', '/status',
    '--values', '50', ...(row.nemesis.includes('clock') ? ['--faketime'] : []), ...run];
}

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => arg(name) ?? dflt;
const seeds = Number(opt('seeds', '10'));
const timeGiven = argv.includes('--time');
const timeS = Number(opt('time', '60'));
/** A row's run length: `--time` when given, else the row's own on the real network, else 60 s. */
const timeOf = (row: Row): number => (!timeGiven && row.http && row.httpTimeS !== undefined ? row.httpTimeS : timeS);
const parallel = Number(opt('parallel', '2'));
const interval = opt('interval', '5s');
const only = opt('only', '').split(',').filter(Boolean);
const group = opt('group', 'sim');
if (!['sim', 'http', 'all'].includes(group)) throw new Error(`--group must be sim, http or all, got ${group}`);
const grouped: Row[] = [
  ...(group !== 'http' ? ROWS : []),
  ...(group !== 'sim' ? ROWS.map((r) => ({ ...r, http: true })) : []),
];
const rows = only.length > 0 ? grouped.filter((r) => only.includes(rowName(r)) || only.includes(r.name ?? r.bug)) : grouped;

const cli = nodePath.resolve(nodePath.dirname(fileURLToPath(import.meta.url)), '../harness/top/cli/main.js');
const store = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-bench-bugs-'));

interface Outcome {
  /** The row's name (its bug, or `name` where two rows share one). */
  row: string;
  seed: number;
  exit: number | null;
  caughtBy: string[];
  valid: unknown;
  dir?: string;
}

function runOne(row: Row, seed: number): Promise<Outcome> {
  const { bug, nemesis } = row;
  const name = `bugs-${rowName(row).replace(':', '-')}-${seed}`;
  const common = ['--nodes', '5', '--time-limit', `${timeOf(row)}s`, '--nemesis', nemesis, '--nemesis-interval', row.interval ?? interval,
    '--seed', String(seed), '--store', store, '--name', name, '--reporter', 'json'];
  const args = row.http
    ? [cli, 'run', ...httpArgs(row), ...common]
    : [cli, 'run', '--target', 'raft', '--workload', 'lin-kv', ...common, ...(row.extra ?? []), ...(bug === 'correct' ? [] : ['--bug', bug])];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('close', (exit) => {
      const dir = nodePath.join(store, name, 'latest');
      let caughtBy: string[] = [];
      let valid: unknown = 'no results';
      try {
        const r = JSON.parse(fs.readFileSync(nodePath.join(dir, 'results.json'), 'utf8')) as { valid: unknown; checkers: Record<string, { valid: unknown }> };
        valid = r.valid;
        caughtBy = Object.entries(r.checkers).filter(([, c]) => c.valid === false).map(([n]) => n);
      } catch {
        // No results: the run broke off; counted as not caught, and shown.
      }
      void out;
      let real: string | undefined;
      try {
        real = fs.realpathSync.native(dir);
      } catch {
        real = undefined; // refused or broke off before a run directory existed
      }
      resolve({ row: rowName(row), seed, exit, caughtBy, valid, dir: real });
    });
  });
}

/** The switches of issue 33's acceptance, and the correct Raft. */
const AUTO_ROWS = ['lease-read', 'old-term-commit', 'correct', 'stale-read', 'no-fsync', 'early-ack', 'forget-vote'];

if (opt('nemesis', '') !== '') {
  await compareNemeses(opt('nemesis', ''));
  process.exit(0);
}

/** `--nemesis auto`: standard vs the named nemesis, per switch, with nothing else but the defaults. */
async function compareNemeses(other: string): Promise<void> {
  const switches = only.length > 0 ? only : AUTO_ROWS;
  const columns = ['standard', other];
  const runs: { bug: string; column: string; seed: number; valid: unknown; caughtBy: string[]; dir?: string }[] = [];
  const todo: { bug: string; column: string; seed: number }[] = [];
  // Seed-major, so a bench cut short still has both columns of the first seeds of every switch.
  for (let s = 1; s <= seeds; s++) for (const bug of switches) for (const column of columns) todo.push({ bug, column, seed: s });
  console.log(`node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ${switches.length} switches × ${columns.join(' vs ')} × ${seeds} seeds × ${timeS} s runs, ${parallel} at a time, raft defaults, no fault flag but --nemesis`);
  const t0 = Date.now();
  let k = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (k < todo.length) {
      const j = todo[k++];
      const name = `cmp-${j.bug}-${j.column.replace(/,/g, '+')}-${j.seed}`;
      const args = [cli, 'run', '--target', 'raft', '--workload', 'lin-kv', '--nodes', '5', '--time-limit', `${timeS}s`, '--nemesis', j.column,
        '--seed', String(j.seed), '--store', store, '--name', name, '--reporter', 'json', ...(j.bug === 'correct' ? [] : ['--bug', j.bug])];
      const o = await new Promise<{ valid: unknown; caughtBy: string[]; dir?: string }>((resolve) => {
        const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'ignore'] });
        child.on('close', () => {
          const dir = nodePath.join(store, name, 'latest');
          try {
            const r = JSON.parse(fs.readFileSync(nodePath.join(dir, 'results.json'), 'utf8')) as { valid: unknown; checkers: Record<string, { valid: unknown }> };
            resolve({ valid: r.valid, caughtBy: Object.entries(r.checkers).filter(([, c]) => c.valid === false).map(([n]) => n), dir: fs.realpathSync.native(dir) });
          } catch {
            resolve({ valid: 'no results', caughtBy: [] });
          }
        });
      });
      runs.push({ ...j, ...o });
      console.log(`  ${j.bug.padEnd(16)} ${j.column.padEnd(9)} seed ${String(j.seed).padStart(2)}: ${o.valid === false ? `caught by ${o.caughtBy.join(', ')}` : `verdict ${String(o.valid)}`}  (${o.dir ?? ''}) load ${os.loadavg()[0].toFixed(1)}`);
    }
  }));
  console.log(`\nstandard vs ${other} (${((Date.now() - t0) / 60_000).toFixed(1)} min, ${timeS} s runs)`);
  console.log(`${'switch'.padEnd(16)} ${columns.map((c) => c.padEnd(26)).join(' ')}`);
  for (const bug of switches) {
    const cell = (column: string): string => {
      const rs = runs.filter((r) => r.bug === bug && r.column === column);
      const seedsRun = rs.map((r) => r.seed).sort((a, b) => a - b);
      const span = seedsRun.length ? ` (seeds ${seedsRun.join(',')})` : '';
      return bug === 'correct'
        ? `valid ${rs.filter((r) => r.valid === true).length}/${rs.length}${span}`
        : `caught ${rs.filter((r) => r.valid === false).length}/${rs.length}${span}`;
    };
    console.log(`${bug.padEnd(16)} ${columns.map((c) => cell(c).padEnd(26)).join(' ')}`);
  }
  console.log(`\nruns kept in ${store}`);
}

const jobs: (() => Promise<Outcome>)[] = [];
for (const row of rows) for (let s = 1; s <= seeds; s++) jobs.push(() => runOne(row, s));
console.log(`node ${process.version}, ${os.cpus().length} cores; ${rows.length} rows × ${seeds} seeds × ${timeS} s runs${rows.some((r) => timeOf(r) !== timeS) ? ` (${rows.filter((r) => timeOf(r) !== timeS).map((r) => `${rowName(r)} ${timeOf(r)} s`).join(', ')})` : ''}, ${parallel} at a time, fault interval ${interval}`);
const t0 = Date.now();
const results: Outcome[] = [];
let next = 0;
await Promise.all(Array.from({ length: parallel }, async () => {
  while (next < jobs.length) {
    const o = await jobs[next++]();
    results.push(o);
    console.log(`  ${o.row.padEnd(22)} seed ${String(o.seed).padStart(2)}: ${o.valid === false ? `caught by ${o.caughtBy.join(', ')}` : `verdict ${String(o.valid)}`}  (${o.dir ?? ''})`);
  }
}));

console.log(`\ndetection matrix (${((Date.now() - t0) / 60_000).toFixed(1)} min)`);
console.log(`${'switch'.padEnd(22)} ${'faults'.padEnd(28)} caught  by checker                 floor`);
for (const row of rows) {
  const rs = results.filter((r) => r.row === rowName(row));
  const caught = rs.filter((r) => r.valid === false);
  const by = new Map<string, number>();
  for (const r of caught) for (const c of r.caughtBy) by.set(c, (by.get(c) ?? 0) + 1);
  const byText = [...by].map(([c, n]) => `${c} ${n}`).join(', ') || '-';
  const floor = row.bug === 'correct'
    ? `${rs.filter((r) => r.valid === true).length}/${rs.length} valid (floor ${rs.length}/${rs.length})`
    : `${caught.length >= Math.ceil(0.8 * rs.length) ? 'met' : 'NOT met'} (≥ ${Math.ceil(0.8 * rs.length)})`;
  const faults = `${row.nemesis} /${row.interval ?? interval}${row.extra ? ` ${row.extra.join(' ')}` : ''}${row.http && row.httpExtra ? ` ${row.httpExtra.join(' ')}` : ''}`;
  console.log(`${rowName(row).padEnd(22)} ${faults.padEnd(28)} ${String(caught.length).padStart(2)}/${rs.length}   ${byText.padEnd(26)} ${floor}`);
}
console.log(`\nruns kept in ${store}`);
