import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedEventLog, decodeDeadLetter, type ConsumerFactory } from '@tickline/eventlog';
import {
  createEventSource,
  createMetricsRegistry,
  decodeEvent,
  defineEvent,
  EventRegistry,
  silentLogger,
} from '@tickline/kernel';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { loadTicklineConfig } from '../config/load.ts';
import type { ServerModule } from '../domains.ts';
import { bootstrap, type RunningProcess } from './bootstrap.ts';

const Noticed = defineEvent({
  type: 'test.notice.broadcast',
  version: 1,
  description: 'A test notice.',
  schema: z.object({ text: z.string() }),
});

const dirs: string[] = [];
let running: RunningProcess | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start(
  env: Record<string, string> = {},
  modules: readonly ServerModule[] = [],
): Promise<{ process: RunningProcess; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tickline-runtime-'));
  dirs.push(dataDir);
  const config = loadTicklineConfig({
    env: { TICKLINE_DATA_DIR: dataDir, TICKLINE_HTTP_PORT: '0', TICKLINE_HTTP_HOST: '127.0.0.1', ...env },
  });
  running = await bootstrap(config, {
    logger: silentLogger,
    metrics: createMetricsRegistry({ processMetrics: false }),
    handleSignals: false,
    modules,
  });
  return { process: running, dataDir };
}

