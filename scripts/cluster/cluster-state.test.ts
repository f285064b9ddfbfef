import { describe, expect, it } from 'vitest';
import { formatStatusTable, parseClusterState, type ClusterState } from './cluster-state.ts';

const state: ClusterState = {
  supervisorPid: 42,
  baseDir: '/tmp/tickline-cluster',
  startedAt: '2026-11-22T23:41:10.762Z',
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/cluster',
  natsUrls: ['nats://127.0.0.1:4222'],
  redisUrl: 'redis://127.0.0.1:6379',
  stream: 'CLUSTER',
  processes: [
    { name: 'redis', role: 'redis', port: 6379 },
    { name: 'gateway-1', role: 'gateway', pid: 100, port: 8080, url: 'http://127.0.0.1:8080' },
  ],
};

describe('cluster state file', () => {
  it('parse - round-trips what up writes', () => {
    expect(parseClusterState(JSON.stringify(state), 'cluster.json')).toEqual(state);
  });

  it('parse - names the file when it is not JSON or not a state file', () => {
    expect(() => parseClusterState('{', 'x.json')).toThrow(/x\.json is not JSON/);
    expect(() =>
      parseClusterState(JSON.stringify({ ...state, processes: [{ name: 'a' }] }), 'x.json'),
    ).toThrow(/x\.json is not a cluster state file/);
    expect(() => parseClusterState(JSON.stringify({ ...state, extra: 1 }), 'x.json')).toThrow(
      /cluster state/,
    );
  });

  it('table - one aligned line per process, a dash for a pid the harness does not expose', () => {
    const table = formatStatusTable([
      { process: state.processes[0]!, alive: true, ready: '-' },
      { process: state.processes[1]!, alive: false, ready: 'down' },
    ]);
    expect(table.split('\n')).toEqual([
      'process    role     pid  port  alive  /readyz  url',
      '---------  -------  ---  ----  -----  -------  ---------------------',
      'redis      redis    -    6379  yes    -',
      'gateway-1  gateway  100  8080  NO     down     http://127.0.0.1:8080',
    ]);
  });
});
