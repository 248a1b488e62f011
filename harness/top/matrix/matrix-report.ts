/**
 * What a matrix leaves behind: the final table, one JUnit file for the whole matrix (one testcase per
 * scenario, so CI shows each by name), and `summary.json`. A missed expectation is a <failure>, an
 * unknown or a crash an <error>, a scenario not run <skipped>: CI never passes a matrix that proved
 * nothing. Each message carries the command that reproduces the scenario.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { xmlEsc } from '../../../reports/escape.js';
import type { ScenarioOutcome } from './run-matrix.js';

const STATUS_WORD: Record<ScenarioOutcome['status'], string> = {
  met: 'met', 'not-met': 'NOT MET', unknown: 'unknown', crashed: 'CRASHED', skipped: 'skipped',
};

/** `faultline run --replay <dir>` for a scenario that ran. */
export const replayCommand = (o: ScenarioOutcome): string | undefined => (o.dir ? `faultline run --replay ${o.dir}` : undefined);

/** The final table: one row per scenario. */
export function matrixTable(outcomes: readonly ScenarioOutcome[]): string {
  const rows = outcomes.map((o) => [
    o.name, o.expect, o.valid === undefined ? '-' : o.valid === false ? 'invalid' : o.valid === true ? 'valid' : 'unknown',
    STATUS_WORD[o.status], o.caughtBy.join(', ') || '-', o.ops === undefined ? '-' : String(o.ops), o.status === 'skipped' ? '-' : `${o.durationS.toFixed(0)} s`,
  ]);
  const head = ['scenario', 'expect', 'verdict', 'result', 'caught by', 'ops', 'time'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

/** The JUnit XML of a whole matrix. */
export function matrixJunit(name: string, outcomes: readonly ScenarioOutcome[], timestamp: string): string {
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  const cases = outcomes.map((o) => {
    const replay = replayCommand(o);
    const detail = [o.why ? `why: ${o.why}` : '', o.seed !== undefined ? `seed: ${o.seed}` : '', o.dir ? `run: ${o.dir}` : '', replay ? `reproduce: ${replay}` : '']
      .filter(Boolean).join('\n');
    const msg = `expected ${o.expect}, got ${o.valid === undefined ? 'no verdict' : String(o.valid)}${o.reason ? `: ${o.reason}` : ''}${replay ? ` (reproduce: ${replay})` : ''}`;
    let body = '';
    if (o.status === 'not-met') { failures++; body = `<failure message="${xmlEsc(msg)}" type="expectation">${xmlEsc(detail)}</failure>`; }
    else if (o.status === 'unknown' || o.status === 'crashed') { errors++; body = `<error message="${xmlEsc(msg)}" type="${o.status}">${xmlEsc(detail)}</error>`; }
    else if (o.status === 'skipped') { skipped++; body = `<skipped message="${xmlEsc(o.reason ?? 'not run')}"/>`; }
    const out = detail ? `<system-out>${xmlEsc(detail)}</system-out>` : '';
    return `    <testcase classname="faultline.matrix.${xmlEsc(name)}" name="${xmlEsc(o.name)}" time="${o.durationS.toFixed(3)}">${body}${out}</testcase>`;
  });
  const time = outcomes.reduce((t, o) => t + o.durationS, 0).toFixed(3);
  const counts = `tests="${outcomes.length}" failures="${failures}" errors="${errors}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="faultline matrix" ${counts} skipped="${skipped}" time="${time}">`,
    `  <testsuite name="${xmlEsc(name)}" ${counts} skipped="${skipped}" time="${time}" timestamp="${xmlEsc(timestamp)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/**
 * Writes `<store>/matrix/<stamp>/{junit.xml,summary.json,table.txt}` (and `junit` to another path when
 * asked), points `<store>/matrix/latest` at it, and returns the directory.
 */
export function writeMatrix(store: string, name: string, outcomes: readonly ScenarioOutcome[], exit: number, junitPath?: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');
  const root = nodePath.join(store, 'matrix');
  let dir = nodePath.join(root, stamp);
  for (let i = 1; fs.existsSync(dir); i++) dir = nodePath.join(root, `${stamp}-${i}`);
  fs.mkdirSync(dir, { recursive: true });
  const xml = matrixJunit(name, outcomes, now.toISOString());
  fs.writeFileSync(nodePath.join(dir, 'junit.xml'), xml);
  if (junitPath) { fs.mkdirSync(nodePath.dirname(nodePath.resolve(junitPath)), { recursive: true }); fs.writeFileSync(junitPath, xml); }
  fs.writeFileSync(nodePath.join(dir, 'summary.json'), `${JSON.stringify({ name, exit, startedAt: now.toISOString(), scenarios: outcomes }, null, 2)}\n`);
  fs.writeFileSync(nodePath.join(dir, 'table.txt'), `${matrixTable(outcomes)}\n`);
  try {
    fs.rmSync(nodePath.join(root, 'latest'), { force: true });
    fs.symlinkSync(nodePath.basename(dir), nodePath.join(root, 'latest'));
  } catch { /* a store without symlinks still has the dated directory */ }
  return dir;
}
