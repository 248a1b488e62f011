/**
 * `faultline check` on transactional histories, through the built CLI: the Elle example fixtures
 * (test/fixtures/elle, rebuilt after the Elle paper's and README's examples) give the classes Elle
 * gives, the checker follows the history's micro-ops, Knossos' multi-register history agrees with
 * Knossos, and bad flags are one sentence and exit 254.
 */
import { spawnSync } from 'node:child_process';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = nodePath.resolve(nodePath.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixture = (f: string): string => nodePath.join(root, 'test/fixtures', f);
function check(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [nodePath.join(root, 'dist/harness/top/cli/main.js'), 'check', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const EXPECTED: [string, string[], number][] = [
  ['g0.edn', ['G0'], 1],
  ['g1a.edn', ['G1a'], 1],
  ['g1c.edn', ['G1c'], 1],
  ['readme-g1c.edn', ['G1c'], 1],
  ['g-single.edn', ['G-single'], 1],
  ['g2-item.edn', ['G2-item'], 1],
  ['lost-update.edn', ['G-single', 'lost-update'], 1],
  ['internal.edn', ['internal'], 1],
  ['incompatible-order.edn', ['incompatible-order'], 1],
  ['stale-read.edn', ['G-single-realtime'], 1],
  ['valid.edn', [], 0],
  ['rw-register-g-single.edn', ['G-single'], 1],
  ['rw-register-g1b.edn', ['G1b'], 1],
  ['rw-register-stale-read.edn', ['G2-item-realtime'], 1],
];

describe('faultline check with Elle', () => {
  for (const [file, types, code] of EXPECTED) {
    it(`${file}: ${types.join(', ') || 'valid'}`, () => {
      const r = check(fixture(`elle/${file}`), '--json');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(code);
      const j = JSON.parse(r.stdout) as { checker: string; anomalyTypes: Record<string, number> };
      expect(j.checker).toBe('elle');
      expect(Object.keys(j.anomalyTypes).sort()).toEqual(types);
    });
  }

  it("Elle README's example: G1c, so read-committed is ruled out and read-uncommitted is the strongest model left (Elle: :not #{:read-committed})", () => {
    const r = check(fixture('elle/readme-g1c.edn'), '--consistency-models', 'read-committed');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ruled out: read-committed,/);
    expect(r.stdout).toMatch(/strongest model still consistent: read-uncommitted/);
  });

  it('a stale read is serializable but not strict-serializable, and the text explains the cycle', () => {
    expect(check(fixture('elle/stale-read.edn'), '--consistency-models', 'serializable').code).toBe(0);
    const r = check(fixture('elle/stale-read.edn'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/T1 read key 1 as \[\] without 1, which T0 appended, so T1 → rw → T0/);
    expect(r.stdout).toMatch(/T0 completed \(history index 1\) before T1 was invoked \(history index 2\), so T0 → rt → T1/);
    expect(r.stdout).toMatch(/strongest model still consistent: strong-session-serializable/);
  });

  it('the rw-register stale read is found through real time only for strict serializable', () => {
    expect(check(fixture('elle/rw-register-stale-read.edn'), '--consistency-models', 'serializable').code).toBe(0);
    const r = check(fixture('elle/rw-register-stale-read.edn'));
    expect(r.stdout).toMatch(/T0 wrote 1 to key "x" and completed before T1, which wrote 2, began; T2 read 1, so in real time T2 → rw → T1/);
  });

  it("Knossos' multi-register history goes to the linearizable multi-register model and is linearizable, as Knossos says", () => {
    const r = check(fixture('knossos/multi-register.edn'), '--initial', '0');
    expect(r.stdout).toMatch(/linearizable \(model multi-register\): linearizable/);
    expect(r.code).toBe(0);
    expect(check(fixture('knossos/multi-register.edn'), '--model', 'multi-register', '--initial', '0').code).toBe(0);
  });

  it('bad flags are one sentence and exit 254', () => {
    const both = check(fixture('elle/g0.edn'), '--checker', 'elle', '--model', 'register');
    expect(both.code).toBe(254);
    expect(both.stderr.trim().split('\n')).toHaveLength(1);
    expect(both.stderr).toMatch(/--model register is for the linearizability checker/);
    const bad = check(fixture('elle/g0.edn'), '--consistency-models', 'serialisable');
    expect(bad.code).toBe(254);
    expect(bad.stderr).toMatch(/unknown model serialisable; choose from/);
    const initial = check(fixture('elle/g0.edn'), '--initial', '0');
    expect(initial.code).toBe(254);
    expect(initial.stderr).toMatch(/--initial is for the linearizability checker, and this history goes to Elle/);
    const notTxn = check(fixture('knossos/mongodb-v0-ack-rollback-9.edn'), '--checker', 'elle');
    expect(notTxn.code).toBe(254);
    expect(notTxn.stderr).toMatch(/expected "txn" in a transactional history/);
  });
});
