import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedEventLog, decodeDeadLetter } from '@tickline/eventlog';
import {
  createEventSource,
  createMetricsRegistry,
  decodeEvent,
  defineEvent,
  silentLogger,
} from '@tickline/kernel';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { loadTicklineConfig } from '../config/load.ts';
import { createConsumerService } from '../wiring/consumer.ts';
import { startProcess, type RunningProcess, type StartProcessOptions } from './start-process.ts';

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
  components?: StartProcessOptions['components'],
): Promise<{ process: RunningProcess; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tickline-runtime-'));
  dirs.push(dataDir);
  const config = loadTicklineConfig({
    env: { TICKLINE_DATA_DIR: dataDir, TICKLINE_HTTP_PORT: '0', TICKLINE_HTTP_HOST: '127.0.0.1', ...env },
  });
  running = await startProcess({
    config,
    logger: silentLogger,
    metrics: createMetricsRegistry({ processMetrics: false }),
    handleSignals: false,
    ...(components ? { components } : {}),
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
    const publisher = process.runtime.publisher!.instance;
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
    process.runtime.markFailed(new Error('boom'));
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

  it('runtime - a service that cannot start stops the others and rejects', async () => {
    const first = await start();
    const second = loadTicklineConfig({
      env: { TICKLINE_DATA_DIR: first.dataDir, TICKLINE_HTTP_PORT: '0', TICKLINE_HTTP_HOST: '127.0.0.1' },
    });
    // The first process holds the log's lock.
    await expect(
      startProcess({
        config: second,
        logger: silentLogger,
        metrics: createMetricsRegistry({ processMetrics: false }),
        handleSignals: false,
      }),
    ).rejects.toMatchObject({ code: 'KERNEL_SERVICE_FAILED', details: { service: 'eventlog' } });
  });
});

describe('runtime - roles', () => {
  it('runtime - a collector opens no dead-letter log', async () => {
    const { process, dataDir } = await start({ TICKLINE_ROLE: 'collector' });
    expect(Object.keys(process.runtime.health())).toEqual(['eventlog', 'publisher', 'http']);
    expect(existsSync(join(dataDir, 'eventlog-dlq'))).toBe(false);
  });
});

describe('runtime - components', () => {
  it('components - a consumer runs between the publisher and HTTP, with its metrics and dead letters', async () => {
    const seen: string[] = [];
    const { process } = await start({}, (shared) => [
      createConsumerService(shared, {
        name: 'notices',
        waitMs: 20,
        retry: { maxAttempts: 1 },
        // A batch takes effect whole or not at all, as the runner requires.
        handle: async (batch) => {
          const texts = batch.map((event) => (event.data as { text: string }).text);
          if (texts.includes('poison')) throw new Error('cannot handle poison');
          seen.push(...texts);
        },
      }),
    ]);
    expect(Object.keys(process.runtime.health())).toEqual([
      'eventlog',
      'eventlog-dlq',
      'publisher',
      'notices',
      'http',
    ]);
    const source = createEventSource({ source: 'test/runtime' });
    const publisher = process.runtime.publisher!.instance;
    for (const text of ['a', 'poison', 'b'])
      publisher.publish(source.create(Noticed, { subject: 'zone-1', data: { text } }));
    expect(await publisher.flush(5_000)).toBe(true);
    await vi.waitFor(() => expect(seen).toEqual(['a', 'b']), { timeout: 5_000 });

    const metrics = await (await fetch(`${process.url!}/metrics`)).text();
    expect(metrics).toMatch(/^tickline_consumer_\w+\{consumer="notices"\} /m);

    const dlq = process.runtime.deadLetterLog!.log;
    await vi.waitFor(async () => expect((await dlq.head()).last).toBe(1), { timeout: 5_000 });
    const [letter] = await dlq.read({ from: 1, limit: 1 });
    expect(decodeDeadLetter(letter!.payload)).toMatchObject({
      consumer: 'notices',
      error: { message: expect.stringContaining('poison') },
    });
  });
});
