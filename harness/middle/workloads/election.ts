/**
 * The election workload for real stores: candidates campaign for leadership through the store's own
 * election recipe, act as leader for a while, and resign; observers record which leader they see.
 * The election checker (checkers/election.ts) judges one leader per epoch, epochs increasing in real
 * time, each observer seeing epochs in order, and failover after a fault cut the leader off.
 *
 * The first min(nodes, concurrency / 2) threads observe (one per node at the default 10 threads on
 * 5 nodes), the others are candidates. Ops, each store implementing them in its own client:
 * - `campaign`: blocks until elected or its timeout; ok `{node, leader, epoch, ttlMs}` where `leader`
 *   identifies this candidacy (etcd's leader key, ZooKeeper's znode, Consul's session) and `epoch`
 *   is the store's number for it (etcd's leader key revision, ZooKeeper's sequence number, the
 *   ModifyIndex of Consul's acquire);
 * - `lead`: a leader's act, vouched for by the store (etcd proclaim, a write to the own znode, a
 *   consistent read that the session still holds the key): ok `{node, leader, epoch}`, `fail` when the
 *   store says it no longer leads (or it never did);
 * - `resign`: gives leadership up (`fail` when not leading);
 * - `observe`: the current leader as the store answers it: ok `{epoch, leader, node}`, or
 *   `{epoch: null, leader: null}` when there is none.
 */
import { electionChecker } from '../../../checkers/election.js';
import { eachThread, repeat, reserve, sleep } from '../../ground/generator/index.js';
import type { StoreWorkload } from './store-types.js';

/** Acts of a leader per tenure, and the pause between them, ns. */
export const LEAD_ACTS = 3;
export const LEAD_GAP_NS = 100e6;
/** Pause after resigning before campaigning again; between two observations, ns. */
export const ELECTION_THINK_NS = 200e6;
export const OBSERVE_GAP_NS = 100e6;

/** Observer threads: one per node up to half the clients (none with a single client). */
export function observerCount(concurrency: number, nodes: number): number {
  return Math.min(nodes, Math.floor(concurrency / 2));
}

const tenure = [{ f: 'campaign' }, ...Array.from({ length: LEAD_ACTS }, () => [{ f: 'lead' }, sleep(LEAD_GAP_NS)]).flat(), { f: 'resign' }, sleep(ELECTION_THINK_NS)];

export const election: StoreWorkload = {
  name: 'election',
  description: 'election: candidates campaign, lead for a while and resign, observers watch the leader; checks one leader per epoch, epochs in order, failover',
  generator: (opts) => reserve(
    [[observerCount(opts.concurrency, opts.nodes.length), eachThread(repeat([{ f: 'observe' }, sleep(OBSERVE_GAP_NS)]))]],
    eachThread(repeat(tenure)),
  ),
  // After healing: everyone looks once more, so a failover late in the run is still sighted.
  finalGenerator: () => eachThread({ f: 'observe' }),
  checkers: [electionChecker()],
  hasHolders: true,
};
