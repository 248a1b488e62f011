/**
 * Checker benchmark: prints figures, asserts nothing.
 *   --corpus    the porcupine corpus, ours in-thread against porcupine in the same session
 *   --scaling   the scaling table (10k … 1M ops, cas-register and kv, 0 / 1 % info), both sides
 *   --workers   the measurement behind the worker threshold
 *   --big       the 1M-op cas-register history: default vs in-thread, and where the time goes
 *   --read      reading one-line JSONL histories of 8, 64 and 300 MB (MB/s: linear in the line)
 * With none of them: corpus, workers, scaling and read. `--quick` shortens the scaling table (one run per
 * side, up to 300k ops). Run with `npm run bench:check [-- --corpus …]`; it installs Go for porcupine
 * through scripts/setup-bench.sh first.
 */
import { runBigHistory } from './big-history.js';
import { runCorpus } from './corpus.js';
import { runRead } from './read.js';
import { runScaling } from './scaling.js';
import { runWorkers } from './workers.js';

const argv = process.argv.slice(2);
const args = new Set(argv);
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const parts = ['--corpus', '--scaling', '--workers', '--big', '--read'];
const all = !parts.some((p) => args.has(p));
const quick = args.has('--quick');
console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
if (all || args.has('--corpus')) await runCorpus(quick ? 3 : 5);
if (all || args.has('--workers')) await runWorkers();
if (all || args.has('--scaling')) {
  const budget = opt('budget');
  await runScaling({
    quick, reps: opt('reps') ? Number(opt('reps')) : undefined,
    budgetMs: budget ? Number(budget.replace(/m$/, '')) * 60_000 : undefined,
    only: opt('only')?.split(',').map(Number),
  });
}
if (all || args.has('--read')) await runRead();
if (args.has('--big')) await runBigHistory();
