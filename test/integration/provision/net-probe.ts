/**
 * Evidence that real-network faults took effect, for the namespace integration tests: what each
 * host's fault chains have counted (packets dropped by the loss rule, packets queued to the delayer),
 * which delayer processes run, whether a tbf qdisc caps eth0; a nemesis wrapper that takes such a
 * probe right before or after chosen fault ops (and a run's plan with it), and the probes of one op;
 * and client-op latencies split by fault band.
 */
import fs from 'node:fs';
import type { Op } from '../../../harness/ground/history/op.js';
import type { LocalNetwork } from '../../../harness/middle/hosts/local/network.js';
import type { Nemesis } from '../../../harness/ground/contracts/roles.js';
import type { RunPlan } from '../../../harness/ground/contracts/run-contract.js';

/** One look at every host's fault state. */
export interface NetProbe {
  /** Packets the FL-LOSS DROP rules have dropped, summed over the hosts (counters reset when the chain is rewritten). */
  lossDrops: number;
  /** Packets the FL-DELAY NFQUEUE rules have sent to the delayer, summed over the hosts. */
  delayQueued: number;
  /** Rules in FL-LOSS and FL-DELAY, summed over the hosts (0 when healed). */
  rules: number;
  /** PIDs of nfq-delay processes inside the namespaces. */
  delayers: number[];
  /** Hosts whose eth0 has a tbf root qdisc, with its line. */
  tbf: string[];
}

/** Per-rule packet counts of `target` rules in `chain`, from `iptables -L -v -x -n`. */
function counted(listing: string, target: string): { rules: number; packets: number } {
  let rules = 0;
  let packets = 0;
  for (const line of listing.split('\n').slice(2)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 3 || !/^\d+$/.test(cols[0])) continue;
    rules++;
    if (cols[2] === target) packets += Number(cols[0]);
  }
  return { rules, packets };
}

const commOf = (pid: number): string => {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
};

/** Reads every host's loss and delay counters, delayer processes and qdisc. */
export async function probeNet(net: LocalNetwork): Promise<NetProbe> {
  const per = await Promise.all(net.hosts.map(async (h) => {
    const loss = counted((await h.exec(['iptables', '-w', '-L', 'FL-LOSS', '-v', '-x', '-n'])).stdout, 'DROP');
    const delay = counted((await h.exec(['iptables', '-w', '-L', 'FL-DELAY', '-v', '-x', '-n'])).stdout, 'NFQUEUE');
    const pids = (await h.exec(['ip', 'netns', 'pids', h.ns])).stdout.split('\n').filter((l) => /^\d+$/.test(l.trim())).map(Number);
    const qdisc = (await h.exec(['tc', 'qdisc', 'show', 'dev', 'eth0'])).stdout.trim();
    return { h, loss, delay, delayers: pids.filter((p) => commOf(p).startsWith('nfq-delay')), qdisc };
  }));
  return {
    lossDrops: per.reduce((s, p) => s + p.loss.packets, 0),
    delayQueued: per.reduce((s, p) => s + p.delay.packets, 0),
    rules: per.reduce((s, p) => s + p.loss.rules + p.delay.rules, 0),
    delayers: per.flatMap((p) => p.delayers),
    tbf: per.filter((p) => /\btbf\b/.test(p.qdisc)).map((p) => `${p.h.node}: ${p.qdisc}`),
  };
}

/** A probe `probing` took, before or after a fault op, or why it failed. */
export type Probed = { f: string; when: 'before' | 'after'; probe: NetProbe | { error: string } };

/**
 * `inner` with a probe of the network taken just before each op in `before` and just after each op
 * in `after`, kept in `log` as `{f, when, probe}` (probe failures are kept as errors, never thrown).
 */
export function probing(
  inner: Nemesis,
  net: () => LocalNetwork | undefined,
  opts: { before?: readonly string[]; after?: readonly string[] },
  log: Probed[],
): Nemesis {
  const take = async (f: string, when: 'before' | 'after'): Promise<void> => {
    const n = net();
    if (n === undefined) return;
    log.push({ f, when, probe: await probeNet(n).catch((e: Error) => ({ error: e.message })) });
  };
  return {
    ...inner,
    async invoke(op) {
      if (opts.before?.includes(op.f)) await take(op.f, 'before');
      const value = await inner.invoke(op);
      if (opts.after?.includes(op.f)) await take(op.f, 'after');
      return value;
    },
  };
}

/** The plan of a namespace run with its nemesis `probing` the cluster's network, the probes kept in `log`. */
export function probedPlan(
  { plan, cluster }: { plan: RunPlan; cluster: { environment?: unknown } },
  opts: { before?: readonly string[]; after?: readonly string[] },
  log: Probed[],
): RunPlan {
  const build = plan.faults;
  plan.faults = (target) => {
    const f = build(target);
    return { ...f, nemesis: probing(f.nemesis, () => cluster.environment as LocalNetwork | undefined, opts, log) };
  };
  return plan;
}

/** The probes of `log` taken `when` (before or after) op `f`; a failed one throws. */
export const probeOf = (log: Probed[], f: string, when: 'before' | 'after'): NetProbe[] =>
  log.filter((p) => p.f === f && p.when === when).map((p) => {
    if ('error' in p.probe) throw new Error(`probe after ${f} failed: ${p.probe.error}`);
    return p.probe;
  });

/** The history of a run directory. */
export function readHistory(dir: string): Op[] {
  return fs.readFileSync(`${dir}/history.jsonl`, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Op);
}

/** Time windows [from, to) in ns during which a band was on: from the start op's completion to the stop op's invocation. */
export function bandWindows(history: readonly Op[], start: string, stop: string): [number, number][] {
  const out: [number, number][] = [];
  let from: number | undefined;
  for (const op of history) {
    if (op.process !== 'nemesis') continue;
    if (op.f === start && op.type === 'info') from = op.time;
    if (op.f === stop && op.type === 'invoke' && from !== undefined) { out.push([from, op.time]); from = undefined; }
  }
  return out;
}

/** Latency in ms of each ok client op, with its invocation and completion times. */
export function okLatencies(history: readonly Op[], fs: readonly string[]): { invoked: number; completed: number; ms: number }[] {
  const open = new Map<unknown, Op>();
  const out: { invoked: number; completed: number; ms: number }[] = [];
  for (const op of history) {
    if (typeof op.process !== 'number') continue;
    if (op.type === 'invoke') { open.set(op.process, op); continue; }
    const inv = open.get(op.process);
    open.delete(op.process);
    if (inv && op.type === 'ok' && fs.includes(op.f)) out.push({ invoked: inv.time, completed: op.time, ms: (op.time - inv.time) / 1e6 });
  }
  return out;
}

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
