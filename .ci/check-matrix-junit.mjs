// Checks the JUnit a `faultline matrix --suite NAME` run wrote: one testcase per scenario of the
// suite, each by name, none failed, errored or skipped. A matrix that ran nothing must not pass CI.
//   node .ci/check-matrix-junit.mjs <junit.xml> <suite>
import fs from 'node:fs';
import { SUITES } from '../dist/suites/index.js';

const [file, suite] = process.argv.slice(2);
const fail = (why) => { console.error(`ci: ${file}: ${why}`); process.exit(1); };
if (!file || !suite || !SUITES[suite]) fail(`usage: check-matrix-junit.mjs <junit.xml> <${Object.keys(SUITES).join('|')}>`);
if (!fs.existsSync(file)) fail('missing: the matrix wrote no JUnit');
const xml = fs.readFileSync(file, 'utf8');
const want = SUITES[suite].scenarios.map((s) => s.name);
const suiteTag = /<testsuite name="([^"]*)" tests="(\d+)" failures="(\d+)" errors="(\d+)" skipped="(\d+)"/.exec(xml);
if (!suiteTag) fail('no <testsuite> with tests, failures, errors and skipped counts');
const [, name, tests, failures, errors, skipped] = suiteTag;
if (name !== suite) fail(`the testsuite is "${name}", not ${suite}`);
if (Number(tests) !== want.length) fail(`${tests} testcases, the suite has ${want.length}`);
if (failures !== '0' || errors !== '0' || skipped !== '0') fail(`${failures} failed, ${errors} errored, ${skipped} skipped`);
const cases = [...xml.matchAll(/<testcase [^>]*name="([^"]*)"[^>]*>(.*?)<\/testcase>/gs)];
const names = cases.map((c) => c[1]);
for (const n of want) if (!names.includes(n)) fail(`no testcase for scenario ${n}`);
for (const [, n, body] of cases) if (/<(failure|error|skipped)/.test(body)) fail(`testcase ${n} did not pass`);
console.log(`ci: ${suite}: ${names.length} scenarios met their expectations (${names.join(', ')})`);
