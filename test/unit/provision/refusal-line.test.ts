/**
 * The line a refused restart is recorded with (results.json `disk`): the store's own reason, taken
 * from real log tails of servers that exited on damaged files, not their banner or a stack frame.
 */
import { describe, expect, it } from 'vitest';
import { tellingLine } from '../../../targets/server-base/server-cluster.js';

describe('the refusal line of a server log', () => {
  it('etcd: zap\'s fatal line as level, message and error, without the stack trace', () => {
    const tail = [
      '{"level":"info","ts":"2026-12-07T00:50:20.700Z","caller":"etcdmain/etcd.go:134","msg":"server has been already initialized"}',
      '{"level":"fatal","ts":"2026-12-07T00:50:20.785Z","caller":"etcdmain/etcd.go:271","msg":"discovery failed","error":"walpb: crc mismatch","stacktrace":"go.etcd.io/etcd/etcdmain.startEtcdOrProxyV2\\n\\tgo.etcd.io/etcd/etcdmain/etcd.go:271"}',
    ];
    expect(tellingLine(tail)).toBe('fatal: discovery failed: walpb: crc mismatch');
  });

  it('etcd: a raft panic is its panic line, not the goroutine dump after it', () => {
    const tail = ['{"level":"info","msg":"starting"}', 'panic: tocommit(570) is out of range [lastIndex(567)]. Was the raft log corrupted, truncated, or lost?', '', 'goroutine 140 [running]:', 'go.uber.org/zap/zapcore.(*CheckedEntry).Write(0xc0001a6000)', '\tgo.uber.org/zap@v1.10.0/zapcore/entry.go:230 +0x545'];
    expect(tellingLine(tail)).toBe('panic: tocommit(570) is out of range [lastIndex(567)]. Was the raft log corrupted, truncated, or lost?');
  });

  it('Consul: bbolt\'s SIGBUS on a truncated raft.db with its signal line; the banner\'s ==> lines are not reasons', () => {
    const tail = ['==> Log data will now stream in as it occurs:', '    2026-12-07T01:12:29.360Z [WARN]  agent: bootstrap_expect > 0: expecting 5 servers', 'unexpected fault address 0x7f46689f500a', 'fatal error: fault',
      '[signal SIGBUS: bus error code=0x2 addr=0x7f46689f500a pc=0x191f026]', '', 'goroutine 1 [running]:', 'github.com/boltdb/bolt.(*freelist).read(0xc0009387b0, 0x7f46689f5000)', '\tgithub.com/hashicorp/raft/net_transport.go:172 +0x1d3'];
    expect(tellingLine(tail)).toBe('fatal error: fault [signal SIGBUS: bus error code=0x2 addr=0x7f46689f500a pc=0x191f026]');
    expect(tellingLine(['==> Starting Consul agent...', '==> failed to setup node ID: NodeID in /x/node-id is invalid: uuid string is wrong length'])).toBe('==> failed to setup node ID: NodeID in /x/node-id is invalid: uuid string is wrong length');
  });

  it('Consul: its own [ERROR] line when the agent does not start, not the banner or the INFO after it', () => {
    const err = '2026-12-07T19:51:20.306Z [ERROR] agent: Error starting agent: error="Failed to start Consul server: Failed to start Raft: write /x/raft/raft.db: file too large"';
    const tail = ['==> Starting Consul agent...', '    2026-12-07T19:51:20.290Z [INFO]  agent.server: raft: starting', `    ${err}`, '    2026-12-07T19:51:20.307Z [INFO]  agent: Exit code: 1'];
    expect(tellingLine(tail)).toBe(err);
  });

  it('ZooKeeper: Java\'s root cause, not the exit line after it', () => {
    const tail = ['[main] ERROR org.apache.zookeeper.server.quorum.QuorumPeer - Unable to load database on disk', 'java.io.IOException: CRC check failed', '\tat org.apache.zookeeper.server.persistence.FileTxnLog$FileTxnIterator.next(FileTxnLog.java:771)',
      'Caused by: java.io.IOException: CRC check failed', '[main] ERROR org.apache.zookeeper.util.ServiceUtils - Exiting JVM with code 1'];
    expect(tellingLine(tail)).toBe('Caused by: java.io.IOException: CRC check failed');
  });

  it('no telling line: the last line; an empty log says so', () => {
    expect(tellingLine(['starting', 'still starting'])).toBe('still starting');
    expect(tellingLine([])).toBe('(empty log)');
  });
});
