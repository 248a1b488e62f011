/**
 * Issue 21, part 3, replayed: files of a node's directory are never opened through a link the node
 * planted. `faultline report` on a run whose node log was replaced (as nobody) by a link to a root-only
 * file shows a warning, never the file; and a real `--env docker` run whose start command replaces
 * server.log or .faultline-start.sh with links to root-only files (in a 0700 folder the container
 * cannot see) through kills and restarts leaves both files untouched and their content off the page.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { baseRecipe, ensureImage } from '../../../harness/middle/hosts/docker/images.js';
import { reachDaemon } from '../../../harness/middle/hosts/docker/client.js';
import { dockerLeftovers, dockerMissing, dockerRunIdOf, pidsOf } from '../docker/helpers.js';
import { CLI, startCli } from '../run/cli-helpers.js';
import { staleReadHistory, writeRun } from '../../unit/reports/fixture-run.js';
import { asNobody, bed, removeBeds, SECRET, securitySkip, victimUntouched } from './helpers.js';
import { NodeDisks } from '../../../harness/middle/faults/disk/node-disks.js';

const skip = securitySkip();
afterAll(removeBeds);
const CLIENT = nodePath.join(nodePath.dirname(fileURLToPath(import.meta.url)), 'clients', 'ok-register.ts');

describe.skipIf(skip !== undefined)(`node files${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('faultline report skips a node log that is a link, with a warning, and never shows what it points at', async () => {
    const { root, victim } = bed('report-log');
    const run = await writeRun(nodePath.join(root, 'store', 't', 'r1'), staleReadHistory());
    const n1 = nodePath.join(run, 'nodes', 'n1');
    fs.mkdirSync(n1);
    fs.chmodSync(n1, 0o777);
    fs.writeFileSync(nodePath.join(n1, 'ok.log'), 'a line the node wrote\n');
    asNobody(['ln', '-s', victim, nodePath.join(n1, 'server.log')]);
    const r = await startCli(['report', '--no-index', run], root).done;
    expect(r.code, r.stderr).toBe(0);
    const html = fs.readFileSync(nodePath.join(run, 'report.html'), 'utf8');
    expect(html.includes(SECRET), "the secret is on the page").toBe(false);
    expect(html).toContain('a line the node wrote');
    expect(html).toContain('nodes/n1/server.log is a symbolic link, which a node may have planted: not shown');
    expect(r.stdout).toContain('note: nodes/n1/server.log is a symbolic link');
    expect(victimUntouched(victim)).toBe(true);
  });

  it('disk faults as root on a store\'s data directory follow no link the node planted (as nobody): a WAL directory, a segment, raft.db', async () => {
    const { root, victim } = bed('disk-faults');
    const data = nodePath.join(root, 'nodes', 'n1', 'data');
    fs.mkdirSync(nodePath.join(data, 'member'), { recursive: true });
    fs.mkdirSync(nodePath.join(data, 'raft'));
    for (const d of [data, nodePath.join(data, 'member'), nodePath.join(data, 'raft')]) fs.chmodSync(d, 0o777);
    // etcd's WAL directory is a link to the private folder; Consul's raft.db and a ZooKeeper log segment are links to the secret.
    asNobody(['ln', '-s', nodePath.join(root, 'private'), nodePath.join(data, 'member', 'wal')]);
    asNobody(['ln', '-s', victim, nodePath.join(data, 'raft', 'raft.db')]);
    asNobody(['mkdir', '-p', nodePath.join(data, 'version-2')]);
    asNobody(['ln', '-s', victim, nodePath.join(data, 'version-2', 'log.100000001')]);
    const pick = (n: number): number => n - 1;
    const disks = (logFiles: ConstructorParameters<typeof NodeDisks>[0]['logFiles']): NodeDisks =>
      new NodeDisks({ dirOf: () => data, layer: false, logFiles, dataFiles: logFiles, log: () => undefined });
    await expect(disks([{ dir: 'member/wal', match: /\.wal$|secret/ }]).apply('n1', 'truncate', pick)).rejects.toThrow(/is a link or not a directory/);
    await expect(disks(['raft/raft.db']).apply('n1', 'bit-flip', pick)).rejects.toThrow(/symbolic link/);
    // A link matching a pattern is not one of the store's files: nothing to damage.
    expect(await disks([{ dir: 'version-2', match: /^log\./ }]).apply('n1', 'truncate', pick)).toEqual([]);
    expect(victimUntouched(victim)).toBe(true);
  });
});

const dockerSkip = skip ?? (await dockerMissing());

describe.skipIf(dockerSkip !== undefined)(`a container's node directory${dockerSkip ? ` (skipped: ${dockerSkip})` : ''}`, () => {
  it('links a container plants at server.log and .faultline-start.sh are never followed by the host', async () => {
    const { docker } = await reachDaemon();
    const recipe = baseRecipe();
    await ensureImage(docker, recipe);
    const { root, victim } = bed('docker');
    const scriptVictim = nodePath.join(root, 'private', 'script-victim');
    fs.writeFileSync(scriptVictim, `${SECRET}\n`, { mode: 0o600 });
    // The node directory is <root>/store/sec/<stamp>/nodes/<node>: five levels below <root>. Relative
    // links, resolved on this machine, to files the container has no path to. n1 plants one at its
    // start script (rewritten by the host before each start), n2 and n3 at their log (appended to by
    // the host at each start, read by the report).
    const up = '../../../../../private';
    const start = `sh -c "cd {data}/.. && if [ {node} = n1 ]; then rm -f .faultline-start.sh && ln -s ${up}/script-victim .faultline-start.sh; `
      + `else rm -f server.log && ln -s ${up}/secret server.log; fi && echo planted && exec sleep 1000"`;
    const store = nodePath.join(root, 'store');
    const child = spawn(process.execPath, [CLI, 'run', '--target', 'custom', '--nemesis', 'none', '--env', 'docker', '--image', recipe.tag, '--store', store, '--name', 'sec',
      '--workload', 'register', '--client', CLIENT, '--health', 'true', '--start', start, '--nodes', '3',
      '--nemesis', 'kill', '--node-targets', 'all', '--nemesis-interval', '1s', '--time-limit', '8s', '--quiet', '1s', '--seed', '2'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGINT'), 150_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    const dir = fs.realpathSync(nodePath.join(store, 'latest'));
    const log = fs.readFileSync(nodePath.join(dir, 'harness.log'), 'utf8');
    expect(victimUntouched(victim), fs.readFileSync(victim, 'utf8')).toBe(true);
    expect(victimUntouched(scriptVictim), fs.readFileSync(scriptVictim, 'utf8')).toBe(true);
    // The nemesis killed every server and started them again: n1 with a fresh start script in place of
    // its link, n2 and n3 refused (their log is a link the host will not open).
    expect(log.match(/custom: started n1 as pid/g)?.length ?? 0, log).toBeGreaterThanOrEqual(2);
    expect(log).toMatch(/start failed on n2: \S+\/nodes\/n2\/server\.log is a symbolic link; faultline does not follow links/);
    const html = fs.readFileSync(nodePath.join(dir, 'report.html'), 'utf8');
    expect(html.includes(SECRET), "the secret is on the page").toBe(false);
    expect(html).toContain('nodes/n2/server.log is a symbolic link, which a node may have planted: not shown');
    expect(out).not.toContain(SECRET);
    expect(log).not.toContain(SECRET);
    expect([0, 1, 2], out).toContain(code);
    expect(dockerLeftovers(dockerRunIdOf(dir), pidsOf(dir))).toEqual([]);
  }, 200_000);
});
