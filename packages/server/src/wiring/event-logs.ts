/**
 * @module Opening the configured event logs: the main log and the dead-letter log, embedded
 * (`${dataDir}/eventlog`, `${dataDir}/eventlog-dlq`) or NATS (`${stream}`, `${stream}_DLQ`); and on
 * NATS the real-time fan-out log between gateways (`${stream}_RT`, kept briefly).
 */
import { resolve } from 'node:path';
import {
  createEmbeddedEventLog,
  createNatsEventLog,
  type EventLog,
  type NatsEventLogOptions,
} from '@tickline/eventlog';
import { redactUrlCredentials, type Logger, type Registry } from '@tickline/kernel';
import type { ResolvedConfig } from '../config/load.ts';
import { DEFAULT_HISTORY_MAX_EVENTS } from '@tickline/realtime';
import { DEFAULT_STREAM } from '../config/schema.ts';

/** Which of the process's logs. */
export const LogKind = { Main: 'main', DeadLetter: 'dead-letter', Realtime: 'realtime' } as const;
export type LogKind = (typeof LogKind)[keyof typeof LogKind];

/** A partition of the game log (`eventlog.gamePartitions` above 1), by index. */
export interface GamePartition {
  gamePartition: number;
}

/** NATS log options that can cross to a worker thread. */
export type NatsLogSpec = Omit<NatsEventLogOptions, 'logger' | 'metrics'>;

/** Where a log lives, for messages and `log info`. */
export type LogLocation =
  | { engine: 'embedded'; dir: string; text: string }
  | { engine: 'nats'; stream: string; servers: string[]; text: string };

/** What the wiring needs to open a log. */
export interface OpenEventLogOptions {
  logger: Logger;
  metrics: Registry;
  /** Open for reading only (CLI inspection): no lock, no writes. @default false */
  readOnly?: boolean;
}

const SUFFIX: Record<LogKind, string> = { main: '', 'dead-letter': '_DLQ', realtime: '_RT' };
const EMBEDDED_DIR: Record<LogKind, string> = {
  main: 'eventlog',
  'dead-letter': 'eventlog-dlq',
  realtime: 'eventlog-realtime',
};
/** The fan-out log carries live frames only (resume is served from each hub's history). */
export const REALTIME_LOG_MAX_AGE_MS = 10 * 60_000;
/**
 * Messages kept per channel on the delivery log: a gateway starting a channel reads at most the
 * hub's history (`realtime.history.maxEvents`, 1,000 by default) from it.
 */
export const REALTIME_LOG_MAX_PER_CHANNEL = DEFAULT_HISTORY_MAX_EVENTS;

/** Where a game log partition lives: `eventlog-game-<i>` embedded, `<stream>_GAME<i>` on NATS. */
export const GAME_PARTITION_DIR_PREFIX = 'eventlog-game-';
export const GAME_PARTITION_STREAM_SUFFIX = '_GAME';

const dirOf = (kind: LogKind | GamePartition) =>
  typeof kind === 'string' ? EMBEDDED_DIR[kind] : `${GAME_PARTITION_DIR_PREFIX}${kind.gamePartition}`;
const suffixOf = (kind: LogKind | GamePartition) =>
  typeof kind === 'string' ? SUFFIX[kind] : `${GAME_PARTITION_STREAM_SUFFIX}${kind.gamePartition}`;

/** The location of `kind` under `config`. */
export function eventLogLocation(config: ResolvedConfig, kind: LogKind | GamePartition): LogLocation {
  if (config.eventlog.engine === 'embedded') {
    const dir = resolve(config.dataDir, dirOf(kind));
    return { engine: 'embedded', dir, text: dir };
  }
  const base = config.eventlog.nats.stream;
  const stream = `${base}${suffixOf(kind)}`;
  const servers = config.eventlog.nats.servers.map(redactUrlCredentials);
  return { engine: 'nats', stream, servers, text: `stream ${stream} on ${servers.join(', ')}` };
}

/**
 * Opens the log `kind` as configured. Embedded logs opened `readOnly` take no lock, so they
 * can be read while a server runs. NATS streams get their own subject space, so a stream and
 * its dead-letter stream (or two deployments on one cluster) never capture each other's subjects.
 */
export async function openEventLog(
  config: ResolvedConfig,
  kind: LogKind | GamePartition,
  options: OpenEventLogOptions,
): Promise<EventLog> {
  const location = eventLogLocation(config, kind);
  const common = { logger: options.logger, metrics: options.metrics };
  if (location.engine === 'embedded') {
    const { fsync, fsyncIntervalMs, segmentBytes, cacheBytes, retention } = config.eventlog.embedded;
    return createEmbeddedEventLog({
      ...common,
      dir: location.dir,
      name: dirOf(kind),
      fsync,
      fsyncIntervalMs,
      segmentBytes,
      cache: { maxBytes: cacheBytes },
      // 0 turns a limit off in the config; the log takes "absent" for that.
      retention: {
        ...(retention.maxBytes > 0 ? { maxBytes: retention.maxBytes } : {}),
        ...(retention.maxAgeMs > 0 ? { maxAgeMs: retention.maxAgeMs } : {}),
      },
      readOnly: options.readOnly ?? false,
    });
  }
  return createNatsEventLog({ ...common, ...natsLogOptions(config, kind) });
}

/**
 * The NATS log `kind` as plain options (no logger or metrics): what {@link openEventLog} opens,
 * and what a worker publisher opens on its own connection.
 */
export function natsLogOptions(config: ResolvedConfig, kind: LogKind | GamePartition): NatsLogSpec {
  const { servers, replicas, user, password, token } = config.eventlog.nats;
  const stream = `${config.eventlog.nats.stream}${suffixOf(kind)}`;
  return {
    servers: [...servers],
    stream,
    subjectPrefix: subjectPrefixFor(stream),
    replicas,
    // Channel keys are segmented (`c:market:X:trades` → one subject token per segment).
    ...(kind === LogKind.Realtime
      ? {
          retention: { maxAgeMs: REALTIME_LOG_MAX_AGE_MS, maxPerKey: REALTIME_LOG_MAX_PER_CHANNEL },
          segmentedKeys: true,
        }
      : {}),
    ...(user === undefined ? {} : { user }),
    ...(password === undefined ? {} : { pass: password }),
    ...(token === undefined ? {} : { token }),
  };
}

/** `TICKLINE` keeps the adapter's default subjects (`tickline.events.*`); other streams get `tickline.<stream>.*`. */
export function subjectPrefixFor(stream: string): string {
  return stream === DEFAULT_STREAM ? 'tickline.events' : `tickline.${stream}`;
}
