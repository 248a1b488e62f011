/**
 * What the CLI says when the node binary is the problem — the first thing a new Maelstrom user meets:
 * a --bin that does not exist, is not executable, dies or stays silent at init, or prints something
 * that is not JSON. Before any op runs that is exit 254 and a message naming the node, what it did
 * and what was expected; a line a node prints mid-run that is not a message is dropped with a warning,
 * as Maelstrom drops it (#31), and makes the node-protocol verdict false only with --strict-protocol. Never a stack trace, never a process left behind.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { NODES, cleanupRuns, describeRun, requireBuiltCli, runCli, runDir, type CliRun } from './cli-run.js';

const SHORT = ['--workload', 'echo', '--nodes', '3', '--time-limit', '2s', '--quiet', '0s', '--seed', '5'];

/** Exit 254, no stack trace, nothing left running; returns stderr without the `faultline: ` prefix. */
function expectUsageError(expect: ExpectStatic, r: CliRun): string {
  expect(r.leftovers, 'processes left behind').toEqual([]);
  expect(r.code, describeRun(r)).toBe(254);
  // A set-up that takes 10 s or more says so on its own progress line first (progress.ts).
  const stderr = r.stderr.replace(/^(set-up \d+s: .*\n)+/, '');
  expect(stderr).toMatch(/^faultline: /);
  expect(stderr).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/);
  return stderr.replace(/^faultline: /, '');
}

beforeAll(requireBuiltCli);
afterAll(cleanupRuns);

