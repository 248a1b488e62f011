/**
 * The shell text of `--clock-mode system`, run by sh against stand-ins (this machine's clock is never
 * set): `perl` is the real one with its `syscall` replaced by a recorder of the struct timex it would
 * pass to adjtimex, `date -s` and `systemctl` are recorders. Offsets are applied as steps from the
 * recorded offset, so sending a command twice steps once; a step is ADJ_SETOFFSET with the offset as
 * a normalised timeval, or, where that is not available, a `±S.mmm seconds` that GNU date parses to
 * exactly that many ms; NTP units are recorded before they are stopped and started again after the
 * clock is put back.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REMOVE_SCRIPT } from '../../../../harness/middle/hosts/ssh/host-state.js';
import { CLOCK_PREPARE_SCRIPT, CLOCK_RESTORE_SNIPPET, CLOCK_SET_SCRIPT, NTP_UNITS } from '../../../../harness/middle/hosts/ssh/system-clock.js';

let dir: string;
let run: string;
let bin: string;
const log = (): string[] => (fs.existsSync(nodePath.join(dir, 'calls')) ? fs.readFileSync(nodePath.join(dir, 'calls'), 'utf8').trim().split('\n').filter(Boolean) : []);
const sh = (text: string, ...args: string[]): string =>
  execFileSync('sh', ['-c', text, 'sh', ...args], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
/** What `date -d ARG` is, in ms from now, per GNU date (the real one, reading only). */
const stepMs = (arg: string): number => {
  const before = Date.now();
  const ns = BigInt(execFileSync('date', ['-d', arg, '+%s%N'], { encoding: 'utf8' }).trim());
  return Number(ns / 1_000_000n) - before;
};

