/**
 * #4: "the end of its stderr" is the end of its stderr. A node that prints and exits before init is
 * reported with what it printed (read after its streams closed), the first error-looking line of a
 * long stack trace, and a tail of whole lines.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NODES, startCli, tempStore } from '../run/cli-helpers.js';

const dir = tempStore('node-errors');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function runNode(bin: string, store: string) {
  return startCli(['run', '--target', 'maelstrom', '--bin', nodePath.join(NODES, bin), '--workload', 'echo', '--nodes', '1',
    '--time-limit', '1s', '--store', nodePath.join(dir, store), '--seed', '1'], dir).done;
}

/** The lines the error shows under "--- the end of nodes/n0.log (its stderr) ---". */
function shownTail(stderr: string): string[] {
  const start = stderr.indexOf('--- the end of nodes/n0.log (its stderr) ---\n');
  expect(start).toBeGreaterThanOrEqual(0);
  const rest = stderr.slice(start).split('\n').slice(1);
  return rest.slice(0, rest.findIndex((l) => l.startsWith('(a node must')));
}

describe('#4 a node\'s stderr in the init error', () => {
  it('a node that prints a line and exits at once: the line is shown, not only the harness\'s "started"', async () => {
    process.env.NO_INIT_EXIT = '3';
    let r;
    try {
      r = await runNode('no-init.mjs', 'exit-at-once');
    } finally {
      delete process.env.NO_INIT_EXIT;
    }
    expect(r.code).toBe(254);
    expect(shownTail(r.stderr)).toContain('no-init: starting, will not answer init');
  });

  it('a node that prints much and exits: its last words, which arrive after the exit, are shown', async () => {
    const r = await runNode('last-words.mjs', 'last-words');
    expect(r.code).toBe(254);
    expect(shownTail(r.stderr)).toContain('fatal: last words before exiting');
  });

  it('a Node.js node that throws: the "Error:" line is shown, and the tail is whole lines of the log', async () => {
    const r = await runNode('throw-before-init.mjs', 'throws');
    expect(r.code).toBe(254);
    const shown = shownTail(r.stderr);
    expect(shown[0]).toBe('Error: boom: the config file is missing (expected ./node.conf)');
    const log = fs.readFileSync(nodePath.join(dir, 'throws', 'latest', 'nodes', 'n0.log'), 'utf8').split('\n').map((l) => l.trim());
    for (const line of shown.filter((l) => l !== '…')) expect(log).toContain(line.trim());
  });
});
