import { defineConfig } from 'vitest/config';
import { LongestFirst } from './test/support/longest-first.js';

/**
 * The suite in tiers (docs/testing.md). `npm test` runs them all, one group after another (lower
 * `groupOrder` first; projects of one group run side by side, each with its own workers); each tier
 * also runs alone (`npm run test:unit`, `test:local`, …). Vitest's default on a 2-core machine is one
 * worker, so the whole suite ran one file at a time; the integration tiers wait on real nodes far more
 * than they compute, so they run files in parallel — except where files share a machine-wide resource.
 */

/** Real nodes in namespaces, over SSH test beds, or as stores: each file counts only its own run's leftovers. */
const HOSTS = [
  'test/integration/etcd/**/*.test.ts',
  'test/integration/zookeeper/**/*.test.ts',
  'test/integration/consul/**/*.test.ts',
  'test/integration/custom/**/*.test.ts',
  'test/integration/provision/**/*.test.ts',
  'test/integration/ssh/**/*.test.ts',
  'test/integration/run/dead-cluster.test.ts',
  'test/integration/run/fault-coverage.test.ts',
];
/** Real nodes in containers on the Docker daemon; each file counts only its own run's containers, networks and probes. */
const DOCKER = [
  'test/integration/docker/**/*.test.ts',
  'test/integration/custom/custom-docker.test.ts',
  'test/integration/security/node-files.test.ts',
  'test/e2e/reports/store-index-filter.test.ts',
];
/**
 * Machine-wide resources, each file alone: `faultline cleanup --env local` sweeps every run of the
 * machine (cleanup-race), temp-files plants links at the machine's next 400 PIDs, and the VM test
 * runs a QEMU guest that would starve anything beside it.
 */
const EXCLUSIVE = [
  'test/integration/run/cleanup-race.test.ts',
  'test/integration/security/temp-files.test.ts',
  'test/integration/ssh/system-clock-vm.test.ts',
];
/** Brute-force property tests of the checkers and the CLI fuzz: pure, thousands of cases each. */
const ORACLE = [
  'test/unit/elle/oracle.test.ts',
  'test/unit/elle/inject.test.ts',
  'test/fuzz/**/*.test.ts',
];

/** What every project shares. (Not through `extends`: vitest merges a project's `include` with the root's.) */
const COMMON = { testTimeout: 60_000, hookTimeout: 60_000 };

export default defineConfig({
  test: {
    // Besides the console, each file's start and end in test-output/vitest.json: where the suite's
    // time goes (`node scripts/test-times.mjs` prints the longest files and each tier's span).
    reporters: ['default', ['json', { outputFile: 'test-output/vitest.json' }]],
    // Within each group the longest files start first (test/durations.json), so a group does not end
    // with one long file running beside idle workers.
    sequence: { sequencer: LongestFirst },
    // Every file is in exactly one project; examples/ are the API's examples: they run as a user's own
    // suite would, importing 'faultline'.
    projects: [
      // Pure logic and the controller in simulated time (targets/memory on a SimClock): ≤ 2 minutes.
      { test: { ...COMMON, name: 'unit', include: ['test/unit/**/*.test.ts'], exclude: ORACLE, maxWorkers: 2, sequence: { groupOrder: 0 } } },
      // Projects of one group share its workers (vitest requires one maxWorkers per group). The oracle
      // files compute, like the unit files, so they run beside them and never beside the timing-
      // sensitive real-process tiers.
      { test: { ...COMMON, name: 'oracle', include: ORACLE, maxWorkers: 2, sequence: { groupOrder: 0 } } },
      // Real processes on this machine (Maelstrom nodes, the bundled Raft, the CLI, reports, the API's examples).
      {
        test: {
          ...COMMON,
          name: 'local',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'examples/**/*.test.ts'],
          exclude: [...HOSTS, ...DOCKER, ...EXCLUSIVE],
          maxWorkers: 3,
          sequence: { groupOrder: 1 },
        },
      },
      { test: { ...COMMON, name: 'hosts', include: HOSTS, exclude: [...DOCKER, ...EXCLUSIVE], maxWorkers: 3, sequence: { groupOrder: 2 } } },
      { test: { ...COMMON, name: 'docker', include: DOCKER, exclude: EXCLUSIVE, maxWorkers: 3, sequence: { groupOrder: 2 } } },
      { test: { ...COMMON, name: 'exclusive', include: EXCLUSIVE, maxWorkers: 1, fileParallelism: false, sequence: { groupOrder: 3 } } },
    ],
  },
});
