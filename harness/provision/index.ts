/** Provisioning of test hosts: local network namespaces (docker and ssh come later). */
export type { ExecOptions, ExecResult } from './exec.js';
export { haveCommand, run, runOk } from './exec.js';
export type { Remote, RemoteProcess, SpawnOptions } from './remote.js';
export type { LocalOptions } from './local.js';
export { LocalHost, LocalNetwork, provisionLocal, stopProcess } from './local.js';
export type { CleanupReport } from './cleanup.js';
export { cleanupAll, namePrefix, removeRun, removeShmOf, splitRule } from './cleanup.js';
export type { RecordedProcess, RunState } from './state.js';
export { ownerAlive, readStates, stateDir, StateFile } from './state.js';
export type { Subnet } from './subnet.js';
export { formatSubnet, freeSubnet, gatewayIp, hostIp, overlaps, parseSubnet, routedSubnets } from './subnet.js';
export { isAlive, isSameProcess, processState, startTime, terminate, waitDead } from './process-info.js';
export type { MachineProbe, Requirement } from './preflight.js';
export { checkRequirements, command, DELAY_REQUIREMENTS, file, NAMESPACE_REQUIREMENTS, realProbe } from './preflight.js';
export { choiceFlag, flagValue, namespaceFaults, nodeNames, numberFlag } from './store-plan.js';
