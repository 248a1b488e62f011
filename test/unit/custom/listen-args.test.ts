/** The Raft's --listen flags: taken out of argv, checked, one sentence for each mistake. */
import { describe, expect, it } from 'vitest';
import { takeListenArgs } from '../../../targets/raft/listen.js';

const PEERS = 'n1=10.0.0.1:7000,n2=10.0.0.2:7000,n3=10.0.0.3:7000';

describe('takeListenArgs', () => {
  it('takes listen, node and peers and leaves the rest for the node parser', () => {
    const r = takeListenArgs(['--listen', '10.0.0.2:8080', '--node', 'n2', '--peers', PEERS, '--data-dir', '/d', '--bug', 'stale-read']);
    expect(r.rest).toEqual(['--data-dir', '/d', '--bug', 'stale-read']);
    expect(r.listen).toEqual({ host: '10.0.0.2', port: 8080, node: 'n2', peers: [
      { node: 'n1', host: '10.0.0.1', port: 7000 }, { node: 'n2', host: '10.0.0.2', port: 7000 }, { node: 'n3', host: '10.0.0.3', port: 7000 },
    ] });
  });

  it('takes --peer-timeout-ms', () => {
    expect(takeListenArgs(['--listen', 'h:1', '--node', 'n1', '--peers', 'n1=h:7', '--peer-timeout-ms', '80']).listen).toMatchObject({ peerTimeoutMs: 80 });
  });

  it('leaves Maelstrom mode alone', () => {
    expect(takeListenArgs(['--data-dir', '/d'])).toEqual({ rest: ['--data-dir', '/d'] });
  });

  it.each([
    [['--listen', '8080', '--node', 'n1', '--peers', PEERS], /--listen needs HOST:PORT, got "8080"/],
    [['--listen', 'h:1', '--peers', PEERS], /--node NAME is required/],
    [['--listen', 'h:1', '--node', 'n4', '--peers', PEERS], /--peers must list this node \(n4\)/],
    [['--listen', 'h:1', '--node', 'n1', '--peers', 'n1=h'], /--peers entry "n1=h" is not NAME=HOST:PORT/],
    [['--node', 'n1'], /--node and --peers go with --listen/],
    [['--listen', 'h:1', '--node', 'n1', '--peers', 'n1=h:7', '--peer-timeout-ms', '5'], /--peer-timeout-ms needs an integer ≥ 10, got "5"/],
  ])('%j is refused', (argv, message) => {
    const r = takeListenArgs(argv);
    expect(typeof r.listen).toBe('string');
    expect(r.listen).toMatch(message);
  });
});
