/**
 * JUnit XML for CI: one testsuite per run, one testcase per checker (failure message = the
 * checker's summary), plus a `run` testcase when the run itself failed or was interrupted, so a
 * crashed run never shows green. An `unknown` verdict is an <error>: CI must not pass silently on
 * a run that proved nothing.
 */
import { formatLinearizable } from '../checkers/linearizable/text.js';
import type { LinearizableResult } from '../checkers/linearizable/result.js';
import type { CheckResult } from '../checkers/contract.js';
import { xmlEsc } from './escape.js';
import type { ResultsView } from './run-data.js';
import { flatCheckers } from './sections.js';
import { summarizeChecker } from './summary.js';

export interface JunitInput {
  /** Suite name: the test's name. */
  name: string;
  results: ResultsView | undefined;
  /** test.json, for the suite's properties (seed, target, workload, faults). */
  test?: Record<string, unknown>;
  timestamp?: string;
}

function detailText(r: CheckResult): string {
  if (Array.isArray(r.failures) && typeof r.failedPartitions === 'number') return formatLinearizable(r as unknown as LinearizableResult);
  try {
    const s = JSON.stringify(r, null, 2);
    return s.length > 20_000 ? `${s.slice(0, 20_000)}\n… (cut; the whole result is in results.json)` : s;
  } catch {
    return String(r.valid);
  }
}

/** The JUnit XML of one run. */
export function junitXml(input: JunitInput): string {
  const r = input.results;
  const cases: string[] = [];
  let failures = 0;
  let errors = 0;
  const cls = `faultline.${input.name}`;
  for (const [name, c] of flatCheckers(r?.checkers)) {
    const summary = summarizeChecker(name, c);
    let body = '';
    if (c.valid === false) {
      failures++;
      body = `<failure message="${xmlEsc(summary)}" type="invalid">${xmlEsc(detailText(c))}</failure>`;
    } else if (c.valid !== true) {
      errors++;
      body = `<error message="${xmlEsc(summary)}" type="unknown">${xmlEsc(detailText(c))}</error>`;
    }
    cases.push(`    <testcase classname="${xmlEsc(cls)}" name="${xmlEsc(name)}">${body}</testcase>`);
  }
  const runProblem = !r ? 'results.json is missing: the run did not finish'
    : r.error ? `the run failed: ${r.error}`
      : r.interrupted ? `the run was interrupted by ${r.interrupted}`
        : cases.length === 0 ? 'no checker ran' : undefined;
  if (runProblem) {
    errors++;
    cases.push(`    <testcase classname="${xmlEsc(cls)}" name="run"><error message="${xmlEsc(runProblem)}" type="run"/></testcase>`);
  }
  const props: string[] = [];
  const t = input.test ?? {};
  for (const k of ['seed', 'target', 'workload', 'faults', 'nodes', 'timeLimitS', 'rate', 'concurrency']) {
    if (t[k] === undefined) continue;
    const v = typeof t[k] === 'string' ? (t[k] as string) : JSON.stringify(t[k]);
    props.push(`      <property name="${xmlEsc(k)}" value="${xmlEsc(v)}"/>`);
  }
  const time = typeof r?.durationS === 'number' ? r.durationS.toFixed(3) : '0';
  const tests = cases.length;
  const stamp = input.timestamp ? ` timestamp="${xmlEsc(input.timestamp)}"` : '';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="faultline" tests="${tests}" failures="${failures}" errors="${errors}" time="${time}">`,
    `  <testsuite name="${xmlEsc(input.name)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="0" time="${time}"${stamp}>`,
    ...(props.length > 0 ? ['    <properties>', ...props, '    </properties>'] : []),
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
