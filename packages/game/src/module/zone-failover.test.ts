import { silentLogger, type ServiceContext } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import type { ZoneEntry } from '../coordinator/zone-coordinator.ts';
import { acquireWhenAnswered, releaseZone, type ZoneDirectory } from './zone-directory.ts';
import { startZoneFailover } from './zone-failover.ts';

/** One shared directory as two processes see it: entries, their ages, and atomic takes by epoch. */
function sharedDirectory(entries: ZoneEntry[]) {
  const claims = new Map<string, string>();
  const epochs = new Map<string, number>();
  const directory: ZoneDirectory = {
    publish: async () => [],
    read: async () => entries,
    remove: async () => {},
    orphans: async (silentForMs) => entries.filter((e) => Date.now() - e.updatedAt > silentForMs),
    acquire: async (zoneId, owner, { expectedEpoch }) => {
      const epoch = epochs.get(zoneId) ?? 0;
      if (epoch !== expectedEpoch) return undefined;
      epochs.set(zoneId, epoch + 1);
      claims.set(zoneId, owner);
      return epoch + 1;
    },
    release: async () => true,
    ready: async () => true,
    close: async () => {},
  };
  return { directory, claims };
}

const entry = (zoneId: string, ageMs: number): ZoneEntry => ({
  zoneId,
  tcp: null,
  ws: `ws://host-${zoneId}/game/ws`,
  players: 3,
  capacity: 100,
  draining: false,
  updatedAt: Date.now() - ageMs,
});

/** The beat's context; the tests call `check()` themselves (the beat's interval is a minute). */
const context: ServiceContext = { logger: silentLogger, fail: () => {} };

describe('zone failover', () => {
  it('failover - a silent zone is taken over by exactly one of the survivors; live zones stay put', async () => {
    const { directory, claims } = sharedDirectory([entry('east', 5_000), entry('west', 100)]);
    const adopted: string[] = [];
    const survivor = (name: string, local: string[]) =>
      startZoneFailover(
        {
          directory,
          owner: name,
          local: () => local,
          adopt: async (zoneId) => {
            adopted.push(`${name}:${zoneId}`);
            local.push(zoneId);
          },
          failoverAfterMs: 1_500,
          intervalMs: 60_000,
          logger: silentLogger,
        },
        context,
      );
    const a = await survivor('a', ['west']);
    const b = await survivor('b', []);
    await Promise.all([a.check(), b.check()]);
    await Promise.all([a.check(), b.check()]);
    await Promise.all([a.stop(), b.stop()]);
    expect(adopted).toHaveLength(1);
    expect(adopted[0]).toMatch(/^[ab]:east$/);
    expect([...claims.keys()]).toEqual(['east']);
  });

  it('failover - a zone this process handed off is left to the others', async () => {
    const handed = { ...entry('east', 0), updatedAt: 0, handoffFrom: 'a' };
    const { directory, claims } = sharedDirectory([handed]);
    const adopted: string[] = [];
    const watcher = (name: string) =>
      startZoneFailover(
        {
          directory,
          owner: name,
          local: () => [],
          adopt: async (zoneId, epoch) => void adopted.push(`${name}:${zoneId}@${epoch}`),
          failoverAfterMs: 1_500,
          intervalMs: 60_000,
          logger: silentLogger,
        },
        context,
      );
    const a = await watcher('a');
    await a.check();
    expect(adopted).toEqual([]);
    const b = await watcher('b');
    await b.check();
    await Promise.all([a.stop(), b.stop()]);
    expect(adopted).toEqual(['b:east@1']);
    expect(claims.get('east')).toBe('b');
  });

  it('failover - a zone hosted here is never adopted again, and a directory that fails is retried', async () => {
    let fail = true;
    const { directory } = sharedDirectory([entry('east', 5_000)]);
    const flaky: ZoneDirectory = {
      ...directory,
      orphans: async (ms) => {
        if (fail) throw new Error('redis down');
        return directory.orphans(ms);
      },
    };
    const adopted: string[] = [];
    const local = ['east'];
    const watcher = await startZoneFailover(
      {
        directory: flaky,
        owner: 'a',
        local: () => local,
        adopt: async (zoneId) => void adopted.push(zoneId),
        failoverAfterMs: 1_500,
        intervalMs: 60_000,
        logger: silentLogger,
      },
      context,
    );
    await watcher.check();
    fail = false;
    await watcher.check();
    local.length = 0;
    await watcher.check();
    await watcher.stop();
    expect(adopted).toEqual(['east']);
  });

  it('failover - a take-over whose recovery fails is tried again on the next check, not left for the claim to go stale', async () => {
    const { directory, claims } = sharedDirectory([entry('east', 5_000)]);
    const attempts: string[] = [];
    let recovers = false;
    const local: string[] = [];
    const watcher = await startZoneFailover(
      {
        directory,
        owner: 'b',
        local: () => local,
        adopt: async (zoneId, epoch) => {
          attempts.push(`${zoneId}@${epoch}`);
          if (!recovers) throw new Error('snapshot store timed out');
          local.push(zoneId);
        },
        failoverAfterMs: 1_500,
        intervalMs: 60_000,
        logger: silentLogger,
      },
      context,
    );
    await watcher.check();
    expect(attempts).toEqual(['east@1']);
    recovers = true;
    await watcher.check();
    // The same claim (epoch 1), recovered this time; nothing more once it runs here.
    expect(attempts).toEqual(['east@1', 'east@1']);
    await watcher.check();
    await watcher.stop();
    expect(attempts).toHaveLength(2);
    expect(claims.get('east')).toBe('b');
  });

  it('failover - a process that is stopping takes nothing over, so no zone runs here and on its holder', async () => {
    const { directory, claims } = sharedDirectory([entry('east', 5_000)]);
    const adopted: string[] = [];
    let stopping = true;
    const watcher = await startZoneFailover(
      {
        directory,
        owner: 'a',
        local: () => [],
        adopt: async (zoneId) => void adopted.push(zoneId),
        failoverAfterMs: 1_500,
        adopting: () => !stopping,
        intervalMs: 60_000,
        logger: silentLogger,
      },
      context,
    );
    await watcher.check();
    expect(adopted).toEqual([]);
    expect(claims.size).toBe(0);
    stopping = false;
    await watcher.check();
    await watcher.stop();
    expect(adopted).toEqual(['east']);
  });
});

