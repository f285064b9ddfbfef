import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedEventLog, partitionIndex } from '@tickline/eventlog';
import {
  createEventSource,
  createMetricsRegistry,
  decodeEvent,
  defineEvent,
  silentLogger,
} from '@tickline/kernel';
import { afterEach, describe, expect, it } from 'vitest';
import { seedDataDir } from '@tickline/testing';
import { z } from 'zod';
import { bootstrap, type RunningProcess } from '../bootstrap/bootstrap.ts';
import { loadTicklineConfig } from '../config/load.ts';

const Moved = defineEvent({
  type: 'game.player.moved',
  version: 1,
  description: 'A move (test shape).',
  schema: z.object({ x: z.number() }),
});

const dirs: string[] = [];
let running: RunningProcess | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tickline-game-log-'));
  dirs.push(dataDir);
  const config = loadTicklineConfig({
    env: { TICKLINE_DATA_DIR: dataDir, TICKLINE_HTTP_PORT: '0', TICKLINE_HTTP_HOST: '127.0.0.1', ...env },
  });
  await seedDataDir({ TICKLINE_DATA_DIR: dataDir });
  running = await bootstrap(config, {
    logger: silentLogger,
    metrics: createMetricsRegistry({ processMetrics: false }),
    handleSignals: false,
    modules: [],
  });
  return { process: running, dataDir };
}

/** Every record of the embedded log in `dir`. */
async function recordsIn(dir: string) {
  const log = await createEmbeddedEventLog({ dir, readOnly: true });
  try {
    return await log.read({ from: 1, limit: 100 });
  } finally {
    await log.close();
  }
}

describe('game log partitions', () => {
  it('partitions - the default keeps zone events in the main log and opens nothing else', async () => {
    const { process, dataDir } = await start({});
    expect(process.gameLog).toBeUndefined();
    expect(Object.keys(process.health())).not.toContain('game-publisher');
    expect(existsSync(join(dataDir, 'eventlog-game-0'))).toBe(false);
  });

  it('partitions - four: a zone’s events land in its partition’s log only, and /readyz shows each', async () => {
    const { process, dataDir } = await start({ TICKLINE_EVENTLOG_GAME_PARTITIONS: '4' });
    const res = await fetch(`${process.url!}/readyz`);
    const services = Object.keys(((await res.json()) as { services: Record<string, unknown> }).services);
    expect(services).toEqual(
      expect.arrayContaining(['eventlog-game-0', 'eventlog-game-3', 'game-publisher']),
    );
    const zones = ['zone-1', 'zone-2', 'zone-3', 'zone-4'];
    const events = zones.map((zone) =>
      createEventSource({ source: `zone/${zone}` }).create(Moved, {
        subject: 'p1',
        partitionkey: zone,
        data: { x: 1 },
      }),
    );
    for (const event of events) process.gameLog!.publisher.publish(event);
    expect(await process.gameLog!.publisher.flush(10_000)).toBe(true);
    await process.stop();
    running = undefined;
    expect(await recordsIn(join(dataDir, 'eventlog'))).toEqual([]);
    for (const [i, event] of events.entries()) {
      const partition = partitionIndex(zones[i]!, 4);
      const records = await recordsIn(join(dataDir, `eventlog-game-${partition}`));
      expect(records.map((r) => decodeEvent(r.payload))).toEqual([event]);
    }
  });
});
