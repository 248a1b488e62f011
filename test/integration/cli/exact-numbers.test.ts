/**
 * `faultline check` (the real CLI in a child process) on a JSONL history whose values pass 2^53: a
 * write of 9007199254740993 then a read of 9007199254740992 is a stale read, exit 1 — not the
 * "linearizable", exit 0 that rounding both to 2^53 used to give. The same history in EDN agrees.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli, tempStore } from '../run/cli-helpers.js';

const dir = tempStore('check-exact');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function check(name: string, text: string) {
  const file = nodePath.join(dir, name);
  fs.writeFileSync(file, text);
  return startCli(['check', file], dir).done;
}

const jsonl = (read: string) => [
  '{"index":0,"time":0,"process":0,"type":"invoke","f":"write","value":9007199254740993}',
  '{"index":1,"time":1,"process":0,"type":"ok","f":"write","value":9007199254740993}',
  '{"index":2,"time":2,"process":1,"type":"invoke","f":"read","value":null}',
  `{"index":3,"time":3,"process":1,"type":"ok","f":"read","value":${read}}`,
].join('\n') + '\n';

describe('faultline check with integers beyond 2^53', () => {
  it('a JSONL stale read of 2^53 after a write of 2^53+1 is not linearizable (exit 1)', async () => {
    const r = await check('stale.jsonl', jsonl('9007199254740992'));
    expect(r.stdout).toMatch(/NOT linearizable/);
    expect(r.stdout).toContain('9007199254740992');
    expect(r.code).toBe(1);
  });

  it('the fresh read of 2^53+1 is linearizable (exit 0), as is the same history in EDN', async () => {
    expect((await check('fresh.jsonl', jsonl('9007199254740993'))).code).toBe(0);
    const edn = '[{:process 0 :type :invoke :f :write :value 9007199254740993}\n{:process 0 :type :ok :f :write :value 9007199254740993}\n' +
      '{:process 1 :type :invoke :f :read :value nil}\n{:process 1 :type :ok :f :read :value 9007199254740992}]\n';
    const r = await check('stale.edn', edn);
    expect(r.code).toBe(1);
  });
});
