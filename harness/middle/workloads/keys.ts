/**
 * `--keys`, the one declaration for every target: how many independent keys a workload spreads its
 * ops over. Each workload keeps its own default (absent, the workload's is used), named in the help.
 */
import { intOption } from '../../ground/contracts/flags.js';
import { DEFAULT_KAFKA_KEYS } from './kafka.js';
import { DEFAULT_KEY_COUNT } from './lin-kv.js';
import { REGISTER_DEFAULT_KEYS } from './register.js';
import { DEFAULT_APPEND } from './txn-list-append.js';

export const KEYS = intOption('keys',
  `independent keys of the workload (default: register ${REGISTER_DEFAULT_KEYS}, lin-kv ${DEFAULT_KEY_COUNT}, the transactional workloads ${DEFAULT_APPEND.keyCount} at a time, kafka ${DEFAULT_KAFKA_KEYS}; was --key-count)`,
  undefined, 1);
