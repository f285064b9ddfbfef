/**
 * @module An in-process notify for integration tests: an event log, a started publisher, SQL,
 * the host with all its services started, a manual clock, and helpers to publish domain events
 * and read what notify published back.
 */
import { createInMemoryEventLog, createPublisher, type EventLog, type Publisher } from '@tickline/eventlog';
import {
  createEventSource,
  decodeEvent,
  defineEvent,
  ManualClock,
  Registry,
  silentLogger,
  type EventEnvelope,
} from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import { tempDir, type TempDir } from '@tickline/testing';
import { z } from 'zod';
import { NotifyConfigSchema, type NotifyConfigInput } from '../config.ts';
import { createNotifyHost, type NotifyHost, type NotifyHostDeps } from '../host.ts';

export const TEST_SECRET = 'notify-test-master-secret-0123456789';
/** Retries after 0.2 s, 0.4 s, 0.8 s: the whole schedule fits in a test. */
export const FAST_RETRY_S = [0.2, 0.4, 0.8];

export interface NotifyHarness {
  clock: ManualClock;
  log: EventLog;
  publisher: Publisher;
  host: NotifyHost;
  /** Publishes a domain event of any type (data not validated). */
  emit(type: string, subject: string, data: Record<string, unknown>): EventEnvelope;
  /** Every event on the log of `type`. */
  published(type: string): Promise<EventEnvelope[]>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  sql: Sql;
  config?: NotifyConfigInput;
  log?: EventLog;
  deps?: Partial<NotifyHostDeps>;
}

const anyData = z.record(z.string(), z.unknown());

export async function startNotifyHarness(options: HarnessOptions): Promise<NotifyHarness> {
  const clock = new ManualClock(Date.now());
  const log = options.log ?? createInMemoryEventLog();
  const spill: TempDir = await tempDir('notify-harness');
  const publisher = createPublisher({ log, spillDir: spill.path });
  const context = { logger: silentLogger, fail: (error: unknown) => console.error('service failed', error) };
  await publisher.start(context);
  const config = NotifyConfigSchema.parse({
    webhooks: { allowPrivateTargets: true, timeoutMs: 3_000 },
    dispatch: { pollIntervalMs: 50, retryScheduleSeconds: FAST_RETRY_S, retryJitter: 0 },
    ...options.config,
  });
  const host = createNotifyHost({
    settings: config,
    eventLog: log,
    publisher,
    sql: options.sql,
    secret: TEST_SECRET,
    metrics: new Registry(),
    logger: silentLogger,
    clock,
    ...options.deps,
  });
  for (const service of host.services) await service.start(context);
  const source = createEventSource({ source: 'test/domain', clock });
  const definitions = new Map<string, ReturnType<typeof defineEvent>>();
  return {
    clock,
    log,
    publisher,
    host,
    emit(type, subject, data) {
      let definition = definitions.get(type);
      if (!definition)
        definitions.set(type, (definition = defineEvent({ type, description: type, schema: anyData })));
      const event = source.create(definition, { subject, data });
      publisher.publish(event);
      return event;
    },
    async published(type) {
      const out: EventEnvelope[] = [];
      for (let from = 0; ;) {
        const records = await log.read({ from, limit: 10_000 });
        if (records.length === 0) return out;
        for (const r of records) if (r.type === type) out.push(decodeEvent(r.payload));
        from = records.at(-1)!.offset + 1;
      }
    },
    async stop() {
      for (const service of [...host.services].reverse()) await service.stop();
      await host.close();
      await publisher.stop();
      if (!options.log) await log.close();
      await spill.remove();
    },
  };
}
