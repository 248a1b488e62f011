/**
 * `faultline run --env ssh` refuses a host it must not or cannot use — a host key that differs from
 * known_hosts, a host that is down, a key the host refuses, a user without sudo, `--clock-mode system`
 * on hosts sharing this machine's kernel — with one sentence naming the host and exit 254, before
 * anything is started on any host. And a controller killed mid-run leaves daemons and chains on the
 * hosts that `faultline cleanup --env ssh --hosts …` removes.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionSsh } from '../../../harness/middle/hosts/ssh/environment.js';
import { startTestBed, type TestBed } from '../../../harness/middle/hosts/ssh/test-bed.js';
import { CLI, startCli, until } from '../run/cli-helpers.js';
import { removeTempDirs, tempStore } from '../provision/helpers.js';
import { sshMissing } from './helpers.js';

const built = fs.existsSync(CLI);
const skip = sshMissing() ?? (built ? undefined : 'needs dist/ (run npx tsc -p tsconfig.json)');
let bed: TestBed;

/** A user with a login shell that is not root (sudo is not theirs: not installed, or no rule). */
function otherUser(): string | undefined {
  return fs.readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => l.split(':'))
    .find((f) => Number(f[2]) >= 1000 && Number(f[2]) < 65534 && /\/(ba|da|z)?sh$/.test(f[6] ?? ''))?.[0];
}

const argsOf = (flags: Map<string, string | true>): string[] => [...flags].flatMap(([k, v]) => (v === true ? [`--${k}`] : [`--${k}`, v]));

async function run(flags: Map<string, string | true>, extra: string[] = []): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const store = tempStore('ssh-refusal');
  const cli = startCli(['run', '--target', 'etcd', '--nemesis', 'none', '--nodes', '3', '--time-limit', '3s', '--store', store, ...argsOf(flags), ...extra], store);
  return cli.done;
}

