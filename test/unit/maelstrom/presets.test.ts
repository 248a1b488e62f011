/**
 * #31: the Gossip Glomers challenges as presets, declared once (harness/middle/maelstrom/presets.ts): each
 * expands to settings that parse, flags beside it win, and an unknown name is refused with the list.
 */
import { describe, expect, it } from 'vitest';
import { requestOf, settingsFromArgv } from '../../../harness/top/config/settings.js';
import { InputError } from '../../../harness/ground/history/errors.js';
import { workloadOptions } from '../../../harness/middle/maelstrom/plan.js';
import { GLOMERS_PRESETS } from '../../../harness/middle/maelstrom/presets.js';

const quiet = (): void => {};
const req = (...argv: string[]) => requestOf(settingsFromArgv(['--target', 'maelstrom', '--bin', 'x', ...argv], quiet).settings).req;

describe('#31 Gossip Glomers presets', () => {
  it('glomers-3d is 25 nodes of broadcast at 100 ops/s with 100 ms latency, and states its efficiency targets', () => {
    const r = req('--preset', 'glomers-3d');
    expect(r.workload).toBe('broadcast');
    expect(r.nodeCount).toBe(25);
    expect(r.config.rate).toBe(100);
    expect(r.flags.get('latency')).toBe('100ms');
    expect(GLOMERS_PRESETS['glomers-3d'].efficiency).toEqual({ msgsPerOp: 30, medianLatencyMs: 400, maxLatencyMs: 600 });
  });

  it('flags given beside the preset win', () => {
    const r = req('--preset', 'glomers-3d', '--nodes', '5', '--latency', '0');
    expect(r.nodeCount).toBe(5);
    expect(r.flags.get('latency')).toBe('0');
    expect(r.config.rate).toBe(100);
  });

  it('every preset expands to settings that parse, with its workload', () => {
    for (const [name, p] of Object.entries(GLOMERS_PRESETS)) {
      const r = req('--preset', name);
      expect(r.workload, name).toBe(p.args[p.args.indexOf('--workload') + 1]);
    }
    expect(req('--preset', 'glomers-6c').flags.get('consistency-models')).toBe('read-committed');
    expect(req('--preset', 'glomers-3c').config.faults).toEqual(['partition']);
  });

  it('an unknown preset is refused, naming the nearest and the list', () => {
    expect(() => req('--preset', 'glomers-3x')).toThrow(InputError);
    expect(() => req('--preset', 'glomers-3x')).toThrow(/--preset glomers-3x is not a preset of --target maelstrom \(did you mean glomers-3\w\?\); choose glomers-1, glomers-2, glomers-3a/);
  });
});

describe('#31 request timeouts as Maelstrom sets them', () => {
  const timeout = (...argv: string[]) => workloadOptions(req(...argv), []).rpcTimeoutMs;
  it('5 s for every workload; lin-kv max(10 × mean latency, 1 s); the flag wins', () => {
    expect(timeout('--workload', 'echo')).toBe(5000);
    expect(timeout('--workload', 'broadcast', '--latency', '100ms')).toBe(5000);
    expect(timeout('--workload', 'lin-kv')).toBe(1000);
    expect(timeout('--workload', 'lin-kv', '--latency', '50ms')).toBe(1000);
    expect(timeout('--workload', 'lin-kv', '--latency', '250ms')).toBe(2500);
    expect(timeout('--workload', 'lin-kv', '--latency', '100-300ms')).toBe(2000);
    expect(timeout('--workload', 'lin-kv', '--latency', '250ms', '--request-timeout', '700ms')).toBe(700);
  });
});
