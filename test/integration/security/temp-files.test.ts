/**
 * Issue 21, part 4, replayed with the built CLI as root: temporary files of `faultline report` have
 * names nobody can plant a link at (links planted as nobody at every old name for the next 400 PIDs
 * leave a root-only file untouched), and the index is only written into a folder with the store's
 * marker — `faultline report` on a run whose grandparent is no store writes nothing there.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli } from '../run/cli-helpers.js';
import { staleReadHistory, writeRun } from '../../unit/reports/fixture-run.js';
import { STORE_MARKER } from '../../../reports/store-marker.js';
import { asNobody, bed, removeBeds, securitySkip, victimUntouched } from './helpers.js';

const skip = securitySkip();
afterAll(removeBeds);

describe.skipIf(skip !== undefined)(`temporary and output files${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('faultline report on a run whose grandparent has no marker writes no index there, and names the fix', async () => {
    const { root } = bed('grandparent');
    const run = await writeRun(nodePath.join(root, 'copy', 'r1'), staleReadHistory());
    const r = await startCli(['report', run], root).done;
    expect(r.code, r.stderr).toBe(0);
    expect(fs.existsSync(nodePath.join(run, 'report.html'))).toBe(true);
    expect(fs.existsSync(nodePath.join(root, 'index.html'))).toBe(false);
    expect(r.stdout).toMatch(new RegExp(`note: index.html not written: ${root} has no \\.faultline-store marker.*touch ${root}/\\.faultline-store`));
    // A marked store gets its index.
    fs.writeFileSync(nodePath.join(root, STORE_MARKER), '');
    const again = await startCli(['report', run], root).done;
    expect(again.code, again.stderr).toBe(0);
    expect(fs.readFileSync(nodePath.join(root, 'index.html'), 'utf8')).toContain('copy/r1/report.html');
  });

  it('links planted by nobody at the temporary names of the coming PIDs are never written through', async () => {
    const { root, victim } = bed('tmpnames');
    // A shared store that others can write (0777, not sticky: fs.protected_symlinks does not apply).
    const store = nodePath.join(root, 'store');
    const run = await writeRun(nodePath.join(store, 't', 'r1'), staleReadHistory());
    fs.writeFileSync(nodePath.join(store, STORE_MARKER), '');
    for (const d of [store, run]) fs.chmodSync(d, 0o777);
    const last = Number(fs.readFileSync('/proc/sys/kernel/ns_last_pid', 'utf8'));
    const [from, to] = [last + 1, last + 400];
    // One process plants them all (a shell loop of `ln` would use up the PIDs it plants for).
    asNobody([process.execPath, '-e', `const fs = require('fs'); const [from, to, store, run, victim] = process.argv.slice(1);
      for (let p = +from; p <= +to; p++) for (const f of [store + '/index.html', run + '/report.html', run + '/junit.xml']) {
        fs.symlinkSync(victim, f + '.' + p + '.tmp'); fs.symlinkSync(victim, f + '.tmp-' + p);
      }`, String(from), String(to), store, run, victim]);
    const cli = startCli(['report', run], root);
    const r = await cli.done;
    expect(r.code, r.stderr).toBe(0);
    // The planted range held the CLI's own PID, so the old names were taken.
    expect(cli.child.pid).toBeGreaterThanOrEqual(from);
    expect(cli.child.pid).toBeLessThanOrEqual(to);
    expect(victimUntouched(victim)).toBe(true);
    for (const f of [nodePath.join(store, 'index.html'), nodePath.join(run, 'report.html'), nodePath.join(run, 'junit.xml')]) {
      expect(fs.lstatSync(f).isFile(), f).toBe(true);
    }
    expect(fs.readFileSync(nodePath.join(store, 'index.html'), 'utf8')).toContain('t/r1/report.html');
  });
});
