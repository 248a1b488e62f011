/**
 * The Raft node's command line. Anything unknown is one sentence naming the problem and the usage;
 * main prints it on stderr and exits 2.
 */
import { BUGS, parseBugs } from './bugs.js';
import type { RaftConfig } from './node.js';
import { heartbeatProblem, parseElectionMs, TUNING_DEFAULTS, TUNING_MIN } from './tuning.js';

export const USAGE = `usage: main.js --data-dir DIR [--bug NAME]... [--election-ms MIN-MAX] [--heartbeat-ms N] [--snapshot-every N] [--max-batch N] [--noop on|off]; bugs: ${Object.keys(BUGS).join(', ')}`;

/** The node's configuration from argv, or a sentence saying what is wrong. */
export function parseArgs(argv: readonly string[]): Omit<RaftConfig, 'write' | 'log'> | string {
  let dataDir: string | undefined;
  const bugNames: string[] = [];
  let { electionMinMs, electionMaxMs, heartbeatMs, snapshotEvery, maxBatch, noop } = TUNING_DEFAULTS;
  const int = (flag: string, v: string | undefined, min: number): number | string => {
    const n = Number(v);
    return v !== undefined && Number.isInteger(n) && n >= min ? n : `${flag} needs an integer ≥ ${min}, got ${JSON.stringify(v ?? null)}`;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    switch (a) {
      case '--data-dir':
        if (v === undefined || v === '') return '--data-dir needs a directory';
        dataDir = v;
        i++;
        break;
      case '--bug':
        if (v === undefined) return `--bug needs a name; the switches are ${Object.keys(BUGS).join(', ')}`;
        bugNames.push(v);
        i++;
        break;
      case '--election-ms': {
        const range = parseElectionMs(v);
        if (typeof range === 'string') return range;
        [electionMinMs, electionMaxMs] = range;
        i++;
        break;
      }
      case '--heartbeat-ms': {
        const n = int(a, v, TUNING_MIN.heartbeatMs);
        if (typeof n === 'string') return n;
        heartbeatMs = n;
        i++;
        break;
      }
      case '--snapshot-every': {
        const n = int(a, v, TUNING_MIN.snapshotEvery);
        if (typeof n === 'string') return n;
        snapshotEvery = n;
        i++;
        break;
      }
      case '--max-batch': {
        const n = int(a, v, TUNING_MIN.maxBatch);
        if (typeof n === 'string') return n;
        maxBatch = n;
        i++;
        break;
      }
      case '--noop':
        if (v !== 'on' && v !== 'off') return `--noop needs on or off, got ${JSON.stringify(v ?? null)}`;
        noop = v === 'on';
        i++;
        break;
      default:
        return `unknown argument ${JSON.stringify(a)}; ${USAGE}`;
    }
  }
  if (dataDir === undefined) return `--data-dir is required (the node keeps its files under DIR/<node_id>/); ${USAGE}`;
  const bugs = parseBugs(bugNames);
  if (typeof bugs === 'string') return bugs;
  const tooSlow = heartbeatProblem(heartbeatMs, electionMinMs);
  if (tooSlow) return tooSlow;
  return { dataDir, bugs, electionMinMs, electionMaxMs, heartbeatMs, snapshotEvery, maxBatch, noop };
}