describe.skipIf(skip !== undefined)(`ssh refusals and cleanup${skip ? ` (skipped: ${skip})` : ''}`, () => {
  // PAM on, so a user whose password is locked (as service users are) still logs in with a key.
  beforeAll(async () => { bed = await startTestBed({ nodes: ['n1', 'n2', 'n3'], usePam: true }); });
  afterAll(async () => {
    await bed?.stop();
    removeTempDirs();
  });

  it('refuses a changed host key, naming the host and the fingerprint it offered', async () => {
    const r = await run(bed.flags({ 'ssh-known-hosts': bed.knownHostsWithChangedKey('n2') }));
    expect(r.code).toBe(254);
    const offered = fs.readFileSync(nodePath.join(bed.dir, 'n2', 'hostkey.pub'), 'utf8').split(' ')[1];
    const { createHash } = await import('node:crypto');
    const fp = `SHA256:${createHash('sha256').update(Buffer.from(offered, 'base64')).digest('base64').replace(/=+$/, '')}`;
    expect(r.stderr).toContain(`host ${bed.addresses[1]} offered ssh-ed25519 key ${fp}, which is not the key`);
    expect(r.stderr.trim().split('\n')).toHaveLength(2); // the sentence, and where the run directory is
    expect(bed.leftovers()).toEqual([]);
  }, 60_000);

  it('refuses a host that is not in known_hosts unless new keys are accepted', async () => {
    const empty = nodePath.join(bed.dir, 'known_hosts.empty');
    fs.writeFileSync(empty, '');
    const r = await run(bed.flags({ 'ssh-known-hosts': empty }));
    expect(r.code).toBe(254);
    expect(r.stderr).toMatch(/host 10\.\S+ is not in \S+known_hosts.empty \(it offered ssh-ed25519 key SHA256:\S+\).*--ssh-accept-new-host-keys/);
    expect(bed.leftovers()).toEqual([]);
  }, 60_000);

  it('--ssh-accept-new-host-keys records unknown hosts, and still refuses a changed key', async () => {
    const file = nodePath.join(bed.dir, 'known_hosts.tofu');
    fs.writeFileSync(file, '');
    const env = await provisionSsh({ nodes: ['n1', 'n2', 'n3'], flags: bed.flags({ 'ssh-known-hosts': file, 'ssh-accept-new-host-keys': true }) });
    await env.teardown();
    const learned = fs.readFileSync(file, 'utf8').trim().split('\n').sort();
    expect(learned).toEqual(fs.readFileSync(bed.knownHostsFile, 'utf8').trim().split('\n').sort());
    const changed = bed.knownHostsWithChangedKey('n1');
    await expect(provisionSsh({ nodes: ['n1', 'n2', 'n3'], flags: bed.flags({ 'ssh-known-hosts': changed, 'ssh-accept-new-host-keys': true }) }))
      .rejects.toThrow(new RegExp(`^host ${bed.addresses[0].replace(/\./g, '\\.')} offered ssh-ed25519 key SHA256:\\S+, which is not the key`));
    expect(bed.leftovers()).toEqual([]);
  }, 60_000);

  it('refuses a host whose sshd is down; nothing is started on the others', async () => {
    await bed.stopSshd('n3');
    try {
      const r = await run(bed.flags());
      expect(r.code).toBe(254);
      expect(r.stderr).toContain(`host root@${bed.addresses[2]}:22 is down or unreachable (ECONNREFUSED)`);
      expect(bed.leftovers()).toEqual([]);
    } finally {
      await bed.startSshd('n3');
    }
  }, 60_000);

  it('refuses a key the hosts do not accept', async () => {
    const r = await run(bed.flags({ 'ssh-key': bed.strangerKey() }));
    expect(r.code).toBe(254);
    expect(r.stderr).toMatch(/host root@10\.\S+ refused the key for user root/);
    expect(bed.leftovers()).toEqual([]);
  }, 60_000);

  it.skipIf(otherUser() === undefined)('refuses a user who is not root and has no passwordless sudo', async () => {
    const user = otherUser()!;
    const [a, b, c] = bed.addresses;
    const r = await run(bed.flags({ hosts: `${a},${user}@${b},${c}` }));
    expect(r.code).toBe(254);
    expect(r.stderr).toContain(`host ${user}@${b}:22: user ${user} is not root and cannot sudo without a password`);
    expect(bed.leftovers()).toEqual([]);
  }, 60_000);

  it('refuses --clock-mode system when a host shares the controller\'s kernel (it would move this machine\'s clock)', async () => {
    const before = Date.now();
    const r = await run(bed.flags({ 'clock-mode': 'system' }), ['--nemesis', 'clock']);
    expect(r.code).toBe(254);
    expect(r.stderr).toMatch(/--clock-mode system refused: host root@10\.\S+ runs on the controller's own kernel \(same boot_id [0-9a-f-]{36}\)/);
    expect(Math.abs(Date.now() - before)).toBeLessThan(60_000);
    expect(bed.leftovers()).toEqual([]);
  }, 60_000);

  it('refuses hosts that lack the server binary, naming the host and the package', async () => {
    const r = await run(bed.flags({ 'etcd-bin': '/nonexistent/etcd' }));
    expect(r.code).toBe(254);
    expect(r.stderr).toMatch(/host n\d \(10\.\S+\) lacks \/nonexistent\/etcd \(Debian package etcd-server\); install it there .* or pass --install/);
    expect(bed.leftovers()).toEqual([]);
  }, 60_000);

  it('--install installs the package with the host\'s apt-get, and says so when that does not bring the binary', async () => {
    // etcd-server is installed on this machine (the test bed's hosts share its filesystem), so apt-get
    // has nothing to do, and /nonexistent/etcd is still missing afterwards: the run says exactly that.
    const r = await run(bed.flags({ 'etcd-bin': '/nonexistent/etcd', install: true }));
    expect(r.code).toBe(254);
    expect(r.stderr).toMatch(/host n\d \(10\.\S+\) still lacks \/nonexistent\/etcd after installing etcd-server; install it there by hand/);
    expect(bed.leftovers()).toEqual([]);
  }, 120_000);

  it('an encrypted key logs in with its passphrase from the environment; neither reaches the store', async () => {
    const passphrase = 'correct horse battery staple 7';
    const key = bed.encryptedKey(passphrase);
    const store = tempStore('ssh-secret');
    const args = ['run', '--target', 'etcd', '--nemesis', 'none', '--nodes', '3', '--time-limit', '2s', '--quiet', '0s', '--store', store, ...argsOf(bed.flags({ 'ssh-key': key }))];
    const without = await startCli(args, store).done;
    expect(without.code).toBe(254);
    expect(without.stderr).toMatch(/the SSH key \S+encrypted is encrypted .*put its passphrase in FAULTLINE_SSH_PASSPHRASE/);
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [CLI, ...args], { cwd: store, env: { ...process.env, FAULTLINE_SSH_PASSPHRASE: passphrase }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(output).toMatch(/verdict: valid/);
    expect(code).toBe(0);
    // The passphrase and the key's body appear in no file of the store, nor on the terminal.
    const body = fs.readFileSync(key, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('-----'));
    const files = (fs.readdirSync(store, { recursive: true }) as string[]).map((f) => nodePath.join(store, f)).filter((f) => fs.statSync(f).isFile());
    expect(files.some((f) => f.endsWith('test.json'))).toBe(true);
    for (const f of [...files.map((x) => fs.readFileSync(x, 'utf8')), output]) {
      expect(f.includes(passphrase)).toBe(false);
      for (const line of body) expect(f.includes(line)).toBe(false);
    }
    expect(bed.leftovers()).toEqual([]);
  }, 90_000);

  it('a SIGKILLed controller leaves daemons on the hosts; cleanup --env ssh removes them', async () => {
    const store = tempStore('ssh-killed');
    // The hosts as a user writes them in a hosts file (comments, blank lines, user@); no --nodes.
    const hostsFile = nodePath.join(store, 'hosts');
    fs.writeFileSync(hostsFile, `# the test bed\n\nroot@${bed.addresses[0]}\n${bed.addresses[1]}:22   # second\n${bed.addresses[2]}\n`);
    const flags = bed.flags();
    flags.delete('hosts');
    flags.set('hosts-file', hostsFile);
    const cli = startCli(['run', '--target', 'etcd', '--time-limit', '60s', '--nemesis', 'partition', '--nemesis-interval', '1s', '--store', store, ...argsOf(flags)], store);
    const history = (): string => {
      const p = nodePath.join(store, 'latest', 'history.jsonl');
      return fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : '';
    };
    await until(() => /"type":"info","f":"start-partition"/.test(history()), 60_000, 'the run to partition its etcd cluster');
    cli.child.kill('SIGKILL');
    await cli.done;
    const left = bed.leftovers();
    expect(left.filter((l) => l.includes(' etcd'))).toHaveLength(3);
    expect(left.some((l) => l.startsWith('file '))).toBe(true);
    flags.delete('env');
    const clean = await startCli(['cleanup', '--env', 'ssh', ...argsOf(flags)], store).done;
    expect(clean.stderr).toBe('');
    expect(clean.stdout).toMatch(/run [0-9a-f]{6}: removed on n1 \(root@\S+\): 1 process\(es\) 3 iptables chain\(s\) the run directory/);
    expect(clean.code).toBe(0);
    expect(bed.leftovers()).toEqual([]);
  }, 120_000);
});
