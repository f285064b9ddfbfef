/**
 * @module The publisher's worker thread: opens the log, runs the ordinary publisher (memory queue,
 * spill journal, ordered re-send — one implementation, one set of guarantees) and feeds it the
 * batches the publishing thread transfers: records are queued as they are, codec entries become
 * events here, so building, encoding and appending them costs this thread, not the producer's.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ServiceStatus, type Logger, type ServiceHealth } from '@tickline/kernel';
import { createEmbeddedEventLog } from '../../embedded/embedded-event-log.ts';
import { createNatsEventLog } from '../../nats/nats-event-log.ts';
import type { EventLog } from '../../port/event-log.ts';
import { createPublisher } from '../publisher.ts';
import { BatchBuffer, FIRST_CODEC_TAG, RECORD_TAG, readRecord } from './packed-batch.ts';
import type { PackedCodecModule, PackedCodecReader } from './packed-codec.ts';
import type { FromWorker, PublisherWorkerData, ToWorker, WorkerReport } from './worker-protocol.ts';

/** The embedded log's record cache in the worker, unless the spec sets one. */
const WORKER_LOG_CACHE = { maxRecords: 4_096, maxBytes: 4 * 1024 * 1024 };
const port = parentPort!;
const config = workerData as PublisherWorkerData;
const send = (message: FromWorker, transfer?: ArrayBuffer[]) => port.postMessage(message, transfer ?? []);

/** Error objects lose their own fields crossing a thread: send what a log line shows. */
function plain(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] =
      value instanceof Error
        ? {
            name: value.name,
            message: value.message,
            code: (value as { code?: unknown }).code,
            stack: value.stack,
          }
        : value;
  }
  return out;
}

function forwardingLogger(bindings: Record<string, unknown>): Logger {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error' | 'fatal') =>
    (first: string | Record<string, unknown>, message?: string) => {
      const [fields, text] = typeof first === 'string' ? [{}, first] : [plain(first), message];
      send({ type: 'log', level, bindings, fields, message: text });
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
    child: (more) => forwardingLogger({ ...bindings, ...more }),
  };
}

const logger = forwardingLogger({});

async function openLog(): Promise<EventLog> {
  const spec = config.log;
  // Nobody reads in this thread (readers open the log elsewhere): a small cache of recent records
  // is enough, and keeps this thread's heap — and its GC — to what is in flight.
  if (spec.engine === 'embedded')
    return createEmbeddedEventLog({ cache: WORKER_LOG_CACHE, ...spec.options, logger });
  if (spec.engine === 'nats') return createNatsEventLog({ ...spec.options, logger });
  const module = (await import(spec.url)) as { openLog(options: unknown): Promise<EventLog> };
  return module.openLog(spec.options);
}

async function loadCodecs(): Promise<Array<PackedCodecReader | undefined>> {
  const byTag = new Array<PackedCodecReader | undefined>(256);
  for (const url of config.codecs) {
    const module = (await import(url)) as PackedCodecModule;
    for (const codec of module.packedCodecs) {
      if (codec.tag < FIRST_CODEC_TAG || codec.tag > 255 || byTag[codec.tag])
        throw new Error(`packed codec tag ${codec.tag} from ${url} is out of range or taken`);
      byTag[codec.tag] = codec;
    }
  }
  return byTag;
}

let failed = false;
const context = {
  logger,
  fail: (error: unknown) => {
    failed = true;
    send({ type: 'fatal', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  },
};

let log: EventLog;
let codecs: Array<PackedCodecReader | undefined>;
try {
  log = await openLog();
  codecs = await loadCodecs();
} catch (error) {
  send({
    type: 'start-failed',
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  process.exit(0);
}
const { name, spillDir, ...tuning } = config.publisher;
const publisher = createPublisher({ ...tuning, name, spillDir, log, logger });
let received = 0;
let reported = '';

function report(): WorkerReport {
  const health: ServiceHealth = failed
    ? { status: ServiceStatus.Failed, detail: 'publisher worker failed' }
    : publisher.health();
  return { stats: publisher.stats(), received, health };
}

try {
  await publisher.start(context);
} catch (error) {
  await log.close().catch(() => undefined);
  send({
    type: 'start-failed',
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  process.exit(0);
}
send({ type: 'ready', recovery: publisher.recovery()!, report: report() });

// Counters move without batches too (the log drains, the journal fills): report while they change.
const reporter = setInterval(() => {
  const now = report();
  const text = JSON.stringify(now);
  if (text === reported) return;
  reported = text;
  send({ type: 'report', report: now });
}, config.reportIntervalMs);

const cursor = { at: 0 };

function take(buffer: ArrayBuffer, bytes: number, count: number): void {
  const buf = new BatchBuffer(buffer);
  const until = received + count;
  cursor.at = 0;
  while (cursor.at < bytes) {
    const tag = buf.bytes[cursor.at]!;
    received++;
    if (tag === RECORD_TAG) {
      publisher.publishRecord(readRecord(buf, cursor));
      continue;
    }
    const codec = codecs[tag];
    if (!codec) {
      // Where the entry ends is the codec's secret: the rest of the batch cannot be read.
      logger.error(
        { tag, lost: until - received + 1 },
        'publisher worker got an entry of an unknown codec; the rest of its batch is dropped',
      );
      received = until;
      break;
    }
    if (codec.readRecord) publisher.publishRecord(codec.readRecord(buf, cursor));
    else publisher.publish(codec.read(buf, cursor));
  }
  send({ type: 'free', buffer, report: report() }, [buffer]);
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'batch':
      take(message.buffer, message.bytes, message.count);
      return;
    case 'flush':
      void publisher
        .flush(message.timeoutMs)
        .then((drained) => send({ type: 'flushed', id: message.id, drained, report: report() }));
      return;
    case 'stop':
      void (async () => {
        clearInterval(reporter);
        await publisher.stop();
        await log
          .close()
          .catch((error: unknown) => logger.warn({ err: error }, 'closing the event log failed'));
        send({ type: 'stopped', report: report() });
        port.close();
      })();
      return;
  }
});
