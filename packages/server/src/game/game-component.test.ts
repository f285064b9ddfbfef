import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInMemoryEventLog, createPublisher, type Publisher } from '@tickline/eventlog';
import { MessageType, TestGameClient } from '@tickline/game/internal';
import { createMetricsRegistry, silentLogger } from '@tickline/kernel';
import { freePort } from '@tickline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTicklineConfig } from '../config/load.ts';
import { createGameComponent, type GameComponent } from './game-component.ts';

const context = { logger: silentLogger, fail: () => {} };
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function startGame(): Promise<{ game: GameComponent; tcpPort: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tickline-game-component-'));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const tcpPort = await freePort();
  const config = loadTicklineConfig({
    env: {
      TICKLINE_DATA_DIR: dataDir,
      TICKLINE_GAME_TCP_PORT: String(tcpPort),
      TICKLINE_GAME_TCP_HOST: '127.0.0.1',
      TICKLINE_GAME_SNAPSHOTS_HOT_INTERVAL_MS: '100',
    },
  });
  const metrics = createMetricsRegistry({ processMetrics: false });
  const log = createInMemoryEventLog();
  const publisher: Publisher = createPublisher({ log, spillDir: join(dataDir, 'spill'), metrics });
  await publisher.start(context);
  cleanup.push(() => publisher.stop());
  const game = createGameComponent({ config, metrics, publisher: () => publisher, log: () => log });
  await game.start(context);
  cleanup.push(() => game.stop());
  return { game, tcpPort };
}

async function play(game: GameComponent, tcpPort: number, playerId: string) {
  const ticket = game.coordinator.join(playerId);
  const client = await TestGameClient.tcp(tcpPort);
  cleanup.push(() => client.drop());
  client.send({ type: MessageType.Hello, token: ticket.token });
  return { client, welcome: await client.next(MessageType.Welcome), ticket };
}

describe('game component', () => {
  it('component - a drained zone tells its players, stops, and a restart brings it back taking players', async () => {
    const { game, tcpPort } = await startGame();
    const first = await play(game, tcpPort, 'p1');
    expect(first.ticket).toMatchObject({ zone: 'zone-1', tcp: `tcp://{host}:${tcpPort}` });
    await game.persistence.admin.drain('zone-1', 'restarting');
    expect(first.client.received.some((m) => m.type === MessageType.Notice && m.text === 'restarting')).toBe(
      true,
    );
    expect((await first.client.ended).code).toBe('GAME_ZONE_DRAINING');
    const runner = game.runners[0]!;
    expect(runner.running).toBe(false);
    expect(runner.zone.player('p1')).toBeUndefined();

    await game.restartZone('zone-1');
    expect(runner.running).toBe(true);
    const again = await play(game, tcpPort, 'p2');
    expect(again.welcome).toMatchObject({ zoneId: 'zone-1', resumed: false });
    expect(game.health().info).toMatchObject({ connections: 1, recovered: { 'zone-1': {} } });
    await expect(game.restartZone('nowhere')).rejects.toMatchObject({ code: 'GAME_ZONE_UNKNOWN' });
  });
});
