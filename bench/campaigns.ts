/**
 * Issue 33's campaigns, side by side: for each bug switch, C campaigns of R runs × T seconds on the
 * bundled Raft (`faultline run --target raft --bug B --nemesis N --repeat R`), once with the standard
 * package and once with the adaptive nemesis, alternating, each campaign on the same seeds for both.
 * Prints per campaign the distinct fault-start states reached (results.json `stateCoverage`, the one
 * measure both nemeses have: the union of the runs' states) and the first failing run; then the
 * medians. Prints figures; asserts nothing.
 *
 *   npm run bench:campaigns [-- --campaigns 3 --runs 5 --time 60 --bugs lease-read,old-term-commit]
 *
 * The issue's budget is 5 minutes a campaign: --runs 5 --time 60 (the default).
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { arg, run } from './cli-runs.js';

const CAMPAIGNS = Number(arg('campaigns') ?? '3');
const RUNS = Number(arg('runs') ?? '5');
const TIME_S = Number(arg('time') ?? '60');
const BUGS = (arg('bugs') ?? 'lease-read,old-term-commit').split(',').filter(Boolean);
const NEMESES = ['standard', 'auto'] as const;

interface CampaignResult {
  states: number;
  /** 1-based index of the first invalid run, or undefined when none failed. */
  firstFail?: number;
  invalid: number;
  autoStates?: number;
}

/** One campaign (`faultline run --repeat`); its exit says the worst verdict (0, 1, 2), anything else that it broke. */
async function runCampaign(bug: string, nemesis: string, seed: number, store: string): Promise<void> {
  const r = await run(['--target', 'raft', '--bug', bug, '--nemesis', nemesis, '--time-limit', `${TIME_S}s`,
    '--repeat', String(RUNS), '--seed', String(seed), '--store', store]);
  if (r.code !== 0 && r.code !== 1 && r.code !== 2) throw new Error(`faultline run --repeat exited ${String(r.code)}: ${r.out.trim().split('\n').slice(-3).join(' | ')}`);
}

/** The campaign's runs in the order they ran (their directories are named by start time). */
function campaignResults(store: string): CampaignResult {
  const runs: { dir: string; r: Record<string, unknown> }[] = [];
  for (const name of fs.readdirSync(store)) {
    const top = nodePath.join(store, name);
    if (!fs.lstatSync(top).isDirectory()) continue;
    for (const stamp of fs.readdirSync(top).sort()) {
      // `latest` is a link to the last run: counted once, as its own directory.
      if (!fs.lstatSync(nodePath.join(top, stamp)).isDirectory()) continue;
      const f = nodePath.join(top, stamp, 'results.json');
      if (fs.existsSync(f)) runs.push({ dir: stamp, r: JSON.parse(fs.readFileSync(f, 'utf8')) as Record<string, unknown> });
    }
  }
  runs.sort((a, b) => (a.dir < b.dir ? -1 : 1));
  const keys = new Set<string>();
  let firstFail: number | undefined;
  let autoStates = 0;
  runs.forEach(({ r }, i) => {
    for (const k of (r.stateCoverage as { stateKeys?: string[] } | undefined)?.stateKeys ?? []) keys.add(k);
    const auto = r.auto as { states?: number } | undefined;
    if (auto?.states !== undefined) autoStates += auto.states;
    if (r.valid === false && firstFail === undefined) firstFail = i + 1;
  });
  // A campaign whose runs did not all write results is no figure: say so rather than count fewer states.
  if (runs.length !== RUNS) throw new Error(`the campaign wrote ${runs.length} results.json of ${RUNS} runs (${store})`);
  return { states: keys.size, firstFail, invalid: runs.filter(({ r }) => r.valid === false).length, ...(autoStates ? { autoStates } : {}) };
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN; };

async function main(): Promise<void> {
  console.log(`campaigns: ${CAMPAIGNS} per bug and nemesis, ${RUNS} runs × ${TIME_S} s each; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
  for (const bug of BUGS) {
    const rows: Record<string, CampaignResult[]> = { standard: [], auto: [] };
    for (let c = 0; c < CAMPAIGNS; c++) {
      const seed = 1 + c * RUNS;
      for (const nemesis of NEMESES) {
        const store = fs.mkdtempSync(nodePath.join(os.tmpdir(), `faultline-bench-campaign-${nemesis}-`));
        try {
          await runCampaign(bug, nemesis, seed, store);
          const r = campaignResults(store);
          rows[nemesis].push(r);
          console.log(`${bug} campaign ${c + 1} (seeds ${seed}–${seed + RUNS - 1}) ${nemesis.padEnd(8)}: ${r.states} distinct fault-start states; ` +
            `${r.invalid}/${RUNS} invalid, first at run ${r.firstFail ?? '—'}${r.autoStates !== undefined ? `; auto's own states summed over runs ${r.autoStates}` : ''}; load ${os.loadavg()[0].toFixed(1)}`);
        } finally {
          fs.rmSync(store, { recursive: true, force: true });
        }
      }
    }
    const never = RUNS + 1;
    for (const n of NEMESES) {
      const rs = rows[n];
      console.log(`${bug} ${n.padEnd(8)}: median states ${median(rs.map((r) => r.states))}; median first failing run ${(() => { const m = median(rs.map((r) => r.firstFail ?? never)); return m === never ? 'none' : m; })()} (runs ${rs.map((r) => r.firstFail ?? '—').join(', ')})`);
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
