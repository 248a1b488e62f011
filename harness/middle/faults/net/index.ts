/** Real-network control for namespace hosts: iptables partitions and loss, NFQUEUE latency, tbf bandwidth. */
export type { NetTiming } from './iptables-net.js';
export { DELAY_QUEUE, IptablesNet } from './iptables-net.js';
export { buildDelayer, delayerSource, delayerUnavailable } from './nfq-build.js';
export { delayerArgs, lossRules, partitionRules, restoreScript, SETUP_SCRIPT } from './rules.js';
export type { HealthProbe, HealthRecord } from './health.js';
export { withHealth } from './health.js';
