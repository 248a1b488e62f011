/**
 * The bundled Raft's watch (GET /watch long poll in --listen mode, http-kv's optional watch endpoints)
 * under the watch workload's default faults (partition, kill, pause): the correct Raft is valid, and
 * each watch bug switch is caught with its class — `watch-snapshot-gap` as a gap or a missed resume,
 * `watch-redeliver` as duplicates. One seed each here; catch rates over seeds are `npm run bench:watch`.
 */
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { missing, removeTempDirs } from '../provision/helpers.js';
import { runCustom } from './helpers.js';
import { expectEventRecords } from '../provision/watch-events.js';

const RAFT_MAIN = nodePath.resolve(nodePath.dirname(fileURLToPath(import.meta.url)), '../../../dist/targets/raft/main.js');
const skip = missing(['iptables', 'iptables-restore', 'unshare']);
// The runs' stores (42 MB for watch-redeliver's 200,000 records) go with the file, as the other custom tests' do.
afterAll(removeTempDirs);

export function raftWatchArgs(seed: number, bug?: string): string[] {
  const start = `${process.execPath} ${RAFT_MAIN} --listen {host}:{port} --node {node} --peers {peers} --data-dir {data} --snapshot-every 20${bug ? ` --bug ${bug}` : ''}`;
  return ['--client', 'http-kv', '--start', start, '--workload', 'watch', '--nodes', '3', '--concurrency', '6', '--nemesis', 'partition,kill,pause', '--time-limit', '25s', '--nemesis-interval', '5s', '--seed', String(seed)];
}

describe.skipIf(skip !== undefined)(`the bundled Raft's watch${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const cases: [string, string | undefined, string[]][] = [
    ['the correct Raft is valid', undefined, []],
    ['watch-snapshot-gap is caught as a gap or a missed resume', 'watch-snapshot-gap', ['gap', 'missed-resume']],
    ['watch-redeliver is caught as duplicates', 'watch-redeliver', ['duplicate']],
  ];
  for (const [name, bug, classes] of cases) {
    it(name, async () => {
      const r = await runCustom(`raft-watch-${bug ?? 'correct'}`, raftWatchArgs(1, bug), 150_000);
      const w = r.results?.checkers?.watch;
      expect(w, r.stderr + r.stdout).toBeDefined();
      console.log(`raft watch ${bug ?? 'correct'}: ${String(w.valid)}, ${w.eventsChecked} events, counts ${JSON.stringify(w.counts)}, lag ${JSON.stringify(w.lagMs)}`);
      const recs = expectEventRecords(r.dir!, w, 'rev');
      console.log(`raft watch ${bug ?? 'correct'}: ${recs.records} event records ${JSON.stringify(recs.kinds)}, ${String(w.strayEvents)} after the last window`);
      expect(w.eventsChecked).toBeGreaterThan(100);
      if (bug === undefined) {
        expect(w.valid).toBe(true);
      } else {
        expect(w.valid).toBe(false);
        expect(Object.keys(w.counts).some((c) => classes.includes(c))).toBe(true);
        // No etcd issue is cited for the Raft's own bugs.
        expect(w.violations.every((v: { upstream?: string }) => v.upstream === undefined)).toBe(true);
      }
      expect(r.left).toEqual([]);
    }, 200_000);
  }
});
