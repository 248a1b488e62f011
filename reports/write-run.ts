/**
 * `writeRunReports(runDir)`: report.html and junit.xml for one run, from whatever files exist. The
 * run lifecycle calls it at the end of every run (also a failed or interrupted one); it throws only
 * when the directory itself cannot be read or written.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { renderReport } from './html-report.js';
import { junitXml } from './junit.js';
import { countMessages, type MessageCounts } from './messages.js';
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
  const run = loadRun(dir);
  let messages: MessageCounts | undefined;
  if (run.messagesFile) {
    try {
      messages = await countMessages(run.messagesFile);
    } catch (err) {
      run.warnings.push(`messages.jsonl could not be read: ${(err as Error).message}`);
    }
  }
  const html = renderReport(run, messages);
  const report = nodePath.join(dir, 'report.html');
  writeAtomic(report, html);
  const started = typeof run.test?.startedAt === 'string' ? run.test.startedAt.replace(/(\.\d+)?Z$/, '') : undefined;
  const junit = nodePath.join(dir, 'junit.xml');
  writeAtomic(junit, junitXml({ name: testNameOf(dir, run.test), results: run.results, ...(run.test ? { test: run.test } : {}), ...(started ? { timestamp: started } : {}) }));
  return { report, junit, warnings: run.warnings, bytes: Buffer.byteLength(html) };
}
