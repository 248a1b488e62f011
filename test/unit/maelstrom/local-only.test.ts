import { describe, expect, it } from 'vitest';
import { checkLocalOnly } from '../../../harness/middle/maelstrom/plan.js';
import { raftTarget } from '../../../targets/raft/entry.js';

const req = (env?: string) => ({ flags: new Map<string, unknown>(env === undefined ? [] : [['env', env]]) });

describe('checkLocalOnly: the stdin/stdout targets stay on the routed network', () => {
  it('accepts no --env and --env local', () => {
    expect(() => checkLocalOnly(req(), 'raft')).not.toThrow();
    expect(() => checkLocalOnly(req('local'), 'maelstrom')).not.toThrow();
  });

  it('refuses docker for maelstrom in one sentence, naming the reason', () => {
    expect(() => checkLocalOnly(req('docker'), 'maelstrom')).toThrow(/^--target maelstrom runs only with --env local, not docker: .*container network faults would never touch their messages$/);
  });

  it('refuses the raft target and names its real-network mode as a custom target, with the image on docker', () => {
    // Through the raft target's own preflight: the hint is the raft entry's, not the maelstrom check's.
    const raft = (env: string) => raftTarget.preflight!({ flags: new Map([['env', env]]) } as unknown as Parameters<NonNullable<typeof raftTarget.preflight>>[0]);
    expect(() => raft('docker')).toThrow(/--target custom --env docker --start 'faultline-raft --listen …' --client http-kv --image faultline\/raft$/);
    let message = '';
    try { raft('ssh'); } catch (err) { message = (err as Error).message; }
    expect(message).toMatch(/host network faults would never touch/);
    expect(message).toMatch(/--target custom --env ssh --start 'faultline-raft --listen …' --client http-kv$/);
    expect(message).not.toMatch(/--image/);
  });
});
