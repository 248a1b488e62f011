/**
 * libfaketime's /dev/shm files of a SIGKILLed raft run: its node PIDs live only in the controller's
 * memory, so `faultline cleanup` found none of the four files it left (seen on this machine). Cleanup
 * now removes every faketime file whose PID is gone (orphanShmPids), and never one of a live PID.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { orphanShmPids } from '../../../harness/middle/hosts/faketime.js';

const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-shm-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('orphanShmPids', () => {
  it('names the PIDs of faketime files whose process is gone, not of a live one or of other files', () => {
    const dead = spawnSync('true').pid!; // exited and reaped: its PID is free
    for (const f of [`faketime_shm_${dead}`, `sem.faketime_sem_${dead}`, `faketime_shm_${process.pid}`, `sem.faketime_sem_${process.pid}`, 'faketime_shm_x', 'other_123']) {
      fs.writeFileSync(nodePath.join(dir, f), '');
    }
    expect(orphanShmPids(dir)).toEqual([dead]);
  });

  it('finds none in a directory that does not exist', () => {
    expect(orphanShmPids(nodePath.join(dir, 'absent'))).toEqual([]);
  });
});
