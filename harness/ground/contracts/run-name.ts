/**
 * What sets a run apart beyond its target and workload — a bug switch, the environment, a read mode
 * other than the target's default — for the default run name and the store index's column (#24: an
 * INVALID `--bug stale-read` run sat among valid `raft-lin-kv` rows, looking like one of them).
 * Defaults are left out, so two runs that test the same thing share a name.
 */

/** One distinguishing setting: what it is and its value, e.g. `{ what: 'bug', value: 'stale-read' }`. */
export interface RunSetting {
  what: 'bug' | 'env' | 'reads';
  value: string;
}

/**
 * The read mode each store uses when `--reads` is absent (targets/*\/entry.ts). Runs stored before the
 * flag had one name kept it as `read-consistency` (etcd) or `consul-reads` (Consul) in test.json.
 */
export const READ_MODE_DEFAULTS: Readonly<Record<string, string>> = { etcd: 'linearizable', zookeeper: 'sync', consul: 'consistent' };
const READ_MODE_FLAGS = ['reads', 'read-consistency', 'consul-reads'] as const;

/** The environment a run uses when `--env` is absent (harness/middle/hosts/environments.ts). */
const DEFAULT_ENV = 'local';

type Flags = ReadonlyMap<string, unknown> | Readonly<Record<string, unknown>>;

const get = (flags: Flags, name: string): unknown => (flags instanceof Map ? flags.get(name) : (flags as Record<string, unknown>)[name]);
const strings = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The settings of a run (target and its flags, as parsed or as test.json's `targetFlags` holds them) that differ from the defaults. */
export function runSettings(target: string, flags: Flags | undefined): RunSetting[] {
  if (!flags) return [];
  const out: RunSetting[] = [];
  for (const bug of [...new Set(strings(get(flags, 'bug')))].sort()) out.push({ what: 'bug', value: bug });
  const env = strings(get(flags, 'env'))[0];
  if (env !== undefined && env !== DEFAULT_ENV) out.push({ what: 'env', value: env });
  const dflt = READ_MODE_DEFAULTS[target];
  const mode = READ_MODE_FLAGS.map((f) => strings(get(flags, f))[0]).find((m) => m !== undefined);
  if (dflt !== undefined && mode !== undefined && mode !== dflt) out.push({ what: 'reads', value: mode });
  return out;
}

/** The settings as the index shows them: `bug stale-read, env docker`. */
export function settingsText(settings: readonly RunSetting[]): string {
  return settings.map((s) => `${s.what} ${s.value}`).join(', ');
}

/** Only what a directory name may hold (createRunDir refuses the rest); flag values are checked later. */
const slug = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '_');

/** The default test name: `<target>-<workload>` and each distinguishing setting, e.g. `raft-lin-kv-bug-stale-read`, `etcd-lin-kv-docker-reads-serializable`. */
export function defaultRunName(target: string, workload: string, flags: Flags | undefined): string {
  const parts = [target, workload];
  for (const s of runSettings(target, flags)) parts.push(s.what === 'env' ? slug(s.value) : `${s.what}-${slug(s.value)}`);
  return parts.join('-');
}
