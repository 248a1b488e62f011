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
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
};
const CAMPAIGNS = Number(opt('campaigns', '3'));
const RUNS = Number(opt('runs', '5'));
const TIME_S = Number(opt('time', '60'));
const BUGS = opt('bugs', 'lease-read,old-term-commit').split(',').filter(Boolean);
const NEMESES = ['standard', 'auto'] as const;
const CLI = nodePath.resolve(nodePath.dirname(fileURLToPath(import.meta.url)), '../harness/top/cli/main.js');

interface CampaignResult {
  states: number;
  /** 1-based index of the first invalid run, or undefined when none failed. */
  firstFail?: number;
  invalid: number;
  autoStates?: number;
}

function runCampaign(bug: string, nemesis: string, seed: number, store: string): Promise<void> {
  const args = [CLI, 'run', '--target', 'raft', '--bug', bug, '--nemesis', nemesis, '--time-limit', `${TIME_S}s`,
    '--repeat', String(RUNS), '--seed', String(seed), '--store', store];
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'ignore'] });
    p.on('error', reject);
    p.on('exit', () => resolve());
  });
}

/** The campaign's runs in the order they ran (their directories are named by start time). */
function campaignResults(store: string): CampaignResult {
  const runs: { dir: string; r: Record<string, unknown> }[] = [];
  for (const name of fs.readdirSync(store)) {
    const top = nodePath.join(store, name);
    if (!fs.statSync(top).isDirectory()) continue;
    for (const stamp of fs.readdirSync(top).sort()) {
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
