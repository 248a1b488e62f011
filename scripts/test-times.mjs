#!/usr/bin/env node
// Where the suite's time went: reads the JSON report vitest writes beside the console
// (test-output/vitest.json, set in vitest.config.ts) and prints the suite's wall time, each
// project's span (first file start to last file end) and its longest files.
//   node scripts/test-times.mjs [report.json] [--top 15] [--write-durations]
// --write-durations also writes each file's seconds to test/durations.json, the table the suite's
// sequencer (test/support/longest-first.ts) starts the longest files first by; write it from a full
// run of the suite (CI's own, or `npm test` on the quiet machine), not from one tier.
import fs from 'node:fs';

const args = process.argv.slice(2);
const top = Number(args[args.indexOf('--top') + 1]) || 15;
const file = args.find((a) => a.endsWith('.json')) ?? 'test-output/vitest.json';
if (!fs.existsSync(file)) {
  console.error(`test-times: ${file} does not exist; run npm test (or a tier) first, which writes it.`);
  process.exit(2);
}
const report = JSON.parse(fs.readFileSync(file, 'utf8'));
const files = report.testResults.map((r) => ({
  name: r.name.replace(`${process.cwd()}/`, ''),
  start: r.startTime,
  end: r.endTime,
  s: (r.endTime - r.startTime) / 1000,
  tests: r.assertionResults.length,
}));
const tierOf = (name) => {
  if (/^test\/unit\/elle\/(oracle|inject)\.test|^test\/fuzz\//.test(name)) return 'oracle';
  return name.startsWith('test/unit/') ? 'unit' : 'integration';
};
const t0 = Math.min(...files.map((f) => f.start));
const t1 = Math.max(...files.map((f) => f.end));
console.log(`${files.length} files, ${files.reduce((n, f) => n + f.tests, 0)} tests; first start to last end ${((t1 - t0) / 1000).toFixed(0)} s; file-seconds ${files.reduce((n, f) => n + f.s, 0).toFixed(0)} s`);
const groups = new Map();
for (const f of files) {
  const g = groups.get(tierOf(f.name)) ?? [];
  g.push(f);
  groups.set(tierOf(f.name), g);
}
for (const [tier, fs_] of groups) {
  const a = Math.min(...fs_.map((f) => f.start));
  const b = Math.max(...fs_.map((f) => f.end));
  console.log(`  ${tier}: ${fs_.length} files, from +${((a - t0) / 1000).toFixed(0)} s to +${((b - t0) / 1000).toFixed(0)} s, file-seconds ${fs_.reduce((n, f) => n + f.s, 0).toFixed(0)}`);
}
console.log(`\nlongest ${top} files (seconds, start and end from the suite's first start):`);
for (const f of [...files].sort((x, y) => y.s - x.s).slice(0, top)) {
  console.log(`  ${f.s.toFixed(0).padStart(5)}  +${((f.start - t0) / 1000).toFixed(0).padStart(5)} → +${((f.end - t0) / 1000).toFixed(0).padStart(5)}  ${f.name}`);
}
if (args.includes('--write-durations')) {
  const seconds = Object.fromEntries([...files].sort((x, y) => x.name.localeCompare(y.name)).map((f) => [f.name, Math.round(f.s)]));
  const out = { note: 'Seconds per test file in one full run of the suite; written by node scripts/test-times.mjs --write-durations; read by test/support/longest-first.ts.', measured: new Date(t0).toISOString().slice(0, 10), seconds };
  fs.writeFileSync('test/durations.json', `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\nwrote test/durations.json (${files.length} files)`);
}
