import { connect, createServer, type Server, type Socket } from 'node:net';
import { ManualClock, Registry } from '@tickline/kernel';
import {
  requirePostgresBinaries,
  startPostgresPrimary,
  startPostgresReplica,
  until,
  type PostgresServerHandle,
} from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../port/sql.ts';
import { createPostgresSql } from '../postgres/postgres-sql.ts';
import { createReadSql, type ReadSql } from './read-sql.ts';

// Under CI=true a missing PostgreSQL throws here instead of skipping.
const binaries = requirePostgresBinaries();

async function readsByRoute(registry: Registry): Promise<Record<string, number>> {
  const metric = registry.getSingleMetric('tickline_sql_reads_total');
  const values = (await metric!.get()).values;
  return Object.fromEntries(values.map((v) => [String(v.labels.route), v.value]));
}

async function gauge(registry: Registry, name: string): Promise<number | undefined> {
  return (await registry.getSingleMetric(name)?.get())?.values[0]?.value;
}

/**
 * A TCP relay in front of a server that can freeze: bytes stop flowing both ways while the
 * connections stay open, as with a frozen host or a partition (nothing is refused or reset).
 */
async function startFreezableRelay(targetPort: number) {
  const sockets = new Set<Socket>();
  let frozen = false;
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
      if (frozen) socket.pause();
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    freeze() {
      frozen = true;
      for (const socket of sockets) socket.pause();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe.skipIf(!binaries.available)(
  `read/write split on a streaming replica ${binaries.reason ?? ''}`,
  () => {
    let primaryServer: PostgresServerHandle;
    let replicaServer: PostgresServerHandle;
    let primary: Sql;
    const opened: ReadSql[] = [];

    async function router(options: { maxLagMs?: number; clock?: ManualClock; metrics?: Registry } = {}) {
      const reads = createReadSql({
        primary,
        replica: await createPostgresSql({ url: replicaServer.url, verify: false, connectTimeoutMs: 2_000 }),
        freshWindowMs: 1_000,
        ...options,
      });
      opened.push(reads);
      return reads;
    }

    /** Rows of `notes` as a reader sees them. */
    const notes = async (sql: Pick<Sql, 'query'>) =>
      (await sql.query<{ body: string }>('select body from notes order by id')).rows.map((r) => r.body);

    beforeAll(async () => {
      primaryServer = await startPostgresPrimary();
      replicaServer = await startPostgresReplica(primaryServer);
      primary = await createPostgresSql({ url: primaryServer.url });
      await primary.exec(
        'create table notes (id serial primary key, owner text not null, body text not null)',
      );
      const replica = await createPostgresSql({ url: replicaServer.url });
      try {
        const exists = async () =>
          (await replica.query<{ t: string | null }>("select to_regclass('notes')::text as t")).rows[0]?.t;
        await until(async () => (await exists()) === 'notes', 'the table replayed on the replica');
      } finally {
        await replica.close();
      }
    }, 120_000);

    afterAll(async () => {
      for (const reads of opened) await reads.close();
      await primary?.close();
      await replicaServer?.cleanup();
      await primaryServer?.cleanup();
    });

    it('replica - a write on the primary appears on the replica, where plain reads run', async () => {
      const metrics = new Registry();
      const reads = await router({ metrics });
      await primary.query("insert into notes (owner, body) values ('u0', 'first')");
      await until(async () => (await notes(reads)).includes('first'), 'the write replayed on the replica');
      const where = await reads.query<{ standby: boolean }>('select pg_is_in_recovery() as standby');
      expect(where.rows).toEqual([{ standby: true }]);
      expect((await readsByRoute(metrics)).replica).toBeGreaterThanOrEqual(2);
      // Writes sent here by mistake are refused by the standby, not silently applied elsewhere.
      await expect(reads.query("insert into notes (owner, body) values ('u0', 'no')")).rejects.toThrow(
        /read-only/,
      );
    });

    it('replica - the lag is measured, shown, and past the limit sends reads to the primary', async () => {
      const metrics = new Registry();
      const reads = await router({ metrics, maxLagMs: 200 });
      await until(async () => (await reads.probe()).lagBytes === 0, 'the replica caught up');
      expect(reads.status()).toMatchObject({ configured: true, up: true, standby: true, lagSeconds: 0 });
      expect(await gauge(metrics, 'tickline_sql_replica_up')).toBe(1);

      // Replay paused on the standby: the primary moves on and the replica stays behind.
      const replicaAdmin = await createPostgresSql({ url: replicaServer.url });
      try {
        await replicaAdmin.query('select pg_wal_replay_pause()');
        await primary.query("insert into notes (owner, body) values ('u0', 'while paused')");
        await until(async () => ((await reads.probe()).lagSeconds ?? 0) > 0.2, 'the lag passed 200 ms');
        const status = reads.status();
        expect(status.lagBytes).toBeGreaterThan(0);
        expect(await gauge(metrics, 'tickline_sql_replica_lag_bytes')).toBe(status.lagBytes);
        expect(await gauge(metrics, 'tickline_sql_replica_lag_seconds')).toBe(status.lagSeconds);
        // Too far behind: the read goes to the primary and sees the new row.
        expect(await notes(reads)).toContain('while paused');
        expect((await readsByRoute(metrics)).primary_lagging).toBe(1);

        await replicaAdmin.query('select pg_wal_replay_resume()');
        await until(async () => (await reads.probe()).lagSeconds === 0, 'the replica caught up again');
        expect(await notes(reads)).toContain('while paused');
        expect((await readsByRoute(metrics)).replica).toBe(1);
      } finally {
        await replicaAdmin.query('select pg_wal_replay_resume()').catch(() => {});
        await replicaAdmin.close();
      }
    });

    it('replica - a user’s reads after their own write go to the primary for the fresh window', async () => {
      const clock = new ManualClock(Date.now());
      const metrics = new Registry();
      const reads = await router({ clock, metrics, maxLagMs: 3_600_000 });
      const replicaAdmin = await createPostgresSql({ url: replicaServer.url });
      try {
        // With replay paused the replica is reliably stale, so where a read ran shows in what it sees.
        await replicaAdmin.query('select pg_wal_replay_pause()');
        await primary.query("insert into notes (owner, body) values ('u1', 'mine')");
        reads.noteWrite('u1');
        expect(await notes(reads.forKey('u1'))).toContain('mine');
        expect(await notes(reads.forKey('u2'))).not.toContain('mine');
        expect(await notes(reads)).not.toContain('mine');
        clock.advance(1_001);
        // The window is over: u1 reads the replica again (still stale while replay is paused).
        expect(await notes(reads.forKey('u1'))).not.toContain('mine');
        expect(await readsByRoute(metrics)).toMatchObject({ primary_fresh: 1, replica: 3 });
      } finally {
        await replicaAdmin.query('select pg_wal_replay_resume()').catch(() => {});
        await replicaAdmin.close();
      }
    });

    it('replica - killed, reads are still answered by the primary; back, they return to it', async () => {
      const metrics = new Registry();
      const reads = await router({ metrics });
      await until(async () => (await notes(reads)).includes('mine'), 'the replica caught up');
      await replicaServer.stop();
      try {
        // The first read finds the replica gone and is answered by the primary; later ones skip it.
        expect(await notes(reads)).toContain('mine');
        expect(await notes(reads.forKey('u2'))).toContain('mine');
        expect(reads.status()).toMatchObject({ up: false });
        expect(await readsByRoute(metrics)).toMatchObject({ primary_fallback: 1, primary_down: 1 });
        expect(await gauge(metrics, 'tickline_sql_replica_up')).toBe(0);
        expect(await reads.probe()).toMatchObject({
          up: false,
          detail: expect.stringMatching(/probe failed/),
        });
      } finally {
        await replicaServer.start();
      }
      await until(async () => (await reads.probe()).up, 'the replica answers again');
      const where = await reads.query<{ standby: boolean }>('select pg_is_in_recovery() as standby');
      expect(where.rows).toEqual([{ standby: true }]);
      expect(await gauge(metrics, 'tickline_sql_replica_up')).toBe(1);
    });

    it('replica - one that hangs without refusing fails its probe in time; reads go to the primary', async () => {
      const relay = await startFreezableRelay(replicaServer.port);
      const url = new URL(replicaServer.url);
      url.port = String(relay.port);
      const metrics = new Registry();
      const reads = createReadSql({
        primary,
        replica: await createPostgresSql({ url: url.toString(), verify: false, connectTimeoutMs: 2_000 }),
        probeTimeoutMs: 500,
        metrics,
      });
      try {
        await until(async () => (await reads.probe()).up, 'the replica answers through the relay');
        relay.freeze();
        // Neither refused nor reset: only the timeout can tell that it is gone.
        expect(await reads.probe()).toMatchObject({ up: false, detail: expect.stringMatching(/timed out/) });
        expect(await notes(reads)).toContain('mine');
        expect((await readsByRoute(metrics)).primary_down).toBe(1);
      } finally {
        await relay.close();
        await reads.close().catch(() => {});
      }
    });

    it('replica - none configured: every read is a primary read', async () => {
      const reads = createReadSql({ primary });
      expect(reads.replicated).toBe(false);
      const where = await reads
        .forKey('u1')
        .query<{ standby: boolean }>('select pg_is_in_recovery() as standby');
      expect(where.rows).toEqual([{ standby: false }]);
      expect(await reads.probe()).toEqual({ configured: false, up: false });
    });
  },
);
