/**
 * @module A notify process for crash tests: the host (matcher, enqueue, dispatcher) on a NATS
 * JetStream log and PostgreSQL, configured from argv[2] (JSON). Prints `ready` once started; the
 * test kills it with SIGKILL whenever it likes.
 */
import { createNatsEventLog, createPublisher } from '@tickline/eventlog';
import { Registry, silentLogger } from '@tickline/kernel';
import { createPostgresSql } from '@tickline/store';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotifyConfigSchema } from '../config.ts';
import { createNotifyHost } from '../host.ts';

interface ChildConfig {
  natsUrl: string;
  stream: string;
  databaseUrl: string;
  secret: string;
}

const config = JSON.parse(process.argv[2]!) as ChildConfig;
const log = await createNatsEventLog({ servers: config.natsUrl, stream: config.stream, ackWaitMs: 3_000 });
const publisher = createPublisher({ log, spillDir: mkdtempSync(join(tmpdir(), 'notify-child-')) });
const context = { logger: silentLogger, fail: (error: unknown) => console.error('service failed', error) };
await publisher.start(context);
const sql = await createPostgresSql({ url: config.databaseUrl });
const host = createNotifyHost({
  settings: NotifyConfigSchema.parse({
    webhooks: { allowPrivateTargets: true, timeoutMs: 5_000 },
    tiers: { enterprise: { rateLimitPerHour: 1_000_000 } },
    dispatch: {
      pollIntervalMs: 50,
      batchSize: 100,
      leaseMs: 3_000,
      retryScheduleSeconds: [0.5, 1, 2, 4],
      retryJitter: 0,
    },
  }),
  eventLog: log,
  publisher,
  sql,
  secret: config.secret,
  metrics: new Registry(),
  logger: silentLogger,
});
for (const service of host.services) await service.start(context);
process.stdout.write('ready\n');
