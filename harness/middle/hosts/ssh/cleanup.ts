/**
 * `faultline cleanup --env ssh --hosts …`: connects to each host (verifying its key as a run does),
 * reads the state files under the ssh dir, and removes every run whose controller is gone — or every
 * run with `--force`. A controller on another machine cannot be asked whether it lives, so its runs
 * are left alone without `--force`. Hosts that share a filesystem (the namespace test bed) each take
 * only the state files recorded with their own address.
 */
import { isSameProcess } from '../process-info.js';
import type { CleanupSummary, RunFlags } from '../environment.js';
import { SshConnection } from './connection.js';
import { sshSettings } from './hosts.js';
import { LIST_SCRIPT, REMOVE_SCRIPT, summarizeRemoval, type HostState } from './host-state.js';
import { commandLine, script } from './shell.js';
import { localBootId } from './environment.js';

/** Whether the run's controller still runs: known only when it ran on this machine. */
function ownerState(s: HostState): 'alive' | 'dead' | 'elsewhere' {
  if (s.owner.bootId !== localBootId()) return 'elsewhere';
  return isSameProcess(s.owner.pid, s.owner.start) ? 'alive' : 'dead';
}

export async function cleanupSsh(opts: { force?: boolean; runId?: string; flags?: RunFlags }): Promise<{ reports: CleanupSummary[]; skipped: { runId: string; owner: number }[] }> {
  const settings = sshSettings(opts.flags ?? new Map());
  const reports: CleanupSummary[] = [];
  const skipped: { runId: string; owner: number }[] = [];
  await Promise.all(settings.hosts.map(async (spec) => {
    const conn = new SshConnection(spec, settings);
    try {
      await conn.connect();
      const who = await conn.exec('echo "$(id -u) $SSH_CONNECTION"');
      const [uid, , , serverIp] = who.stdout.trim().split(/\s+/);
      const sudo = uid !== '0';
      const listed = await conn.exec(commandLine(script(LIST_SCRIPT, settings.remoteDir), sudo));
      for (const line of listed.stdout.split('\n').filter(Boolean)) {
        const [file, json] = line.split('\t');
        let state: HostState;
        try {
          state = JSON.parse(json) as HostState;
        } catch {
          reports.push({ runId: '?', removed: [], problems: [`${conn.label}: unreadable state file ${file}`] });
          continue;
        }
        if (state.address !== serverIp) continue;
        if (opts.runId !== undefined && state.runId !== opts.runId) continue;
        const owner = ownerState(state);
        if (!opts.force && owner !== 'dead') { skipped.push({ runId: state.runId, owner: state.owner.pid }); continue; }
        const dir = file.replace(/\/state\.json$/, '');
        const r = await conn.exec(commandLine(script(REMOVE_SCRIPT, dir, state.netInterface), sudo), { timeoutMs: 30_000 });
        const s = summarizeRemoval(r.stdout);
        const what = [
          s.processes && `${s.processes} process(es)`,
          s.chains && `${s.chains} iptables chain(s)`,
          s.qdiscs && 'a tbf qdisc',
          s.shm && `${s.shm} shm file(s)`,
          s.clockMs !== undefined && `the clock's ${s.clockMs} ms skew`,
          s.ntpUnits.length > 0 && `(${s.ntpUnits.join(', ')} started again)`,
          s.dirs && 'the run directory',
        ].filter((x): x is string => typeof x === 'string');
        reports.push({
          runId: state.runId,
          // One phrase per host, as `faultline cleanup` prints each report's phrases comma-separated.
          removed: what.length > 0 ? [`on ${state.node} (${conn.label}): ${what.join(' ')}`] : [],
          problems: r.code === 0 ? [] : [`${conn.label}: ${r.stderr.trim()}`],
        });
      }
    } catch (err) {
      reports.push({ runId: '?', removed: [], problems: [`${conn.label}: ${(err as Error).message}`] });
    } finally {
      conn.close();
    }
  }));
  return { reports, skipped };
}
