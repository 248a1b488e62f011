/**
 * The public entry point: what `import … from 'faultline'` gives, used as a library would use it.
 */
import nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import * as faultline from '../../../index.js';
import { ROOT } from './import-graph.js';

describe('the public entry point', () => {
  it('checks a stored history with the exported reader and checkers', async () => {
    const history = await faultline.readHistory(nodePath.join(ROOT, 'examples/register-stale-read.jsonl'));
    const checker = faultline.compose([faultline.linearizableChecker({ name: 'cas-register' }), faultline.statsChecker()]);
    const result = await checker.check(history.ops, {});
    expect(result.valid).toBe(false);
    expect(faultline.verdictWord(result.valid)).toBe('INVALID');
  });

  it('lists the registered targets and environments', () => {
    expect(Object.keys(faultline.TARGETS)).toEqual(expect.arrayContaining(['raft', 'maelstrom', 'etcd', 'zookeeper']));
    expect(faultline.getEnvironment('local').name).toBe('local');
  });
});
