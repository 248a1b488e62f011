/**
 * `writeRunReports(runDir)`: report.html and junit.xml for one run, from whatever files exist. The
 * run lifecycle calls it at the end of every run (also a failed or interrupted one); it throws only
 * when the directory itself cannot be read or written.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { packHistory, prepareReport } from './html-report.js';
import { junitXml } from './junit.js';
import { openJournal, type OpenJournal } from './messages.js';
import { testNameOf } from './reporters.js';
import { loadRun } from './run-data.js';
import { writeAtomic } from '../harness/middle/hosts/safe-files.js';

export interface WrittenReports {
  report: string;
  junit: string;
  /** What was missing or damaged in the run directory (also shown on the page). */
  warnings: string[];
  bytes: number;
}

// Written via a random exclusive temporary sibling and a rename: a reader never sees half a page, and
// a link planted at a guessed temporary name is never written through (docs/security.md).
export { writeAtomic };

/** Renders report.html and junit.xml into `runDir`. */
export async function writeRunReports(runDir: string): Promise<WrittenReports> {
  const dir = nodePath.resolve(runDir);
  // The journal first: it is counted now and packed on libuv's thread pool while the rest is read and
  // rendered; so are the history's rows, once read. This thread renders the page meanwhile.
  const journalFile = nodePath.join(dir, 'messages.jsonl');
  let journal: OpenJournal | undefined;
  let journalError: string | undefined;
  try {
    if (fs.existsSync(journalFile)) journal = openJournal(journalFile);
  } catch (err) {
    journalError = `messages.jsonl could not be read: ${(err as Error).message}`;
  }
  const run = loadRun(dir);
  if (journalError) run.warnings.push(journalError);
  const history = packHistory(run);
  history.catch(() => undefined);
  let finish = prepareReport(run, journal);
  let chunks: string[] = [];
  if (journal) {
    try {
      chunks = await journal.packed;
    } catch (err) {
      // Never seen in practice (gzip of bytes in memory): the page is rendered again, without the diagram.
      run.warnings.push(`messages.jsonl could not be packed: ${(err as Error).message}`);
      finish = prepareReport(run);
    }
  }
  // A history that could not be packed there (never seen) is packed here.
  const html = finish({ history: await history.catch(() => undefined), chunks });
  const report = nodePath.join(dir, 'report.html');
  writeAtomic(report, html);
  const started = typeof run.test?.startedAt === 'string' ? run.test.startedAt.replace(/(\.\d+)?Z$/, '') : undefined;
  const junit = nodePath.join(dir, 'junit.xml');
  writeAtomic(junit, junitXml({ name: testNameOf(dir, run.test), results: run.results, ...(run.test ? { test: run.test } : {}), ...(started ? { timestamp: started } : {}) }));
  return { report, junit, warnings: run.warnings, bytes: Buffer.byteLength(html) };
}
