/**
 * Seeds beyond 2^53 are kept exact from `--seed` (or a config) through test.json and replay into the
 * generator's RNG, and every seed that was exact before keeps the stream it had, so same-seed replays
 * of stored runs do not change. The golden draws below were taken from the RNG before this change.
 */
import { describe, expect, it } from 'vitest';
import { parseRunRequest, seedFlag } from '../../../harness/top/cli/run-command.js';
import { checkConfig, settingsToArgv } from '../../../harness/top/config/schema.js';
import { createRng, runSeed, type Seed } from '../../../harness/ground/generator/rng.js';
import { replayArgv } from '../../../harness/top/run/replay.js';

const draw = (seed: Seed): number[] => {
  const r = createRng(seed);
  return Array.from({ length: 4 }, () => r.next());
};

describe('seeds beyond 2^53', () => {
  it.each([
    [0, [4187458251, 2444602982, 3872279642, 1301277917]],
    [42, [92200766, 2412254880, 4235012410, 3021587895]],
    [2 ** 40 + 7, [4148038816, 53409097, 3544831961, 1255983026]],
    [Number.MAX_SAFE_INTEGER, [3546319002, 3867775473, 267681184, 9686737]],
    ['run-2024', [1678602528, 238150167, 3999714659, 4000743140]],
  ] as const)('seed %j draws what it drew before', (seed, before) => {
    expect(draw(seed)).toEqual(before);
    if (typeof seed === 'number') expect(draw(runSeed(seedFlag(String(seed))))).toEqual(before);
  });

  it('a rounded seed a stored run recorded (2^53, 2^60 as JSON writes it) replays onto its old stream', () => {
    expect(draw(runSeed(seedFlag('9007199254740992')))).toEqual([4143714829, 1393163470, 4130598518, 2975645202]);
    expect(draw(runSeed(seedFlag('1152921504606847000')))).toEqual([219412614, 1685793156, 2811412742, 3892571245]);
  });

  it('2^53+1 is its own seed, not 2^53', () => {
    expect(seedFlag('9007199254740993')).toBe('9007199254740993');
    expect(runSeed('9007199254740993')).toBe(2n ** 53n + 1n);
    expect(draw(runSeed('9007199254740993'))).not.toEqual(draw(runSeed('9007199254740992')));
    expect(draw(5n)).toEqual(draw(5));
  });

  it('--seed keeps the digits into the config, the replay command and back', () => {
    const { req } = parseRunRequest(['--seed', '9007199254740993'], () => {});
    expect(req.config.seed).toBe('9007199254740993');
    expect(req.config.command).toContain('--seed 9007199254740993');
    const stored = JSON.parse(JSON.stringify(req.config)) as Record<string, unknown>;
    expect(stored.seed).toBe('9007199254740993');
    expect(parseRunRequest(replayArgv(stored), () => {}).req.config.seed).toBe('9007199254740993');
  });

  it('a seed that cannot be kept exact is one clear error', () => {
    expect(() => seedFlag('1e20')).toThrow(/--seed 1e20 is beyond 2\^53: write it in plain digits/);
    expect(() => seedFlag('-1')).toThrow(/must be a whole number ≥ 0/);
    expect(() => checkConfig({ seed: 9007199254740993 }, 'c.json')).toThrow(/beyond 2\^53.*string of digits/);
    expect(() => checkConfig({ seeds: [1, 2 ** 60] }, 'c.json')).toThrow(/beyond 2\^53/);
    expect(() => checkConfig({ seed: -5n }, 'c.ts')).toThrow(/seed -5n is not a whole number ≥ 0/);
  });

  it('a config seed as digits or a bigint becomes the exact --seed', () => {
    for (const seed of ['9007199254740993', 9007199254740993n]) {
      const argv = settingsToArgv(checkConfig({ seed }, 'c.ts'));
      expect(argv.slice(argv.indexOf('--seed'), argv.indexOf('--seed') + 2)).toEqual(['--seed', '9007199254740993']);
    }
  });
});
