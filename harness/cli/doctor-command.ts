/**
 * `faultline doctor`: what this machine can run — root, iptables, network namespaces, etcd,
 * ZooKeeper, java, libfaketime, the NFQUEUE delayer's build deps — and, for each thing missing, the
 * command that installs it. Only requirements of targets, faults and environments that exist are
 * listed: the docker and ssh environments do not exist yet, so dockerd and sshd are not asked for.
 */
import fs from 'node:fs';
import { run } from '../provision/exec.js';
import { realProbe, type MachineProbe } from '../provision/preflight.js';
import { parseArgs } from './args.js';

export const DOCTOR_HELP = `faultline doctor [--json]

Lists what this machine can run (targets, faults, environments) and how to get what is missing.`;

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** What it enables. */
  for: string;
  install?: string;
}

const SETUP = 'bash scripts/setup-targets.sh';

/** The checks, with an injectable probe for the file/command parts. */
export async function doctorChecks(probe: MachineProbe = realProbe): Promise<DoctorCheck[]> {
  const apt = (pkgs: string): string => `apt-get install -y --no-install-recommends ${pkgs} (or ${SETUP})`;
  const version = async (argv: string[], re: RegExp): Promise<string> => {
    const r = await run(argv, { timeoutMs: 5_000 }).catch(() => undefined);
    return re.exec(`${r?.stdout ?? ''}${r?.stderr ?? ''}`)?.[1] ?? 'present';
  };
  const checks: DoctorCheck[] = [];
  const add = (c: DoctorCheck): void => { checks.push(c); };
  const root = probe.isRoot();
  add({ name: 'root', ok: root, detail: root ? 'running as root' : `running as uid ${process.getuid?.()}`, for: 'namespaces, iptables, etcd/zookeeper targets', install: root ? undefined : 'run faultline as root (sudo)' });
  const netns = probe.hasCommand('ip') && fs.existsSync('/proc/self/ns/net');
  add({ name: 'netns', ok: netns, detail: netns ? 'ip netns available' : 'ip (iproute2) missing', for: 'local provisioning', install: netns ? undefined : apt('iproute2') });
  const ipt = probe.hasCommand('iptables') && probe.hasCommand('iptables-restore');
  add({ name: 'iptables', ok: ipt, detail: ipt ? await version(['iptables', '--version'], /(v[\d.]+ \([^)]*\))/) : 'missing', for: 'partitions, packet loss', install: ipt ? undefined : apt('iptables') });
  const tc = probe.hasCommand('tc');
  add({ name: 'tc', ok: tc, detail: tc ? 'tbf available (the kernel has no netem; latency uses the NFQUEUE delayer)' : 'missing', for: 'bandwidth caps', install: tc ? undefined : apt('iproute2') });
  const etcd = probe.hasCommand('etcd');
  add({ name: 'etcd', ok: etcd, detail: etcd ? await version(['etcd', '--version'], /etcd Version: ([\d.]+)/) : 'missing', for: '--target etcd', install: etcd ? undefined : apt('etcd-server etcd-client') });
  const java = probe.hasCommand('java');
  add({ name: 'java', ok: java, detail: java ? await version(['java', '-version'], /version "([^"]+)"/) : 'missing', for: '--target zookeeper', install: java ? undefined : apt('default-jre-headless') });
  const zk = probe.hasFile('/usr/share/java/zookeeper.jar') && probe.hasFile('/usr/share/java/slf4j-simple.jar');
  add({ name: 'zookeeper', ok: zk, detail: zk ? 'zookeeper.jar and slf4j-simple.jar present' : 'zookeeper.jar or slf4j-simple.jar missing', for: '--target zookeeper', install: zk ? undefined : apt('zookeeper libslf4j-java') });
  const ft = probe.hasFile('/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1');
  add({ name: 'libfaketime', ok: ft, detail: ft ? 'present (clock faults for JVM and Node targets; never for Go binaries like etcd)' : 'missing', for: 'clock faults', install: ft ? undefined : apt('faketime libfaketime') });
  const nfq = probe.hasCommand('gcc') && probe.hasFile('/usr/include/libnetfilter_queue/libnetfilter_queue.h');
  add({ name: 'gcc + libnetfilter-queue-dev', ok: nfq, detail: nfq ? 'the NFQUEUE delayer can be built' : 'gcc or libnetfilter-queue-dev missing', for: 'latency/jitter faults', install: nfq ? undefined : apt('gcc libc6-dev libnetfilter-queue-dev') });
  return checks;
}

export async function doctorCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const args = parseArgs(argv, [], ['json', 'help'], 'doctor');
  if (args.options.has('help')) { out(DOCTOR_HELP); return 0; }
  const checks = await doctorChecks();
  if (args.options.has('json')) { out(JSON.stringify(checks, null, 2)); return 0; }
  const w = Math.max(...checks.map((c) => c.name.length));
  for (const c of checks) {
    out(`${c.ok ? 'ok     ' : 'MISSING'} ${c.name.padEnd(w)}  ${c.detail}  [${c.for}]`);
    if (!c.ok && c.install) out(`        ${' '.repeat(w)}  install: ${c.install}`);
  }
  const runnable = [
    checks.find((c) => c.name === 'root')?.ok && checks.find((c) => c.name === 'iptables')?.ok && checks.find((c) => c.name === 'etcd')?.ok && 'etcd',
    checks.find((c) => c.name === 'root')?.ok && checks.find((c) => c.name === 'iptables')?.ok && checks.find((c) => c.name === 'java')?.ok && checks.find((c) => c.name === 'zookeeper')?.ok && 'zookeeper',
  ].filter(Boolean);
  out(`\nnamespace targets runnable here: ${runnable.length ? runnable.join(', ') : 'none'}`);
  return 0;
}
