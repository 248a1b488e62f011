/**
 * A matrix from crossed lists: the bundled Raft's lin-kv under three fault sets and two seeds, six
 * runs of 10 s that must all stay valid. Run it from this directory with `faultline matrix`, or from
 * anywhere with `faultline matrix --config examples/matrix/faultline.config.ts`.
 */
import { defineConfig } from 'faultline';

export default defineConfig({
  target: 'raft',
  nodes: 5,
  timeLimit: '10s',
  quiet: '1s',
  faultInterval: '2s',
  store: 'store',
  workloads: ['lin-kv'],
  faultSets: [['partition'], ['kill', 'pause'], ['partition', 'clock']],
  seeds: [1, 2],
  expect: 'valid',
});
