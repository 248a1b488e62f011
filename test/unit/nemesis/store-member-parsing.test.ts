/**
 * What the stores' membership controls read from the stores' own answers: etcd's member list (the
 * JSON gateway's shape: ids as decimal strings, a learner flagged, a learner not yet started without
 * a name) and ZooKeeper's configuration (`conf` four-letter word, or a reconfig's committed one).
 */
import { describe, expect, it } from 'vitest';
import { parseMembers } from '../../../targets/etcd/members.js';
import { serverIds } from '../../../targets/zookeeper/members.js';

describe('etcd member list', () => {
  it('reads ids, names, peer URLs and learners as the gateway answers them', () => {
    const json = {
      header: { cluster_id: '1', member_id: '2' },
      members: [
        { ID: '10151680762352888717', name: 'n1', peerURLs: ['http://10.91.2.11:2380'], clientURLs: ['http://10.91.2.11:2379'] },
        { ID: '9113713664097210170', peerURLs: ['http://10.91.2.14:2380'], isLearner: true },
      ],
    };
    expect(parseMembers(json)).toEqual([
      { id: '10151680762352888717', name: 'n1', peerURLs: ['http://10.91.2.11:2380'], isLearner: false },
      { id: '9113713664097210170', name: '', peerURLs: ['http://10.91.2.14:2380'], isLearner: true },
    ]);
  });

  it('is empty for an answer without members', () => {
    expect(parseMembers({})).toEqual([]);
    expect(parseMembers({ members: 'x' })).toEqual([]);
  });
});

describe('ZooKeeper configuration', () => {
  it('lists the server ids of a conf answer, sorted, and nothing else', () => {
    const conf = [
      'clientPort=2181', 'dataDir=/x/data/version-2', 'tickTime=500',
      'server.3=10.91.1.13:2888:3888:participant;10.91.1.13:2181',
      'server.1=10.91.1.11:2888:3888:participant;10.91.1.11:2181',
      'membership: server.9=not a line start', 'version=100000002',
    ].join('\n');
    expect(serverIds(conf)).toEqual([1, 3]);
  });

  it('reads a reconfig\'s committed configuration', () => {
    expect(serverIds('Committed new configuration:\nserver.1=a:2888:3888:participant;a:2181\nserver.4=b:2888:3888:participant;b:2181\nversion=100000005\n')).toEqual([1, 4]);
  });
});
