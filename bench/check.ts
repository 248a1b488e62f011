/**
 * Checker benchmark: prints figures, asserts nothing.
 *   1. the porcupine corpus, in-thread, against porcupine's own times (manifest.json);
 *   2. a generated linearizable history of 1M ops, streamed and checked in child processes.
 * Run with `npm run bench:check`. `--corpus` or `--big` runs one part only.
 */
import { runBigHistory } from './big-history.js';
import { runCorpus } from './corpus.js';

const args = new Set(process.argv.slice(2));
const all = !args.has('--corpus') && !args.has('--big');
console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
if (all || args.has('--corpus')) runCorpus();
if (all || args.has('--big')) await runBigHistory();
