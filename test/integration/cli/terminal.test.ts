/**
 * #9: what Faultline prints from a node or a history never carries raw control characters to the
 * terminal (ANSI clear-screen, OSC title, carriage return): they are shown escaped.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NODES, startCli, tempStore } from '../run/cli-helpers.js';

const dir = tempStore('terminal');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('#9 terminal injection', () => {
  it('a node\'s invalid stdout line is printed escaped', async () => {
    const r = await startCli(['run', '--target', 'maelstrom', '--bin', nodePath.join(NODES, 'ansi-stdout.mjs'), '--workload', 'echo',
      '--nodes', '1', '--time-limit', '1s', '--quiet', '0s', '--store', nodePath.join(dir, 'store'), '--seed', '1'], dir).done;
    // The line is dropped with a protocol warning, as Maelstrom drops it (#31); the warning quotes it.
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/warning \(1×\): n0 printed a line that is not a Maelstrom message/);
    expect(r.stdout).toContain('\\x1b[2J\\x1b]0;pwned by n0\\x07\\x0dhidden');
    expect(r.stdout).not.toMatch(RAW);
    // The progress line's own \r and ESC[2K are the harness's, on a TTY only; this is no TTY.
    expect(r.stderr).not.toMatch(RAW);
  });

  it('a history file name and its values are printed escaped by check', async () => {
    const file = nodePath.join(dir, 'h\x1b[2J.jsonl');
    const f = '\x1b]0;pwned\x07read';
    fs.writeFileSync(file, [
      { process: 0, type: 'invoke', f, value: null }, { process: 0, type: 'ok', f, value: 1 },
    ].map((o) => JSON.stringify(o)).join('\n') + '\n');
    const r = await startCli(['check', file, '--model', 'register'], dir).done;
    expect(`${r.stdout}${r.stderr}`).toContain('h\\x1b[2J.jsonl');
    expect(r.stdout).not.toMatch(RAW);
    expect(r.stderr).not.toMatch(RAW);
  });
});
