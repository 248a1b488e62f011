/**
 * Reporters for `--reporter`: one function per format, registered in one map (as Playwright's
 * reporters are), each `(runDir, results) → string` for the caller to print or write.
 */
import fs from 'node:fs';
import { tooDeep } from '../harness/ground/history/depth.js';
import nodePath from 'node:path';
import { formatLinearizable } from '../checkers/linearizable/text.js';
import type { LinearizableResult } from '../checkers/linearizable/result.js';
import type { RunResults } from '../harness/ground/contracts/run-contract.js';
import { junitXml } from './junit.js';
import { flatCheckers } from './sections.js';
import { runSummary, summarizeChecker, verdictWord } from './summary.js';

/** A reporter: the run's directory and results in, the report's text out. */
export type Reporter = (runDir: string, results: RunResults) => string;

/** test.json of a run, or undefined when it is missing or unreadable (a reporter never throws for that). */
export function readTestJson(runDir: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(nodePath.join(runDir, 'test.json'), 'utf8')) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) && !tooDeep(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The test's name: test.json's `name`, else the run directory's parent folder. */
export function testNameOf(runDir: string, test: Record<string, unknown> | undefined): string {
  if (typeof test?.name === 'string' && test.name !== '') return test.name;
  return nodePath.basename(nodePath.dirname(nodePath.resolve(runDir))) || 'run';
}

const json: Reporter = (_runDir, results) => `${JSON.stringify(results, null, 2)}\n`;

const junit: Reporter = (runDir, results) => {
  const test = readTestJson(runDir);
  const started = typeof test?.startedAt === 'string' ? test.startedAt.replace(/\.\d+Z$/, '').replace(/Z$/, '') : undefined;
  return junitXml({ name: testNameOf(runDir, test), results, ...(test ? { test } : {}), ...(started ? { timestamp: started } : {}) });
};

const text: Reporter = (runDir, results) => {
  const test = readTestJson(runDir);
  const lines = [`${testNameOf(runDir, test)}: ${runSummary(results)}`, `  ${runDir}`];
  for (const [name, r] of flatCheckers(results.checkers)) {
    lines.push(`  ${name}: ${verdictWord(r.valid)} — ${summarizeChecker(name, r)}`);
    if (r.valid === false && Array.isArray(r.failures) && typeof r.failedPartitions === 'number') {
      lines.push(...formatLinearizable(r as unknown as LinearizableResult).split('\n').map((l) => `    ${l}`));
    }
  }
  for (const u of results.unsupportedFaults ?? []) lines.push(`  fault ${u.fault} unsupported: ${u.reason}`);
  const report = nodePath.join(runDir, 'report.html');
  if (fs.existsSync(report)) lines.push(`  report: ${report}`);
  return `${lines.join('\n')}\n`;
};

/** Every reporter by its `--reporter` name. */
export const REPORTERS: Readonly<Record<string, Reporter>> = Object.freeze({ json, junit, text });
