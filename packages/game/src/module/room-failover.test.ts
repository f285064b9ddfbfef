/**
 * A new room's take in the rooms directory, when Redis does not answer in time. On a loaded
 * machine the directory's command timed out once; the room then ran unfenced for good and could
 * never be handed off. The take is tried again until it lands.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInMemoryEventLog, createPublisher } from '@tickline/eventlog';
import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { until } from '@tickline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createJoinTokens } from '../coordinator/join-token.ts';
import { builtInGames } from '../games/load-games.ts';
import { RoomRegistry } from '../rooms/room-registry.ts';
import { RoomSessions } from '../rooms/room-sessions.ts';
import { createMemorySnapshotStore } from '../snapshots/memory-snapshot-store.ts';
import { SnapshotScheduler } from '../snapshots/snapshot-scheduler.ts';
import { createRoomFailover } from './room-failover.ts';
import type { ZoneDirectory } from './zone-directory.ts';

const context = { logger: silentLogger, fail: () => {} };
const games = new Map(builtInGames().map((g) => [g.name, g]));
const stops: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** A directory whose first `failures` takes time out (after landing, as a slow Redis's may). */
function flakyDirectory(failures: number) {
  const owners = new Map<string, { owner: string; epoch: number }>();
  let calls = 0;
  const directory: ZoneDirectory = {
    publish: async () => [],
    async acquire(zoneId, owner) {
      calls++;
      const epoch = (owners.get(zoneId)?.epoch ?? 0) + 1;
      owners.set(zoneId, { owner, epoch });
      if (calls <= failures) throw new Error('redis command timed out after 250 ms');
      return epoch;
    },
    release: async (entry, owner, epoch) => owners.get(entry.zoneId)?.epoch === epoch,
    ready: async () => true,
    read: async () => [],
    remove: async () => {},
    orphans: async () => [],
    close: async () => {},
  };
  return { directory, calls: () => calls };
}

async function roomsWith(directory: ZoneDirectory) {
  const log = createInMemoryEventLog();
  const metrics = createMetricsRegistry({ processMetrics: false });
  const dir = mkdtempSync(join(tmpdir(), 'tickline-room-take-'));
  stops.push(() => rmSync(dir, { recursive: true, force: true }));
  const publisher = createPublisher({ log, metrics, spillDir: join(dir, 'spill') });
  await publisher.start(context);
  const registry = new RoomRegistry({ games: () => games, events: publisher, tickRateHz: 30 });
  const tokens = createJoinTokens({ secret: 'room-failover-unit-secret-of-32-bytes-or-more' });
  const sessions = new RoomSessions({ tokens, registry, resumeGraceMs: 30_000 });
  const hot = createMemorySnapshotStore();
  const scheduler = new SnapshotScheduler({ hot, log, hotIntervalMs: 60_000, metrics });
  await scheduler.start(context);
  const failover = createRoomFailover({
    registry,
    sessions,
    scheduler,
    stores: [hot],
    logFor: () => log,
    games: () => games,
    directory,
    owner: 'east',
    failoverAfterMs: 1_000,
    addresses: () => ({ tcp: null, ws: 'ws://127.0.0.1:1/game/ws' }),
    leased: () => true,
    renewed: () => {},
    logger: silentLogger,
  });
  await failover.start(context);
  stops.push(
    () => publisher.stop(),
    () => scheduler.stop(),
    () => registry.close(),
    () => failover.stop(),
  );
  return { registry, failover };
}

describe('room failover - a new room taken in the directory', () => {
  it('a take that timed out is tried again: the room is held at an epoch and can be handed off', async () => {
    const flaky = flakyDirectory(2);
    const { registry, failover } = await roomsWith(flaky.directory);
    const roomId = registry.create('connect-four').roomId;
    let result: { from: string; to: string | null } | undefined;
    await until(
      async () => {
        result = await failover.handOff(roomId, 'moving you', 0).catch(() => undefined);
        return result !== undefined;
      },
      { timeoutMs: 20_000, what: 'a hand-off the directory allows' },
    );
    expect(flaky.calls()).toBe(3);
    expect(result).toMatchObject({ from: 'east', to: null });
    expect(registry.get(roomId)).toBeUndefined();
  }, 30_000);
});