describe('zone directory calls that time out', () => {
  it('hand-off - a release that timed out after it ran is sent again, and answers as the first would have', async () => {
    // Redis runs the release; the answer comes after the client's timeout, twice.
    let owner: string | undefined = 'a';
    let late = 2;
    const sent: string[] = [];
    const directory: Pick<ZoneDirectory, 'release'> = {
      async release(_entry, by) {
        sent.push(by);
        const held = owner === by;
        if (late-- > 0) throw new Error('redis command timed out after 250 ms');
        return held;
      },
    };
    expect(await releaseZone(directory, entry('east', 0), 'a', 1)).toBe(true);
    expect(sent).toEqual(['a', 'a', 'a']);
    // A peer took it meanwhile: false, the zone is gone from here either way.
    owner = 'b';
    expect(await releaseZone(directory, entry('east', 0), 'a', 1)).toBe(false);
    // Never answered: the caller hears why.
    late = Infinity;
    await expect(releaseZone(directory, entry('east', 0), 'a', 1, 3)).rejects.toThrow(/timed out/);
  });

  it('acquire - a take that timed out after it ran is sent again until answered: the same owner gets the zone', async () => {
    let holder: { owner: string; epoch: number } | undefined;
    let late = 2;
    const directory: Pick<ZoneDirectory, 'acquire'> = {
      async acquire(_zoneId, owner) {
        if (holder && holder.owner !== owner) return undefined;
        holder = { owner, epoch: (holder?.epoch ?? 0) + 1 };
        if (late-- > 0) throw new Error('redis command timed out after 250 ms');
        return holder.epoch;
      },
    };
    const take = { expectedEpoch: -1, staleAfterMs: 1_500 };
    expect(await acquireWhenAnswered(directory, 'east', 'a', take, () => true, 1)).toBe(3);
    // A live peer holds it: undefined; no longer wanted: abandoned without a call.
    expect(await acquireWhenAnswered(directory, 'east', 'b', take, () => true, 1)).toBeUndefined();
    expect(await acquireWhenAnswered(directory, 'east', 'b', take, () => false, 1)).toBe('abandoned');
  });
});
