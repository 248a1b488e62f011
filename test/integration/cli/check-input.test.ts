/**
 * `faultline check` as a user runs it (the real CLI in a child process): bad or unusual input ends
 * in a verdict or in one sentence and exit 254 — never a stack trace or exit 3.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli, tempStore } from '../run/cli-helpers.js';

const dir = tempStore('check-input');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function check(name: string, text: string, ...args: string[]) {
  const file = nodePath.join(dir, name);
  fs.writeFileSync(file, text);
  return startCli(['check', file, ...args], dir).done;
}

const noCrash = (r: { stderr: string; code: number | null }) => {
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(r.code).not.toBe(3);
};

describe('faultline check on unusual input', () => {
  it('#3: 1N and 1 are one value (Clojure), with explanations on and off', async () => {
    const edn = '[{:process 0 :type :invoke :f :write :value 1N}\n{:process 0 :type :ok :f :write :value 1N}\n' +
      '{:process 1 :type :invoke :f :read :value nil}\n{:process 1 :type :ok :f :read :value 1}]\n';
    for (const extra of [[], ['--no-explain']]) {
      const r = await check('bign.edn', edn, ...extra);
      noCrash(r);
      expect(r.code).toBe(0);
    }
  });

  it('#3: a value beyond 2^53 never crashes the explanation of a failure', async () => {
    const edn = '[{:process 0 :type :invoke :f :write :value 9007199254740993N}\n{:process 0 :type :ok :f :write :value 9007199254740993N}\n' +
      '{:process 1 :type :invoke :f :read :value nil}\n{:process 1 :type :ok :f :read :value 9007199254740995}]\n';
    const r = await check('bigger.edn', edn);
    noCrash(r);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('9007199254740995');
  });

  it('#5: 200,000 nested "[" is one sentence and exit 254, not a stack overflow', async () => {
    const r = await check('deep.edn', '['.repeat(200_000));
    noCrash(r);
    expect(r.code).toBe(254);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/nested more than \d+ levels/);
  });
});

describe('#15, #18: check with nothing to judge, and why fewer ops are checked', () => {
  it('a history whose ops all failed is unknown (exit 2), and says why 0 of its ops were checked', async () => {
    const r = await check('failonly.jsonl', '{"process":0,"type":"invoke","f":"write","value":1}\n{"process":0,"type":"fail","f":"write","value":1}\n');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('1 ops, 0 checked: 1 failed (did not happen)');
    expect(r.stdout).toMatch(/unknown .*\n\s+no client operation completed ok/);
  });

  it('a history of nemesis ops only is unknown (exit 2)', async () => {
    const r = await check('nemesis.jsonl', '{"process":"nemesis","type":"info","f":"start-partition","value":null}\n');
    expect(r.code).toBe(2);
  });
});

describe('#16: --initial takes JSON only', () => {
  it('--initial \'{bad\' is an error naming the flag and the fix, exit 254', async () => {
    const r = await check('initial.jsonl', '{"process":0,"type":"invoke","f":"read","value":null}\n{"process":0,"type":"ok","f":"read","value":null}\n', '--initial', '{bad');
    expect(r.code).toBe(254);
    expect(r.stderr).toMatch(/^faultline: --initial \{bad is not valid JSON .*for a string, '"\{bad"'\n$/);
  });

  it('--initial with valid JSON still works', async () => {
    const r = await check('initial2.jsonl', '{"process":0,"type":"invoke","f":"read","value":null}\n{"process":0,"type":"ok","f":"read","value":"x"}\n', '--initial', '"x"');
    expect(r.code).toBe(0);
  });
});

describe('#11: check and report treat a crashed run\'s torn last line alike', () => {
  it('both drop it with the same note; check gives the verdict of the rest', async () => {
    const run = nodePath.join(dir, 'crashed-run');
    fs.mkdirSync(run, { recursive: true });
    fs.writeFileSync(nodePath.join(run, 'history.jsonl'),
      '{"index":0,"time":0,"process":0,"type":"invoke","f":"write","value":1}\n{"index":1,"time":1,"process":0,"type":"ok","f":"write","value":1}\n{"index":2,"time":2,"process":1,"type":"inv');
    const c = await startCli(['check', run, '--model', 'register'], dir).done;
    expect(c.code).toBe(0);
    expect(c.stdout).toMatch(/note: .*history\.jsonl:3: the last line is cut off .* and was left out/);
    const r = await startCli(['report', run], dir).done;
    expect(r.code).toBe(0);
    expect(fs.readFileSync(nodePath.join(run, 'report.html'), 'utf8')).toMatch(/history\.jsonl:3: the last line is cut off .* and was left out/);
  });

  it('a bad line in the middle is still an error for check (exit 254, naming the line)', async () => {
    const r = await check('middle.jsonl', '{"process":0,"type":"invoke","f":"write","value":1}\n{"process":0,"ty\n{"process":0,"type":"ok","f":"write","value":1}\n');
    expect(r.code).toBe(254);
    expect(r.stderr).toMatch(/middle\.jsonl:2: the line is not valid JSON/);
  });
});

describe('#18: wording', () => {
  it('time 1e400 is reported as the number it is, not as null (JSONL and EDN)', async () => {
    const j = await check('inf.jsonl', '{"process":0,"type":"invoke","f":"read","value":null,"time":1e400}\n');
    expect(j.code).toBe(254);
    expect(j.stderr).toMatch(/field "time" is Infinity \(a number beyond the range of a double, such as 1e400\)/);
    expect(j.stderr).not.toMatch(/is null/);
    const e = await check('inf.edn', '[{:process 0 :type :invoke :f :read :value nil :time 1e400}]\n');
    expect(e.code).toBe(254);
    expect(e.stderr).toMatch(/:time is Infinity \(/);
  });

  it('serve --store FILE says it is a file, not that it does not exist', async () => {
    const file = nodePath.join(dir, 'not-a-store.txt');
    fs.writeFileSync(file, 'x');
    const r = await startCli(['serve', '--store', file, '--port', '0'], dir).done;
    expect(r.code).toBe(254);
    expect(r.stderr).toMatch(/is a file, not a store folder/);
    expect(r.stderr).not.toMatch(/does not exist/);
  });

  it('run --help lists no broadcast options or Gossip Glomers presets under the raft target (it runs lin-kv and txn-list-append)', async () => {
    const r = await startCli(['run', '--help'], dir).done;
    const raft = r.stdout.slice(r.stdout.indexOf('--target raft:'), r.stdout.indexOf('--target maelstrom:'));
    expect(raft).toContain('--key-count');
    expect(raft).toContain('workloads: lin-kv, txn-list-append');
    expect(raft).not.toMatch(/--topology|broadcast|--preset/);
  });
});