describe('runtime - role all on the embedded log', () => {
  it('runtime - starts every shared service and reports ready', async () => {
    const { process } = await start();
    expect(process.url).toMatch(/^http:\/\/localhost:\d+$/);
    const res = await fetch(`${process.url!}/readyz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { services: Record<string, { status: string }> };
    expect(Object.keys(body.services)).toEqual(['eventlog', 'eventlog-dlq', 'publisher', 'http']);
  });

  it('runtime - the publisher writes into the embedded log under dataDir', async () => {
    const { process, dataDir } = await start();
    const source = createEventSource({ source: 'test/runtime' });
    const event = source.create(Noticed, { subject: 'zone-1', data: { text: 'hello' } });
    const publisher = process.publisher;
    publisher.publish(event);
    expect(await publisher.flush(5_000)).toBe(true);
    await process.stop();
    running = undefined;
    const log = await createEmbeddedEventLog({ dir: join(dataDir, 'eventlog'), readOnly: true });
    const [record] = await log.read({ from: 1, limit: 10 });
    await log.close();
    expect(decodeEvent(record!.payload)).toEqual(event);
    expect(existsSync(join(dataDir, 'spill'))).toBe(true);
  });

  it('runtime - a fatal error marks the process failed on /readyz', async () => {
    const { process } = await start();
    process.markFailed(new Error('boom'));
    const res = await fetch(`${process.url!}/readyz`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { services: Record<string, unknown> }).services.process).toEqual({
      status: 'failed',
      detail: 'Error: boom',
    });
  });

  it('runtime - stop releases the log lock and the port', async () => {
    const { process, dataDir } = await start();
    const url = process.url!;
    await process.stop();
    running = undefined;
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    const reopened = await createEmbeddedEventLog({ dir: join(dataDir, 'eventlog') });
    await reopened.close();
  });

  it('bootstrap - a step that cannot start rejects naming the step', async () => {
    const first = await start();
    const second = loadTicklineConfig({
      env: { TICKLINE_DATA_DIR: first.dataDir, TICKLINE_HTTP_PORT: '0', TICKLINE_HTTP_HOST: '127.0.0.1' },
    });
    // The first process holds the log's lock.
    await expect(
      bootstrap(second, {
        logger: silentLogger,
        metrics: createMetricsRegistry({ processMetrics: false }),
        handleSignals: false,
        modules: [],
      }),
    ).rejects.toMatchObject({ code: 'SERVER_START_FAILED', details: { step: 'eventlog' } });
  });

  // PGlite starts and migrates twice in this one (initdb is WebAssembly): seconds on a quiet
  // machine, over 60 s at load 18 beside stress-ng --cpu 2 — so as long as a server hook gets.
  it(
    'bootstrap - a failure at a late step stops what started, in reverse, and names the step',
    { timeout: 180_000 },
    async () => {
      const first = await start();
      const port = new URL(first.process.url!).port;
      const dataDir = mkdtempSync(join(tmpdir(), 'tickline-runtime-'));
      dirs.push(dataDir);
      const journal: string[] = [];
      const recorder: ServerModule = {
        name: 'recorder',
        migrations: undefined,
        after: [],
        createHost: () => ({
          services: [
            {
              name: 'recorder',
              start: async () => void journal.push('start recorder'),
              stop: async () => void journal.push('stop recorder'),
              health: () => ({ status: 'up' as const }),
            },
          ],
        }),
      };
      const config = loadTicklineConfig({
        env: { TICKLINE_DATA_DIR: dataDir, TICKLINE_HTTP_PORT: port, TICKLINE_HTTP_HOST: '127.0.0.1' },
      });
      // The first process holds the port: the http step fails after the log, publisher, SQL and module.
      const failed = bootstrap(config, {
        logger: silentLogger,
        metrics: createMetricsRegistry({ processMetrics: false }),
        handleSignals: false,
        modules: [recorder],
      });
      await expect(failed).rejects.toMatchObject({ code: 'SERVER_START_FAILED', details: { step: 'http' } });
      await expect(failed).rejects.toThrow(/^start-up failed at step http: /);
      expect(journal).toEqual(['start recorder', 'stop recorder']);
      // The log and the database were closed: another process may open them.
      const log = await createEmbeddedEventLog({ dir: join(dataDir, 'eventlog') });
      await log.close();
    },
  );
});

describe('runtime - roles', () => {
  it('runtime - a collector opens no dead-letter log', async () => {
    const { process, dataDir } = await start({ TICKLINE_ROLE: 'collector' });
    expect(Object.keys(process.health())).toEqual(['eventlog', 'publisher', 'http']);
    expect(existsSync(join(dataDir, 'eventlog-dlq'))).toBe(false);
  });
});

describe('bootstrap - modules', () => {
  it(
    "modules - a module's consumer runs after SQL and before HTTP, with its metrics and dead letters",
    { timeout: 180_000 },
    async () => {
      const seen: string[] = [];
      const notices: ServerModule = {
        name: 'notices',
        migrations: undefined,
        after: [],
        createHost: (deps: { consumers: ConsumerFactory }) => ({
          services: [
            deps.consumers({
              name: 'notices',
              // Its own events: the process registry knows only the domains'.
              registry: new EventRegistry([Noticed]),
              waitMs: 20,
              retry: { maxAttempts: 1 },
              // A batch takes effect whole or not at all, as the runner requires.
              handle: async (batch) => {
                const texts = batch.map((event) => (event.data as { text: string }).text);
                if (texts.includes('poison')) throw new Error('cannot handle poison');
                seen.push(...texts);
              },
            }),
          ],
        }),
      };
      const { process } = await start({}, [notices]);
      expect(Object.keys(process.health())).toEqual([
        'eventlog',
        'eventlog-dlq',
        'publisher',
        'rpc',
        'sql',
        'notices',
        'http',
      ]);
      const source = createEventSource({ source: 'test/runtime' });
      const publisher = process.publisher;
      for (const text of ['a', 'poison', 'b'])
        publisher.publish(source.create(Noticed, { subject: 'zone-1', data: { text } }));
      expect(await publisher.flush(5_000)).toBe(true);
      await vi.waitFor(() => expect(seen).toEqual(['a', 'b']), { timeout: 5_000 });

      const metrics = await (await fetch(`${process.url!}/metrics`)).text();
      expect(metrics).toMatch(/^tickline_consumer_\w+\{consumer="notices"\} /m);

      const dlq = process.deadLetters!;
      await vi.waitFor(async () => expect((await dlq.head()).last).toBe(1), { timeout: 5_000 });
      const [letter] = await dlq.read({ from: 1, limit: 1 });
      expect(decodeDeadLetter(letter!.payload)).toMatchObject({
        consumer: 'notices',
        error: { message: expect.stringContaining('poison') },
      });
    },
  );
});
