/**
 * The election workload on ZooKeeper (harness/middle/workloads/election.ts): the recipe of the
 * ZooKeeper docs. A candidate creates an ephemeral-sequential znode under the election's parent
 * (its data: the candidate's node) and leads when its znode is the lowest; otherwise it watches its
 * predecessor and looks again when that one goes. The leader id is the znode's path, the epoch its
 * sequence number (ZooKeeper numbers a parent's children in creation order; the znode lives as long
 * as its session). A `lead` is a setData on the own znode: it succeeds only while the znode, so the
 * session, lives (a write, ordered through the leader), and no lower znode can appear later.
 * Observers read the lowest child (after a sync, so a lagging server catches up first).
 */
import zookeeper from 'node-zookeeper-client';
import type { ClientOp, Completion } from '../../harness/ground/contracts/roles.js';
import { errorMessage } from '../../harness/ground/history/errors.js';
import { definite, ZkError, type ZkSession } from './session.js';

const PARENT = '/faultline-election';
const E = zookeeper.Exception;
const isCode = (err: unknown, code: number): boolean => err instanceof ZkError && err.code === code;
const seqOf = (name: string): number => Number(name.slice(name.lastIndexOf('-') + 1));

export interface ZkElectionOptions { sessionTtlMs: number; campaignTimeoutMs: number }

/** The perform function of one candidate or observer; `leading` holds the nodes that lead now. */
/** `me` keys this candidate in `leading` (its process' close removes it). */
export function zkElection(node: string, o: ZkElectionOptions, leading: Map<object, string>, me: object): (op: ClientOp, session: () => Promise<ZkSession>) => Promise<Completion> {
  let mine: { path: string; epoch: number } | undefined;
  const lost = (): void => { mine = undefined; leading.delete(me); };
  return async (op, session) => {
    const s = await session();
    switch (op.f) {
      case 'campaign': {
        if (mine) return { type: 'fail', error: 'already leading' };
        let path: string;
        try {
          await s.create(PARENT, Buffer.alloc(0)).catch((e: unknown) => { if (!isCode(e, E.NODE_EXISTS)) throw e; });
          path = await s.create(`${PARENT}/n-`, Buffer.from(node), zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL);
        } catch (err) {
          return { type: definite(err) ? 'fail' : 'info', error: errorMessage(err) };
        }
        const deadline = Date.now() + o.campaignTimeoutMs;
        try {
          for (;;) {
            const children = (await s.getChildren(PARENT)).sort((a, b) => seqOf(a) - seqOf(b));
            const name = path.slice(PARENT.length + 1);
            const i = children.indexOf(name);
            if (i < 0) throw new ZkError(-1, 'our candidate znode vanished (session expired)');
            if (i === 0) break;
            const gone = new Promise<void>((resolve) => {
              void s.exists(`${PARENT}/${children[i - 1]}`, resolve).then((there) => { if (!there) resolve(); }, () => resolve());
            });
            const left = deadline - Date.now();
            if (left <= 0) throw new ZkError('timeout', `not elected within ${o.campaignTimeoutMs} ms`);
            await Promise.race([gone, new Promise((r) => setTimeout(r, Math.min(left, 500)))]);
          }
        } catch (err) {
          await s.remove(path).catch(() => undefined);
          return { type: 'info', error: errorMessage(err) };
        }
        mine = { path, epoch: seqOf(path) };
        leading.set(me, node);
        return { type: 'ok', value: { node, leader: path, epoch: mine.epoch, ttlMs: o.sessionTtlMs } };
      }
      case 'lead': {
        if (!mine) return { type: 'fail', error: 'not leading' };
        const m = mine;
        const value = { node, leader: m.path, epoch: m.epoch };
        try {
          await s.setData(m.path, Buffer.from(node), -1);
          return { type: 'ok', value };
        } catch (err) {
          if (isCode(err, E.NO_NODE)) { lost(); return { type: 'fail', value, error: 'our znode is gone (session expired): no longer leading' }; }
          return { type: definite(err) ? 'fail' : 'info', value, error: errorMessage(err) };
        }
      }
      case 'resign': {
        if (!mine) return { type: 'fail', error: 'not leading' };
        const m = mine;
        lost();
        try {
          await s.remove(m.path);
          return { type: 'ok', value: { node, leader: m.path, epoch: m.epoch } };
        } catch (err) {
          return isCode(err, E.NO_NODE) ? { type: 'ok', value: { node, leader: m.path, epoch: m.epoch, note: 'already gone' } } : { type: 'info', error: errorMessage(err) };
        }
      }
      case 'observe': {
        try {
          await s.sync(PARENT);
          for (let attempt = 0; attempt < 3; attempt++) {
            const children = (await s.getChildren(PARENT).catch((e: unknown) => { if (isCode(e, E.NO_NODE)) return [] as string[]; throw e; })).sort((a, b) => seqOf(a) - seqOf(b));
            if (children.length === 0) return { type: 'ok', value: { epoch: null, leader: null } };
            const path = `${PARENT}/${children[0]}`;
            try {
              const r = await s.getData(path);
              return { type: 'ok', value: { epoch: seqOf(children[0]), leader: path, node: r.data?.toString() ?? '' } };
            } catch (err) {
              if (!isCode(err, E.NO_NODE)) throw err; // it resigned between the two reads: look again
            }
          }
          return { type: 'fail', error: 'the leader changed during each of 3 looks' };
        } catch (err) {
          return { type: 'fail', error: errorMessage(err) };
        }
      }
      default:
        return { type: 'fail', error: `election: unknown op ${op.f}` };
    }
  };
}

