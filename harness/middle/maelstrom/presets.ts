/**
 * Fly.io's Gossip Glomers challenges as named presets (`--preset glomers-3d`), declared once here:
 * each is the `maelstrom test` command line the challenge gives, in Faultline's flags, plus the
 * efficiency targets the challenge states (reported as met or not by the run's views). Flags the
 * user gives beside --preset win over the preset's.
 */
import type { TargetPreset } from '../../ground/contracts/run-contract.js';

const preset = (challenge: string, args: string[], efficiency?: TargetPreset['efficiency']): TargetPreset =>
  (efficiency ? { challenge, args, efficiency } : { challenge, args });

const BROADCAST_25 = ['--workload', 'broadcast', '--nodes', '25', '--time-limit', '20s', '--rate', '100', '--latency', '100ms'];
const TXN = ['--workload', 'txn-rw-register', '--time-limit', '20s', '--rate', '1000'];

export const GLOMERS_PRESETS: Readonly<Record<string, TargetPreset>> = Object.freeze({
  'glomers-1': preset('1: Echo', ['--workload', 'echo', '--nodes', '1', '--time-limit', '10s']),
  'glomers-2': preset('2: Unique ID Generation', ['--workload', 'unique-ids', '--nodes', '3', '--time-limit', '30s', '--rate', '1000', '--nemesis', 'partition']),
  'glomers-3a': preset('3a: Single-Node Broadcast', ['--workload', 'broadcast', '--nodes', '1', '--time-limit', '20s', '--rate', '10']),
  'glomers-3b': preset('3b: Multi-Node Broadcast', ['--workload', 'broadcast', '--nodes', '5', '--time-limit', '20s', '--rate', '10']),
  'glomers-3c': preset('3c: Fault Tolerant Broadcast', ['--workload', 'broadcast', '--nodes', '5', '--time-limit', '20s', '--rate', '10', '--nemesis', 'partition']),
  'glomers-3d': preset('3d: Efficient Broadcast, Part I', BROADCAST_25, { msgsPerOp: 30, medianLatencyMs: 400, maxLatencyMs: 600 }),
  'glomers-3e': preset('3e: Efficient Broadcast, Part II', BROADCAST_25, { msgsPerOp: 20, medianLatencyMs: 1000, maxLatencyMs: 2000 }),
  'glomers-4': preset('4: Grow-Only Counter', ['--workload', 'g-counter', '--nodes', '3', '--time-limit', '20s', '--rate', '100', '--nemesis', 'partition']),
  'glomers-5a': preset('5a: Single-Node Kafka-Style Log', ['--workload', 'kafka', '--nodes', '1', '--concurrency', '2', '--time-limit', '20s', '--rate', '1000']),
  'glomers-5b': preset('5b: Multi-Node Kafka-Style Log', ['--workload', 'kafka', '--nodes', '2', '--concurrency', '4', '--time-limit', '20s', '--rate', '1000']),
  'glomers-5c': preset('5c: Efficient Kafka-Style Log', ['--workload', 'kafka', '--nodes', '2', '--concurrency', '4', '--time-limit', '20s', '--rate', '1000']),
  'glomers-6a': preset('6a: Single-Node, Totally-Available Transactions', [...TXN, '--nodes', '1', '--concurrency', '2', '--consistency-models', 'read-uncommitted']),
  'glomers-6b': preset('6b: Totally-Available, Read Uncommitted Transactions', [...TXN, '--nodes', '2', '--concurrency', '4', '--consistency-models', 'read-uncommitted', '--nemesis', 'partition']),
  'glomers-6c': preset('6c: Totally-Available, Read Committed Transactions', [...TXN, '--nodes', '2', '--concurrency', '4', '--consistency-models', 'read-committed', '--nemesis', 'partition']),
});
