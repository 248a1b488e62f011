/**
 * #24: runs you can tell apart. The default run name carries the bug switch, the environment and a
 * read mode other than the target's default; the store index shows them in a column of their own
 * and marks each row with its verdict and target for the filter.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRunRequest } from '../../../harness/top/cli/run-command.js';
import { defaultRunName } from '../../../harness/ground/contracts/run-name.js';
import { listRuns, storeIndexHtml } from '../../../reports/store-index.js';
import { HistoryBuilder, cleanup, staleReadHistory, tempDir, writeRun } from '../reports/fixture-run.js';

afterEach(cleanup);

const nameOf = (argv: string[]): string => parseRunRequest(['--seed', '1', ...argv], () => undefined).req.config.name;

describe('the default run name', () => {
  it('is <target>-<workload> for a run with default settings', () => {
    expect(nameOf([])).toBe('raft-lin-kv');
    expect(nameOf(['--target', 'etcd', '--read-consistency', 'linearizable', '--env', 'local'])).toBe('etcd-register');
  });

  it('names the bug switch, the environment and a read mode that is not the default', () => {
    expect(nameOf(['--target', 'raft', '--bug', 'stale-read', '--nemesis', 'partition'])).toBe('raft-lin-kv-bug-stale-read');
    expect(nameOf(['--target', 'etcd', '--read-consistency', 'serializable', '--env', 'docker'])).toBe('etcd-register-docker-reads-serializable');
    expect(nameOf(['--target', 'zookeeper', '--reads', 'plain'])).toBe('zookeeper-register-reads-plain');
    expect(nameOf(['--target', 'consul', '--consul-reads', 'stale'])).toBe('consul-register-reads-stale');
  });

  it('keeps --name as given, and never makes a name the store would refuse', () => {
    expect(nameOf(['--bug', 'stale-read', '--name', 'mine'])).toBe('mine');
    expect(defaultRunName('custom', 'lin-kv', { env: 'a/b c' })).toBe('custom-lin-kv-a_b_c');
  });
});

describe('the store index', () => {
  it('shows bug switch, environment and read mode in a column, and marks rows with verdict and target', async () => {
    const store = tempDir('index-settings');
    await writeRun(nodePath.join(store, 'raft-lin-kv-bug-stale-read', '2025-01-01T000000Z'), staleReadHistory(),
      { test: { name: 'raft-lin-kv-bug-stale-read', target: 'raft', targetFlags: { bug: ['stale-read'] }, startedAt: '2025-01-01T00:00:00Z' } });
    await writeRun(nodePath.join(store, 'etcd-lin-kv', '2025-01-02T000000Z'), new HistoryBuilder().call(0, 'write', 1).ret(0, 'ok').call(0, 'read', null).ret(0, 'ok', 1).ops,
      { test: { name: 'etcd-lin-kv', target: 'etcd', targetFlags: { env: 'docker', 'read-consistency': 'serializable' }, startedAt: '2025-01-02T00:00:00Z' } });
    const runs = listRuns(store);
    expect(runs.map((r) => [r.test, r.settings])).toEqual([['etcd-lin-kv', 'env docker, reads serializable'], ['raft-lin-kv-bug-stale-read', 'bug stale-read']]);
    const html = storeIndexHtml(runs);
    expect(html).toContain('<th>settings</th>');
    expect(html).toMatch(/<tr class="bad" data-verdict="invalid" data-target="raft"><td>raft-lin-kv-bug-stale-read<\/td>.*?<td>bug stale-read<\/td>/);
    expect(html).toMatch(/<tr class="" data-verdict="valid" data-target="etcd">/);
    // The filter offers each verdict and each target of the store; its script runs under the page's nonce.
    expect(html).toMatch(/<select name="verdict"><option value="">all<\/option><option value="valid">valid<\/option><option value="invalid">invalid<\/option>/);
    expect(html).toMatch(/<select name="target"><option value="">all<\/option><option value="etcd">etcd<\/option><option value="raft">raft<\/option><\/select>/);
    const nonce = /script-src 'nonce-([^']+)'/.exec(html)![1];
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(fs.existsSync(store)).toBe(true);
  });
});