describe.concurrent('faultline run with a node binary that is the problem', () => {
  it('names a --bin that does not exist, in one line, before creating anything', async ({ expect }) => {
    const missing = nodePath.join(runDir('missing'), 'no-such-node');
    const r = await runCli(SHORT, { bin: missing });
    const msg = expectUsageError(expect, r);
    expect(msg).toBe(`--bin ${missing} does not exist (or is not a file); pass the path of your node binary\n`);
    expect(fs.existsSync(r.store)).toBe(false);
  });

  it('names a --bin that is not executable and says how to fix it', async ({ expect }) => {
    const plain = nodePath.join(runDir('noexec'), 'echo.mjs');
    fs.copyFileSync(nodePath.join(NODES, 'echo.mjs'), plain);
    fs.chmodSync(plain, 0o644);
    const r = await runCli(SHORT, { bin: plain });
    const msg = expectUsageError(expect, r);
    expect(msg).toBe(`--bin ${plain} is not executable; run chmod +x ${plain} (and give a script a #! line)\n`);
    expect(fs.existsSync(r.store)).toBe(false);
  });

  it('names every node that exited before init_ok, with its exit code and its stderr', async ({ expect }) => {
    const r = await runCli(SHORT, { bin: 'no-init.mjs', env: { NO_INIT_EXIT: '3' } });
    const msg = expectUsageError(expect, r);
    expect(msg.split('\n')[0]).toBe('maelstrom: 3 of 3 nodes did not initialise: n0, n1, n2');
    for (const n of ['n0', 'n1', 'n2']) expect(msg).toContain(`  ${n}: exited with code 3 before answering init`);
    expect(msg).toContain('no-init: starting, will not answer init');
    expect(msg).toMatch(/print \{"src": "<id>", "dest": "c0", "body": \{"type": "init_ok", "in_reply_to": 1\}\} on stdout/);
    expect(r.history).toEqual([]);
  });

  it('names the nodes that never answer init, after the init timeout, and stops them', async ({ expect }) => {
    const r = await runCli(SHORT, { bin: 'no-init.mjs' });
    const msg = expectUsageError(expect, r);
    expect(msg.split('\n')[0]).toBe('maelstrom: 3 of 3 nodes did not initialise: n0, n1, n2');
    for (const n of ['n0', 'n1', 'n2']) expect(msg).toContain(`  ${n}: did not answer init within 10000 ms`);
    expect(msg).toMatch(/a node must read \{"src": "c0", .*"type": "init".* and print .*"init_ok"/);
  }, 90_000);

  it('quotes the non-JSON line a node printed instead of init_ok, and says what was expected', async ({ expect }) => {
    const r = await runCli([...SHORT, '--nodes', '1'], { bin: 'console-log.mjs' });
    // A node that breaks the protocol is a finding: exit 1 and INVALID, as results.json and the
    // index say (issue 13 #15), with why the run broke off; no longer the usage error 254.
    expect(r.leftovers, 'processes left behind').toEqual([]);
    expect(r.code, describeRun(r)).toBe(1);
    expect(r.results!.valid).toBe(false);
    expect(r.stdout).toMatch(/^verdict: INVALID/m);
    const msg = r.stdout.slice(r.stdout.indexOf('the run broke off: ') + 'the run broke off: '.length);
    expect(msg.split('\n')[0]).toBe('maelstrom: 1 of 1 node did not initialise: n0');
    const line = "{ src: 'n0', dest: 'c0', body: { type: 'init_ok', in_reply_to: 1 } }";
    const sentence = msg.split('\n').find((l) => l.includes('printed an invalid message'));
    expect(sentence, msg).toBeDefined();
    expect(sentence).toMatch(/^ {2}n0 printed 1 invalid line; the first: n0 printed an invalid message on stdout: it is not JSON \(.+\)\. /);
    expect(sentence).toContain('Expected one JSON object per line: {"src": "<this node\'s id>", "dest": ');
    expect(sentence).toContain('print logs and debug output to stderr, never to stdout');
    expect(sentence!.endsWith(`The line: ${line}`)).toBe(true);
  }, 90_000);

  it('a node that prints a non-JSON line mid-run: dropped with a warning naming it (#31); --strict-protocol makes it INVALID', async ({ expect }) => {
    const r = await runCli(SHORT, { bin: 'bad-json.mjs' });
    expect(r.leftovers, 'processes left behind').toEqual([]);
    const np = r.results!.checkers['node-protocol'];
    // Maelstrom logs a malformed line and drops it: the workload's checkers decide the verdict.
    expect(np.valid).toBe(true);
    const dropped = (np.warnings ?? []).filter((w: { rule: string }) => w.rule === 'malformed-line');
    expect(dropped.map((w: { node: string }) => w.node).sort()).toEqual(['n0', 'n1', 'n2']);
    for (const w of dropped) {
      expect(w.line).toBe(`DEBUG ${w.node}: ready to serve {not json}`);
      expect(typeof w.time).toBe('number');
      expect(w.message).toMatch(new RegExp(`^${w.node} printed a line that is not a Maelstrom message at [\\d.]+ s \\(it is not JSON`));
    }
    expect(r.stdout).toMatch(/^ {2}node-protocol: valid/m);
    expect(r.stdout).toMatch(/warning \(1×\): n0 printed a line that is not a Maelstrom message/);
    const strict = await runCli([...SHORT, '--strict-protocol'], { bin: 'bad-json.mjs' });
    expect(strict.code, describeRun(strict)).toBe(1);
    expect(strict.stdout).toMatch(/^ {2}node-protocol: INVALID — \d+ line\(s\) printed by nodes were not valid Maelstrom messages/m);
    const snp = strict.results!.checkers['node-protocol'];
    expect(snp.valid).toBe(false);
    // Each node prints one banner line at init; each of its echo replies lacks "type".
    const banners = snp.examples.filter((e: { problem: string }) => e.problem.startsWith('it is not JSON'));
    expect(banners.map((e: { node: string }) => e.node).sort()).toEqual(['n0', 'n1', 'n2']);
    for (const e of banners) {
      expect(e.line).toBe(`DEBUG ${e.node}: ready to serve {not json}`);
      expect(e.message).toMatch(new RegExp(`^${e.node} printed an invalid message on stdout: it is not JSON .*Expected one JSON object per line.*The line: DEBUG ${e.node}: `));
    }
    // A reply without "type" is delivered as Maelstrom's network would, with a warning (issue 13 #19).
    const typeless = (np.warnings ?? []).filter((w: { rule: string }) => w.rule === 'body-type');
    expect(typeless.length).toBeGreaterThan(0);
    expect(typeless[0].message).toMatch(/no "type".*expected a string "type"/);
    // None of those replies is an echo_ok: none counted as an echo.
    expect(r.results!.checkers.echo.ok).toBe(0);
    expect(r.results!.error).toBeUndefined();
  }, 90_000);
});