beforeEach(() => {
  dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'fl-sysclock-'));
  run = nodePath.join(dir, 'run');
  bin = nodePath.join(dir, 'bin');
  fs.mkdirSync(run);
  fs.mkdirSync(bin);
  const calls = nodePath.join(dir, 'calls');
  // `date -s X` is recorded, never run; systemctl answers from a file of active units.
  fs.writeFileSync(nodePath.join(bin, 'date'), `#!/bin/sh\n[ "$1" = -s ] && { echo "date $2" >> ${calls}; exit 0; }\nexec /bin/date "$@"\n`, { mode: 0o755 });
  fs.writeFileSync(nodePath.join(bin, 'systemctl'), `#!/bin/sh
case "$1" in
  is-active) grep -qx "$2" ${dir}/active && { echo active; exit 0; }; echo inactive; exit 3;;
  stop) echo "stop $2" >> ${calls}; grep -vx "$2" ${dir}/active > ${dir}/active.new; mv ${dir}/active.new ${dir}/active;;
  start) echo "start $2" >> ${calls}; [ "$2" != broken ];;
esac
`, { mode: 0o755 });
  // The real perl runs the step's program, but its syscall only records what adjtimex would get.
  fs.writeFileSync(nodePath.join(bin, 'perl'), `#!/bin/sh
exec ${execFileSync('sh', ['-c', 'command -v perl'], { encoding: 'utf8' }).trim()} -e 'BEGIN { *CORE::GLOBAL::syscall = sub {
  my ($nr, $t) = @_; open(my $f, ">>", "${calls}") or die;
  printf $f "adjtimex %d modes=0x%x sec=%d nsec=%d size=%d\\n", $nr, unpack("L", substr($t, 0, 4)), unpack("qq", substr($t, 72, 16)), length($t); 0 } }' "$@"
`, { mode: 0o755 });
  fs.writeFileSync(nodePath.join(bin, 'uname'), `#!/bin/sh\ncat ${dir}/arch\n`, { mode: 0o755 });
  fs.writeFileSync(nodePath.join(dir, 'arch'), 'x86_64\n');
  fs.writeFileSync(nodePath.join(dir, 'active'), 'systemd-timesyncd\nsshd\n');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('--clock-mode system on a host', () => {
  it('records and stops the active NTP units, and starts the offset at 0', () => {
    const out = sh(CLOCK_PREPARE_SCRIPT, run, 'no-such-daemon', ...NTP_UNITS);
    expect(out.trim().split('\n')).toEqual(['stopped systemd-timesyncd']);
    expect(log()).toEqual(['stop systemd-timesyncd']);
    expect(fs.readFileSync(nodePath.join(run, 'clock-ntp'), 'utf8')).toBe('systemd-timesyncd\n');
    expect(fs.readFileSync(nodePath.join(run, 'clock-offset'), 'utf8')).toBe('0\n');
  });

  it('names a time daemon that is still running after the units were stopped', () => {
    // `sh` is surely running (this test's own shell), so it stands for a daemon no unit stopped.
    expect(sh(CLOCK_PREPARE_SCRIPT, run, 'sh', ...NTP_UNITS)).toMatch(/^running sh$/m);
  });

  const offsets = ['1500', '1500', '-4', '262144', '262144', '0'];

  it('steps by the difference from the offset in force, once per wanted offset, with adjtimex(ADJ_SETOFFSET)', () => {
    sh(CLOCK_PREPARE_SCRIPT, run, 'x');
    // 1500 twice: sent again after a dropped connection, it does not step a second time.
    for (const o of offsets) sh(CLOCK_SET_SCRIPT, run, o);
    expect(log()).toEqual([
      'adjtimex 159 modes=0x2100 sec=1 nsec=500000000 size=208',
      'adjtimex 159 modes=0x2100 sec=-2 nsec=496000000 size=208', // -1.504 s, normalised
      'adjtimex 159 modes=0x2100 sec=262 nsec=148000000 size=208',
      'adjtimex 159 modes=0x2100 sec=-263 nsec=856000000 size=208',
    ]);
    expect(fs.readFileSync(nodePath.join(run, 'clock-offset'), 'utf8')).toBe('0\n');
    fs.writeFileSync(nodePath.join(dir, 'arch'), 'aarch64\n');
    sh(CLOCK_SET_SCRIPT, run, '-1000');
    expect(log().at(-1)).toBe('adjtimex 171 modes=0x2100 sec=-1 nsec=0 size=208');
  });

  it('steps with GNU date where adjtimex is not at hand (another architecture)', () => {
    fs.writeFileSync(nodePath.join(dir, 'arch'), 'riscv64\n');
    sh(CLOCK_PREPARE_SCRIPT, run, 'x');
    for (const o of offsets) sh(CLOCK_SET_SCRIPT, run, o);
    const steps = log().filter((l) => l.startsWith('date ')).map((l) => l.slice(5));
    expect(steps).toEqual(['+1.500 seconds', '-1.504 seconds', '+262.148 seconds', '-262.144 seconds']);
    expect(fs.readFileSync(nodePath.join(run, 'clock-offset'), 'utf8')).toBe('0\n');
  });

  it('writes steps GNU date reads as exactly that many ms', () => {
    for (const [arg, ms] of [['+1.500 seconds', 1500], ['-1.504 seconds', -1504], ['+0.004 seconds', 4], ['-262.144 seconds', -262144]] as const) {
      expect(Math.abs(stepMs(arg) - ms)).toBeLessThan(100);
    }
  });

  it('restores: steps back by the offset in force, then starts the stopped units, and says so', () => {
    sh(CLOCK_PREPARE_SCRIPT, run, 'x', ...NTP_UNITS);
    sh(CLOCK_SET_SCRIPT, run, '-2500');
    const out = sh(`d="$1"\n${CLOCK_RESTORE_SNIPPET}`, run);
    expect(out.trim().split('\n')).toEqual(['clock -2500', 'ntp systemd-timesyncd']);
    expect(log()).toEqual([
      'stop systemd-timesyncd',
      'adjtimex 159 modes=0x2100 sec=-3 nsec=500000000 size=208',
      'adjtimex 159 modes=0x2100 sec=2 nsec=500000000 size=208',
      'start systemd-timesyncd',
    ]);
    expect(fs.readdirSync(run)).toEqual([]);
    // A second restore finds nothing to do.
    expect(sh(`d="$1"\n${CLOCK_RESTORE_SNIPPET}`, run).trim()).toBe('');
  });

  it('reports a unit that does not start again', () => {
    fs.writeFileSync(nodePath.join(run, 'clock-ntp'), 'broken\n');
    expect(sh(`d="$1"\n${CLOCK_RESTORE_SNIPPET}`, run).trim()).toBe('ntp-failed broken');
  });

  it('is part of the removal a teardown or `faultline cleanup --env ssh` runs', () => {
    for (const tool of ['iptables', 'tc']) fs.writeFileSync(nodePath.join(bin, tool), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    sh(CLOCK_PREPARE_SCRIPT, run, 'x', ...NTP_UNITS);
    sh(CLOCK_SET_SCRIPT, run, '7000');
    const out = sh(REMOVE_SCRIPT, run, 'eth0');
    expect(out).toMatch(/^clock 7000$/m);
    expect(out).toMatch(/^ntp systemd-timesyncd$/m);
    expect(log()).toContain('adjtimex 159 modes=0x2100 sec=-7 nsec=0 size=208');
    expect(fs.existsSync(run)).toBe(false);
  });
});
