/**
 * `faultline run`'s command line: defaults, the replay command, and one clear sentence for each
 * mistake (parsing only; nothing starts).
 */
import { describe, expect, it } from 'vitest';
import { parseRunRequest } from '../../../harness/top/cli/run-command.js';
import { faultOptionsOf } from '../../../harness/middle/faults/nemesis/index.js';

describe('faultline run arguments', () => {
  it('defaults to the bundled Raft, lin-kv, 5 nodes, 60 s, no faults, and pins the seed in the replay command', () => {
    const { target, req, reporter } = parseRunRequest(['--seed', '9', '--nemesis', 'partition,kill']);
    expect(target.name).toBe('raft');
    expect(req.workload).toBe('lin-kv');
    expect(req.nodeCount).toBe(5);
    expect(req.config).toMatchObject({ seed: 9, timeLimitS: 60, rate: 100, concurrency: 10, faults: ['partition', 'kill'], quietS: 5 });
    expect(reporter).toBe('text');
    expect(req.config.command).toBe('faultline run --nemesis partition,kill --seed 9');
  });

  it('narrows partition shapes and node targets when asked', () => {
    const { req } = parseRunRequest(['--partition-shapes', 'primaries, isolate-one', '--node-targets', 'all']);
    expect(req.config.partitionShapes).toEqual(['primaries', 'isolate-one']);
    expect(req.config.nodeTargets).toEqual(['all']);
  });

  it('takes the clock offset range and hands it to the clock faults', () => {
    const { req } = parseRunRequest(['--nemesis', 'clock', '--clock-offsets', '500ms-2m']);
    expect(req.config.clockOffsetsMs).toEqual([500, 120_000]);
    expect(faultOptionsOf(req.config).clock).toMatchObject({ minOffsetMs: 500, maxOffsetMs: 120_000 });
    const narrowed = parseRunRequest(['--clock-offsets', '1s-1s', '--node-targets', 'primaries']).req.config;
    expect(faultOptionsOf(narrowed).clock).toEqual({ targets: ['primaries'], minOffsetMs: 1000, maxOffsetMs: 1000 });
  });

  it('takes leader-churn\'s long wait', () => {
    const { req } = parseRunRequest(['--nemesis', 'leader-churn', '--churn-long-wait', '100ms']);
    expect(faultOptionsOf(req.config).churn).toEqual({ longWaitMs: 100 });
    expect(faultOptionsOf(parseRunRequest([]).req.config).churn).toBeUndefined();
  });

  it('draws a seed when none is given and writes it into the replay command', () => {
    const { req } = parseRunRequest(['--time-limit', '2m', '--target', 'maelstrom', '--bin', 'x', '--arg', 'a b', '--arg', 'c']);
    expect(Number.isInteger(req.config.seed)).toBe(true);
    expect(req.config.timeLimitS).toBe(120);
    expect(req.flags.get('arg')).toEqual(['a b', 'c']);
    // The command is derived from the settings (the registry's order and its duration texts), the seed pinned.
    expect(req.config.command).toBe(`faultline run --target maelstrom --time-limit 120s --seed ${req.config.seed} --bin x --arg 'a b' --arg c`);
  });

  it.each([
    [['--bin', './node'], /--bin is a flag of --target maelstrom, not of raft; add --target maelstrom/],
    [['--target', 'nope'], /unknown target "nope"; choose one of raft, maelstrom/],
    [['--workload', 'g-set'], /--workload g-set is not a workload of target raft; choose lin-kv/],
    [['--nemesis', 'partition,frob'], /unknown fault 'frob'/],
    [['--nodes', '0'], /--nodes 0 must be a whole number ≥ 1/],
    [['--rate', '-3'], /--rate -3 must be a positive number/],
    [['--time-limit', 'soon'], /--time-limit "soon" is not a duration/],
    [['--reporter', 'xml'], /--reporter xml is not a reporter; choose text, json, junit/],
    [['--name', '../x'], /--name \.\.\/x must be a directory name inside the store/],
    [['--name', '..'], /--name \.\. must be a directory name inside the store.*not "\." or "\.\."/],
    [['stray'], /takes no positional arguments/],
    [['--partition-shapes', 'halves,triangle'], /--partition-shapes: unknown shape triangle; the shapes are/],
    [['--node-targets', 'most'], /--node-targets: unknown target most; the targets are one, minority/],
    [['--frobnicate'], /unknown option --frobnicate for faultline run/],
    [['--clock-offsets', '5s'], /--clock-offsets "5s" is not a range; write MIN-MAX, e.g. 1s-60s/],
    [['--clock-offsets', '5s-1s'], /--clock-offsets 5s-1s: MIN must be above 0 and at most MAX/],
    [['--clock-offsets', '0s-1s'], /MIN must be above 0/],
    [['--clock-offsets', '1x-2s'], /is not a duration/],
    [['--churn-long-wait', '0ms'], /--churn-long-wait 0ms must be longer than 0 ms/],
  ])('%j → %s', (argv, message) => {
    expect(() => parseRunRequest(argv)).toThrow(message);
  });
});
