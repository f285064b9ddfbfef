import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { requireBinary } from '../binary.ts';
import { startNatsCluster } from './nats-cluster.ts';
import { startNatsServer } from './nats-server.ts';
import { until } from '../until.ts';

const nats = requireBinary('nats-server', 'nats-server');

describe.skipIf(!nats.available)(`nats harness ${nats.reason ?? ''}`, () => {
  it('server - starts with JetStream, survives kill and restart on the same port and store', async () => {
    const server = await startNatsServer();
    try {
      let nc = await connect({ servers: server.url });
      let jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'H', subjects: ['h.>'] });
      await nc.request('h.1', 'x').catch(() => undefined);
      await nc.close();
      await server.kill();
      await expect(connect({ servers: server.url, reconnect: false, timeout: 500 })).rejects.toThrow();
      await server.restart();
      nc = await connect({ servers: server.url });
      jsm = await jetstreamManager(nc);
      expect((await jsm.streams.info('H')).state.messages).toBe(1);
      await nc.close();
    } finally {
      await server.cleanup();
    }
  });

  it('cluster - three nodes accept an R3 stream at once and keep it after a node dies', async () => {
    const cluster = await startNatsCluster();
    try {
      const nc = await connect({ servers: cluster.urls });
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.add({ name: 'R3', subjects: ['r3.>'], num_replicas: 3 });
      expect(info.config.num_replicas).toBe(3);
      await cluster.servers[0]!.kill();
      await cluster.servers[0]!.restart();
      // Until the cluster agrees again: had the killed node led the stream, a new leader is being
      // elected (info requests fail meanwhile), and the restarted node rejoins as a replica when
      // it has caught up — seconds on a busy machine.
      let last: unknown;
      await until(
        async () => {
          last = await jsm.streams.info('R3').then(
            (i) => i.cluster,
            (error: Error) => error.message,
          );
          const c = last as { leader?: string; replicas?: unknown[] } | string;
          return typeof c === 'object' && c.leader !== undefined && c.replicas?.length === 2;
        },
        { timeoutMs: 60_000, intervalMs: 250, what: 'a leader and two replicas of the R3 stream' },
      ).catch((error: Error) => {
        throw new Error(`${error.message}; last: ${JSON.stringify(last)}`);
      });
      await nc.close();
    } finally {
      await cluster.cleanup();
    }
  });
});
