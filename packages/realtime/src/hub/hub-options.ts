/** @module Hub options, their defaults, and the one function that resolves them. */
import { systemClock, type Clock, type Logger, silentLogger } from '@tickline/kernel';
import { ChannelPattern } from '@tickline/protocol';
import { RealtimeError } from '../errors.ts';

/** Events kept per channel for resume. */
export const DEFAULT_HISTORY_MAX_EVENTS = 1_000;
/**
 * How long an event stays resumable: 2 minutes, Socket.IO's default for connection state recovery
 * (`maxDisconnectionDuration`), meant for intermittent disconnections; a client away longer gets
 * an explicit reset and reloads. At 5 minutes the embedded default's market channels held ~48,000
 * messages (~30 MB of the main heap) for clients that were not there.
 */
export const DEFAULT_HISTORY_MAX_AGE_MS = 2 * 60_000;
/** How often idle channels' histories are expired and empty channels dropped. */
export const DEFAULT_HISTORY_SWEEP_INTERVAL_MS = 30_000;
/** Market data is a stream of latest values: a congested client gets the newest per channel. */
export const DEFAULT_COALESCE_PATTERNS: readonly string[] = [ChannelPattern.Market];

/** Options for {@link createHub}. */
export interface HubOptions {
  history?: {
    /** Events held per channel; 0 disables resume. @default 1_000 */
    maxEvents?: number;
    /** Age after which an event is dropped from history. @default 120_000 (2 minutes) */
    maxAgeMs?: number;
    /** Period of the sweep that expires idle channels. @default 30_000 */
    sweepIntervalMs?: number;
  };
  /**
   * Channel patterns (see `compileChannelPattern`) whose messages may be coalesced to the latest
   * value per channel for a congested client. Every other channel never drops: a congested client
   * is disconnected with RT_SLOW_CONSUMER instead.
   * @default ['market:**']
   */
  coalesce?: readonly string[];
  /** @default systemClock */
  clock?: Clock;
  /** @default silentLogger */
  logger?: Logger;
}

export interface ResolvedHubOptions {
  historyMaxEvents: number;
  historyMaxAgeMs: number;
  historySweepIntervalMs: number;
  coalesce: readonly string[];
  clock: Clock;
  logger: Logger;
}

export function resolveHubOptions(options: HubOptions): ResolvedHubOptions {
  const resolved: ResolvedHubOptions = {
    historyMaxEvents: options.history?.maxEvents ?? DEFAULT_HISTORY_MAX_EVENTS,
    historyMaxAgeMs: options.history?.maxAgeMs ?? DEFAULT_HISTORY_MAX_AGE_MS,
    historySweepIntervalMs: options.history?.sweepIntervalMs ?? DEFAULT_HISTORY_SWEEP_INTERVAL_MS,
    coalesce: options.coalesce ?? DEFAULT_COALESCE_PATTERNS,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? silentLogger,
  };
  assertNonNegativeInteger('history.maxEvents', resolved.historyMaxEvents);
  assertNonNegativeInteger('history.maxAgeMs', resolved.historyMaxAgeMs);
  assertNonNegativeInteger('history.sweepIntervalMs', resolved.historySweepIntervalMs);
  return resolved;
}

/** Throws RT_INVALID_OPTIONS unless `value` is an integer ≥ `min`. */
export function assertNonNegativeInteger(field: string, value: number, min = 0): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RealtimeError('RT_INVALID_OPTIONS', `${field} must be an integer ≥ ${min}`, {
      details: { field, value },
    });
  }
}
